// A fetch-only consumer that also sees internal topics. @platformatic/kafka's metadata cache drops
// topics the broker flags as internal (__consumer_offsets among them), and its listOffsets goes
// through that cache, so the sidecar asks Metadata and ListOffsets itself, through the client's own
// connection pool, API version negotiation and security settings.
import { carriedResponse } from './client-errors.ts'
import { Consumer, kGetApi, kGetBootstrapConnection, kGetConnection, type Broker, type Callback, type Connection } from '@platformatic/kafka'
import { Mm2FailbackError } from '../errors.ts'
import { RAW_FETCH_MIN_VERSION, sendFetchRecords, type FetchPartitionRequest, type FetchRecordsResponse } from './fetch-records.ts'
import { RawRecordSet, type RecordSet } from './record-set.ts'

export interface RawTopicMetadata {
  id: string
  /** Leader node id per partition (index = partition). */
  leaders: number[]
  isInternal: boolean
}

/** One partition of a record-set Fetch: the broker's answer, its records to walk. */
export interface FetchedPartitionSet {
  topic: string
  partition: number
  errorCode: number
  highWatermark: bigint
  /** -1 when the broker does not say (read_uncommitted). */
  lastStableOffset: bigint
  logStartOffset: bigint
  records: RecordSet
}

export interface RecordSetFetch {
  topics: Array<{ name: string, id: string, partitions: FetchPartitionRequest[] }>
  maxWaitMs: number
  maxBytes: number
  isolationLevel: 0 | 1
  /** Visit the records of aborted transactions too, flagged (read_committed only; the exact proofs). */
  keepAborted?: boolean
}

export interface RawClusterMetadata {
  brokers: Map<number, Broker>
  topics: Map<string, RawTopicMetadata>
  /** Topics the broker refused to describe (TOPIC_AUTHORIZATION_FAILED). */
  unauthorized: Set<string>
}

const TOPIC_AUTHORIZATION_FAILED = 29
const EMPTY = Buffer.alloc(0)

type ApiFunction = (connection: Connection, ...args: unknown[]) => void

/** The fields of a Metadata response read here. */
interface MetadataResponse {
  brokers: Array<{ nodeId: number, host: string, port: number }>
  topics: Array<{
    errorCode: number
    name: string | null
    topicId: string
    isInternal: boolean
    partitions: Array<{ partitionIndex: number, leaderId: number, errorCode: number }>
  }>
}

/** The fields of a ListOffsets response read here. */
interface ListOffsetsResponse { topics: Array<{ name: string, partitions: Array<{ partitionIndex: number, errorCode: number, offset: bigint }> }> }

export class RawConsumer extends Consumer<Buffer, Buffer, Buffer, Buffer> {
  /** Metadata of the named topics (all topics when null), internal ones included; unknown topics are left out. */
  async rawMetadata (topics: string[] | null): Promise<RawClusterMetadata> {
    const connection = await new Promise<Connection>((resolve, reject) => {
      this[kGetBootstrapConnection]((error, value) => { if (error !== null && error !== undefined) reject(error); else resolve(value as Connection) })
    })
    const api = await this.api('Metadata')
    // An unknown topic fails the whole response in the client; treat it as "not there yet".
    const response = await new Promise<MetadataResponse>((resolve, reject) => {
      api(connection, topics, false, false, (error: Error | null, value: never) => {
        if (error !== null && error !== undefined) reject(error); else resolve(value)
      })
    }).catch((error: unknown) => carriedResponse<MetadataResponse>(error))
    const version = (api as unknown as { version?: number }).version ?? 12
    const brokers = new Map<number, Broker>(response.brokers.map((broker) => [broker.nodeId, { host: broker.host, port: broker.port }]))
    const result = new Map<string, RawTopicMetadata>()
    const unauthorized = new Set<string>()
    for (const topic of response.topics) {
      if (topic.errorCode === TOPIC_AUTHORIZATION_FAILED && topic.name !== null) unauthorized.add(topic.name)
      if (topic.errorCode !== 0 || topic.name === null) continue
      const leaders: number[] = []
      for (const partition of topic.partitions) leaders[partition.partitionIndex] = partition.errorCode === 0 ? partition.leaderId : -1
      // Metadata before v10 carries no topic ids; Fetch before v13 is keyed by name, which the client accepts in their place.
      result.set(topic.name, { id: version <= 9 ? topic.name : topic.topicId, leaders, isInternal: topic.isInternal })
    }
    return { brokers, topics: result, unauthorized }
  }

