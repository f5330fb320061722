// The drill workload's bookkeeping (lab/drill/workload.ts), without Kafka: where a produced sequence
// ends in each partition, and the ledger's incrementally kept missing sets.
import { describe, expect, it } from 'vitest'
import { DeliveryLedger, partitionOf, seqValue, sequenceEnds } from '../../../lab/drill/workload.ts'

describe('sequenceEnds', () => {
  it('is, per partition, how many of the first count sequence numbers went there', () => {
    for (const [count, partitions] of [[20_000, 12], [600, 3], [13, 12], [12, 12], [5, 12], [0, 4], [1001, 7]] as const) {
      const expected = new Array<number>(partitions).fill(0)
      for (let seq = 0; seq < count; seq++) expected[partitionOf(seq, partitions)]!++
      const ends = sequenceEnds('orders', count, partitions)
      expect([...ends.keys()]).toEqual(Array.from({ length: partitions }, (_, p) => `orders\u0000${p}`))
      expect([...ends.values()].map(Number)).toEqual(expected)
    }
    expect([...sequenceEnds('t', 20_000, 12).values()]).toEqual([1667n, 1667n, 1667n, 1667n, 1667n, 1667n, 1667n, 1667n, 1666n, 1666n, 1666n, 1666n])
  })
})

describe('DeliveryLedger.watch', () => {
  it('keeps the missing values of each watched list up to date, in expected order', () => {
    const ledger = new DeliveryLedger()
    const a = Array.from({ length: 6 }, (_, seq) => seqValue('A', seq))
    const b = Array.from({ length: 3 }, (_, seq) => seqValue('B', seq))
    expect(ledger.deliver('A-1')).toBe(false)
    const watchA = ledger.watch(a)
    const watchB = ledger.watch(b)
    expect(watchA.missingCount()).toBe(5)
    expect(watchA.missing()).toEqual(['A-0', 'A-2', 'A-3', 'A-4', 'A-5'])
    expect(ledger.deliver('A-4')).toBe(false)
    expect(ledger.deliver('A-4')).toBe(true)
    expect(ledger.deliver('B-2')).toBe(false)
    expect(ledger.deliver('X-9')).toBe(false)
    expect(watchA.missing()).toEqual(['A-0', 'A-2', 'A-3', 'A-5'])
    expect(watchA.missing()).toEqual(ledger.missing(a))
    expect(watchB.missing()).toEqual(['B-0', 'B-1'])
    for (const value of [...a, ...b]) ledger.deliver(value)
    expect(watchA.missingCount()).toBe(0)
    expect(watchB.missingCount()).toBe(0)
  })
})
