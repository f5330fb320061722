import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encodeClaim, readClaim, stickyAssignment } from '../../../../sidecar/src/core/coordination/sticky-assignment.ts'

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
    expect(readClaim(encodeClaim([0, 7, 9])).owned).toEqual([0, 7, 9])
    expect(readClaim(new Uint8Array([0xff, 0x00, 0x12])).owned).toEqual([])
    expect(readClaim(new TextEncoder().encode('{"owned":"all"}')).owned).toEqual([])
    expect(readClaim(null).owned).toEqual([])
    expect(readClaim(new Uint8Array()).owned).toEqual([])
  })

  it('orders members by instance, so two clusters\' groups with the same instances deal each the same partitions', () => {
    // The coordinators of A and B hand out unrelated member ids; the instances are the same processes.
    const instances = ['inst-7', 'inst-2', 'inst-5']
    const onA = stickyAssignment(instances.map((instance, index) => ({ memberId: `a-${9 - index}`, instance, previous: [] })), 50)
    const onB = stickyAssignment(instances.map((instance, index) => ({ memberId: `b-${index}`, instance, previous: [] })), 50)
    const byInstance = (result: Map<string, number[]>, prefix: string): Record<string, number[]> =>
      Object.fromEntries(instances.map((instance, index) => [instance, result.get(prefix === 'a' ? `a-${9 - index}` : `b-${index}`)!]))
    expect(byInstance(onA, 'a')).toEqual(byInstance(onB, 'b'))
    // Then a fourth instance joins both groups: sticky on each, and still the same per instance.
    const previousA = byInstance(onA, 'a')
    const all = [...instances, 'inst-1']
    const claim = (memberId: string, instance: string): { memberId: string, instance: string, previous: number[] } =>
      ({ memberId, instance, previous: previousA[instance] ?? [] })
    const joinedA = stickyAssignment(all.map((instance, index) => claim(`a-x${index}`, instance)), 50)
    const joinedB = stickyAssignment(all.map((instance, index) => claim(`b-y${3 - index}`, instance)), 50)
    expect(all.map((_, index) => joinedA.get(`a-x${index}`))).toEqual(all.map((_, index) => joinedB.get(`b-y${3 - index}`)))
    // The joiner got a share.
    expect(joinedA.get('a-x3')!.length).toBeGreaterThan(0)
  })

  it('a claim carries its instance; claims of older versions name none', () => {
    expect(readClaim(encodeClaim([1, 2], 'inst-1')).instance).toBe('inst-1')
    expect(readClaim(encodeClaim([1, 2], 'inst-1')).owned).toEqual([1, 2])
    expect(readClaim(encodeClaim([1, 2])).instance).toBeUndefined()
    expect(readClaim(new TextEncoder().encode('garbage')).instance).toBeUndefined()
  })
})
