// Turns the record batches of a Fetch response into plain records: absolute offsets and timestamps,
// control batches (transaction markers) dropped, records of aborted transactions dropped. Pure, so
// it is unit-tested without a broker; the tailer is its only caller.

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

export interface AbortedTransaction { producerId: bigint, firstOffset: bigint }

export interface FetchedRecord {
  offset: bigint
  timestamp: bigint
  key: Uint8Array | null
  value: Uint8Array | null
  headers: Array<[Uint8Array | null, Uint8Array | null]>
}

const TRANSACTIONAL = 0x10
const CONTROL = 0x20

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
  // Aborted transactions in the response start at firstOffset; a producer's records are aborted from
  // there until its abort marker (a control batch), as the Java consumer's AbortedTransactions logic.
  const byFirstOffset = (a: AbortedTransaction, b: AbortedTransaction): number => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0)
  const pendingAborts = aborted === null || aborted.length === 0 ? null : [...aborted].sort(byFirstOffset)
  const abortingProducers = new Set<bigint>()
  for (const batch of batches) {
    const lastOffset = batch.firstOffset + BigInt(batch.lastOffsetDelta)
    if (lastOffset < fromOffset) continue
    if (lastOffset + 1n > nextOffset) nextOffset = lastOffset + 1n
    const transactional = (batch.attributes & TRANSACTIONAL) !== 0
    if (pendingAborts !== null && transactional) {
      while (pendingAborts.length > 0 && pendingAborts[0]!.firstOffset <= lastOffset) abortingProducers.add(pendingAborts.shift()!.producerId)
    }
    if ((batch.attributes & CONTROL) !== 0) {
      // The marker ends the producer's transaction, aborted or committed.
      abortingProducers.delete(batch.producerId)
      continue
    }
    if (transactional && abortingProducers.has(batch.producerId)) continue
    for (const record of batch.records) {
      const offset = batch.firstOffset + BigInt(record.offsetDelta)
      if (offset < fromOffset) continue
      records.push({ offset, timestamp: batch.firstTimestamp + record.timestampDelta, key: record.key, value: record.value, headers: record.headers })
    }
  }
  return { records, nextOffset }
}
