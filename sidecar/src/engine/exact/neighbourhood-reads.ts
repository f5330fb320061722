// The reads of the quick proofs (docs/design.md §6.1), gathered per (cluster, topic, partition). A
// thousand groups that keep up commit within a few batches of each other, every second: read one
// proof at a time, they would send a thousand fetches for the same few batches. Here one read of a
// partition is out at a time; the proofs that arrive meanwhile wait, and when it returns, every
// waiting proof whose records it holds is answered from it. The next read starts at the lowest
// offset a waiting proof still needs, and asks for more than one batch when several proofs wait,
// so one fetch answers all of them.
import type { MatchRecord } from '../../core/exact/exact-walk.ts'
import type { Neighbourhood } from '../../core/exact/quick-proof.ts'
import { compositeKey } from '../../core/keys.ts'
import type { RangeRead } from '../ports.ts'

/** What a proof's reads cost it (the fetch counts for the proof whose offset it started at). */
export interface ReadCost { recordsRead: number, fetches: number }

/** One read of the partition from `from`, up to about `maxBytes` (the broker returns at least one batch). */
export type ReadRange = (from: bigint, maxBytes: number) => Promise<RangeRead>

interface Waiter {
  position: bigint
  /** The next offset this proof needs records from. */
  cursor: bigint
  before: MatchRecord | null
  at: MatchRecord | null
  reads: number
  cost: ReadCost
  resolve: (value: Neighbourhood) => void
  reject: (error: unknown) => void
}

/** A proof reads at most this many times for its two records (a batch boundary, a marker in between). */
const MAX_READS = 3
/** One read a proof alone: the broker still returns the whole first batch (KIP-74). */
const ONE_BATCH = 1
/** A read for several waiting proofs: a few producer batches from the lowest offset needed. */
const SHARED_BYTES = 64 * 1024

export class NeighbourhoodReads {
  private readonly waiting = new Map<string, Waiter[]>()

  /**
   * The records at position - 1 and position of one partition, and where its log ended, read with the
   * other proofs of the partition waiting now. `onRead` sees every read (to keep it for later proofs).
   */
  async neighbourhood (key: { cluster: string, topic: string, partition: number }, position: bigint, cost: ReadCost,
    read: ReadRange, onRead: (records: readonly MatchRecord[]) => void): Promise<Neighbourhood> {
    const partitionKey = compositeKey(key.cluster, key.topic, key.partition)
    return await new Promise<Neighbourhood>((resolve, reject) => {
      const waiter: Waiter = { position, cursor: position > 0n ? position - 1n : 0n, before: null, at: null, reads: 0, cost, resolve, reject }
      const waiters = this.waiting.get(partitionKey)
      if (waiters !== undefined) {
        waiters.push(waiter)
        return
      }
      this.waiting.set(partitionKey, [waiter])
      this.pump(partitionKey, read, onRead).catch(() => {})
    })
  }

  /** Reads until no proof of the partition waits; one read out at a time. */
  private async pump (partitionKey: string, read: ReadRange, onRead: (records: readonly MatchRecord[]) => void): Promise<void> {
    for (;;) {
      const waiters = this.waiting.get(partitionKey)!
      if (waiters.length === 0) {
        this.waiting.delete(partitionKey)
        return
      }
      let first = waiters[0]!
      for (const waiter of waiters) if (waiter.cursor < first.cursor) first = waiter
      const from = first.cursor
      let range: RangeRead
      try {
        range = await read(from, waiters.length > 1 ? SHARED_BYTES : ONE_BATCH)
      } catch (error) {
        // The cluster did not answer: every proof waiting on the partition fails with it.
        this.waiting.delete(partitionKey)
        for (const waiter of waiters.splice(0)) waiter.reject(error)
        return
      }
      first.cost.fetches++
      first.cost.recordsRead += range.records.length
      onRead(range.records)
      this.answer(waiters, from, range)
    }
  }

  /** Hands the read to every waiting proof it covers; answers those that have both records now. */
  private answer (waiters: Waiter[], from: bigint, range: RangeRead): void {
    const noProgress = range.nextOffset <= from
    let kept = 0
    for (const waiter of waiters) {
      const covered = waiter.cursor >= from && (waiter.cursor < range.nextOffset || noProgress)
      if (covered) {
        waiter.reads++
        for (const record of range.records) {
          if (record.offset === waiter.position - 1n) waiter.before = record
          else if (record.offset === waiter.position) waiter.at = record
        }
        const done = waiter.at !== null || range.nextOffset > waiter.position || noProgress ||
          range.nextOffset >= range.endOffset || waiter.reads >= MAX_READS
        if (done) {
          waiter.resolve({ before: waiter.before, at: waiter.at, end: range.endOffset })
          continue
        }
        waiter.cursor = range.nextOffset
      }
      waiters[kept++] = waiter
    }
    waiters.length = kept
  }
}
