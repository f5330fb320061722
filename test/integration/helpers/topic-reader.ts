// Reads whole topics of one lab cluster, internal ones (__consumer_offsets) included, through the
// sidecar's own TopicTailer: no consumer group is joined, so reading leaves no trace in the cluster.
import type { FetchedRecord } from '../../../sidecar/src/kafka/record-set.ts'
import { toConsumerOptions, type ClusterClientOptions } from '../../../sidecar/src/kafka/client-options.ts'
import { RawConsumer } from '../../../sidecar/src/kafka/raw-consumer.ts'
import { TopicTailer } from '../../../sidecar/src/kafka/tailer.ts'
import { recordsOf } from '../../../sidecar/src/kafka/record-set.ts'
import type { Lab } from '../../../lab/lab.ts'

/** A fetched record with its coordinates. */
export interface TopicRecord extends FetchedRecord {
  topic: string
  partition: number
}

/** The sidecar's client options for a lab cluster. */
export function labClient (lab: Lab, alias: string): ClusterClientOptions {
  return { ...lab.clientOptions(alias), clientIdPrefix: 'mm2-failback-it' }
}

/**
 * Follows `topics` on one cluster from the earliest offset and keeps every record, in offset order per
 * partition. `readToEnd()` waits until every partition has been read up to its current end.
 */
export class TopicReader {
  readonly alias: string
  readonly topics: readonly string[]
  readonly errors: unknown[] = []
  private readonly byTopic = new Map<string, TopicRecord[]>()
  private readonly tailer: TopicTailer
  private readonly client: ClusterClientOptions
  private listeners: Array<(record: TopicRecord) => void> = []

  constructor (lab: Lab, alias: string, topics: readonly string[]) {
    this.alias = alias
    this.topics = topics
    this.client = labClient(lab, alias)
    for (const topic of topics) this.byTopic.set(topic, [])
    this.tailer = new TopicTailer({ client: this.client, topics, start: 'earliest', maxWaitMs: 200, topicRefreshMs: 1000, retryDelayMs: 250 }, {
      onRecords: (topic, partition, records) => {
        const list = this.byTopic.get(topic)
        if (list === undefined) return
        for (const record of recordsOf(records, (_offset, error) => { this.errors.push(error) })) {
          const entry = { ...record, topic, partition }
          list.push(entry)
          for (const listener of this.listeners) listener(entry)
        }
      },
      onError: (error) => { this.errors.push(error) }
    })
    this.tailer.start()
  }

  /** Every record read so far from `topic`. */
  records (topic: string): TopicRecord[] {
    return this.byTopic.get(topic) ?? []
  }

  /** Calls `listener` for every record read from now on. */
  onRecord (listener: (record: TopicRecord) => void): void {
    this.listeners.push(listener)
  }

  /** Resolves once every partition known at start was read to the end it had then. */
  async caughtUp (): Promise<void> {
    await this.tailer.caughtUp()
  }

  /** Waits until every partition of every followed topic has been read up to its end offset as of now. */
  async readToEnd (timeoutMs = 60_000): Promise<void> {
    const consumer = new RawConsumer(toConsumerOptions(this.client, 'it-ends'))
    try {
      const metadata = await consumer.rawMetadata([...this.topics])
      for (const [topic, info] of metadata.topics) {
        for (let partition = 0; partition < info.leaders.length; partition++) {
          const end = await this.tailer.endOffset(topic, partition)
          await this.tailer.waitForPosition(topic, partition, end, timeoutMs)
        }
      }
    } finally {
      await consumer.close(true).catch(() => {})
    }
  }

  async close (): Promise<void> {
    await this.tailer.close()
  }
}

/** Every record of `topic` on a lab cluster, read up to its current end, each decoded with `decode`. */
export async function readWholeTopic<T> (lab: Lab, alias: string, topic: string, decode: (record: TopicRecord) => T): Promise<T[]> {
  const reader = new TopicReader(lab, alias, [topic])
  try {
    await reader.caughtUp()
    await reader.readToEnd()
    return reader.records(topic).map(decode)
  } finally {
    await reader.close()
  }
}
