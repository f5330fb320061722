// Which record batches of a Fetch response hold records a read_committed reader sees, as the Java
// consumer decides it (Fetcher's AbortedTransactions logic): control batches (transaction markers) are
// never data, and a producer's transactional batches are dropped from the first offset of one of its
// aborted transactions (as the broker lists them in the response) until its next marker. Shared by
// the tailer's record walk and the exact proofs' reads (which keep aborted records, flagged).

/** The header fields of a record batch the rules read. */
export interface BatchHeader {
  firstOffset: bigint
  lastOffsetDelta: number
  attributes: number
  producerId: bigint
}

export interface AbortedTransaction { producerId: bigint, firstOffset: bigint }

export const TRANSACTIONAL_ATTRIBUTE = 0x10
export const CONTROL_ATTRIBUTE = 0x20

/** One pass over a partition's batches, in offset order; see the module comment. */
export class TransactionFilter {
  private readonly pending: AbortedTransaction[] | null
  private readonly aborting = new Set<bigint>()

  constructor (aborted: readonly AbortedTransaction[] | null) {
    const byFirstOffset = (a: AbortedTransaction, b: AbortedTransaction): number => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0)
    this.pending = aborted === null || aborted.length === 0 ? null : [...aborted].sort(byFirstOffset)
  }

  /** What the batch holds: data, a transaction marker, or records of an aborted transaction. */
  classify (batch: BatchHeader): 'data' | 'marker' | 'aborted' {
    const transactional = (batch.attributes & TRANSACTIONAL_ATTRIBUTE) !== 0
    if (this.pending !== null && transactional) {
      const lastOffset = batch.firstOffset + BigInt(batch.lastOffsetDelta)
      while (this.pending.length > 0 && this.pending[0]!.firstOffset <= lastOffset) this.aborting.add(this.pending.shift()!.producerId)
    }
    if ((batch.attributes & CONTROL_ATTRIBUTE) !== 0) {
      // The marker ends the producer's transaction, aborted or committed.
      this.aborting.delete(batch.producerId)
      return 'marker'
    }
    return transactional && this.aborting.has(batch.producerId) ? 'aborted' : 'data'
  }
}
