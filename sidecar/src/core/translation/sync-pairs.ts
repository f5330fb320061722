// Reading a history's syncs. They live in one interleaved Float64Array [u0, d0, u1, d1, ...], oldest
// first, 16 bytes a sync and no object per sync. Within an epoch upstreamOffset never decreases and
// downstreamOffset strictly increases, so the one array is sorted by either column (0 upstream,
// 1 downstream) and a binary search on it serves both directions.

import type { OffsetSyncPair, TranslatedOffset } from './translation.ts'

/** Index of the last of the first `length` syncs whose `column` offset is <= o, or -1. */
export function floorIndex (pairs: Float64Array, length: number, column: number, o: number): number {
  let lo = 0
  let hi = length - 1
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

/** Sync `i` as bigints. */
export function pairAt (pairs: Float64Array, i: number): OffsetSyncPair {
  return { upstreamOffset: BigInt(pairs[2 * i]!), downstreamOffset: BigInt(pairs[2 * i + 1]!) }
}

/**
 * Translates `o` from `column` to the other side through sync `i`, the floor of `o` among the first
 * `length` syncs: exact, or conservative with its reread window (the rule is in translation.ts).
 */
export function translateThrough (pairs: Float64Array, length: number, column: number, i: number, o: number): TranslatedOffset {
  const other = 1 - column
  const source = pairs[2 * i + column]!
  const target = pairs[2 * i + other]!
  const sync = pairAt(pairs, i)
  if (o === source) return { kind: 'translated', offset: BigInt(target), method: 'exact', sync, rereadWindow: 0n }
  let window = o - source - 1
  // the next sync bounds the true position only if it advances on the target side too (it does
  // not when the same upstream record was replicated twice)
  if (i + 1 < length && pairs[2 * (i + 1) + other]! > target) window = Math.min(window, pairs[2 * (i + 1) + other]! - target - 1)
  return { kind: 'translated', offset: BigInt(target + 1), method: 'conservative', sync, rereadWindow: BigInt(Math.max(0, window)) }
}
