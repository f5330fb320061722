// Turns the record batches of a Fetch response into plain records: absolute offsets and timestamps,
// control batches (transaction markers) dropped, records of aborted transactions dropped. Pure, so
// it is unit-tested without a broker. The exact proofs' reads use it (the tailer walks raw bytes: record-set.ts).
import { TransactionFilter, type AbortedTransaction } from './transaction-filter.ts'

export type { AbortedTransaction }

/** The subset of a Kafka record batch this module reads (platformatic's RecordsBatch fits it). */
export interface BatchLike {
  firstOffset: bigint
  lastOffsetDelta: number
  firstTimestamp: bigint
  attributes: number
  producerId: bigint
  records: Array<{
    offsetDelta: number
    timestampDelta: bigint
    key: Uint8Array | null
    value: Uint8Array | null
    headers: Array<[Uint8Array | null, Uint8Array | null]>
  }>
}

export interface FetchedRecord {
  offset: bigint
  timestamp: bigint
  key: Uint8Array | null
  value: Uint8Array | null
  headers: Array<[Uint8Array | null, Uint8Array | null]>
}

/**
 * Records of `batches` at or after `fromOffset`, in offset order, plus the offset to fetch next
 * (one past the last batch seen, so empty or compacted-away batches still advance the position).
 */
export function recordsFromBatches (
  batches: readonly BatchLike[],
  fromOffset: bigint,
  aborted: readonly AbortedTransaction[] | null = null
): { records: FetchedRecord[], nextOffset: bigint } {
  const records: FetchedRecord[] = []
  let nextOffset = fromOffset
  const filter = new TransactionFilter(aborted)
  for (const batch of batches) {
    const lastOffset = batch.firstOffset + BigInt(batch.lastOffsetDelta)
    if (lastOffset < fromOffset) continue
    if (lastOffset + 1n > nextOffset) nextOffset = lastOffset + 1n
    if (!filter.admits(batch)) continue
    for (const record of batch.records) {
      const offset = batch.firstOffset + BigInt(record.offsetDelta)
      if (offset < fromOffset) continue
      records.push({ offset, timestamp: batch.firstTimestamp + record.timestampDelta, key: record.key, value: record.value, headers: record.headers })
    }
  }
  return { records, nextOffset }
}
