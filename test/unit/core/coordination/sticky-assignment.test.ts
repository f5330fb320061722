import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeClaim, encodeClaim, stickyAssignment } from '../../../../sidecar/src/core/coordination/sticky-assignment.ts'

const range = (n: number): number[] => Array.from({ length: n }, (_, index) => index)

describe('stickyAssignment', () => {
  it('deals a fresh group balanced, in member order', () => {
    const result = stickyAssignment([{ memberId: 'b', previous: [] }, { memberId: 'a', previous: [] }], 5)
    expect(Object.fromEntries(result)).toEqual({ a: [0, 2, 4], b: [1, 3] })
  })

  it('a joining member takes a share but the writer\'s seat (partition 0) stays put', () => {
    const result = stickyAssignment([{ memberId: 'z-old', previous: range(50) }, { memberId: 'a-new', previous: [] }], 50)
    expect(result.get('z-old')).toContain(0)
    expect(result.get('z-old')).toHaveLength(25)
    expect(result.get('a-new')).toHaveLength(25)
    // Only what had to move moved: the old member kept 25 of its own.
    expect(result.get('z-old')!.every((partition) => partition < 50)).toBe(true)
  })

  it('a leaving member\'s share is dealt over the others, who keep theirs', () => {
    const before = { a: [0, 3, 6, 9], b: [1, 4, 7], c: [2, 5, 8] }
    const result = stickyAssignment([{ memberId: 'a', previous: before.a }, { memberId: 'c', previous: before.c }], 10)
    expect(result.get('a')!.filter((partition) => before.a.includes(partition))).toEqual(before.a)
    expect(result.get('c')!.filter((partition) => before.c.includes(partition))).toEqual(before.c)
    expect([...result.get('a')!, ...result.get('c')!].sort((x, y) => x - y)).toEqual(range(10))
  })

  it('two claimants of one partition (an evicted member came back): the first in member order keeps it', () => {
    const result = stickyAssignment([{ memberId: 'b', previous: [0, 1] }, { memberId: 'a', previous: [0] }], 2)
    expect(Object.fromEntries(result)).toEqual({ a: [0], b: [1] })
  })

  it('is disjoint, complete and balanced within one for any claims', () => {
    const member = fc.record({ memberId: fc.string({ minLength: 1, maxLength: 4 }), previous: fc.array(fc.integer({ min: -2, max: 60 }), { maxLength: 60 }) })
    const members = fc.uniqueArray(member, { selector: (entry) => entry.memberId, minLength: 1, maxLength: 7 })
    fc.assert(fc.property(members, fc.integer({ min: 0, max: 60 }), (members, count) => {
      const result = stickyAssignment(members, count)
      const all = [...result.values()].flat().sort((a, b) => a - b)
      const sizes = [...result.values()].map((held) => held.length)
      return JSON.stringify(all) === JSON.stringify(range(count)) && Math.max(...sizes) - Math.min(...sizes) <= 1 && result.size === members.length
    }))
  })
})

describe('claims in the subscription user data', () => {
  it('round-trips, and reads garbage or another version\'s bytes as no claim', () => {
    expect(decodeClaim(encodeClaim([0, 7, 9]))).toEqual([0, 7, 9])
    expect(decodeClaim(new Uint8Array([0xff, 0x00, 0x12]))).toEqual([])
    expect(decodeClaim(new TextEncoder().encode('{"owned":"all"}'))).toEqual([])
    expect(decodeClaim(null)).toEqual([])
    expect(decodeClaim(new Uint8Array())).toEqual([])
  })
})
