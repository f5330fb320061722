import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { FlowSyncIndex, PartitionSyncHistory, SyncIndex, requireTranslated } from '../../../../sidecar/src/core/translation/sync-index.ts'
import type { AppendOutcome, OffsetSyncPair, SyncIndexOptions, Translation, TranslationDirection } from '../../../../sidecar/src/core/translation/sync-index.ts'
import { flowName } from '../../../../sidecar/src/core/mm2/flow-name.ts'
import { isMm2FailbackError } from '../../../../sidecar/src/errors.ts'
import { Mm2OffsetSyncStore, SYNCS_PER_PARTITION } from './mm2-offset-sync-store.ts'

// ---- tiny builders -------------------------------------------------------------------------------

type Pair = readonly [upstream: number, downstream: number]

function historyOf (syncs: readonly Pair[], options?: SyncIndexOptions): PartitionSyncHistory {
  const history = new PartitionSyncHistory('orders', 0, options)
  for (const [u, d] of syncs) history.append(BigInt(u), BigInt(d))
  return history
}

const pair = ([u, d]: Pair): OffsetSyncPair => ({ upstreamOffset: BigInt(u), downstreamOffset: BigInt(d) })
const exact = (offset: number, sync: Pair): Translation =>
  ({ kind: 'translated', offset: BigInt(offset), method: 'exact', sync: pair(sync), rereadWindow: 0n })
const conservative = (offset: number, sync: Pair, rereadWindow: number): Translation =>
  ({ kind: 'translated', offset: BigInt(offset), method: 'conservative', sync: pair(sync), rereadWindow: BigInt(rereadWindow) })
const untranslatable = (reason: string): Translation => ({ kind: 'untranslatable', reason } as Translation)

const fwd = (history: PartitionSyncHistory, offset: number): Translation => history.translateForward(BigInt(offset))
const rev = (history: PartitionSyncHistory, offset: number): Translation => history.translateReverse(BigInt(offset))

const pairsOf = (history: PartitionSyncHistory): Pair[] =>
  [...history.syncs()].map((s) => [Number(s.upstreamOffset), Number(s.downstreamOffset)] as const)

function translatedOffset (translation: Translation): number | undefined {
  return translation.kind === 'translated' ? Number(translation.offset) : undefined
}

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

// ---- translation, both directions ----------------------------------------------------------------

const THREE: Pair[] = [[100, 200], [150, 251], [300, 400]]
const DOWNSTREAM_TRUNCATED: Pair[] = [[100, 200], [150, 251], [200, 10]]
const UPSTREAM_REWOUND: Pair[] = [[100, 200], [150, 251], [20, 300]]
const REPLICATED_TWICE: Pair[] = [[100, 200], [100, 205]]

