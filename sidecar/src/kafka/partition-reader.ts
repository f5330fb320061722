// Reads a range of one partition for reconcile's exact mode: plain Fetch requests (no group joined),
// read_committed so the broker sends its aborted-transaction index, and every data record kept with
// an `aborted` flag (exact mode must know which records MM2 may or may not have copied). Control
// batches (transaction markers) are dropped; their offsets simply do not appear.
import type { fetchV17 } from '@platformatic/kafka'
import { Mm2FailbackError } from '../errors.ts'
import { describeCluster, toConsumerOptions, type ClusterClientOptions } from './client-options.ts'
import { explainClientError } from './client-errors.ts'
import { RawConsumer, type RawClusterMetadata } from './raw-consumer.ts'
import { recordsFromBatches, type FetchedRecord } from './record-batches.ts'

type FetchResponse = fetchV17.FetchResponse

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
  /**
   * The client keeps one incremental fetch session per broker and bumps its epoch per request, so
   * two fetches in flight to one broker fail with INVALID_FETCH_SESSION_EPOCH: fetches go one at a time.
   */
  private fetching: Promise<unknown> = Promise.resolve()

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

  private async serially<T> (call: () => Promise<T>): Promise<T> {
    const result = this.fetching.then(call, call)
    this.fetching = result.catch(() => {})
    return await result
  }

  /** Up to about `maxBytes` of records of `topic`-`partition` from `from` on. */
  /** One metadata request, to tell an unreachable cluster early. */
  async probe (): Promise<void> {
    await this.topics(null, true)
  }

  /** The topic's partition count, null when the topic does not exist. */
  async partitionCount (topic: string): Promise<number | null> {
    return (await this.topics([topic])).topics.get(topic)?.leaders.length ?? null
  }

  async read (topic: string, partition: number, from: bigint, maxBytes = 1024 * 1024): Promise<RangeRead> {
    const metadata = await this.topics([topic])
    const info = metadata.topics.get(topic)
    const leader = info?.leaders[partition]
    if (info === undefined || leader === undefined || leader < 0) {
      const message = `topic ${topic} partition ${partition} has no leader on ${describeCluster(this.cluster)}.`
      throw new Mm2FailbackError('MM2_KAFKA_REQUEST_FAILED', message, { cluster: this.cluster.alias, topic, partition })
    }
    let response: FetchResponse
    try {
      this.requests++
      response = await this.serially(async () => await this.consumer.fetch({
        node: leader,
        topics: [{
          topicId: info.id,
          partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: from, lastFetchedEpoch: -1, partitionMaxBytes: maxBytes }]
        }],
        minBytes: 1,
        maxBytes,
        maxWaitTime: 0,
        isolationLevel: 1
      }))
    } catch (error) {
      throw new Mm2FailbackError('MM2_KAFKA_REQUEST_FAILED', `reading ${topic} partition ${partition} from offset ${from} on ${describeCluster(this.cluster)} failed: ${explainClientError(error, this.cluster, [{ operation: 'Read', resource: 'Topic', name: topic }])}`, { cluster: this.cluster.alias, topic, partition, offset: from }, { cause: error })
    }
    const result = response.responses[0]?.partitions.find((entry) => entry.partitionIndex === partition)
    if (result === undefined) {
      const message = `no answer for ${topic} partition ${partition} from ${describeCluster(this.cluster)}.`
      throw new Mm2FailbackError('MM2_KAFKA_REQUEST_FAILED', message, { cluster: this.cluster.alias, topic, partition })
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
    if (result.errorCode !== 0) {
      throw new Mm2FailbackError('MM2_KAFKA_REQUEST_FAILED', `reading ${topic} partition ${partition} on ${describeCluster(this.cluster)} failed with Kafka error code ${result.errorCode}.`, { cluster: this.cluster.alias, topic, partition, offset: from })
    }
    let batches = result.records ?? []
    const aborted = result.abortedTransactions ?? []
    // Where this read ends: @platformatic/kafka drops aborted batches from a read_committed response
    // only when their marker follows, so the last batch (a data batch or a marker) is always kept.
    const rangeEnd = recordsFromBatches(batches, from, null).nextOffset
    if (aborted.length > 0) {
      // ...but it does drop some aborted batches, which exact mode must see (MM2 may have copied them):
      // the same range again, read_uncommitted (the library leaves it alone), the index from above.
      batches = (await this.fetch(topic, partition, leader, info.id, from, maxBytes, 0)).records ?? []
    }
    // Everything (aborted included), then the committed ones: the difference is the aborted records.
    const all = recordsFromBatches(batches, from, null)
    const committed = recordsFromBatches(batches, from, aborted)
    const kept = new Set(committed.records.map((record) => record.offset))
    const endOffset = result.lastStableOffset >= 0n ? result.lastStableOffset : result.highWatermark
    const inRange = all.records.filter((record) => record.offset < endOffset && record.offset < rangeEnd)
    const records: RangeRecord[] = inRange.map((record) => kept.has(record.offset) ? record : { ...record, aborted: true })
    return { records, nextOffset: rangeEnd, endOffset, logStartOffset: result.logStartOffset }
  }

  /** One partition of one Fetch request sent to `leader` (isolation 1: read_committed). */
  private async fetch (
    topic: string,
    partition: number,
    leader: number,
    topicId: string,
    from: bigint,
    maxBytes: number,
    isolationLevel: 0 | 1
  ): Promise<FetchResponse['responses'][number]['partitions'][number]> {
    let response: FetchResponse
    try {
      this.requests++
      response = await this.serially(async () => await this.consumer.fetch({
        node: leader,
        topics: [{
          topicId,
          partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: from, lastFetchedEpoch: -1, partitionMaxBytes: maxBytes }]
        }],
        minBytes: 1,
        maxBytes,
        maxWaitTime: 0,
        isolationLevel
      }))
    } catch (error) {
      throw new Mm2FailbackError('MM2_KAFKA_REQUEST_FAILED', `reading ${topic} partition ${partition} from offset ${from} on ${describeCluster(this.cluster)} failed: ${explainClientError(error, this.cluster, [{ operation: 'Read', resource: 'Topic', name: topic }])}`, { cluster: this.cluster.alias, topic, partition, offset: from }, { cause: error })
    }
    const result = response.responses[0]?.partitions.find((entry) => entry.partitionIndex === partition)
    if (result === undefined) {
      const message = `no answer for ${topic} partition ${partition} from ${describeCluster(this.cluster)}.`
      throw new Mm2FailbackError('MM2_KAFKA_REQUEST_FAILED', message, { cluster: this.cluster.alias, topic, partition })
    }
    if (result.errorCode !== 0) throw new Mm2FailbackError('MM2_KAFKA_REQUEST_FAILED', `reading ${topic} partition ${partition} on ${describeCluster(this.cluster)} failed with Kafka error code ${result.errorCode}.`, { cluster: this.cluster.alias, topic, partition, offset: from })
    return result
  }

  async close (): Promise<void> {
    await this.consumer.close(true).catch(() => {})
  }
}
