// The store of pairs the sidecar proved: floor lookups by either side, contradictions replaced, a bound per partition.
import { describe, expect, it } from 'vitest'
import { ProvenPairs } from '../../../../sidecar/src/core/exact/proven-pairs.ts'

const key = { source: 'A', target: 'B', topic: 'orders', partition: 0 }
const pair = (upstreamOffset: bigint, downstreamOffset: bigint) => ({ upstreamOffset, downstreamOffset })

describe('ProvenPairs', () => {
  it('finds the pair at or below an offset on either side, per partition', () => {
    const pairs = new ProvenPairs()
    expect(pairs.add(key, pair(100n, 40n))).toBe(true)
    expect(pairs.add(key, pair(300n, 210n))).toBe(true)
    expect(pairs.add(key, pair(100n, 40n))).toBe(false)
    expect(pairs.floor(key, 'upstream', 99n)).toBeUndefined()
    expect(pairs.floor(key, 'upstream', 100n)).toEqual(pair(100n, 40n))
    expect(pairs.floor(key, 'upstream', 299n)).toEqual(pair(100n, 40n))
    expect(pairs.floor(key, 'downstream', 210n)).toEqual(pair(300n, 210n))
    expect(pairs.floor({ ...key, partition: 1 }, 'upstream', 1000n)).toBeUndefined()
    expect(pairs.size).toBe(2)
  })

  it('replaces pairs a new one contradicts (the logs changed under them)', () => {
    const pairs = new ProvenPairs()
    pairs.add(key, pair(100n, 40n))
    pairs.add(key, pair(200n, 140n))
    // A recreated downstream topic: upstream 150 is now at downstream 5, which (100, 40) contradicts.
    // (200, 140) does not contradict it by order; a proof from it that is refuted removes it.
    pairs.add(key, pair(150n, 5n))
    expect(pairs.pairsOf(key)).toEqual([pair(150n, 5n), pair(200n, 140n)])
    pairs.add(key, pair(150n, 6n))
    expect(pairs.pairsOf(key)).toEqual([pair(150n, 6n), pair(200n, 140n)])
  })

  it('keeps the highest pairs when a partition holds more than its bound, and forgets a pair on request', () => {
    const pairs = new ProvenPairs(3)
    for (let i = 1n; i <= 5n; i++) pairs.add(key, pair(i * 10n, i * 10n))
    expect(pairs.pairsOf(key).map((p) => p.upstreamOffset)).toEqual([30n, 40n, 50n])
    pairs.remove(key, pair(40n, 40n))
    expect(pairs.pairsOf(key).map((p) => p.upstreamOffset)).toEqual([30n, 50n])
    expect([...pairs.entries()]).toHaveLength(1)
  })
})