const cases: Array<{ name: string, syncs: Pair[], direction: TranslationDirection, offset: number, expected: Translation }> = [
  { name: 'empty index', syncs: [], direction: 'forward', offset: 0, expected: untranslatable('no-syncs') },
  { name: 'empty index', syncs: [], direction: 'reverse', offset: 0, expected: untranslatable('no-syncs') },
  { name: 'exact hit', syncs: THREE, direction: 'forward', offset: 150, expected: exact(251, [150, 251]) },
  { name: 'exact hit', syncs: THREE, direction: 'reverse', offset: 251, expected: exact(150, [150, 251]) },
  { name: 'exact hit on the first sync', syncs: THREE, direction: 'forward', offset: 100, expected: exact(200, [100, 200]) },
  { name: 'exact hit on the latest sync', syncs: THREE, direction: 'reverse', offset: 400, expected: exact(300, [300, 400]) },
  // window = min(o - s.source - 1, next.target - s.target - 1)
  { name: 'between syncs', syncs: THREE, direction: 'forward', offset: 200, expected: conservative(252, [150, 251], 49) },
  { name: 'between syncs', syncs: THREE, direction: 'reverse', offset: 300, expected: conservative(151, [150, 251], 48) },
  { name: 'one past a sync', syncs: THREE, direction: 'forward', offset: 151, expected: conservative(252, [150, 251], 0) },
  { name: 'one past a sync', syncs: THREE, direction: 'reverse', offset: 252, expected: conservative(151, [150, 251], 0) },
  { name: 'between syncs, the next sync bounds the window (upstream gap)', syncs: [[0, 0], [1000, 10]], direction: 'forward', offset: 500, expected: conservative(1, [0, 0], 9) },
  { name: 'between syncs, the next sync bounds the window (downstream gap)', syncs: [[0, 0], [10, 1000]], direction: 'reverse', offset: 500, expected: conservative(1, [0, 0], 9) },
  { name: 'before the first sync', syncs: THREE, direction: 'forward', offset: 99, expected: untranslatable('no-sync-at-or-below') },
  { name: 'before the first sync', syncs: THREE, direction: 'reverse', offset: 199, expected: untranslatable('no-sync-at-or-below') },
  { name: 'after the latest sync', syncs: THREE, direction: 'forward', offset: 1000, expected: conservative(401, [300, 400], 699) },
  { name: 'after the latest sync', syncs: THREE, direction: 'reverse', offset: 500, expected: conservative(301, [300, 400], 99) },
  { name: 'offset 0 exact', syncs: [[0, 0]], direction: 'forward', offset: 0, expected: exact(0, [0, 0]) },
  { name: 'negative offset', syncs: THREE, direction: 'forward', offset: -1, expected: untranslatable('invalid-offset') },
  { name: 'negative offset', syncs: THREE, direction: 'reverse', offset: -1, expected: untranslatable('invalid-offset') },
  // downstream truncation: a new epoch; the old one is never used again
  { name: 'after downstream truncation, new epoch exact', syncs: DOWNSTREAM_TRUNCATED, direction: 'forward', offset: 200, expected: exact(10, [200, 10]) },
  { name: 'after downstream truncation, new epoch between', syncs: DOWNSTREAM_TRUNCATED, direction: 'forward', offset: 250, expected: conservative(11, [200, 10], 49) },
  { name: 'after downstream truncation, old upstream offset', syncs: DOWNSTREAM_TRUNCATED, direction: 'forward', offset: 150, expected: untranslatable('history-reset') },
  { name: 'after downstream truncation, new epoch exact', syncs: DOWNSTREAM_TRUNCATED, direction: 'reverse', offset: 10, expected: exact(200, [200, 10]) },
  { name: 'after downstream truncation, below the new epoch', syncs: DOWNSTREAM_TRUNCATED, direction: 'reverse', offset: 5, expected: untranslatable('history-reset') },
  { name: 'after downstream truncation, offsets above it are the new log', syncs: DOWNSTREAM_TRUNCATED, direction: 'reverse', offset: 251, expected: conservative(201, [200, 10], 240) },
  // upstream rewind: MM2 wipes its store, and so do we
  { name: 'after upstream rewind, new epoch exact', syncs: UPSTREAM_REWOUND, direction: 'forward', offset: 20, expected: exact(300, [20, 300]) },
  { name: 'after upstream rewind, below the new epoch', syncs: UPSTREAM_REWOUND, direction: 'forward', offset: 10, expected: untranslatable('history-reset') },
  { name: 'after upstream rewind, old upstream offsets follow the new epoch', syncs: UPSTREAM_REWOUND, direction: 'forward', offset: 150, expected: conservative(301, [20, 300], 129) },
  { name: 'after upstream rewind, new epoch exact', syncs: UPSTREAM_REWOUND, direction: 'reverse', offset: 300, expected: exact(20, [20, 300]) },
  { name: 'after upstream rewind, old downstream offset', syncs: UPSTREAM_REWOUND, direction: 'reverse', offset: 251, expected: untranslatable('history-reset') },
  { name: 'after upstream rewind, new epoch between', syncs: UPSTREAM_REWOUND, direction: 'reverse', offset: 310, expected: conservative(21, [20, 300], 9) },
  { name: 'after both rewound', syncs: [[100, 200], [5, 6]], direction: 'forward', offset: 5, expected: exact(6, [5, 6]) },
  { name: 'after both rewound', syncs: [[100, 200], [5, 6]], direction: 'reverse', offset: 200, expected: conservative(6, [5, 6], 193) },
  { name: 'same downstream, another upstream is a truncation', syncs: [[100, 200], [120, 200]], direction: 'forward', offset: 110, expected: untranslatable('history-reset') },
  // one upstream record replicated twice: same epoch, newest wins on the tie
  { name: 'replicated twice, exact on the newest copy', syncs: REPLICATED_TWICE, direction: 'forward', offset: 100, expected: exact(205, [100, 205]) },
  { name: 'replicated twice, between', syncs: REPLICATED_TWICE, direction: 'forward', offset: 103, expected: conservative(206, [100, 205], 2) },
  { name: 'replicated twice, first copy', syncs: REPLICATED_TWICE, direction: 'reverse', offset: 200, expected: exact(100, [100, 200]) },
  // the next sync does not bound the window here: it did not advance upstream
  { name: 'replicated twice, inside the first copy', syncs: REPLICATED_TWICE, direction: 'reverse', offset: 203, expected: conservative(101, [100, 200], 2) },
  { name: 'replicated twice, inside the second copy', syncs: REPLICATED_TWICE, direction: 'reverse', offset: 207, expected: conservative(101, [100, 205], 1) }
]

