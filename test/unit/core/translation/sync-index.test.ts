// SyncIndex: flows keyed by cluster aliases, and no state shared between indexes or histories.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { FlowSyncIndex } from '../../../../sidecar/src/core/translation/flow-sync-index.ts'
import { SyncIndex } from '../../../../sidecar/src/core/translation/sync-index.ts'
import { epochSyncs, exact } from './sync-builders.ts'
import { flowName } from '../../../../sidecar/src/core/mm2/flow-name.ts'

describe('SyncIndex', () => {
  it('keys flows by source and target cluster alias', () => {
    const index = new SyncIndex()
    const ab = index.flow('A', 'B')
    expect(index.flow('A', 'B')).toBe(ab)
    expect(index.findFlow('A', 'B')).toBe(ab)
    expect(index.findFlow('B', 'A')).toBeUndefined()
    const ba = index.flow('B', 'A')
    expect(ab.append('orders', 0, 10n, 20n)).toBe('appended')
    expect(ab.append('orders', 1, 5n, 6n)).toBe('appended')
    expect(ba.append('orders', 0, 100n, 200n)).toBe('appended')
    expect(ab.translate('forward', 'orders', 0, 10n)).toEqual(exact(20, [10, 20]))
    expect(ba.translate('forward', 'orders', 0, 100n)).toEqual(exact(200, [100, 200]))
    expect([...index.flows()].map((f) => flowName({ source: f.sourceClusterAlias, target: f.targetClusterAlias }))).toEqual(['A->B', 'B->A'])
    expect(index.retainedSyncs).toBe(3)
  })

  it('gives every flow its options', () => {
    const flow = new SyncIndex({ denseSyncs: 8, bucketsPerDoubling: 1 }).flow('A', 'B')
    for (let u = 0; u < 10_000; u++) flow.append('orders', 0, BigInt(u), BigInt(u))
    // 8 dense + about 1 per doubling + the MM2 shadows' syncs, far below the default's 128 dense
    expect(flow.find('orders', 0)!.size).toBeLessThan(100)
  })

  it('validates its options', () => {
    expect(() => new SyncIndex({ bucketsPerDoubling: 3 })).toThrow(expect.objectContaining({ code: 'MM2_CONFIG_INVALID' }))
    expect(() => new SyncIndex({ denseSyncs: 1, bucketsPerDoubling: 1 })).not.toThrow()
  })

  // The slot replay and thinning work in scratch buffers that an index shares among its histories:
  // interleaving work on two indexes and on many partitions must change no answer.
  it('shares no state: interleaved indexes and partitions end as each would alone', () => {
    const state = (flow: FlowSyncIndex): unknown[] => [...flow.histories()].map((h) =>
      [h.topic, h.partition, [...h.syncs()], h.mm2Slots('forward'), h.mm2Slots('reverse'), { ...h.stats }])
    fc.assert(fc.property(fc.array(epochSyncs, { minLength: 1, maxLength: 4 }), (partitions) => {
      const alone = partitions.map(({ syncs }, p) => {
        const flow = new SyncIndex({ denseSyncs: 4 }).flow('A', 'B')
        for (const [u, d] of syncs) flow.append('orders', p, BigInt(u), BigInt(d))
        return state(flow)
      })
      const first = new SyncIndex({ denseSyncs: 4 }).flow('A', 'B')
      const second = new SyncIndex({ denseSyncs: 4 }).flow('A', 'B')
      const longest = Math.max(...partitions.map(({ syncs }) => syncs.length))
      for (let i = 0; i < longest; i++) {
        partitions.forEach(({ syncs }, p) => {
          const sync = syncs[i]
          if (sync === undefined) return
          for (const flow of [first, second]) {
            flow.append('orders', p, BigInt(sync[0]), BigInt(sync[1]))
            // reading the shadows replays them now, in between other partitions' appends
            if (i % 7 === p) flow.find('orders', p)!.mm2Slots('reverse')
          }
        })
      }
      expect(state(first)).toEqual(alone.flat())
      expect(state(second)).toEqual(alone.flat())
    }), { numRuns: 50 })
  })
})
