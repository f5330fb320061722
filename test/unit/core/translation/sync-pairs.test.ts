import { describe, expect, it } from 'vitest'
import { floorIndex, pairAt, translateThrough } from '../../../../sidecar/src/core/translation/sync-pairs.ts'

// [u, d] pairs: one upstream record replicated twice (100 -> 200 and 205), then 150 -> 251
const PAIRS = Float64Array.of(100, 200, 100, 205, 150, 251, 0, 0)
const LENGTH = 3

describe('floorIndex', () => {
  it.each([
    [0, 99, -1], [0, 100, 1], [0, 149, 1], [0, 150, 2], [0, 10_000, 2],
    [1, 199, -1], [1, 200, 0], [1, 204, 0], [1, 205, 1], [1, 250, 1], [1, 251, 2]
  ])('column %i, offset %i -> sync %i', (column, o, expected) => {
    expect(floorIndex(PAIRS, LENGTH, column, o)).toBe(expected)
  })

  it('reads only the first `length` syncs', () => {
    expect(floorIndex(PAIRS, 0, 0, 100)).toBe(-1)
    expect(floorIndex(PAIRS, 1, 0, 150)).toBe(0)
  })
})

describe('translateThrough', () => {
  it('is exact on the sync and conservative past it, with the reread window', () => {
    expect(pairAt(PAIRS, 2)).toEqual({ upstreamOffset: 150n, downstreamOffset: 251n })
    expect(translateThrough(PAIRS, LENGTH, 0, 2, 150)).toMatchObject({ offset: 251n, method: 'exact', rereadWindow: 0n })
    expect(translateThrough(PAIRS, LENGTH, 0, 1, 120)).toMatchObject({ offset: 206n, method: 'conservative', rereadWindow: 19n })
    // the next sync bounds the window on the target side: 251 - 205 - 1
    expect(translateThrough(PAIRS, LENGTH, 0, 1, 149)).toMatchObject({ offset: 206n, rereadWindow: 45n })
    // the next sync did not advance upstream, so it bounds nothing
    expect(translateThrough(PAIRS, LENGTH, 1, 0, 203)).toMatchObject({ offset: 101n, rereadWindow: 2n })
  })
})