  /** ListOffsets against one broker: timestamp -2 = earliest, -1 = latest (the last stable offset when readCommitted). */
  async rawListOffsets (broker: Broker, topic: string, partitions: number[], timestamp: bigint, readCommitted: boolean): Promise<Map<number, bigint>> {
    const request = [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, currentLeaderEpoch: -1, timestamp })) }]
    // Per-partition errors (e.g. a leader moved) fail the whole response in the client; keep the good ones.
    const response = await this.callBroker<ListOffsetsResponse>(broker, 'ListOffsets', -1, readCommitted ? 1 : 0, request)
    const offsets = new Map<number, bigint>()
    for (const entry of response.topics) {
      for (const partition of entry.partitions) if (partition.errorCode === 0) offsets.set(partition.partitionIndex, partition.offset)
    }
    return offsets
  }

  /**
   * One sessionless Fetch (session id 0, epoch -1: a full fetch the broker keeps no session for, so any
   * number can be in flight to one broker at once; the client's own fetch keeps one incremental session
   * per broker and sends one at a time), whose records are walked from the bytes the broker sent
   * (record-set.ts): the tailer's and the exact proofs' reads. Brokers older than Kafka 2.7 (no Fetch v12) are refused with a clear error.
   */
  async fetchRecordSets (broker: Broker, request: RecordSetFetch, cluster: string): Promise<FetchedPartitionSet[]> {
    const connection = await this.connectionTo(broker)
    const { version } = (await this.api('Fetch')) as unknown as { version: number }
    if (version < RAW_FETCH_MIN_VERSION) {
      const message = `the brokers of cluster ${cluster} answer Fetch up to version ${version}; mm2-failback reads with Fetch ${RAW_FETCH_MIN_VERSION}+ (Kafka 2.7 or newer).`
      throw new Mm2FailbackError('MM2_KAFKA_REQUEST_FAILED', message, { cluster })
    }
    // Fetch v13+ names topics by id, v12 by name; the answers come back under the same key.
    const keyOf = (topic: RecordSetFetch['topics'][number]): string => version >= 13 ? topic.id : topic.name
    const byKey = new Map(request.topics.map((topic) => [keyOf(topic), topic]))
    const topics = request.topics.map((topic) => ({ topic: keyOf(topic), partitions: topic.partitions }))
    const response = await new Promise<FetchRecordsResponse>((resolve, reject) => {
      sendFetchRecords(connection, version, { ...request, topics }, (error, value) => { if (error !== null) reject(error); else resolve(value!) })
    })
    const result: FetchedPartitionSet[] = []
    for (const { topic: key, partitions } of response.responses) {
      const topic = byKey.get(key)
      if (topic === undefined) continue
      const fetchOffsets = new Map(topic.partitions.map((entry) => [entry.partition, entry.fetchOffset]))
      for (const answer of partitions) {
        const from = fetchOffsets.get(answer.partitionIndex)
        if (from === undefined) continue
        const records = new RawRecordSet(answer.records ?? EMPTY, from, answer.abortedTransactions, request.keepAborted === true)
        const { partitionIndex: partition, errorCode, highWatermark, lastStableOffset, logStartOffset } = answer
        result.push({ topic: topic.name, partition, errorCode, highWatermark, lastStableOffset, logStartOffset, records })
      }
    }
    return result
  }

  private async connectionTo (broker: Broker): Promise<Connection> {
    return await new Promise<Connection>((resolve, reject) => {
      this[kGetConnection](broker, (error, value) => { if (error !== null && error !== undefined) reject(error); else resolve(value as Connection) })
    })
  }

  /** One request to `broker`; a response the client failed for a partition's error code comes back as it is. */
  private async callBroker<T> (broker: Broker, apiName: string, ...args: unknown[]): Promise<T> {
    const connection = await this.connectionTo(broker)
    const api = await this.api(apiName)
    return await new Promise<T>((resolve, reject) => {
      api(connection, ...args, (error: Error | null, value: T) => {
        if (error !== null && error !== undefined) reject(error); else resolve(value)
      })
    }).catch((error: unknown) => carriedResponse<T>(error))
  }

  private async api (name: string): Promise<ApiFunction> {
    return await new Promise<ApiFunction>((resolve, reject) => {
      this[kGetApi](name, ((error: Error | null, value: unknown) => {
        if (error !== null && error !== undefined) reject(error); else resolve(value as ApiFunction)
      }) as Callback<unknown>)
    })
  }
}
