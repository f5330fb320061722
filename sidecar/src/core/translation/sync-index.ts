// The sync index: per (flow, topic, partition) the history of MM2 OffsetSyncs (upstreamOffset on the
// source cluster, downstreamOffset on the target cluster), and offset translation in both directions.
// Mirrors and extends org.apache.kafka.connect.mirror.OffsetSyncStore (connect/mirror, Kafka 3.5.2+,
// KAFKA-14666 + KAFKA-15202), which keeps 64 exponentially spaced syncs per partition.
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
// Thinning. A partition keeps (a) the newest `denseSyncs` syncs, (b) the first sync of the epoch,
// (c) every sync that MM2's 64-slot OffsetSyncStore, fed this epoch's syncs, would hold now, and the
// same for the store MM2 would build from our reverse syncs (keyed by downstreamOffset): two "MM2
// shadows" fed every append, in order, with MM2's exact slot logic (replayed in a batch just before
// they are needed: thinning, pruning, mm2Slots), and (d) beyond the dense head, the
// oldest sync of every bucket of 2^(floor(log2 age) - log2 bucketsPerDoubling) upstream offsets,
// age = latest upstreamOffset - upstreamOffset: about `bucketsPerDoubling` syncs per doubling of
// distance, where MM2 keeps 1 to 4. By (c) our retained set is a superset of MM2's, so for every
// offset, in either direction, the sync we pick at or below it is at least as close as MM2's pick.
// Thinning runs as a batch when the array is full, so appends are amortised O(1).
//
// Storage. One interleaved Float64Array [u0, d0, u1, d1, ...] per partition, 16 bytes a sync, sized
// to 1x..2x the syncs retained (<= 32 bytes each), plus two 64-entry Int32Arrays (the shadows).
// Ingest. FlowSyncIndex.ingestEncoded takes the key and value bytes of an OffsetSync record: known
// key bytes map straight to their history (ByteKeyMap) and the offsets are read as doubles, so the
// hot path builds no string, bigint or object; anything unusual goes through decodeOffsetSync.
// Offsets are exact doubles up to 2^53 - 1, about 285 years at a million records a second; larger
// ones are rejected (MM2_DECODE_INVALID, so that the ingest path counts and skips them).
//
// Translation (DESIGN.md §2, both directions): pick the sync with the largest source-side offset <= o;
// equal -> its other offset ("exact"); greater -> other + 1 ("conservative": only the synced record is
// known to be consumed, so the answer re-reads and never skips); none -> untranslatable. Never
// interpolate. `rereadWindow` bounds how many records the group may read twice on the target side:
//   exact: 0;  conservative: min(o - s.source - 1, next.target - s.target - 1), at least 0,
// where s is the chosen sync and next the retained sync after it; the second term applies only when
// next.target > s.target. The first term counts the source offsets strictly between the sync and o
// (each at most one record, copied once between two syncs); the second counts the target offsets
// strictly between the two syncs: the group's true position on the target is at most next.target,
// because the record at next.source >= o has not been consumed.

import { Mm2FailbackError } from '../../errors.ts'
import type { ErrorContext } from '../../errors.ts'
import { decodeOffsetSync, readOffsetSyncOffsets } from '../codec/offset-sync.ts'
import { ByteKeyMap } from './byte-key-map.ts'

/** Which way a translation goes: forward = upstream -> downstream (MM2's checkpoints), reverse = downstream -> upstream (failback). */
export type TranslationDirection = 'forward' | 'reverse'

/** Which side of a flow an offset belongs to: upstream = source cluster, downstream = target cluster. */
export type SyncSide = 'upstream' | 'downstream'

/** One retained sync: the record at `upstreamOffset` upstream is at `downstreamOffset` downstream. */
export interface OffsetSyncPair {
  upstreamOffset: bigint
  downstreamOffset: bigint
}

/** The shape of a decoded OffsetSync record (structurally `OffsetSync` from core/codec/offset-sync.ts). */
export interface OffsetSyncRecord extends OffsetSyncPair {
  topic: string
  partition: number
}