describe('PartitionSyncHistory translation', () => {
  it.each(cases)('$direction $offset: $name', ({ syncs, direction, offset, expected }) => {
    expect(historyOf(syncs).translate(direction, BigInt(offset))).toEqual(expected)
  })

  it('never answers from a previous epoch even when it holds a closer sync', () => {
    const history = historyOf([[0, 0], [10, 10], [1000, 5]])
    expect(fwd(history, 10)).toEqual(untranslatable('history-reset'))
    expect(fwd(history, 1000)).toEqual(exact(5, [1000, 5]))
    expect(history.epoch).toBe(1)
    expect(pairsOf(history)).toEqual([[1000, 5]])
  })

  it('translates offsets beyond 2^32 exactly', () => {
    const big = 2 ** 40 + 7
    const history = historyOf([[big, big + 3]])
    expect(fwd(history, big)).toEqual(exact(big + 3, [big, big + 3]))
    expect(rev(history, big + 10)).toEqual(conservative(big + 1, [big, big + 3], 6))
    expect(history.translateForward(2n ** 53n)).toEqual(untranslatable('invalid-offset'))
  })
})

describe('PartitionSyncHistory.append', () => {
  const outcomes: Array<{ name: string, syncs: Pair[], next: Pair, expected: AppendOutcome, retained: Pair[] }> = [
    { name: 'first sync', syncs: [], next: [5, 6], expected: 'appended', retained: [[5, 6]] },
    { name: 'both advance', syncs: [[5, 6]], next: [7, 9], expected: 'appended', retained: [[5, 6], [7, 9]] },
    { name: 'same pair again', syncs: [[5, 6], [7, 9]], next: [7, 9], expected: 'duplicate', retained: [[5, 6], [7, 9]] },
    { name: 'older retained pair again', syncs: [[5, 6], [7, 9]], next: [5, 6], expected: 'duplicate', retained: [[5, 6], [7, 9]] },
    { name: 'same upstream, larger downstream', syncs: [[5, 6]], next: [5, 8], expected: 'appended', retained: [[5, 6], [5, 8]] },
    { name: 'upstream rewind', syncs: [[5, 6], [7, 9]], next: [6, 10], expected: 'upstream-rewind', retained: [[6, 10]] },
    { name: 'downstream truncation', syncs: [[5, 6], [7, 9]], next: [8, 0], expected: 'downstream-truncation', retained: [[8, 0]] },
    { name: 'same downstream, larger upstream', syncs: [[5, 6]], next: [8, 6], expected: 'downstream-truncation', retained: [[8, 6]] },
    { name: 'both rewound, not a retained pair', syncs: [[5, 6], [7, 9]], next: [6, 7], expected: 'both-rewound', retained: [[6, 7]] }
  ]

  it.each(outcomes)('$name -> $expected', ({ syncs, next, expected, retained }) => {
    const history = historyOf(syncs)
    expect(history.append(BigInt(next[0]), BigInt(next[1]))).toBe(expected)
    expect(pairsOf(history)).toEqual(retained)
  })

  it('counts appends, duplicates and resets', () => {
    const history = historyOf([[1, 1], [2, 2], [2, 2], [1, 1], [0, 5]])
    expect(history.stats).toMatchObject({ appended: 3, duplicates: 2, resets: 1 })
    expect(history.epoch).toBe(1)
  })

  it('rejects offsets the index cannot represent, as an invalid record', () => {
    const history = new PartitionSyncHistory('orders', 3)
    for (const [u, d] of [[-1n, 0n], [0n, -1n], [2n ** 53n, 0n], [0n, 2n ** 63n - 1n]] as const) {
      expect(() => history.append(u, d)).toThrow(expect.objectContaining({ code: 'MM2_DECODE_INVALID', context: expect.objectContaining({ topic: 'orders', partition: 3 }) }))
    }
    expect(history.size).toBe(0)
  })

  it('exposes latest, oldest and the retained syncs in order', () => {
    const empty = new PartitionSyncHistory('orders', 0)
    expect(empty.latest()).toBeUndefined()
    expect(empty.oldest()).toBeUndefined()
    expect(empty.mm2Slots()).toEqual([])
    const history = historyOf(THREE)
    expect(history.latest()).toEqual(pair([300, 400]))
    expect(history.oldest()).toEqual(pair([100, 200]))
    expect(pairsOf(history)).toEqual(THREE)
    expect(history.size).toBe(3)
    expect(history.mm2Slots()).toHaveLength(SYNCS_PER_PARTITION)
    expect(history.mm2Slots()[0]).toEqual(pair([300, 400]))
    expect(history.mm2Slots('reverse')[63]).toEqual(pair([100, 200]))
  })
})

