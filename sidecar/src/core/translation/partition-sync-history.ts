// The history of MM2 OffsetSyncs (upstreamOffset on the source cluster, downstreamOffset on the
// target cluster) of one (flow, topic, partition), and offset translation in both directions.
// Mirrors and extends org.apache.kafka.connect.mirror.OffsetSyncStore (see mm2-sync-slots.ts).
//
// Epochs. Within an epoch upstreamOffset never decreases and downstreamOffset strictly increases, so
// one list in arrival order is sorted by either side and serves both directions. A sync that breaks
// this starts a new epoch, and the previous epoch is dropped, never combined with the new one:
//   - upstream rewind (upstreamOffset < latest; MM2 re-replicated, or the source topic was recreated):
//     MM2 wipes its store too. Old upstream offsets are ambiguous (two downstream copies) and old
//     downstream offsets may belong to a dead source incarnation, so neither direction may use them.
//   - downstream truncation (downstreamOffset < latest, or == latest with another upstreamOffset:
//     one downstream offset cannot hold two records; the target topic was recreated or truncated).
//     MM2 keeps its history here and would translate old upstream offsets into a downstream log that
//     no longer exists. We don't. Reverse, a downstream offset below the new epoch is ambiguous (old
//     incarnation, or the new one before its first sync), so it is not translated either.
// Offsets below the first sync of the current epoch answer `history-reset` in both directions.
// The same upstreamOffset with a larger downstreamOffset continues the epoch (one record replicated
// twice; MM2 does not call it a rewind either), and on that tie the newest sync wins, as MM2's slot 0
// does. An exact repeat of a retained sync is ignored (`duplicate`). Replaying a sync that thinning
// already dropped is indistinguishable from a rewind: callers resume from their high-water mark.
//
// Storage. The pairs array (sync-pairs.ts) is sized to 1x..2x the syncs retained (<= 32 bytes each),
// plus two 64-entry Int32Arrays, the MM2 shadows (mm2-sync-slots.ts). Thinning (sync-thinning.ts)
// runs as a batch when the array is full, so appends are amortised O(1).

import { replayShadow, SLOTS } from './mm2-sync-slots.ts'
import { isOffset, MAX_OFFSET, requireOffset, toOffset } from './offset-number.ts'
import { resolveSyncIndexOptions } from './sync-index-options.ts'
import type { ResolvedSyncIndexOptions, SyncIndexOptions } from './sync-index-options.ts'
import { floorIndex, pairAt, translateThrough } from './sync-pairs.ts'
import { SyncScratch } from './sync-scratch.ts'
import { thinSyncs } from './sync-thinning.ts'
import type { OffsetSyncPair, SyncSide, Translation, TranslationDirection, UntranslatableReason } from './translation.ts'

/**
 * What `append` did with a sync: `appended`; `duplicate` (an exact repeat of a retained sync, ignored);
 * or a reset that started a new epoch: `upstream-rewind`, `downstream-truncation`, or `both-rewound`.
 */
export type AppendOutcome = 'appended' | 'duplicate' | 'upstream-rewind' | 'downstream-truncation' | 'both-rewound'

/** Counters of one partition's history, for metrics. */
export interface SyncHistoryStats {
  /** Syncs accepted since creation (including those later thinned or pruned). */
  appended: number
  /** Exact repeats ignored. */
  duplicates: number
  /** Resets (new epochs) so far. */
  resets: number
  /** Syncs dropped by thinning. */
  thinned: number
  /** Syncs dropped by `pruneBelow`. */
  pruned: number
}

const INITIAL_CAPACITY = 4
// A partition is not thinned below this many syncs: thinning a short history saves nothing.
const MIN_THIN = 32

