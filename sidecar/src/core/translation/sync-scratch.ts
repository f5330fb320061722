// Scratch buffers for the MM2 slot replay and for thinning. Each history holding its own would cost
// about 1.5 KB per partition, so an index owns one set and hands it to every history it creates.
// No buffer carries anything from one call to the next (each call writes before it reads, and the
// core never yields mid-call), so the histories of one index may share it; two indexes never do.

import { SLOTS } from './mm2-sync-slots.ts'

/** The temporary arrays one index (or one stand-alone history) works in. */
export class SyncScratch {
  /** The shadow being replayed: slot -> index into the history's pairs, and that sync's key. */
  readonly slotSync: Int32Array
  readonly slotKey: Float64Array
  /** The slots from before the current update (MM2 copies the whole array; the replay copies lazily). */
  readonly originalSync: Int32Array
  readonly originalKey: Float64Array
  // Thinning's marks and new indices, one per sync of the history being thinned; grown on demand.
  private marks: Int32Array

  constructor () {
    this.slotSync = new Int32Array(SLOTS)
    this.slotKey = new Float64Array(SLOTS)
    this.originalSync = new Int32Array(SLOTS)
    this.originalKey = new Float64Array(SLOTS)
    this.marks = new Int32Array(0)
  }

  /** An array of at least `n` entries for thinning, with stale contents: the caller clears what it uses. */
  marksFor (n: number): Int32Array {
    if (this.marks.length < n) this.marks = new Int32Array(Math.max(n, 2 * this.marks.length))
    return this.marks
  }
}
