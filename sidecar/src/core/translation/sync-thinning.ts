// Thinning: which syncs of an epoch a history keeps once its array is full. It keeps (a) the newest
// `denseSyncs` syncs, (b) the first sync of the epoch, (c) every sync that MM2's 64-slot
// OffsetSyncStore, fed this epoch's syncs, would hold now, and the same for the store MM2 would build
// from our reverse syncs (keyed by downstreamOffset): the two MM2 shadows (mm2-sync-slots.ts), and
// (d) beyond the dense head, the oldest sync of every bucket of 2^(floor(log2 age) - log2
// bucketsPerDoubling) upstream offsets, age = latest upstreamOffset - upstreamOffset: about
// `bucketsPerDoubling` syncs per doubling of distance, where MM2 keeps 1 to 4. By (c) our retained
// set is a superset of MM2's, so for every offset, in either direction, the sync we pick at or below
// it is at least as close as MM2's pick.

import { SLOTS } from './mm2-sync-slots.ts'
import { floorLog2 } from './offset-number.ts'
import type { ResolvedSyncIndexOptions } from './sync-index-options.ts'

// 2^-i for every shift an offset below 2^53 can need, never written after this: multiplying by it
// is exact and cheaper than dividing by 2^i.
const INV_POW2 = new Float64Array(64)
for (let i = 0; i < 64; i++) INV_POW2[i] = 2 ** -i

/**
 * Applies the thinning rule to the first `n` syncs of `pairs` (interleaved [u0, d0, u1, d1, ...],
 * one epoch, shadows up to date) in place, and renumbers both shadows' slots to the kept syncs'
 * new indices. `marks` is scratch of at least `n` entries. Returns the number of syncs kept.
 */
export function thinSyncs (
  pairs: Float64Array, n: number, options: ResolvedSyncIndexOptions,
  shadowUpstream: Int32Array, shadowDownstream: Int32Array, marks: Int32Array
): number {
  // read once: every read of an imported binding goes through its module cell
  const slots = SLOTS
  const bucketShift = options.bucketShift
  const headU = pairs[2 * n - 2]!
  const denseStart = n - options.denseSyncs
  // newIndex[i] = 1 marks the syncs pinned by the MM2 shadows, then holds each kept sync's new index
  const newIndex = marks
  newIndex.fill(0, 0, n)
  for (let slot = 0; slot < slots; slot++) {
    newIndex[shadowUpstream[slot]!] = 1
    newIndex[shadowDownstream[slot]!] = 1
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
        // bucket = floor(u / 2^shift)
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
  for (let slot = 0; slot < slots; slot++) {
    shadowUpstream[slot] = newIndex[shadowUpstream[slot]!]!
    shadowDownstream[slot] = newIndex[shadowDownstream[slot]!]!
  }
  return write
}