/** A successful translation. */
export interface TranslatedOffset {
  kind: 'translated'
  /** The offset on the other side. */
  offset: bigint
  /** `exact` when a sync sits exactly at the offset, `conservative` when the answer is the sync's other offset + 1. */
  method: 'exact' | 'conservative'
  /** The sync the answer was derived from. */
  sync: OffsetSyncPair
  /** Upper bound on the records the group may read twice on the target side of this translation (0 when exact). */
  rereadWindow: bigint
}

/**
 * Why an offset could not be translated:
 * - `no-syncs`: nothing is known for this partition;
 * - `no-sync-at-or-below`: the offset lies before the oldest sync seen (replication started after it);
 * - `history-reset`: the offset lies before the first sync of the current epoch (an upstream rewind or a downstream truncation dropped the older history);
 * - `below-log-start`: the offset lies below a log-start offset given to `pruneBelow`, whose records no longer exist;
 * - `invalid-offset`: the offset is negative or above 2^53 - 1.
 */
export type UntranslatableReason = 'no-syncs' | 'no-sync-at-or-below' | 'history-reset' | 'below-log-start' | 'invalid-offset'

/** A failed translation: never guessed, only explained. */
export interface UntranslatableOffset {
  kind: 'untranslatable'
  reason: UntranslatableReason
}

/** The answer of a translation. */
export type Translation = TranslatedOffset | UntranslatableOffset

/**
 * What `append` did with a sync: `appended`; `duplicate` (an exact repeat of a retained sync, ignored);
 * or a reset that started a new epoch: `upstream-rewind`, `downstream-truncation`, or `both-rewound`.
 */
export type AppendOutcome = 'appended' | 'duplicate' | 'upstream-rewind' | 'downstream-truncation' | 'both-rewound'

/** Tuning of thinning. The defaults keep a few hundred syncs for a partition with 2^40 offsets of history. */
export interface SyncIndexOptions {
  /** The newest syncs kept without thinning (default 128, at least 1). */
  denseSyncs?: number
  /** Syncs kept per doubling of distance from the head beyond the dense part: a power of two, 1..2^20 (default 16). */
  bucketsPerDoubling?: number
}

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

interface ResolvedOptions {
  readonly denseSyncs: number
  readonly bucketShift: number
}

const MAX_OFFSET = Number.MAX_SAFE_INTEGER
const SLOTS = 64
const POW2 = new Float64Array(SLOTS)
const INV_POW2 = new Float64Array(SLOTS)
for (let i = 0; i < SLOTS; i++) {
  POW2[i] = 2 ** i
  INV_POW2[i] = 2 ** -i
}
// MM2's invariant bounds by slot: B(current - 1, current) allows 2^current - 2^(current - 1) between
// neighbours, C(i) requires 2^max(i - 2, 0).
const RECENT_BOUND = new Float64Array(SLOTS)
const SEPARATION_BOUND = new Float64Array(SLOTS)
for (let i = 0; i < SLOTS; i++) {
  RECENT_BOUND[i] = i === 0 ? 0 : POW2[i]! - POW2[i - 1]!
  SEPARATION_BOUND[i] = POW2[i > 2 ? i - 2 : 0]!
}
// Scratch for replaying one shadow (the core is single-threaded): its slots and their keys, and a copy
// of both from before the current update (MM2 copies the whole array; we copy lazily).
const SLOT_SYNC = new Int32Array(SLOTS)
const SLOT_KEY = new Float64Array(SLOTS)
const ORIGINAL_SYNC = new Int32Array(SLOTS)
const ORIGINAL_KEY = new Float64Array(SLOTS)
const INITIAL_CAPACITY = 4
// The two offsets of the record being ingested (ingestEncoded), read without allocating.
const OFFSETS = new Float64Array(2)
// A correct MM2 writes one key per partition; the key cache is cleared when it holds this many more
// than twice the partitions (keys that differ only in bytes the decoder ignores, e.g. trailing ones).
const KEY_CACHE_SLACK = 1024
// Scratch for thinning: marks and new indices (grown on demand, shared: the core is single-threaded).
let scratch = new Int32Array(1024)
// A partition is not thinned below this many syncs: thinning a short history saves nothing.
const MIN_THIN = 32

