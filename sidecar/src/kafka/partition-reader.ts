// Reads a range of one partition for the exact proofs (the daemon's and reconcile's): plain Fetch
// requests (no group joined) without a fetch session, so that proofs of many groups read at once;
// read_committed, so the broker sends its aborted-transaction index with the batches, and every data
// record is kept with an `aborted` flag (a proof must know which records MM2 may or may not have
// copied). Control batches (transaction markers) are dropped; their offsets simply do not appear.
import type { fetchV17 } from '@platformatic/kafka'
import { Mm2FailbackError } from '../errors.ts'
import { describeCluster, toConsumerOptions, type ClusterClientOptions } from './client-options.ts'
import { explainClientError, kafkaErrorName } from './client-errors.ts'
import { RawConsumer, type RawClusterMetadata } from './raw-consumer.ts'
import { recordsFromBatches, type FetchedRecord } from './record-batches.ts'

type FetchResponse = fetchV17.FetchResponse
type FetchedPartition = FetchResponse['responses'][number]['partitions'][number]

export interface RangeRecord extends FetchedRecord {
  aborted?: boolean
}

export interface RangeRead {
  records: RangeRecord[]
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
    let result: FetchedPartition
    try {
      result = await this.fetchOnce(topic, partition, from, maxBytes, false)
    } catch {
      // A leader that moved, or a connection that broke: once more with fresh metadata.
      result = await this.fetchOnce(topic, partition, from, maxBytes, true)
    }
    if (result.errorCode === ERROR_OFFSET_OUT_OF_RANGE) {
      // Below the log start (retention) or beyond the end: nothing to read from here.
      const start = result.logStartOffset >= 0n ? result.logStartOffset : from
      return {
        records: [],
        nextOffset: from < start ? start : from,
        endOffset: result.lastStableOffset >= 0n ? result.lastStableOffset : result.highWatermark,
        logStartOffset: start
      }
    }
    // The broker's answer as it is (read_committed: up to the last stable offset, aborted batches kept,
    // with the index of aborted transactions): every data record, the aborted ones flagged.
    const batches = result.records ?? []
    const aborted = result.abortedTransactions ?? []
    const all = recordsFromBatches(batches, from, null)
    const endOffset = result.lastStableOffset >= 0n ? result.lastStableOffset : result.highWatermark
    const inRange = all.records.filter((record) => record.offset < endOffset)
    if (aborted.length === 0) return { records: inRange, nextOffset: all.nextOffset, endOffset, logStartOffset: result.logStartOffset }
    const committed = recordsFromBatches(batches, from, aborted)
    const kept = new Set(committed.records.map((record) => record.offset))
    const records: RangeRecord[] = inRange.map((record) => kept.has(record.offset) ? record : { ...record, aborted: true })
    return { records, nextOffset: all.nextOffset, endOffset, logStartOffset: result.logStartOffset }
  }

  /** One sessionless Fetch of the partition from its leader (read_committed); throws on a partition error but OFFSET_OUT_OF_RANGE. */
  private async fetchOnce (topic: string, partition: number, from: bigint, maxBytes: number, refresh: boolean): Promise<FetchedPartition> {
    const metadata = await this.topics([topic], refresh)
    const info = metadata.topics.get(topic)
    const leader = info?.leaders[partition]
    const broker = leader === undefined ? undefined : metadata.brokers.get(leader)
    if (info === undefined || leader === undefined || leader < 0 || broker === undefined) {
      const message = `topic ${topic} partition ${partition} has no leader on ${describeCluster(this.cluster)}.`
      throw new Mm2FailbackError('MM2_KAFKA_REQUEST_FAILED', message, { cluster: this.cluster.alias, topic, partition })
    }
    let response: FetchResponse
    try {
      this.requests++
      response = await this.consumer.rawFetch(broker, info.id, partition, from, maxBytes, 1)
    } catch (error) {
      const why = explainClientError(error, this.cluster, [{ operation: 'Read', resource: 'Topic', name: topic }])
      const message = `reading ${topic} partition ${partition} from offset ${from} on ${describeCluster(this.cluster)} failed: ${why}`
      throw new Mm2FailbackError('MM2_KAFKA_REQUEST_FAILED', message, { cluster: this.cluster.alias, topic, partition, offset: from }, { cause: error })
    }
    const result = response.responses[0]?.partitions.find((entry) => entry.partitionIndex === partition)
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
