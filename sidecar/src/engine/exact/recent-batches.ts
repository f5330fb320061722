// Records recently read by proofs, per (cluster, topic, partition), so that the proofs of many groups
// at nearby positions (consumers that keep up sit within a batch or two of the head) share one fetch
// instead of one each. Below the last stable offset a record never changes (compaction or a
// truncation can only remove it, and a proof made from a record that existed when read still
// describes the group's position then), so a batch is reused for a short while (docs/design.md §6.1).
import { compositeKey } from '../../core/keys.ts'
import type { MatchRecord } from '../../core/exact/exact-walk.ts'

interface Segment {
  /** Offsets of the first and last record read: an offset between them with no record holds none. */
  first: bigint
  last: bigint
  records: ReadonlyMap<bigint, MatchRecord>
  atMs: number
}

export interface RecentBatchesOptions {
  /** How long a read is reused (default 2 s). */
  ttlMs?: number
  /** Segments kept per partition, newest first (default 16). */
  perPartition?: number
  now?: () => number
}

export class RecentBatches {
  private readonly partitions = new Map<string, Segment[]>()
  /** Per (cluster, topic, partition), the reads out now: a proof waits for them before it reads itself. */
  private readonly reading = new Map<string, Set<Promise<unknown>>>()
  private readonly ttlMs: number
  private readonly perPartition: number
  private readonly now: () => number

  constructor (options: RecentBatchesOptions = {}) {
    this.ttlMs = options.ttlMs ?? 2000
    this.perPartition = options.perPartition ?? 16
    this.now = options.now ?? Date.now
  }

  /** Keeps the records of one read (in offset order, as read). */
  put (cluster: string, topic: string, partition: number, records: readonly MatchRecord[]): void {
    if (records.length === 0) return
    const key = compositeKey(cluster, topic, partition)
    const now = this.now()
    const segments = (this.partitions.get(key) ?? []).filter((segment) => now - segment.atMs < this.ttlMs)
    segments.unshift({ first: records[0]!.offset, last: records.at(-1)!.offset, records: new Map(records.map((record) => [record.offset, record])), atMs: now })
    if (segments.length > this.perPartition) segments.length = this.perPartition
    this.partitions.set(key, segments)
  }

  /**
   * The record at `offset` when a recent read covered it; null when a recent read covered the offset
   * and it holds no data record (a marker or a compacted gap); undefined when unknown.
   */
  get (cluster: string, topic: string, partition: number, offset: bigint): MatchRecord | null | undefined {
    const segments = this.partitions.get(compositeKey(cluster, topic, partition))
    if (segments === undefined) return undefined
    const now = this.now()
    for (const segment of segments) {
      if (now - segment.atMs >= this.ttlMs) break
      if (offset >= segment.first && offset <= segment.last) return segment.records.get(offset) ?? null
    }
    return undefined
  }

  /** Tracks a read of the partition until it settles (see `settled`). */
  track (cluster: string, topic: string, partition: number, read: Promise<unknown>): void {
    const key = compositeKey(cluster, topic, partition)
    const reads = this.reading.get(key) ?? new Set<Promise<unknown>>()
    this.reading.set(key, reads)
    reads.add(read)
    const done = (): void => {
      reads.delete(read)
      if (reads.size === 0 && this.reading.get(key) === reads) this.reading.delete(key)
    }
    read.then(done, done)
  }

  /**
   * Resolves once the reads of the partition out now have settled, so that proofs of groups at nearby
   * positions that arrive together send one fetch, not one each; undefined when none is out.
   */
  settled (cluster: string, topic: string, partition: number): Promise<void> | undefined {
    const reads = this.reading.get(compositeKey(cluster, topic, partition))
    if (reads === undefined || reads.size === 0) return undefined
    return Promise.allSettled([...reads]).then(() => {})
  }

  /** Partitions with reads kept (for tests). */
  get size (): number {
    return this.partitions.size
  }
}