function resolveOptions (options: SyncIndexOptions): ResolvedOptions {
  const denseSyncs = options.denseSyncs ?? 128
  const buckets = options.bucketsPerDoubling ?? 16
  if (!Number.isSafeInteger(denseSyncs) || denseSyncs < 1) {
    throw new Mm2FailbackError('MM2_CONFIG_INVALID', `denseSyncs must be an integer of at least 1 (got ${denseSyncs}).`, { denseSyncs })
  }
  const bucketShift = Math.log2(buckets)
  if (!Number.isInteger(bucketShift) || bucketShift < 0 || bucketShift > 20) {
    throw new Mm2FailbackError('MM2_CONFIG_INVALID', `bucketsPerDoubling must be a power of two from 1 to 2^20 (got ${buckets}).`, { bucketsPerDoubling: buckets })
  }
  return { denseSyncs, bucketShift }
}

function floorLog2 (a: number): number {
  if (a < 4294967296) return 31 - Math.clz32(a)
  return 63 - Math.clz32(Math.floor(a / 4294967296))
}

function isOffset (n: number): boolean {
  return n >= 0 && n <= MAX_OFFSET && Math.floor(n) === n
}

function requireOffset (n: number, what: string, context: ErrorContext): void {
  if (isOffset(n)) return
  throw new Mm2FailbackError('MM2_DECODE_INVALID', `${what} ${n} is not an integer in 0..2^53-1, which the sync index supports.`, { ...context, value: n })
}

function toOffset (value: bigint, what: string, context: ErrorContext, code: 'MM2_DECODE_INVALID' | 'MM2_INTERNAL' = 'MM2_DECODE_INVALID'): number {
  const n = Number(value)
  if (n >= 0 && n <= MAX_OFFSET) return n
  throw new Mm2FailbackError(code, `${what} ${value} is outside 0..2^53-1, which the sync index supports.`, { ...context, offset: value })
}

/**
 * Feeds syncs `from`..`to - 1` of `pairs`, in order, to one MM2 shadow (`syncs`: slot -> index into
 * `pairs`; `column` picks the key: 0 upstream, 1 downstream). A whole batch runs on scratch copies
 * of the slots and of their keys (SLOT_SYNC, SLOT_KEY), so the slot logic reads small hot arrays
 * instead of following every slot index into `pairs`.
 */
function replayShadow (syncs: Int32Array, pairs: Float64Array, column: number, from: number, to: number): void {
  if (from === 0) {
    // MM2's createInitialSyncs: every slot holds the first sync of the epoch
    SLOT_SYNC.fill(0)
    SLOT_KEY.fill(pairs[column]!)
    from = 1
  } else {
    for (let slot = 0; slot < SLOTS; slot++) {
      const sync = syncs[slot]!
      SLOT_SYNC[slot] = sync
      SLOT_KEY[slot] = pairs[2 * sync + column]!
    }
  }
  for (let latest = from; latest < to; latest++) updateSlots(latest, pairs[2 * latest + column]!)
  syncs.set(SLOT_SYNC)
}

/**
 * MM2's OffsetSyncStore.updateSyncArray (KAFKA-15202) on SLOT_SYNC / SLOT_KEY, for the sync at index
 * `latest` with key `latestKey`, within the epoch (rewinds reset the epoch before we get here).
 * Identity of Java objects is identity of indices; slots are saved in ORIGINAL_SYNC / ORIGINAL_KEY
 * before being overwritten, which replaces MM2's array copy.
 * invariant B(i, j): key(i) <= key(j) + 2^j - 2^i;  invariant C(i, j): key(i) >= key(j) + 2^max(i-2, 0).
 */
