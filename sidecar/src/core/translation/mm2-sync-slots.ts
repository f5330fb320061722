// A port of the slot logic of MM2's org.apache.kafka.connect.mirror.OffsetSyncStore (connect/mirror,
// Kafka 3.5.2+, KAFKA-14666 + KAFKA-15202): 64 slots of exponentially spaced syncs per partition,
// slot 0 the newest and slot 63 the first sync of the epoch. A history keeps two such "shadows" (one
// keyed by upstreamOffset, one by downstreamOffset) only to know which syncs MM2 would hold, and so
// retain them too. The port must give MM2's slots exactly, which the unit tests check against a
// plain transcription of the Java code.
//
// A shadow is an Int32Array of 64 indices into the history's interleaved pairs [u0, d0, u1, d1, ...];
// Java object identity is identity of indices. `column` picks the key: 0 upstream, 1 downstream.

import { floorLog2 } from './offset-number.ts'
import type { SyncScratch } from './sync-scratch.ts'

// Slots per shadow, as in MM2's OffsetSyncStore. The replay reads this module-private copy: V8 folds
// it into the compiled loops, while every read of an exported binding goes through its module cell.
const SLOT_COUNT = 64

/** Slots per shadow, as in MM2's OffsetSyncStore. */
export const SLOTS = SLOT_COUNT

function slotTable (entry: (slot: number) => number): Float64Array {
  const table = new Float64Array(SLOT_COUNT)
  for (let i = 0; i < SLOT_COUNT; i++) table[i] = entry(i)
  return table
}

// MM2's invariant bounds by slot, never written after this: B(current - 1, current) allows
// 2^current - 2^(current - 1) between neighbours, C(i) requires 2^max(i - 2, 0).
const RECENT_BOUND = slotTable((i) => i === 0 ? 0 : 2 ** i - 2 ** (i - 1))
const SEPARATION_BOUND = slotTable((i) => 2 ** (i > 2 ? i - 2 : 0))

/**
 * Feeds syncs `from`..`to - 1` of `pairs`, in order, to one MM2 shadow (`shadow`: slot -> index into
 * `pairs`): each one goes through MM2's OffsetSyncStore.updateSyncArray (KAFKA-15202), within the
 * epoch (rewinds reset the epoch before we get here). A whole batch runs on the scratch copies of
 * the slots and of their keys, so the slot logic reads small hot arrays instead of following every
 * slot index into `pairs`; slots are saved in the scratch's original arrays before being
 * overwritten, which replaces MM2's array copy.
 * invariant B(i, j): key(i) <= key(j) + 2^j - 2^i;  invariant C(i, j): key(i) >= key(j) + 2^max(i-2, 0).
 */
export function replayShadow (scratch: SyncScratch, shadow: Int32Array, pairs: Float64Array, column: number, from: number, to: number): void {
  // The update is inline rather than a function called per sync with the four arrays as arguments:
  // that version of the replay measured 10-20% slower on V8.
  const syncs = scratch.slotSync
  const keys = scratch.slotKey
  const original = scratch.originalSync
  const originalKeys = scratch.originalKey
  if (from === 0) {
    // MM2's createInitialSyncs: every slot holds the first sync of the epoch
    syncs.fill(0)
    keys.fill(pairs[column]!)
    from = 1
  } else {
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      const sync = shadow[slot]!
      syncs[slot] = sync
      keys[slot] = pairs[2 * sync + column]!
    }
  }
  for (let latest = from; latest < to; latest++) {
    const latestKey = pairs[2 * latest + column]!
    const head = syncs[0]!
    const headKey = keys[0]!
    // Fast path, equivalent to MM2's loop: while slots 0..m hold the previous head and the new sync is
    // more than 2^(current-1) ahead of it, MM2 finds the head neither recent enough nor worth keeping
    // (a duplicate), advances replacementIndex to `current` and writes the new sync. That is slots
    // 1..k with k = min(m, ceil(log2(gap))): about log2(offset.lag.max) slots on every append.
    const gap = latestKey - headKey
    let m = 0
    while (m < SLOT_COUNT - 1 && syncs[m + 1] === head) m++
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
    for (let current = k + 1; current < SLOT_COUNT; current++) {
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
        const separatedFromNext = next >= SLOT_COUNT || oldValue === syncs[next] || oldKey - keys[next]! >= SEPARATION_BOUND[current]!
        const nextReplacement = replacementIndex + 1
        const duplicate = nextReplacement < SLOT_COUNT && oldValue === original[nextReplacement]
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
  shadow.set(syncs)
}
