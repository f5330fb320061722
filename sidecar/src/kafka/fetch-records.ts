// A Fetch request (versions 12 to 17, Kafka 2.7+) whose response keeps each partition's records as
// the bytes the broker sent, for record-set.ts to walk without making objects of them. The request
// is @platformatic/kafka's own encoder for the negotiated version, and the response layout mirrors
// its parser (and Kafka's FetchResponse.json) field for field, but for the records; the request goes
// through the client's connection, so its pool, TLS, SASL and version negotiation apply unchanged.
// Partition errors come back in the partitions (the tailer acts on each); a top-level error throws
// the client's own ResponseError, which the error explanations already know.
import { fetchV12, fetchV13, fetchV14, fetchV15, fetchV16, fetchV17, ResponseError, type Connection, type Reader } from '@platformatic/kafka'
import type { AbortedTransaction } from './transaction-filter.ts'

export const FETCH_API_KEY = 1
/** The oldest Fetch version read raw; a broker that answers only older ones (Kafka < 2.7) is refused (raw-consumer.ts). */
export const RAW_FETCH_MIN_VERSION = 12

const REQUEST_ENCODERS: Readonly<Record<number, typeof fetchV17.createRequest>> = {
  12: fetchV12.createRequest,
  13: fetchV13.createRequest,
  14: fetchV14.createRequest,
  15: fetchV15.createRequest,
  16: fetchV16.createRequest,
  17: fetchV17.createRequest
}

export interface FetchPartitionRequest {
  partition: number
  fetchOffset: bigint
  partitionMaxBytes: number
}

export interface FetchRecordsRequest {
  /** Topic ids (v13+) or names (v12) with the partitions to read. */
  topics: Array<{ topic: string, partitions: FetchPartitionRequest[] }>
  maxWaitMs: number
  maxBytes: number
  isolationLevel: 0 | 1
}

export interface FetchedPartitionBytes {
  partitionIndex: number
  errorCode: number
  highWatermark: bigint
  lastStableOffset: bigint
  logStartOffset: bigint
  abortedTransactions: AbortedTransaction[] | null
  /** The partition's record batches as sent (the last one may be partial); null when there are none. */
  records: Buffer | null
}

export interface FetchRecordsResponse {
  /** Per topic, by id (v13+) or name (v12) as requested. */
  responses: Array<{ topic: string, partitions: FetchedPartitionBytes[] }>
}

/** Sends one sessionless Fetch (session 0, epoch -1) at `version` over `connection`. */
export function sendFetchRecords (
  connection: Connection,
  version: number,
  request: FetchRecordsRequest,
  callback: (error: Error | null, response?: FetchRecordsResponse) => void
): void {
  const encode = REQUEST_ENCODERS[version]
  if (encode === undefined) throw new Error(`Fetch v${version} is not read raw (versions ${RAW_FETCH_MIN_VERSION}..17 are).`)
  const topics = request.topics.map(({ topic, partitions }) => ({
    topicId: topic,
    partitions: partitions.map((partition) => ({ ...partition, currentLeaderEpoch: -1, lastFetchedEpoch: -1 }))
  }))
  const payload = (): ReturnType<typeof encode> => encode(request.maxWaitMs, 1, request.maxBytes, request.isolationLevel, 0, -1, topics, [], '')
  const parse = (_correlationId: number, apiKey: number, apiVersion: number, reader: Reader): FetchRecordsResponse =>
    parseFetchRecords(apiKey, apiVersion, reader)
  connection.send(FETCH_API_KEY, version, payload, parse, true, true, (error, response) => {
    if (error !== null && error !== undefined) callback(error)
    else callback(null, response)
  })
}

/** Fetch response v12..v17 (FetchResponse.json), records kept as bytes. */
export function parseFetchRecords (apiKey: number, version: number, reader: Reader): FetchRecordsResponse {
  reader.readInt32() // throttle_time_ms
  const errorCode = reader.readInt16()
  reader.readInt32() // session_id
  const responses = reader.readArray((topicReader) => ({
    topic: version >= 13 ? topicReader.readUUID() : topicReader.readString(true),
    partitions: topicReader.readArray(readPartition, true, false)
  }), true, true)
  skipTaggedFields(reader) // node_endpoints (v16+) and any later field
  const response = { responses }
  if (errorCode !== 0) throw new ResponseError(apiKey, version, { '': [errorCode, null] }, response)
  return response
}

function readPartition (reader: Reader): FetchedPartitionBytes {
  const partition: FetchedPartitionBytes = {
    partitionIndex: reader.readInt32(),
    errorCode: reader.readInt16(),
    highWatermark: reader.readInt64(),
    lastStableOffset: reader.readInt64(),
    logStartOffset: reader.readInt64(),
    abortedTransactions: reader.readNullableArray((entry) => ({ producerId: entry.readInt64(), firstOffset: entry.readInt64() }), true, true),
    records: null
  }
  reader.readInt32() // preferred_read_replica
  // COMPACT_RECORDS: length + 1, 0 for null.
  const size = reader.readUnsignedVarInt() - 1
  if (size > 0) {
    partition.records = reader.buffer.slice(reader.position, reader.position + size)
    reader.skip(size)
  }
  // diverging_epoch, current_leader, snapshot_id: not needed by a reader that follows the leader.
  skipTaggedFields(reader)
  return partition
}

function skipTaggedFields (reader: Reader): void {
  for (let count = reader.readUnsignedVarInt(); count > 0; count--) {
    reader.readUnsignedVarInt() // tag
    reader.skip(reader.readUnsignedVarInt())
  }
}