describe('PartitionSyncHistory.pruneBelow', () => {
  const STEPS: Pair[] = [[0, 0], [10, 20], [20, 40], [30, 60]]

  it('keeps the last sync at or below the upstream log start, so offsets from the log start on still translate', () => {
    const history = historyOf(STEPS)
    expect(history.pruneBelow('upstream', 15n)).toBe(1)
    expect(pairsOf(history)).toEqual([[10, 20], [20, 40], [30, 60]])
    expect(fwd(history, 15)).toEqual(conservative(21, [10, 20], 4))
    expect(fwd(history, 10)).toEqual(exact(20, [10, 20]))
    expect(fwd(history, 9)).toEqual(untranslatable('below-log-start'))
    // the downstream side knows no log start yet
    expect(rev(history, 19)).toEqual(untranslatable('no-sync-at-or-below'))
    expect(history.stats.pruned).toBe(1)
  })

  it('prunes on the downstream side', () => {
    const history = historyOf(STEPS)
    expect(history.pruneBelow('downstream', 60n)).toBe(3)
    expect(pairsOf(history)).toEqual([[30, 60]])
    expect(rev(history, 59)).toEqual(untranslatable('below-log-start'))
    expect(rev(history, 61)).toEqual(conservative(31, [30, 60], 0))
    expect(fwd(history, 29)).toEqual(untranslatable('no-sync-at-or-below'))
  })

  it('does nothing when no sync lies at or below the log start, or on an empty history', () => {
    const history = historyOf(STEPS)
    expect(history.pruneBelow('upstream', 0n)).toBe(0)
    expect(history.pruneBelow('downstream', 5n)).toBe(0)
    expect(history.size).toBe(4)
    expect(new PartitionSyncHistory('t', 0).pruneBelow('upstream', 100n)).toBe(0)
  })

  it('keeps appending and thinning after a prune', () => {
    const history = new PartitionSyncHistory('orders', 0, { denseSyncs: 8, bucketsPerDoubling: 2 })
    for (let u = 0; u < 1000; u++) history.append(BigInt(u), BigInt(2 * u))
    // 900 itself was thinned away: the last retained sync at or below it is kept instead
    history.pruneBelow('upstream', 900n)
    const floor = Number(history.oldest()!.upstreamOffset)
    expect(floor).toBeLessThan(900)
    for (let u = 1000; u < 3000; u++) history.append(BigInt(u), BigInt(2 * u))
    expect(fwd(history, 2999)).toEqual(exact(5998, [2999, 5998]))
    expect(history.oldest()).toEqual(pair([floor, 2 * floor]))
    expect(fwd(history, 950)).toMatchObject({ kind: 'translated' })
    expect(fwd(history, floor)).toEqual(exact(2 * floor, [floor, 2 * floor]))
    expect(fwd(history, floor - 1)).toEqual(untranslatable('below-log-start'))
  })

  it('rejects an impossible log-start offset as an internal error', () => {
    expect(() => historyOf(STEPS).pruneBelow('upstream', -1n)).toThrow(expect.objectContaining({ code: 'MM2_INTERNAL' }))
  })
})

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

// ---- ported from apache/kafka OffsetSyncStoreTest ------------------------------------------------
// testNoTranslationIfStoreNotStarted does not apply here: the index has no read-to-end phase; the
// engine gates all output until the syncs topics were read to their end (DESIGN.md §2.1).

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
    const expectations = [[3840, 0], [7680, 3840], [8640, 7680], [9120, 8640], [9600, 9120], [9840, 9600], [9900, 9840], [9960, 9900], [9990, 9960], [10000, 9990]] as const
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
      assertSyncSpacingHasBoundedExpirations(0, Array.from({ length: iterations }, () => Math.floor(next() * maximumDifference)), maximumExpirations)
      const offsetLagMax = 2 ** 16
      assertSyncSpacingHasBoundedExpirations(0, Array.from({ length: iterations }, () => offsetLagMax + Math.floor(next() * maximumDifference)), maximumExpirations)
    }
  })

  it('testDroppedSyncsSpacing', () => {
    const next = random(0)
    const offsetLagMax = 100
    assertSyncSpacingHasBoundedExpirations(0, Array.from({ length: 2000 }, () => (next() < 0.5 ? 2 : 1) * offsetLagMax), 2)
  })
})

