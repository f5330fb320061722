// The port of MM2's OffsetSyncStore slot logic, through the history's two shadows, against the
// tests of apache/kafka's OffsetSyncStoreTest and a plain transcription of the Java store.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { FlowSyncIndex } from '../../../../sidecar/src/core/translation/flow-sync-index.ts'
import { replayShadow, SLOTS } from '../../../../sidecar/src/core/translation/mm2-sync-slots.ts'
import { PartitionSyncHistory } from '../../../../sidecar/src/core/translation/partition-sync-history.ts'
import { SyncScratch } from '../../../../sidecar/src/core/translation/sync-scratch.ts'
import { Mm2OffsetSyncStore, SYNCS_PER_PARTITION } from './mm2-offset-sync-store.ts'
import { conservative, epochSyncs, exact, fwd, rev, translatedOffset, untranslatable } from './sync-builders.ts'

// Deterministic PRNG (mulberry32) for the ported MM2 tests that use java.util.Random.
function random (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// ---- ported from apache/kafka OffsetSyncStoreTest ------------------------------------------------
// testNoTranslationIfStoreNotStarted does not apply here: the index has no read-to-end phase; the
// engine gates all output until the syncs topics were read to their end (docs/design.md §2.1).

describe('ported OffsetSyncStoreTest', () => {
  it('testOffsetTranslation (both directions)', () => {
    const history = new PartitionSyncHistory('topic1', 2)
    // Emit synced downstream offset without dead-reckoning
    history.append(100n, 200n)
    expect(fwd(history, 150)).toEqual(conservative(201, [100, 200], 49))
    expect(rev(history, 250)).toEqual(conservative(101, [100, 200], 49))
    // Translate exact offsets
    history.append(150n, 251n)
    expect(fwd(history, 150)).toEqual(exact(251, [150, 251]))
    expect(rev(history, 251)).toEqual(exact(150, [150, 251]))
    // Use old offset (5) prior to any sync -> can't translate (MM2: -1)
    expect(fwd(history, 5)).toEqual(untranslatable('no-sync-at-or-below'))
    expect(rev(history, 5)).toEqual(untranslatable('no-sync-at-or-below'))
    // Downstream offsets reset
    history.append(200n, 10n)
    expect(fwd(history, 200)).toEqual(exact(10, [200, 10]))
    // MM2 would still answer 251 here from a downstream log that no longer exists; we don't.
    expect(fwd(history, 150)).toEqual(untranslatable('history-reset'))
    // Upstream offsets reset
    history.append(20n, 20n)
    expect(fwd(history, 20)).toEqual(exact(20, [20, 20]))
    expect(rev(history, 20)).toEqual(exact(20, [20, 20]))
  })

  it('testNoTranslationIfNoOffsetSync', () => {
    const flow = new FlowSyncIndex('A', 'B')
    expect(flow.translate('forward', 'topic1', 2, 0n)).toEqual(untranslatable('no-syncs'))
    expect(flow.translate('reverse', 'topic1', 2, 0n)).toEqual(untranslatable('no-syncs'))
  })

  // MM2 asserts, for a sync s and the sync p it keeps before it: s-1 -> p+1, s -> s, s+1 -> s+1, s+2 -> s+1.
  // We must do at least as well: s exact, s-1 no coarser than p+1, and the same answers above s.
  function assertAtLeastSparseSync (history: PartitionSyncHistory, syncOffset: number, previousOffset: number): void {
    for (const direction of ['forward', 'reverse'] as const) {
      const before = history.translate(direction, BigInt(syncOffset - 1))
      if (previousOffset === -1) expect(before.kind === 'untranslatable' || before.method !== undefined).toBe(true)
      else expect(translatedOffset(before)).toBeGreaterThanOrEqual(previousOffset + 1)
      expect(translatedOffset(history.translate(direction, BigInt(syncOffset)))).toBe(syncOffset)
      expect(translatedOffset(history.translate(direction, BigInt(syncOffset + 1)))).toBe(syncOffset + 1)
      expect(translatedOffset(history.translate(direction, BigInt(syncOffset + 2)))).toBe(syncOffset + 1)
    }
  }

  it('testPastOffsetTranslation (no read-to-end phase: the whole stream is history)', () => {
    const maxOffsetLag = 10
    const history = new PartitionSyncHistory('topic1', 2)
    const reference = new Mm2OffsetSyncStore()
    for (let offset = 0; offset <= 10000; offset += maxOffsetLag) {
      history.append(BigInt(offset), BigInt(offset))
      reference.sync(BigInt(offset), BigInt(offset))
    }
    // Every sync MM2 keeps, we keep, with answers at least as precise as MM2's around it
    const kept = [...new Set(reference.slots())].map((s) => Number(s.upstreamOffset)).sort((a, b) => a - b)
    expect(kept.length).toBeGreaterThan(10)
    kept.forEach((offset, i) => assertAtLeastSparseSync(history, offset, i === 0 ? -1 : kept[i - 1]!))
    // The spot checks of MM2's own test for the same stream (after its initial read-to-end)
    for (const [s, p] of [[9880, 9640], [9940, 9880], [9970, 9940], [9990, 9970], [10000, 9990]] as const) {
      assertAtLeastSparseSync(history, s, p)
    }
    // Rewinding upstream offsets should clear all historical syncs
    expect(history.append(1500n, 11000n)).toBe('upstream-rewind')
    expect(fwd(history, 1499)).toEqual(untranslatable('history-reset'))
    expect(fwd(history, 1500)).toEqual(exact(11000, [1500, 11000]))
    expect(fwd(history, 2000)).toEqual(conservative(11001, [1500, 11000], 499))
  })

  it('testPastOffsetTranslationWithoutInitializationReadToEnd (the sync at 1000 arrives twice)', () => {
    const history = new PartitionSyncHistory('topic1', 2)
    for (let offset = 0; offset <= 1000; offset += 10) history.append(BigInt(offset), BigInt(offset))
    assertAtLeastSparseSync(history, 480, 0)
    assertAtLeastSparseSync(history, 720, 480)
    assertAtLeastSparseSync(history, 1000, 990)
    for (let offset = 1000; offset <= 10000; offset += 10) history.append(BigInt(offset), BigInt(offset))
    const expectations = [
      [3840, 0], [7680, 3840], [8640, 7680], [9120, 8640], [9600, 9120],
      [9840, 9600], [9900, 9840], [9960, 9900], [9990, 9960], [10000, 9990]
    ] as const
    for (const [s, p] of expectations) assertAtLeastSparseSync(history, s, p)
    expect(history.append(1500n, 11000n)).toBe('upstream-rewind')
    expect(fwd(history, 1499)).toEqual(untranslatable('history-reset'))
    expect(fwd(history, 2000)).toEqual(conservative(11001, [1500, 11000], 499))
  })

  // MM2's expiration tests, run on our shadow of MM2's slots, which must equal the reference's.
  // (Plain comparisons in the loop: expect() per slot per sync is too slow for 100k syncs.)
  function assertSyncSpacingHasBoundedExpirations (firstOffset: number, steps: Iterable<number>, maximumExpirations: number): void {
    const history = new PartitionSyncHistory('topic1', 2)
    const reference = new Mm2OffsetSyncStore()
    history.append(BigInt(firstOffset), BigInt(firstOffset))
    reference.sync(BigInt(firstOffset), BigInt(firstOffset))
    let offset = firstOffset
    let lastCount = 1
    for (const step of steps) {
      offset += step
      if (offset > Number.MAX_SAFE_INTEGER) throw new Error('Test is invalid, offset overflowed 2^53')
      history.append(BigInt(offset), BigInt(offset))
      reference.sync(BigInt(offset), BigInt(offset))
      const slots = history.mm2Slots().map((s) => s.upstreamOffset)
      const expected = reference.slots().map((s) => s.upstreamOffset)
      if (slots.some((s, i) => s !== expected[i])) expect(slots).toEqual(expected)
      // Invariant A: the latest sync is present; invariant D: the earliest sync is present
      if (slots[0] !== BigInt(offset) || slots[63] !== BigInt(firstOffset)) expect([slots[0], slots[63]]).toEqual([BigInt(offset), BigInt(firstOffset)])
      const count = new Set(slots).size
      if (lastCount - count + 1 > maximumExpirations) expect(lastCount - count + 1).toBeLessThanOrEqual(maximumExpirations)
      lastCount = count
    }
    // and we retain every one of them
    for (const s of history.mm2Slots()) expect(history.translateForward(s.upstreamOffset)).toMatchObject({ method: 'exact' })
  }

  // Slow on a busy 2-core machine (100k+ syncs through two stores), hence the longer timeouts.
  it('testConsistentlySpacedSyncs', { timeout: 60_000 }, () => {
    const iterations = 100
    const maxStep = Math.floor(Number.MAX_SAFE_INTEGER / iterations)
    for (let step = 1; step < maxStep; step = step * 2 + 1) {
      for (let firstOffset = 0; firstOffset < 30; firstOffset++) {
        assertSyncSpacingHasBoundedExpirations(firstOffset, Array.from({ length: iterations }, () => step), 1)
      }
    }
  })

  it('testRandomlySpacedSyncs', { timeout: 60_000 }, () => {
    const next = random(0)
    const iterations = 1 << 10
    for (let n = 1; n < 42; n++) {
      const maximumDifference = 2 ** n
      const maximumExpirations = n + 2
      const spacings = Array.from({ length: iterations }, () => Math.floor(next() * maximumDifference))
      assertSyncSpacingHasBoundedExpirations(0, spacings, maximumExpirations)
      const offsetLagMax = 2 ** 16
      const laggedSpacings = Array.from({ length: iterations }, () => offsetLagMax + Math.floor(next() * maximumDifference))
      assertSyncSpacingHasBoundedExpirations(0, laggedSpacings, maximumExpirations)
    }
  })

  it('testDroppedSyncsSpacing', () => {
    const next = random(0)
    const offsetLagMax = 100
    assertSyncSpacingHasBoundedExpirations(0, Array.from({ length: 2000 }, () => (next() < 0.5 ? 2 : 1) * offsetLagMax), 2)
  })
})

describe('properties', { timeout: 60_000 }, () => {
  it('mirrors MM2\'s slot logic exactly, keyed by upstream and (for reverse syncs) by downstream', () => {
    fc.assert(fc.property(epochSyncs, ({ syncs, options }) => {
      const history = new PartitionSyncHistory('t', 0, options)
      const forward = new Mm2OffsetSyncStore()
      const reverse = new Mm2OffsetSyncStore()
      for (const [u, d] of syncs) {
        history.append(BigInt(u), BigInt(d))
        forward.sync(BigInt(u), BigInt(d))
        reverse.sync(BigInt(d), BigInt(u))
      }
      expect(history.mm2Slots('forward')).toEqual(forward.slots())
      expect(history.mm2Slots('reverse')).toEqual(reverse.slots().map((s) => ({ upstreamOffset: s.downstreamOffset, downstreamOffset: s.upstreamOffset })))
    }), { numRuns: 200 })
  })

  it('is never coarser than MM2: for every offset, our sync at or below it is at least as close as MM2\'s', () => {
    fc.assert(fc.property(epochSyncs, fc.array(fc.nat(), { maxLength: 50 }), ({ syncs, options }, probes) => {
      const history = new PartitionSyncHistory('t', 0, options)
      const forward = new Mm2OffsetSyncStore()
      const reverse = new Mm2OffsetSyncStore()
      for (const [u, d] of syncs) {
        history.append(BigInt(u), BigInt(d))
        forward.sync(BigInt(u), BigInt(d))
        reverse.sync(BigInt(d), BigInt(u))
      }
      const maxU = syncs[syncs.length - 1]![0]
      const maxD = syncs[syncs.length - 1]![1]
      const upstreamProbes = [...syncs.flatMap(([u]) => [u - 1, u, u + 1]), ...probes.map((p) => p % (maxU + 3))]
      for (const o of upstreamProbes.filter((x) => x >= 0)) {
        const theirs = forward.floor(BigInt(o))
        const ours = fwd(history, o)
        if (theirs === undefined) continue
        expect(ours.kind).toBe('translated')
        if (ours.kind === 'translated') expect(ours.sync.upstreamOffset).toBeGreaterThanOrEqual(theirs.upstreamOffset)
      }
      const downstreamProbes = [...syncs.flatMap(([, d]) => [d - 1, d, d + 1]), ...probes.map((p) => p % (maxD + 3))]
      for (const o of downstreamProbes.filter((x) => x >= 0)) {
        const theirs = reverse.floor(BigInt(o))
        const ours = rev(history, o)
        if (theirs === undefined) continue
        expect(ours.kind).toBe('translated')
        if (ours.kind === 'translated') expect(ours.sync.downstreamOffset).toBeGreaterThanOrEqual(theirs.upstreamOffset)
      }
    }), { numRuns: 200 })
  })
})

describe('replayShadow', () => {
  it('gives the reference store\'s slots for any split into batches, in a scratch used by another shadow in between', () => {
    expect(SLOTS).toBe(SYNCS_PER_PARTITION)
    fc.assert(fc.property(epochSyncs, fc.array(fc.nat(), { maxLength: 20 }), ({ syncs }, cuts) => {
      const pairs = Float64Array.from(syncs.flat())
      const scratch = new SyncScratch()
      const shadows = [new Int32Array(SLOTS), new Int32Array(SLOTS)]
      const references = [new Mm2OffsetSyncStore(), new Mm2OffsetSyncStore()]
      const ends = [...new Set([...cuts.map((c) => 1 + (c % syncs.length)), syncs.length])].sort((a, b) => a - b)
      let from = 0
      for (const to of ends) {
        for (const column of [0, 1]) replayShadow(scratch, shadows[column]!, pairs, column, from, to)
        for (const [u, d] of syncs.slice(from, to)) {
          references[0]!.sync(BigInt(u), BigInt(d))
          references[1]!.sync(BigInt(d), BigInt(u))
        }
        for (const column of [0, 1]) {
          const keys = Array.from(shadows[column]!, (index) => BigInt(pairs[2 * index + column]!))
          expect(keys).toEqual(references[column]!.slots().map((s) => s.upstreamOffset))
        }
        from = to
      }
    }), { numRuns: 200 })
  })
})