/** The history of one topic-partition of one flow: append, thin, prune, translate. */
export class PartitionSyncHistory {
  /** Upstream (source-cluster) topic name, as in the OffsetSync key. */
  readonly topic: string
  readonly partition: number
  /** Number of resets so far; 0 for the first epoch. */
  epoch: number
  // Interleaved [upstream, downstream] pairs, oldest first; `length` pairs are in use.
  private pairs: Float64Array
  private length: number
  // A copy of the newest pair (valid when length > 0), which appends compare against instead of
  // reading the end of `pairs`: with thousands of partitions that read is a stalling cache miss.
  // Thinning and pruning always keep the newest pair, so only appends change it.
  private headUpstream: number
  private headDownstream: number
  // MM2's 64 slots as indices into `pairs` (slot 0 newest, slot 63 the first sync of the epoch), for
  // MM2's store keyed by upstream (this flow's checkpoints) and for the one keyed by downstream
  // (the B->A store fed our reverse syncs). Every sync either holds is retained.
  private readonly shadowUpstream: Int32Array
  private readonly shadowDownstream: Int32Array
  // The shadows reflect the first `shadowed` syncs of the epoch; the rest are replayed in one batch
  // when the shadows are needed (see syncShadows).
  private shadowed: number
  private readonly options: ResolvedSyncIndexOptions
  // Shared with the other histories of the index that created this one (see sync-scratch.ts).
  private readonly scratch: SyncScratch
  // Log-start offsets given to pruneBelow (-1 when none): offsets below them have no records.
  private logStartUpstream: number
  private logStartDownstream: number
  private readonly counters: SyncHistoryStats

  /** A history working in `scratch`, its index's scratch buffers (its own when left out). */
  constructor (topic: string, partition: number, options: SyncIndexOptions = {}, scratch: SyncScratch = new SyncScratch()) {
    this.topic = topic
    this.partition = partition
    this.epoch = 0
    this.pairs = new Float64Array(2 * INITIAL_CAPACITY)
    this.length = 0
    this.headUpstream = -1
    this.headDownstream = -1
    this.shadowUpstream = new Int32Array(SLOTS)
    this.shadowDownstream = new Int32Array(SLOTS)
    this.shadowed = 0
    this.options = resolveSyncIndexOptions(options)
    this.scratch = scratch
    this.logStartUpstream = -1
    this.logStartDownstream = -1
    this.counters = { appended: 0, duplicates: 0, resets: 0, thinned: 0, pruned: 0 }
  }

  /** Number of syncs retained (for the index-entries metric). */
  get size (): number {
    return this.length
  }

  /** Counters for metrics (a live view; do not mutate). */
  get stats (): Readonly<SyncHistoryStats> {
    return this.counters
  }

  /** Appends the next sync in arrival order; see the file comment for epochs and duplicates. */
  append (upstreamOffset: bigint, downstreamOffset: bigint): AppendOutcome {
    const u = Number(upstreamOffset)
    const d = Number(downstreamOffset)
    if (!(u >= 0 && u <= MAX_OFFSET && d >= 0 && d <= MAX_OFFSET)) {
      const context = { topic: this.topic, partition: this.partition }
      toOffset(upstreamOffset, 'OffsetSync upstreamOffset', context)
      toOffset(downstreamOffset, 'OffsetSync downstreamOffset', context)
    }
    return this.appendValid(u, d)
  }

  /** `append` for offsets already held as numbers (integers in 0..2^53-1, else MM2_DECODE_INVALID). */
  appendOffsets (upstreamOffset: number, downstreamOffset: number): AppendOutcome {
    if (!(isOffset(upstreamOffset) && isOffset(downstreamOffset))) {
      const context = { topic: this.topic, partition: this.partition }
      requireOffset(upstreamOffset, 'OffsetSync upstreamOffset', context)
      requireOffset(downstreamOffset, 'OffsetSync downstreamOffset', context)
    }
    return this.appendValid(upstreamOffset, downstreamOffset)
  }