// ---- properties ----------------------------------------------------------------------------------

// A replicated log: upstream records with gaps (compaction, transaction markers), some not replicated
// (filtered), downstream offsets with gaps (target-side transaction markers), syncs on some records.
const replicatedLog = fc.record({
  records: fc.array(fc.record({
    upstreamGap: fc.nat({ max: 3 }),
    downstreamGap: fc.nat({ max: 3 }),
    replicated: fc.integer({ min: 0, max: 9 }).map((n) => n > 0),
    synced: fc.integer({ min: 0, max: 3 }).map((n) => n === 0)
  }), { minLength: 1, maxLength: 400 }),
  denseSyncs: fc.integer({ min: 1, max: 8 }),
  bucketsPerDoubling: fc.constantFrom(1, 2, 4)
})

function buildLog (spec: typeof replicatedLog extends fc.Arbitrary<infer T> ? T : never) {
  const records: Pair[] = []
  const syncs: Pair[] = []
  let u = -1
  let d = -1
  for (const record of spec.records) {
    u += 1 + record.upstreamGap
    if (!record.replicated) continue
    d += 1 + record.downstreamGap
    records.push([u, d])
    if (record.synced) syncs.push([u, d])
  }
  const history = historyOf(syncs, { denseSyncs: spec.denseSyncs, bucketsPerDoubling: spec.bucketsPerDoubling })
  return { records, syncs, history, lastUpstream: u }
}

// Random syncs of one epoch: upstream never decreasing, downstream strictly increasing.
const epochSyncs = fc.record({
  steps: fc.array(fc.tuple(fc.nat({ max: 5000 }), fc.integer({ min: 1, max: 5000 }), fc.nat({ max: 4 })), { minLength: 1, maxLength: 600 }),
  denseSyncs: fc.integer({ min: 1, max: 32 }),
  bucketsPerDoubling: fc.constantFrom(1, 2, 8, 16)
}).map(({ steps, denseSyncs, bucketsPerDoubling }) => {
  const syncs: Pair[] = []
  let u = 0
  let d = 0
  for (const [du, dd, scale] of steps) {
    u += Math.floor(du / 10 ** scale)
    d += Math.max(1, Math.floor(dd / 10 ** scale))
    syncs.push([u, d])
  }
  return { syncs, options: { denseSyncs, bucketsPerDoubling } }
})

describe('properties', { timeout: 60_000 }, () => {
  it('never skips: the answer is at or before the true position, within the reread window, exact when it says so', () => {
    fc.assert(fc.property(replicatedLog, (spec) => {
      const { records, history, lastUpstream } = buildLog(spec)
      const lastD = records.length === 0 ? -1 : records[records.length - 1]![1]
      const lastU = records.length === 0 ? -1 : records[records.length - 1]![0]
      let previous = -1
      for (let o = 0; o <= lastUpstream + 2; o++) {
        const t = fwd(history, o)
        if (t.kind !== 'translated') continue
        const truth = records.find(([u]) => u >= o)?.[1] ?? lastD + 1
        const offset = Number(t.offset)
        expect(offset).toBeLessThanOrEqual(truth)
        expect(offset).toBeGreaterThanOrEqual(previous) // monotone in o
        previous = offset
        if (t.method === 'exact') expect(offset).toBe(truth)
        const reread = records.filter(([, d]) => d >= offset && d < truth).length
        expect(reread).toBeLessThanOrEqual(Number(t.rereadWindow))
      }
      previous = -1
      for (let o = 0; o <= lastD + 2; o++) {
        const t = rev(history, o)
        if (t.kind !== 'translated') continue
        const truth = records.find(([, d]) => d >= o)?.[0] ?? lastU + 1
        const offset = Number(t.offset)
        expect(offset).toBeLessThanOrEqual(truth)
        expect(offset).toBeGreaterThanOrEqual(previous)
        previous = offset
        if (t.method === 'exact') expect(offset).toBe(truth)
        const reread = records.filter(([u]) => u >= offset && u < truth).length
        expect(reread).toBeLessThanOrEqual(Number(t.rereadWindow))
      }
    }), { numRuns: 150 })
  })

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

  it('treats every retained sync, replayed, as a duplicate', () => {
    fc.assert(fc.property(epochSyncs, ({ syncs, options }) => {
      const history = new PartitionSyncHistory('t', 0, options)
      for (const [u, d] of syncs) history.append(BigInt(u), BigInt(d))
      const before = pairsOf(history)
      for (const [u, d] of before) expect(history.append(BigInt(u), BigInt(d))).toBe('duplicate')
      expect(pairsOf(history)).toEqual(before)
      expect(history.epoch).toBe(0)
    }), { numRuns: 100 })
  })
})

