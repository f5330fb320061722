// Reads a range of one partition for the exact proofs (the daemon's and reconcile's): plain Fetch
// requests (no group joined) without a fetch session, so that proofs of many groups read at once;
// read_committed, so the broker sends its aborted-transaction index with the batches, and every data
// record is kept with an `aborted` flag (a proof must know which records MM2 may or may not have
// copied). Control batches (transaction markers) are dropped; their offsets simply do not appear.
// The records are read from the response's bytes (record-set.ts), as the tailer reads them; a batch
// that cannot be read fails the read (a proof must never step over records it did not see).
import { Mm2FailbackError } from '../errors.ts'
import { describeCluster, toConsumerOptions, type ClusterClientOptions } from './client-options.ts'
import { explainClientError, kafkaErrorName } from './client-errors.ts'
import { RawConsumer, type FetchedPartitionSet, type RawClusterMetadata } from './raw-consumer.ts'
import type { FetchedRecord } from './record-set.ts'

export interface RangeRead {
  /** The data records read, in offset order; records of aborted transactions carry `aborted: true`. */
  records: FetchedRecord[]
  /** Where the next read starts (one past the last batch returned). */
  nextOffset: bigint
  /** The last stable offset: nothing more is readable now at or beyond it. */
  endOffset: bigint
  logStartOffset: bigint
}

const ERROR_OFFSET_OUT_OF_RANGE = 1

/** Reads partition ranges on one cluster; see the module comment. */
export class PartitionReader {
  readonly cluster: ClusterClientOptions
  private readonly consumer: RawConsumer
  private metadata: RawClusterMetadata | null = null
  /** Fetch requests sent (for the benchmark's request count). */
  requests = 0

  constructor (cluster: ClusterClientOptions) {
    this.cluster = cluster
    this.consumer = new RawConsumer(toConsumerOptions(cluster, 'reconcile'))
  }

  /** Metadata of the named topics, internal ones included (cached until `refresh`). */
  async topics (names: string[] | null, refresh = false): Promise<RawClusterMetadata> {
    if (this.metadata === null || refresh || (names !== null && names.some((name) => !this.metadata!.topics.has(name)))) {
      this.requests++
      this.metadata = await this.consumer.rawMetadata(names)
    }
    return this.metadata
  }

  /** One metadata request, to tell an unreachable cluster early. */
  async probe (): Promise<void> {
    await this.topics(null, true)
  }

  /** The topic's partition count, null when the topic does not exist. */
  async partitionCount (topic: string): Promise<number | null> {
    return (await this.topics([topic])).topics.get(topic)?.leaders.length ?? null
  }

  /** Up to about `maxBytes` of records of `topic`-`partition` from `from` on. */
  async read (topic: string, partition: number, from: bigint, maxBytes = 1024 * 1024): Promise<RangeRead> {
    let result: FetchedPartitionSet
    try {
      result = await this.fetchOnce(topic, partition, from, maxBytes, false)
    } catch {
      // A leader that moved, or a connection that broke: once more with fresh metadata.
      result = await this.fetchOnce(topic, partition, from, maxBytes, true)
    }
    const endOffset = result.lastStableOffset >= 0n ? result.lastStableOffset : result.highWatermark
    if (result.errorCode === ERROR_OFFSET_OUT_OF_RANGE) {
      // Below the log start (retention) or beyond the end: nothing to read from here.
      const start = result.logStartOffset >= 0n ? result.logStartOffset : from
      return { records: [], nextOffset: from < start ? start : from, endOffset, logStartOffset: start }
    }
    // The broker's answer as it is (read_committed: up to the last stable offset, aborted batches kept,
    // with the index of aborted transactions): every data record below the end, the aborted ones flagged.
    const records: FetchedRecord[] = []
    result.records.forEach((view) => {
      if (view.offset() < endOffset) records.push(view.toRecord())
    }, (offset, error) => {
      const message = `reading ${topic} partition ${partition} on ${describeCluster(this.cluster)} failed: at offset ${offset}, ${error.message}; a proof does not step over records it cannot read.`
      throw new Mm2FailbackError(error.code, message, { cluster: this.cluster.alias, topic, partition, offset }, { cause: error })
    })
    return { records, nextOffset: result.records.nextOffset, endOffset, logStartOffset: result.logStartOffset }
  }

  /** One sessionless Fetch of the partition from its leader (read_committed); throws on a partition error but OFFSET_OUT_OF_RANGE. */
  private async fetchOnce (topic: string, partition: number, from: bigint, maxBytes: number, refresh: boolean): Promise<FetchedPartitionSet> {
    const metadata = await this.topics([topic], refresh)
    const info = metadata.topics.get(topic)
    const leader = info?.leaders[partition]
    const broker = leader === undefined ? undefined : metadata.brokers.get(leader)
    if (info === undefined || leader === undefined || leader < 0 || broker === undefined) {
      const message = `topic ${topic} partition ${partition} has no leader on ${describeCluster(this.cluster)}.`
      throw new Mm2FailbackError('MM2_KAFKA_REQUEST_FAILED', message, { cluster: this.cluster.alias, topic, partition })
    }
    let answers: FetchedPartitionSet[]
    try {
      this.requests++
      const request = { name: topic, id: info.id, partitions: [{ partition, fetchOffset: from, partitionMaxBytes: maxBytes }] }
      const fetch = { topics: [request], maxWaitMs: 0, maxBytes, isolationLevel: 1 as const, keepAborted: true }
      answers = await this.consumer.fetchRecordSets(broker, fetch, this.cluster.alias)
    } catch (error) {
      if (error instanceof Mm2FailbackError) throw error
      const why = explainClientError(error, this.cluster, [{ operation: 'Read', resource: 'Topic', name: topic }])
      const message = `reading ${topic} partition ${partition} from offset ${from} on ${describeCluster(this.cluster)} failed: ${why}`
      throw new Mm2FailbackError('MM2_KAFKA_REQUEST_FAILED', message, { cluster: this.cluster.alias, topic, partition, offset: from }, { cause: error })
    }
    const result = answers.find((entry) => entry.partition === partition)
    if (result === undefined) {
      const message = `no answer for ${topic} partition ${partition} from ${describeCluster(this.cluster)}.`
      throw new Mm2FailbackError('MM2_KAFKA_REQUEST_FAILED', message, { cluster: this.cluster.alias, topic, partition })
    }
    if (result.errorCode !== 0 && result.errorCode !== ERROR_OFFSET_OUT_OF_RANGE) {
      const message = `reading ${topic} partition ${partition} on ${describeCluster(this.cluster)} failed: ${kafkaErrorName(result.errorCode)}.`
      throw new Mm2FailbackError('MM2_KAFKA_REQUEST_FAILED', message, { cluster: this.cluster.alias, topic, partition, offset: from })
    }
    return result
  }

  async close (): Promise<void> {
    await this.consumer.close(true).catch(() => {})
  }
}