  // append, once both offsets are known to be integers in 0..2^53-1
  private appendValid (u: number, d: number): AppendOutcome {
    const n = this.length
    let outcome: AppendOutcome = 'appended'
    if (n > 0) {
      const headU = this.headUpstream
      const headD = this.headDownstream
      if (u >= headU && d > headD) {
        // the common case: both advance (or the same upstream record was replicated again)
      } else if (u === headU && d === headD) {
        this.counters.duplicates++
        return 'duplicate'
      } else {
        if (this.retains(u, d)) {
          this.counters.duplicates++
          return 'duplicate'
        }
        // Also a reset: d === headD with another u (one downstream offset cannot hold two records).
        outcome = u < headU ? (d < headD ? 'both-rewound' : 'upstream-rewind') : 'downstream-truncation'
        this.counters.resets++
        this.epoch++
        this.length = 0
        this.shadowed = 0
        if (this.pairs.length > 2 * MIN_THIN) this.pairs = new Float64Array(2 * INITIAL_CAPACITY)
        this.logStartUpstream = -1
        this.logStartDownstream = -1
      }
    }
    const i = this.length
    if (2 * i === this.pairs.length) this.makeRoom()
    const at = 2 * this.length
    this.pairs[at] = u
    this.pairs[at + 1] = d
    this.headUpstream = u
    this.headDownstream = d
    this.length++
    this.counters.appended++
    return outcome
  }

  // Brings the MM2 shadows up to date by replaying, in arrival order, the syncs appended since the
  // last call: MM2's slot logic depends on the whole sequence, so every sync is fed exactly once, as
  // an eager update per append would. Deferring is exact because a sync's pairs entry is not touched
  // between its append and the replay (thin, pruneBelow and resets all call this first or restart
  // the epoch), and it is faster: the replay runs while this partition's arrays are in the CPU cache,
  // instead of two cache-cold 64-slot arrays per append across thousands of partitions.
  private syncShadows (): void {
    const n = this.length
    if (this.shadowed === n) return
    replayShadow(this.scratch, this.shadowUpstream, this.pairs, 0, this.shadowed, n)
    replayShadow(this.scratch, this.shadowDownstream, this.pairs, 1, this.shadowed, n)
    this.shadowed = n
  }

  // True when (u, d) is exactly a retained sync (a replayed record).
  private retains (u: number, d: number): boolean {
    const pairs = this.pairs
    let i = floorIndex(pairs, this.length, 0, u)
    while (i >= 0 && pairs[2 * i] === u) {
      if (pairs[2 * i + 1] === d) return true
      i--
    }
    return false
  }

  // Called when full: thin if worth it, then resize to 1.5x the syncs kept unless they fill between
  // 1/2 and 3/4 of it already: storage stays <= 32 bytes per sync and appends amortised O(1). When
  // nothing was dropped (a history too short to thin) it doubles instead, exactly 32 bytes per sync
  // right after: half as many of these slow off-heap allocations while a history fills up.
  private makeRoom (): void {
    if (this.length >= MIN_THIN && this.length > this.options.denseSyncs) this.thin()
    if (this.length === this.pairs.length / 2) this.resize(2 * this.length)
    else this.fitCapacity()
  }

  private fitCapacity (): void {
    const capacity = this.pairs.length / 2
    const n = this.length
    if (4 * n > 3 * capacity || 2 * n < capacity) this.resize(Math.max(INITIAL_CAPACITY, Math.ceil(n * 1.5)))
  }

  private resize (capacity: number): void {
    const resized = new Float64Array(2 * capacity)
    resized.set(this.pairs.subarray(0, 2 * this.length))
    this.pairs = resized
  }

  /** Applies the thinning rule now (it also runs by itself when the arrays fill up); returns the syncs dropped. */
  thin (): number {
    const n = this.length
    if (n <= this.options.denseSyncs + 1) return 0
    this.syncShadows()
    const kept = thinSyncs(this.pairs, n, this.options, this.shadowUpstream, this.shadowDownstream, this.scratch.marksFor(n))
    this.length = kept
    this.shadowed = kept
    this.counters.thinned += n - kept
    return n - kept
  }

