import { fetchV12, fetchV17, Reader, ResponseError, Writer } from '@platformatic/kafka'
import { describe, expect, it } from 'vitest'
import { parseFetchRecords } from '../../../sidecar/src/kafka/fetch-records.ts'
import { batchBytes } from './batch-bytes.ts'

const TOPIC_ID = '12345678-1234-1234-1234-123456789abc'
const records = batchBytes({ firstOffset: 40n, records: [{ key: 'k', value: 'v' }, { key: null, value: 'w' }] })

/** A Fetch response body (after the header) as a broker writes it at `version` (FetchResponse.json). */
function response (version: 12 | 17, errorCode = 0): Buffer {
  const writer = Writer.create().appendInt32(0).appendInt16(errorCode).appendInt32(0)
  writer.appendArray([0], (topic) => {
    if (version >= 13) topic.appendUUID(TOPIC_ID)
    else topic.appendString('orders', true)
    topic.appendArray([3, 4], (partition, index) => {
      partition.appendInt32(index).appendInt16(index === 3 ? 0 : 6).appendInt64(100n).appendInt64(90n).appendInt64(10n)
      if (index === 3) partition.appendArray([0], (aborted) => { aborted.appendInt64(7n).appendInt64(41n) }, true, true)
      else partition.appendUnsignedVarInt(0) // null aborted_transactions
      partition.appendInt32(-1)
      if (index === 3) partition.appendUnsignedVarInt(records.length + 1).append(records)
      else partition.appendUnsignedVarInt(0) // null records
      // Tagged field 1, current_leader: leaderId 2, leaderEpoch 5.
      partition.appendUnsignedVarInt(1).appendUnsignedVarInt(1).appendUnsignedVarInt(8).appendInt32(2).appendInt32(5)
    }, true, false)
  }, true, true)
  // Top-level tagged field 0 (node_endpoints, v16+): skipped by its size.
  if (version >= 16) writer.appendUnsignedVarInt(1).appendUnsignedVarInt(0).appendUnsignedVarInt(3).append(Buffer.from([1, 2, 3]))
  else writer.appendUnsignedVarInt(0)
  return writer.buffer
}

describe('parseFetchRecords', () => {
  it.each([12, 17] as const)('reads a v%i response field by field, keeping each partition\'s records as the bytes sent', (version) => {
    const parsed = parseFetchRecords(1, version, Reader.from(response(version)))
    expect(parsed.responses).toHaveLength(1)
    expect(parsed.responses[0]!.topic).toBe(version >= 13 ? TOPIC_ID : 'orders')
    const [withRecords, failed] = parsed.responses[0]!.partitions
    expect(withRecords).toMatchObject({ partitionIndex: 3, errorCode: 0, highWatermark: 100n, lastStableOffset: 90n, logStartOffset: 10n })
    expect(withRecords!.abortedTransactions).toEqual([{ producerId: 7n, firstOffset: 41n }])
    expect(Buffer.compare(withRecords!.records!, records)).toBe(0)
    expect(failed).toMatchObject({ partitionIndex: 4, errorCode: 6, abortedTransactions: null, records: null })
    // The client's own parser reads the same bytes to the same fields (it throws for the partition error, carrying its response).
    const library = version === 17 ? fetchV17.parseResponse : fetchV12.parseResponse
    let theirs: ReturnType<typeof fetchV17.parseResponse>
    try {
      theirs = library(0, 1, version, Reader.from(response(version)))
    } catch (error) {
      theirs = (error as ResponseError).response as typeof theirs
    }
    const partition = theirs.responses[0]!.partitions[0]!
    expect([partition.highWatermark, partition.lastStableOffset, partition.logStartOffset]).toEqual([100n, 90n, 10n])
    expect(partition.records![0]!.firstOffset).toBe(40n)
  })

  it('throws the client\'s ResponseError for a top-level error', () => {
    expect(() => parseFetchRecords(1, 17, Reader.from(response(17, 7)))).toThrow(ResponseError)
  })
})
