// The compatibility drill's judge of a translated position (test/e2e/compat-oracle.ts): by values only.
import { describe, expect, it } from 'vitest'
import { positionVerdict, stopPoint, type SideRecord } from '../../e2e/compat-oracle.ts'

const log = (...entries: Array<[number, string]>): SideRecord[] => entries.map(([offset, value]) => ({ offset: BigInt(offset), value }))
const dense = (...values: string[]): SideRecord[] => values.map((value, offset) => ({ offset: BigInt(offset), value }))

describe('positionVerdict', () => {
  const source = dense('a', 'b', 'c', 'd')
  it('is exact at the copy of the next unconsumed record, and counts re-reads and losses elsewhere', () => {
    const target = dense('a', 'b', 'c', 'd')
    expect(positionVerdict(source, 2n, target, 2n)).toEqual({ exact: true, reread: 0, lost: 0 })
    expect(positionVerdict(source, 2n, target, 1n)).toEqual({ exact: false, reread: 1, lost: 0 })
    expect(positionVerdict(source, 2n, target, 3n)).toEqual({ exact: false, reread: 0, lost: 1 })
  })

  it('matches records across offset gaps and MM2 re-deliveries', () => {
    const gapped = log([0, 'a'], [5, 'b'], [9, 'c'], [12, 'd'])
    expect(positionVerdict(gapped, 9n, dense('a', 'b', 'c', 'd'), 2n).exact).toBe(true)
    // b and c sent twice: resuming after the second copy of b is exact; after the first copy of b it re-reads b, after c it skips c.
    const redelivered = dense('a', 'b', 'c', 'b', 'c', 'd')
    expect(positionVerdict(source, 2n, redelivered, 4n).exact).toBe(true)
    expect(positionVerdict(source, 2n, redelivered, 2n).reread).toBe(1)
    expect(positionVerdict(source, 2n, redelivered, 5n)).toEqual({ exact: false, reread: 0, lost: 1 })
  })

  it('leaves ignored values (aborted transactions) out on both sides', () => {
    const aborted = (value: string): boolean => value.startsWith('x')
    const withAborted = dense('a', 'x1', 'b', 'x2', 'c')
    expect(positionVerdict(withAborted, 3n, dense('a', 'b', 'x2', 'c'), 2n, aborted).exact).toBe(true)
    expect(positionVerdict(withAborted, 3n, dense('a', 'b', 'x2', 'c'), 3n, aborted).exact).toBe(true)
  })

  it('accepts the end of the log for a group that consumed everything', () => {
    expect(positionVerdict(source, 4n, dense('a', 'b', 'c', 'd'), 4n).exact).toBe(true)
  })
})

describe('stopPoint', () => {
  it('stops at the record a fraction of the way through, needing the one before it', () => {
    expect(stopPoint(log([0, 'a'], [3, 'b'], [7, 'c'], [8, 'd']), 0.5)).toEqual({ stopAt: 7n, need: 4n })
    expect(stopPoint(dense('x', 'a', 'x', 'b'), 0.5, (value) => value === 'x')).toEqual({ stopAt: 3n, need: 2n })
    expect(stopPoint(dense('a'), 0.5)).toBeNull()
  })
})
