// Thinning, through the history that runs it when its array fills up: a dense head, the first sync,
// buckets per doubling of age, and bounded storage.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { SLOTS } from '../../../../sidecar/src/core/translation/mm2-sync-slots.ts'
import { PartitionSyncHistory } from '../../../../sidecar/src/core/translation/partition-sync-history.ts'
import { resolveSyncIndexOptions } from '../../../../sidecar/src/core/translation/sync-index-options.ts'
import { thinSyncs } from '../../../../sidecar/src/core/translation/sync-thinning.ts'
import { epochSyncs, exact, fwd, historyOf, rev, THREE } from './sync-builders.ts'

describe('thinned history', () => {
  it('keeps the head dense and old offsets translatable, conservatively', () => {
    const history = new PartitionSyncHistory('orders', 0, { denseSyncs: 16, bucketsPerDoubling: 4 })
    for (let u = 0; u <= 100_000; u += 10) history.append(BigInt(u), BigInt(u + 5))
    expect(history.size).toBeLessThan(200)
    expect(history.stats.thinned).toBeGreaterThan(9000)
    // the dense head: every one of the last 16 syncs is exact
    for (let u = 100_000; u > 100_000 - 160; u -= 10) expect(fwd(history, u)).toEqual(exact(u + 5, [u, u + 5]))
    // the first sync of the epoch is never thinned
    expect(fwd(history, 0)).toEqual(exact(5, [0, 5]))
    // old offsets: conservative, at or before the truth, within a bounded window
    for (const o of [7, 1234, 33_333, 77_777]) {
      const t = fwd(history, o)
      expect(t.kind).toBe('translated')
      if (t.kind !== 'translated') continue
      expect(Number(t.offset)).toBeLessThanOrEqual(Math.ceil(o / 10) * 10 + 5)
      // precision ~ 2 buckets of 2^(floor(log2 age) - 2) offsets: at most half the age
      expect(Number(t.rereadWindow)).toBeLessThanOrEqual((100_000 - o) / 2 + 10)
      const r = rev(history, o + 5)
      expect(r.kind === 'translated' && Number(r.offset) <= Math.ceil(o / 10) * 10).toBe(true)
    }
  })

  it('explicit thin() does nothing on a short history', () => {
    expect(historyOf(THREE).thin()).toBe(0)
  })
})

describe('thinSyncs', () => {
  it('keeps the first sync, the dense head, the shadows\' syncs and one per bucket, and renumbers the shadows', () => {
    // 64 syncs at upstream 0, 10, ..., 630; downstream = upstream + 1
    const pairs = Float64Array.from({ length: 128 }, (_, i) => i % 2 === 0 ? 5 * i : 5 * (i - 1) + 1)
    const shadowUpstream = new Int32Array(SLOTS).fill(0)
    shadowUpstream[0] = 63
    shadowUpstream[1] = 61
    const shadowDownstream = new Int32Array(SLOTS).fill(0)
    shadowDownstream[0] = 63
    shadowDownstream[1] = 5
    const marks = new Int32Array(64).fill(-7)
    const kept = thinSyncs(pairs, 64, resolveSyncIndexOptions({ denseSyncs: 2, bucketsPerDoubling: 1 }), shadowUpstream, shadowDownstream, marks)
    const upstream = Array.from({ length: kept }, (_, i) => pairs[2 * i]!)
    // a sync is kept when it starts a new bucket of 2^floor(log2 age) offsets (age from the head, 630)
    // after the last sync kept: 590 shares 580's bucket of 32; 50 and 610 are pinned by the shadows
    expect(upstream).toEqual([0, 50, 260, 390, 510, 520, 570, 580, 600, 610, 620, 630])
    expect(Array.from({ length: kept }, (_, i) => pairs[2 * i + 1]! - pairs[2 * i]!)).toEqual(Array(kept).fill(1))
    expect([shadowUpstream[0], shadowUpstream[1], shadowUpstream[2]]).toEqual([11, 9, 0])
    expect([shadowDownstream[0], shadowDownstream[1], shadowDownstream[2]]).toEqual([11, 1, 0])
  })
})

describe('properties', { timeout: 60_000 }, () => {
  it('bounds memory: at most 32 bytes of sync storage per retained sync, and a bounded number of syncs', () => {
    fc.assert(fc.property(epochSyncs, ({ syncs, options }) => {
      const history = new PartitionSyncHistory('t', 0, options)
      for (const [u, d] of syncs) {
        history.append(BigInt(u), BigInt(d))
        if (history.size >= 4) expect(history.storageBytes).toBeLessThanOrEqual(32 * history.size)
      }
      // dense head + buckets per doubling of age (upstream offsets < 2^22 here) + two shadows + first
      const bound = options.denseSyncs + options.bucketsPerDoubling * 23 + 2 * 64 + 1
      expect(history.size).toBeLessThanOrEqual(Math.max(bound, 2 * 32))
    }), { numRuns: 200 })
  })
})
