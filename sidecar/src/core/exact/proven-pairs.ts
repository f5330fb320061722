// Pairs the sidecar proved itself (docs/design.md §6.1): "the record at u upstream is the record at d
// downstream", one store per (flow, upstream topic, partition). They anchor later proofs as MM2's
// syncs do, but sit where the groups are, so the next proof of a group that moved on starts right
// behind it. Kept sorted and consistent: a new pair that contradicts older ones (both logs must grow
// together) replaces them, since the logs changed under them (a recreated topic, a truncation).
// Bounded per partition; the lowest pairs go first, as groups move forward.
import { compositeKey } from '../keys.ts'
import type { OffsetSyncPair } from '../translation/translation.ts'

export const DEFAULT_PROVEN_PAIRS_PER_PARTITION = 64

export interface ProvenPairKey {
  source: string
  target: string
  topic: string
  partition: number
}

export class ProvenPairs {
  private readonly byPartition = new Map<string, { key: ProvenPairKey, pairs: OffsetSyncPair[] }>()
  private readonly capacity: number

  constructor (capacityPerPartition = DEFAULT_PROVEN_PAIRS_PER_PARTITION) {
    this.capacity = capacityPerPartition
  }

  /** Adds a proven pair; returns false when it was already known. */
  add (key: ProvenPairKey, pair: OffsetSyncPair): boolean {
    const id = compositeKey(key.source, key.target, key.topic, key.partition)
    let entry = this.byPartition.get(id)
    if (entry === undefined) {
      entry = { key: { ...key }, pairs: [] }
      this.byPartition.set(id, entry)
    }
    const pairs = entry.pairs
    if (pairs.some((p) => p.upstreamOffset === pair.upstreamOffset && p.downstreamOffset === pair.downstreamOffset)) return false
    // Drop every pair the new one contradicts: both offsets must order the same way.
    const consistent = pairs.filter((p) =>
      (p.upstreamOffset < pair.upstreamOffset && p.downstreamOffset < pair.downstreamOffset) ||
      (p.upstreamOffset > pair.upstreamOffset && p.downstreamOffset > pair.downstreamOffset))
    consistent.push({ upstreamOffset: pair.upstreamOffset, downstreamOffset: pair.downstreamOffset })
    consistent.sort((a, b) => a.upstreamOffset < b.upstreamOffset ? -1 : a.upstreamOffset > b.upstreamOffset ? 1 : 0)
    if (consistent.length > this.capacity) consistent.splice(0, consistent.length - this.capacity)
    entry.pairs = consistent
    return true
  }

  /** Forgets one pair (a proof from it was refuted: the logs changed under it). */
  remove (key: ProvenPairKey, pair: OffsetSyncPair): void {
    const entry = this.byPartition.get(compositeKey(key.source, key.target, key.topic, key.partition))
    if (entry === undefined) return
    entry.pairs = entry.pairs.filter((p) => p.upstreamOffset !== pair.upstreamOffset || p.downstreamOffset !== pair.downstreamOffset)
  }

  /** The pair with the largest offset <= `offset` on `side`, or undefined. */
  floor (key: ProvenPairKey, side: 'upstream' | 'downstream', offset: bigint): OffsetSyncPair | undefined {
    const entry = this.byPartition.get(compositeKey(key.source, key.target, key.topic, key.partition))
    if (entry === undefined) return undefined
    let best: OffsetSyncPair | undefined
    for (const pair of entry.pairs) {
      const at = side === 'upstream' ? pair.upstreamOffset : pair.downstreamOffset
      if (at > offset) break
      best = pair
    }
    return best
  }

  /** Every partition's pairs, oldest first (for the history topic). */
  * entries (): IterableIterator<{ key: ProvenPairKey, pairs: readonly OffsetSyncPair[] }> {
    for (const entry of this.byPartition.values()) yield entry
  }

  /** Pairs of one partition, oldest first. */
  pairsOf (key: ProvenPairKey): readonly OffsetSyncPair[] {
    return this.byPartition.get(compositeKey(key.source, key.target, key.topic, key.partition))?.pairs ?? []
  }

  get size (): number {
    let total = 0
    for (const entry of this.byPartition.values()) total += entry.pairs.length
    return total
  }
}