// ---- flows and keys ------------------------------------------------------------------------------

describe('SyncIndex', () => {
  it('keys histories by flow, topic and partition', () => {
    const index = new SyncIndex()
    const ab = index.flow('A', 'B')
    expect(index.flow('A', 'B')).toBe(ab)
    expect(index.findFlow('B', 'A')).toBeUndefined()
    const ba = index.flow('B', 'A')
    expect(ab.append('orders', 0, 10n, 20n)).toBe('appended')
    expect(ab.appendSync({ topic: 'orders', partition: 1, upstreamOffset: 5n, downstreamOffset: 6n })).toBe('appended')
    expect(ba.append('orders', 0, 100n, 200n)).toBe('appended')
    expect(ab.translate('forward', 'orders', 0, 10n)).toEqual(exact(20, [10, 20]))
    expect(ba.translate('forward', 'orders', 0, 100n)).toEqual(exact(200, [100, 200]))
    expect(ab.translate('reverse', 'orders', 1, 6n)).toEqual(exact(5, [5, 6]))
    expect(ab.translate('forward', 'orders', 2, 0n)).toEqual(untranslatable('no-syncs'))
    expect(ab.translate('forward', 'payments', 0, 0n)).toEqual(untranslatable('no-syncs'))
    expect(ab.find('orders', 1)?.partition).toBe(1)
    expect(ab.find('orders', 7)).toBeUndefined()
    expect([...ab.histories()].map((h) => `${h.topic}-${h.partition}`)).toEqual(['orders-0', 'orders-1'])
    expect([...index.flows()].map((f) => flowName({ source: f.sourceClusterAlias, target: f.targetClusterAlias }))).toEqual(['A->B', 'B->A'])
    expect(ab.retainedSyncs).toBe(2)
    expect(index.retainedSyncs).toBe(3)
    expect(ab.pruneBelow('orders', 0, 'upstream', 11n)).toBe(0)
    expect(ab.pruneBelow('nope', 0, 'upstream', 11n)).toBe(0)
  })

  it('rejects partitions that are not INT32 >= 0', () => {
    const flow = new SyncIndex().flow('A', 'B')
    for (const partition of [-1, 1.5, 2 ** 31]) {
      expect(() => flow.append('orders', partition, 0n, 0n)).toThrow(expect.objectContaining({ code: 'MM2_DECODE_INVALID' }))
    }
  })

  it('validates its options', () => {
    for (const options of [{ denseSyncs: 0 }, { denseSyncs: 1.5 }, { bucketsPerDoubling: 3 }, { bucketsPerDoubling: 0 }, { bucketsPerDoubling: 2 ** 21 }]) {
      expect(() => new SyncIndex(options)).toThrow(expect.objectContaining({ code: 'MM2_CONFIG_INVALID' }))
    }
    expect(() => new SyncIndex({ denseSyncs: 1, bucketsPerDoubling: 1 })).not.toThrow()
  })
})

describe('requireTranslated', () => {
  it('returns a translation and throws MM2_UNTRANSLATABLE with context otherwise', () => {
    const history = historyOf(THREE)
    expect(requireTranslated(fwd(history, 150), 'forward', 150n)).toEqual(exact(251, [150, 251]))
    let error: unknown
    try {
      requireTranslated(fwd(history, 5), 'forward', 5n, { topic: 'orders', partition: 0, cluster: 'A' })
    } catch (e) {
      error = e
    }
    expect(isMm2FailbackError(error, 'MM2_UNTRANSLATABLE')).toBe(true)
    expect((error as Error).message).toBe('Offset 5 of orders-0 cannot be translated forward: no-sync-at-or-below.')
    expect(() => requireTranslated(untranslatable('no-syncs'), 'reverse', 1n)).toThrow('Offset 1 of the partition cannot be translated reverse: no-syncs.')
  })
})
