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

  /** Partitions with reads kept (for tests). */
  get size (): number {
    return this.partitions.size
  }
}