  /**
   * Forgets syncs that can only translate offsets below `logStartOffset` on `side` (records there no
   * longer exist). The last sync at or below the log start is kept: it still translates the offsets
   * from the log start up to the next sync. Returns the number of syncs dropped.
   */
  pruneBelow (side: SyncSide, logStartOffset: bigint): number {
    const start = toOffset(logStartOffset, `${side} log-start offset`, { topic: this.topic, partition: this.partition }, 'MM2_INTERNAL')
    const column = side === 'upstream' ? 0 : 1
    if (column === 0) this.logStartUpstream = Math.max(this.logStartUpstream, start)
    else this.logStartDownstream = Math.max(this.logStartDownstream, start)
    const cut = floorIndex(this.pairs, this.length, column, start)
    if (cut <= 0) return 0
    this.syncShadows()
    const n = this.length
    this.pairs.copyWithin(0, 2 * cut, 2 * n)
    this.length = n - cut
    this.shadowed = this.length
    for (const shadow of [this.shadowUpstream, this.shadowDownstream]) {
      for (let s = 0; s < SLOTS; s++) shadow[s] = Math.max(0, shadow[s]! - cut)
    }
    this.counters.pruned += cut
    this.fitCapacity()
    return cut
  }

  /** The newest sync, or undefined when none is retained. */
  latest (): OffsetSyncPair | undefined {
    const n = this.length
    if (n === 0) return undefined
    return pairAt(this.pairs, n - 1)
  }

  /** The oldest retained sync, or undefined when none is retained. */
  oldest (): OffsetSyncPair | undefined {
    return this.length === 0 ? undefined : pairAt(this.pairs, 0)
  }

  /** The retained syncs of the current epoch, oldest first (for persistence and reverse-sync emission). */
  * syncs (): IterableIterator<OffsetSyncPair> {
    for (let i = 0; i < this.length; i++) yield pairAt(this.pairs, i)
  }

  /**
   * The 64 slots MM2's OffsetSyncStore would hold for the current epoch, slot 0 (newest) first, fed
   * this partition's syncs as they are (`forward`) or inverted as reverse syncs (`reverse`, keyed by
   * downstreamOffset); empty when no syncs. Pairs are always in this flow's orientation.
   */
  mm2Slots (direction: TranslationDirection = 'forward'): OffsetSyncPair[] {
    if (this.length === 0) return []
    this.syncShadows()
    return Array.from(direction === 'forward' ? this.shadowUpstream : this.shadowDownstream, (index) => pairAt(this.pairs, index))
  }

  /** Translates upstream -> downstream (MM2's rule since 3.5). */
  translateForward (upstreamOffset: bigint): Translation {
    return this.translateOn(0, upstreamOffset)
  }

  /** Translates downstream -> upstream (the failback direction, same rule with the sides swapped). */
  translateReverse (downstreamOffset: bigint): Translation {
    return this.translateOn(1, downstreamOffset)
  }

  /** Translates `offset` in the given direction. */
  translate (direction: TranslationDirection, offset: bigint): Translation {
    return this.translateOn(direction === 'forward' ? 0 : 1, offset)
  }

  private translateOn (column: 0 | 1, offset: bigint): Translation {
    const o = Number(offset)
    if (!(o >= 0 && o <= MAX_OFFSET)) return { kind: 'untranslatable', reason: 'invalid-offset' }
    const n = this.length
    if (n === 0) return { kind: 'untranslatable', reason: 'no-syncs' }
    const i = floorIndex(this.pairs, n, column, o)
    if (i < 0) {
      const logStart = column === 0 ? this.logStartUpstream : this.logStartDownstream
      const reason: UntranslatableReason = o < logStart ? 'below-log-start' : this.epoch > 0 ? 'history-reset' : 'no-sync-at-or-below'
      return { kind: 'untranslatable', reason }
    }
    return translateThrough(this.pairs, n, column, i, o)
  }

  /** Bytes of the sync array (capacity included), at most 32 per retained sync once 4 or more are retained. */
  get storageBytes (): number {
    return this.pairs.byteLength
  }

  /** Bytes of fixed per-partition storage (the two MM2 shadows), excluding object headers. */
  get overheadBytes (): number {
    return this.shadowUpstream.byteLength + this.shadowDownstream.byteLength
  }
}
