// PartitionSyncHistory: translation in both directions, append outcomes and epochs, pruning, and
// the never-skip property against a simulated replicated log.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { PartitionSyncHistory } from '../../../../sidecar/src/core/translation/partition-sync-history.ts'
import type { AppendOutcome } from '../../../../sidecar/src/core/translation/partition-sync-history.ts'
import type { Translation, TranslationDirection } from '../../../../sidecar/src/core/translation/translation.ts'
import { SYNCS_PER_PARTITION } from './mm2-offset-sync-store.ts'
import { conservative, epochSyncs, exact, fwd, historyOf, pair, pairsOf, rev, THREE, untranslatable, type Pair } from './sync-builders.ts'

// ---- translation, both directions ----------------------------------------------------------------

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
  {
    name: 'between syncs, the next sync bounds the window (upstream gap)',
    syncs: [[0, 0], [1000, 10]],
    direction: 'forward',
    offset: 500,
    expected: conservative(1, [0, 0], 9)
  },
  {
    name: 'between syncs, the next sync bounds the window (downstream gap)',
    syncs: [[0, 0], [10, 1000]],
    direction: 'reverse',
    offset: 500,
    expected: conservative(1, [0, 0], 9)
  },
  { name: 'before the first sync', syncs: THREE, direction: 'forward', offset: 99, expected: untranslatable('no-sync-at-or-below') },
  { name: 'before the first sync', syncs: THREE, direction: 'reverse', offset: 199, expected: untranslatable('no-sync-at-or-below') },
  { name: 'after the latest sync', syncs: THREE, direction: 'forward', offset: 1000, expected: conservative(401, [300, 400], 699) },
  { name: 'after the latest sync', syncs: THREE, direction: 'reverse', offset: 500, expected: conservative(301, [300, 400], 99) },
  { name: 'offset 0 exact', syncs: [[0, 0]], direction: 'forward', offset: 0, expected: exact(0, [0, 0]) },
  { name: 'negative offset', syncs: THREE, direction: 'forward', offset: -1, expected: untranslatable('invalid-offset') },
  { name: 'negative offset', syncs: THREE, direction: 'reverse', offset: -1, expected: untranslatable('invalid-offset') },
  // downstream truncation: a new epoch; the old one is never used again
  { name: 'after downstream truncation, new epoch exact', syncs: DOWNSTREAM_TRUNCATED, direction: 'forward', offset: 200, expected: exact(10, [200, 10]) },
  {
    name: 'after downstream truncation, new epoch between',
    syncs: DOWNSTREAM_TRUNCATED,
    direction: 'forward',
    offset: 250,
    expected: conservative(11, [200, 10], 49)
  },
  {
    name: 'after downstream truncation, old upstream offset',
    syncs: DOWNSTREAM_TRUNCATED,
    direction: 'forward',
    offset: 150,
    expected: untranslatable('history-reset')
  },
  { name: 'after downstream truncation, new epoch exact', syncs: DOWNSTREAM_TRUNCATED, direction: 'reverse', offset: 10, expected: exact(200, [200, 10]) },
  {
    name: 'after downstream truncation, below the new epoch',
    syncs: DOWNSTREAM_TRUNCATED,
    direction: 'reverse',
    offset: 5,
    expected: untranslatable('history-reset')
  },
  {
    name: 'after downstream truncation, offsets above it are the new log',
    syncs: DOWNSTREAM_TRUNCATED,
    direction: 'reverse',
    offset: 251,
    expected: conservative(201, [200, 10], 240)
  },
  // upstream rewind: MM2 wipes its store, and so do we
  { name: 'after upstream rewind, new epoch exact', syncs: UPSTREAM_REWOUND, direction: 'forward', offset: 20, expected: exact(300, [20, 300]) },
  { name: 'after upstream rewind, below the new epoch', syncs: UPSTREAM_REWOUND, direction: 'forward', offset: 10, expected: untranslatable('history-reset') },
  {
    name: 'after upstream rewind, old upstream offsets follow the new epoch',
    syncs: UPSTREAM_REWOUND,
    direction: 'forward',
    offset: 150,
    expected: conservative(301, [20, 300], 129)
  },
  { name: 'after upstream rewind, new epoch exact', syncs: UPSTREAM_REWOUND, direction: 'reverse', offset: 300, expected: exact(20, [20, 300]) },
  {
    name: 'after upstream rewind, old downstream offset',
    syncs: UPSTREAM_REWOUND,
    direction: 'reverse',
    offset: 251,
    expected: untranslatable('history-reset')
  },
  { name: 'after upstream rewind, new epoch between', syncs: UPSTREAM_REWOUND, direction: 'reverse', offset: 310, expected: conservative(21, [20, 300], 9) },
  { name: 'after both rewound', syncs: [[100, 200], [5, 6]], direction: 'forward', offset: 5, expected: exact(6, [5, 6]) },
  { name: 'after both rewound', syncs: [[100, 200], [5, 6]], direction: 'reverse', offset: 200, expected: conservative(6, [5, 6], 193) },
  {
    name: 'same downstream, another upstream is a truncation',
    syncs: [[100, 200], [120, 200]],
    direction: 'forward',
    offset: 110,
    expected: untranslatable('history-reset')
  },
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
    const invalidRecord = expect.objectContaining({ code: 'MM2_DECODE_INVALID', context: expect.objectContaining({ topic: 'orders', partition: 3 }) })
    for (const [u, d] of [[-1n, 0n], [0n, -1n], [2n ** 53n, 0n], [0n, 2n ** 63n - 1n]] as const) {
      expect(() => history.append(u, d)).toThrow(invalidRecord)
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
