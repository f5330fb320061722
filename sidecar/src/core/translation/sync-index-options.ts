// The tuning of thinning, validated once, where an index or history is built, so that a bad value
// is a config error at startup rather than a surprise on the first full array.

import { Mm2FailbackError } from '../../errors.ts'

/** Tuning of thinning. The defaults keep a few hundred syncs for a partition with 2^40 offsets of history. */
export interface SyncIndexOptions {
  /** The newest syncs kept without thinning (default 128, at least 1). */
  denseSyncs?: number
  /** Syncs kept per doubling of distance from the head beyond the dense part: a power of two, 1..2^20 (default 16). */
  bucketsPerDoubling?: number
}

/** SyncIndexOptions with defaults applied; bucketsPerDoubling as its log2. */
export interface ResolvedSyncIndexOptions {
  readonly denseSyncs: number
  readonly bucketShift: number
}

/** Applies the defaults, or throws MM2_CONFIG_INVALID naming the bad option. */
export function resolveSyncIndexOptions (options: SyncIndexOptions): ResolvedSyncIndexOptions {
  const denseSyncs = options.denseSyncs ?? 128
  const buckets = options.bucketsPerDoubling ?? 16
  if (!Number.isSafeInteger(denseSyncs) || denseSyncs < 1) {
    throw new Mm2FailbackError('MM2_CONFIG_INVALID', `denseSyncs must be an integer of at least 1 (got ${denseSyncs}).`, { denseSyncs })
  }
  const bucketShift = Math.log2(buckets)
  if (!Number.isInteger(bucketShift) || bucketShift < 0 || bucketShift > 20) {
    const message = `bucketsPerDoubling must be a power of two from 1 to 2^20 (got ${buckets}).`
    throw new Mm2FailbackError('MM2_CONFIG_INVALID', message, { bucketsPerDoubling: buckets })
  }
  return { denseSyncs, bucketShift }
}