function updateSlots (latest: number, latestKey: number): void {
  const syncs = SLOT_SYNC
  const keys = SLOT_KEY
  const original = ORIGINAL_SYNC
  const originalKeys = ORIGINAL_KEY
  const head = syncs[0]!
  const headKey = keys[0]!
  // Fast path, equivalent to MM2's loop: while slots 0..m hold the previous head and the new sync is
  // more than 2^(current-1) ahead of it, MM2 finds the head neither recent enough nor worth keeping
  // (a duplicate), advances replacementIndex to `current` and writes the new sync. That is slots
  // 1..k with k = min(m, ceil(log2(gap))): about log2(offset.lag.max) slots on every append.
  const gap = latestKey - headKey
  let m = 0
  while (m < SLOTS - 1 && syncs[m + 1] === head) m++
  let k = gap <= 1 ? 0 : floorLog2(gap - 1) + 1
  if (k > m) k = m
  for (let j = 0; j <= k; j++) {
    syncs[j] = latest
    keys[j] = latestKey
  }
  // MM2 reads its copy of the old slots only from replacementIndex (= k) on
  original[k] = head
  originalKeys[k] = headKey
  let replacement = latest
  let replacementKey = latestKey
  let replacementIndex = k
  for (let current = k + 1; current < SLOTS; current++) {
    const previous = current - 1
    const previousSync = syncs[previous]!
    const previousKey = keys[previous]!
    // Invariant B holds for `current`, so for every later slot too: MM2 stops here. It tests this
    // after searching for a replacement, but that search only moves local variables, so testing
    // first gives the same slots and skips the last, wasted search of every update.
    if (previousSync === syncs[current] || previousKey - keys[current]! <= RECENT_BOUND[current]!) break
    original[current] = syncs[current]!
    originalKeys[current] = keys[current]!
    let skipOldValue: boolean
    do {
      const oldValue = original[replacementIndex]!
      const oldKey = originalKeys[replacementIndex]!
      const isRecent = previousSync === oldValue || previousKey - oldKey <= RECENT_BOUND[current]!
      const separatedFromPrevious = previousSync === oldValue || previousKey - oldKey >= SEPARATION_BOUND[previous]!
      const next = current + 1
      const separatedFromNext = next >= SLOTS || oldValue === syncs[next] || oldKey - keys[next]! >= SEPARATION_BOUND[current]!
      const nextReplacement = replacementIndex + 1
      const duplicate = nextReplacement < SLOTS && oldValue === original[nextReplacement]
      const promote = isRecent && separatedFromPrevious && separatedFromNext
      if (promote) {
        replacement = oldValue
        replacementKey = oldKey
      }
      skipOldValue = duplicate || !separatedFromPrevious
      if (promote || skipOldValue) replacementIndex++
    } while (replacementIndex < current && skipOldValue)
    syncs[current] = replacement
    keys[current] = replacementKey
  }
}

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
  private readonly options: ResolvedOptions
  // Log-start offsets given to pruneBelow (-1 when none): offsets below them have no records.
  private logStartUpstream: number
  private logStartDownstream: number
  private readonly counters: SyncHistoryStats

  constructor (topic: string, partition: number, options: SyncIndexOptions = {}) {
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
    this.options = resolveOptions(options)
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
    replayShadow(this.shadowUpstream, this.pairs, 0, this.shadowed, n)
    replayShadow(this.shadowDownstream, this.pairs, 1, this.shadowed, n)
    this.shadowed = n
  }

  // True when (u, d) is exactly a retained sync (a replayed record).
  private retains (u: number, d: number): boolean {
    const pairs = this.pairs
    let i = this.floorIndex(0, u)
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
    const dense = this.options.denseSyncs
    if (n <= dense + 1) return 0
    this.syncShadows()
    const pairs = this.pairs
    const bucketShift = this.options.bucketShift
    const headU = pairs[2 * n - 2]!
    const denseStart = n - dense
    // newIndex[i] = 1 marks the syncs pinned by the MM2 shadows, then holds each kept sync's new index
    if (scratch.length < n) scratch = new Int32Array(Math.max(n, 2 * scratch.length))
    const newIndex = scratch
    newIndex.fill(0, 0, n)
    for (let slot = 0; slot < SLOTS; slot++) {
      newIndex[this.shadowUpstream[slot]!] = 1
      newIndex[this.shadowDownstream[slot]!] = 1
    }
    // the first sync is always kept: it is MM2's slot 63 and the floor of the log start
    newIndex[0] = 0
    let write = 1
    let lastKeptU = pairs[0]!
    for (let i = 1; i < n; i++) {
      const u = pairs[2 * i]!
      let keep = i >= denseStart || newIndex[i] === 1
      if (!keep) {
        const age = headU - u
        if (age <= 0) {
          keep = true
        } else {
          const shift = floorLog2(age) - bucketShift
          // bucket = floor(u / 2^shift); multiplying by 2^-shift is exact and cheaper than dividing
          const scale = shift > 0 ? INV_POW2[shift]! : 1
          keep = Math.floor(u * scale) !== Math.floor(lastKeptU * scale)
        }
      }
      if (keep) {
        pairs[2 * write] = u
        pairs[2 * write + 1] = pairs[2 * i + 1]!
        newIndex[i] = write
        lastKeptU = u
        write++
      }
    }
    for (let slot = 0; slot < SLOTS; slot++) {
      this.shadowUpstream[slot] = newIndex[this.shadowUpstream[slot]!]!
      this.shadowDownstream[slot] = newIndex[this.shadowDownstream[slot]!]!
    }
    this.length = write
    this.shadowed = write
    this.counters.thinned += n - write
    return n - write
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
    const cut = this.floorIndex(column, start)
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
    return this.pairAt(n - 1)
  }

  /** The oldest retained sync, or undefined when none is retained. */
  oldest (): OffsetSyncPair | undefined {
    return this.length === 0 ? undefined : this.pairAt(0)
  }

  /** The retained syncs of the current epoch, oldest first (for persistence and reverse-sync emission). */
  * syncs (): IterableIterator<OffsetSyncPair> {
    for (let i = 0; i < this.length; i++) yield this.pairAt(i)
  }

  /**
   * The 64 slots MM2's OffsetSyncStore would hold for the current epoch, slot 0 (newest) first, fed
   * this partition's syncs as they are (`forward`) or inverted as reverse syncs (`reverse`, keyed by
   * downstreamOffset); empty when no syncs. Pairs are always in this flow's orientation.
   */
  mm2Slots (direction: TranslationDirection = 'forward'): OffsetSyncPair[] {
    if (this.length === 0) return []
    this.syncShadows()
    return Array.from(direction === 'forward' ? this.shadowUpstream : this.shadowDownstream, (index) => this.pairAt(index))
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
    const i = this.floorIndex(column, o)
    if (i < 0) {
      const logStart = column === 0 ? this.logStartUpstream : this.logStartDownstream
      const reason: UntranslatableReason = o < logStart ? 'below-log-start' : this.epoch > 0 ? 'history-reset' : 'no-sync-at-or-below'
      return { kind: 'untranslatable', reason }
    }
    const pairs = this.pairs
    const other = 1 - column
    const source = pairs[2 * i + column]!
    const target = pairs[2 * i + other]!
    const sync = this.pairAt(i)
    if (o === source) return { kind: 'translated', offset: BigInt(target), method: 'exact', sync, rereadWindow: 0n }
    let window = o - source - 1
    // the next sync bounds the true position only if it advances on the target side too (it does
    // not when the same upstream record was replicated twice)
    if (i + 1 < n && pairs[2 * (i + 1) + other]! > target) window = Math.min(window, pairs[2 * (i + 1) + other]! - target - 1)
    return { kind: 'translated', offset: BigInt(target + 1), method: 'conservative', sync, rereadWindow: BigInt(Math.max(0, window)) }
  }

  // Index of the last sync whose `column` offset is <= o, or -1. Both columns are sorted within an epoch.
  private floorIndex (column: number, o: number): number {
    const pairs = this.pairs
    let lo = 0
    let hi = this.length - 1
    if (hi < 0 || pairs[column]! > o) return -1
    if (pairs[2 * hi + column]! <= o) return hi
    // invariant: key(lo) <= o < key(hi)
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1
      if (pairs[2 * mid + column]! <= o) lo = mid
      else hi = mid
    }
    return lo
  }

  private pairAt (i: number): OffsetSyncPair {
    return { upstreamOffset: BigInt(this.pairs[2 * i]!), downstreamOffset: BigInt(this.pairs[2 * i + 1]!) }
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

/** The sync histories of one flow (source cluster alias -> target cluster alias), keyed by upstream topic and partition. */
export class FlowSyncIndex {
  readonly sourceClusterAlias: string
  readonly targetClusterAlias: string
  private readonly topics: Map<string, Array<PartitionSyncHistory | undefined>>
  private readonly options: SyncIndexOptions
  // OffsetSync key bytes -> history, for ingestEncoded; bounded by KEY_CACHE_SLACK + 2x the partitions.
  private readonly keyCache: ByteKeyMap<PartitionSyncHistory>
  private partitionCount: number

  constructor (sourceClusterAlias: string, targetClusterAlias: string, options: SyncIndexOptions = {}) {
    this.sourceClusterAlias = sourceClusterAlias
    this.targetClusterAlias = targetClusterAlias
    this.topics = new Map()
    resolveOptions(options)
    this.options = options
    this.keyCache = new ByteKeyMap()
    this.partitionCount = 0
  }

  /**
   * Decodes an OffsetSync record from its key and value bytes and appends it: the ingest hot path.
   * Same outcome, same state and the same typed errors (MM2_DECODE_*) as
   * `appendSync(decodeOffsetSync(key, value))`, without building a string, bigints or objects per
   * record: a key seen before maps straight to its history by its bytes (see ByteKeyMap), and the
   * value's offsets are read as numbers. Anything else (a new key, a malformed or out-of-range value)
   * takes decodeOffsetSync, the one implementation of the grammar and its errors.
   */
  ingestEncoded (key: Uint8Array | null, value: Uint8Array | null): AppendOutcome {
    if (key !== null && readOffsetSyncOffsets(value, OFFSETS)) {
      const history = this.keyCache.get(key)
      if (history !== undefined) return history.appendOffsets(OFFSETS[0]!, OFFSETS[1]!)
    }
    return this.ingestDecoded(key, value)
  }

  // The slow path of ingestEncoded: full decode (which throws on bad bytes), then cache the key.
  private ingestDecoded (key: Uint8Array | null, value: Uint8Array | null): AppendOutcome {
    const sync = decodeOffsetSync(key, value)
    const history = this.history(sync.topic, sync.partition)
    if (this.keyCache.size >= KEY_CACHE_SLACK + 2 * this.partitionCount) this.keyCache.clear()
    this.keyCache.set(key!, history)
    return history.append(sync.upstreamOffset, sync.downstreamOffset)
  }

  /** Appends a decoded OffsetSync record (one Map lookup and one array access on the hot path). */
  appendSync (sync: OffsetSyncRecord): AppendOutcome {
    return this.history(sync.topic, sync.partition).append(sync.upstreamOffset, sync.downstreamOffset)
  }

  /** Appends a sync for `topic`-`partition` (upstream topic name, as in the OffsetSync key). */
  append (topic: string, partition: number, upstreamOffset: bigint, downstreamOffset: bigint): AppendOutcome {
    return this.history(topic, partition).append(upstreamOffset, downstreamOffset)
  }

  /** The history of a partition, created empty when absent. */
  history (topic: string, partition: number): PartitionSyncHistory {
    let partitions = this.topics.get(topic)
    if (partitions === undefined) {
      partitions = []
      this.topics.set(topic, partitions)
    }
    let history = partitions[partition]
    if (history === undefined) {
      if (!Number.isInteger(partition) || partition < 0 || partition > 0x7fffffff) {
        throw new Mm2FailbackError('MM2_DECODE_INVALID', `Partition ${partition} of ${topic} is not an INT32 of at least 0.`, { topic, partition })
      }
      history = new PartitionSyncHistory(topic, partition, this.options)
      partitions[partition] = history
      this.partitionCount++
    }
    return history
  }

  /** The history of a partition, or undefined when no sync was ever appended for it. */
  find (topic: string, partition: number): PartitionSyncHistory | undefined {
    return this.topics.get(topic)?.[partition]
  }

  /** Translates in `direction` for an upstream topic-partition; `no-syncs` when the partition is unknown. */
  translate (direction: TranslationDirection, topic: string, partition: number, offset: bigint): Translation {
    const history = this.find(topic, partition)
    if (history === undefined) return { kind: 'untranslatable', reason: 'no-syncs' }
    return history.translate(direction, offset)
  }

  /** Prunes a partition below a log-start offset on one side; returns the syncs dropped (0 when unknown). */
  pruneBelow (topic: string, partition: number, side: SyncSide, logStartOffset: bigint): number {
    return this.find(topic, partition)?.pruneBelow(side, logStartOffset) ?? 0
  }

  /** Every partition history of this flow, by topic then partition. */
  * histories (): IterableIterator<PartitionSyncHistory> {
    for (const partitions of this.topics.values()) {
      for (const history of partitions) if (history !== undefined) yield history
    }
  }

  /** Syncs retained over all partitions of this flow. */
  get retainedSyncs (): number {
    let total = 0
    for (const history of this.histories()) total += history.size
    return total
  }
}

/** All flows' sync histories, keyed by (source cluster alias, target cluster alias). */
export class SyncIndex {
  private readonly flowsBySource: Map<string, Map<string, FlowSyncIndex>>
  private readonly options: SyncIndexOptions

  constructor (options: SyncIndexOptions = {}) {
    resolveOptions(options)
    this.options = { ...options }
    this.flowsBySource = new Map()
  }

  /** The index of a flow, created empty when absent. Hold on to it on hot paths. */
  flow (sourceClusterAlias: string, targetClusterAlias: string): FlowSyncIndex {
    let byTarget = this.flowsBySource.get(sourceClusterAlias)
    if (byTarget === undefined) {
      byTarget = new Map()
      this.flowsBySource.set(sourceClusterAlias, byTarget)
    }
    let flow = byTarget.get(targetClusterAlias)
    if (flow === undefined) {
      flow = new FlowSyncIndex(sourceClusterAlias, targetClusterAlias, this.options)
      byTarget.set(targetClusterAlias, flow)
    }
    return flow
  }

  /** The index of a flow, or undefined when absent. */
  findFlow (sourceClusterAlias: string, targetClusterAlias: string): FlowSyncIndex | undefined {
    return this.flowsBySource.get(sourceClusterAlias)?.get(targetClusterAlias)
  }

  /** Every flow. */
  * flows (): IterableIterator<FlowSyncIndex> {
    for (const byTarget of this.flowsBySource.values()) yield * byTarget.values()
  }

  /** Syncs retained over all flows. */
  get retainedSyncs (): number {
    let total = 0
    for (const flow of this.flows()) total += flow.retainedSyncs
    return total
  }
}

/** Returns the translated offset, or throws MM2_UNTRANSLATABLE naming the partition, direction and reason. */
export function requireTranslated (translation: Translation, direction: TranslationDirection, offset: bigint, context: ErrorContext = {}): TranslatedOffset {
  if (translation.kind === 'translated') return translation
  const where = context.topic === undefined ? 'the partition' : `${context.topic}-${context.partition ?? '?'}`
  throw new Mm2FailbackError('MM2_UNTRANSLATABLE', `Offset ${offset} of ${where} cannot be translated ${direction}: ${translation.reason}.`, { ...context, offset, direction, reason: translation.reason })
}
