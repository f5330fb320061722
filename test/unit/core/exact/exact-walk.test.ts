import { describe, expect, it } from 'vitest'
import { ExactWalk, matchExact, sameRecord, type ExactOutcome, type MatchRecord } from '../../../../sidecar/src/core/exact/exact-walk.ts'

// Tiny builders: a record is "v" (value v, timestamp 1) or "v@ts"; `~` marks an aborted record.
const enc = new TextEncoder()
function rec (offset: number, spec: string): MatchRecord {
  const aborted = spec.startsWith('~')
  const [value, ts] = spec.replace('~', '').split('@')
  return {
    offset: BigInt(offset),
    timestamp: BigInt(ts ?? '1'),
    key: enc.encode('k'),
    value: enc.encode(value!),
    headers: [[enc.encode('h'), enc.encode(value!)]],
    ...(aborted ? { aborted } : {})
  }
}
/** "a b _ c" from offset `from`: `_` is an offset gap (marker, compacted, aborted-and-dropped). */
function log (from: number, specs: string): MatchRecord[] {
  const records: MatchRecord[] = []
  let offset = from
  for (const spec of specs.split(/\s+/).filter(Boolean)) {
    if (spec !== '_') records.push(rec(offset, spec))
    offset++
  }
  return records
}
const summary = (o: ExactOutcome): string => o.kind === 'exact' ? `exact ${o.offset}` : `unproven ${o.reason}`

interface Case {
  name: string
  direction: 'forward' | 'reverse'
  sync: [number, number]
  group: number
  upstream: string
  upFrom?: number
  downstream: string
  downFrom?: number
  want: string
  max?: number
}

// Upstream and downstream logs start at the sync's offsets unless told otherwise.
const cases: Case[] = [
  {
    name: 'sync sits at the group offset',
    direction: 'forward',
    sync: [10, 20],
    group: 10,
    upstream: 'a',
    downstream: 'a',
    want: 'exact 20'
  },
  {
    name: 'plain copy, forward',
    direction: 'forward',
    sync: [10, 20],
    group: 13,
    upstream: 'a b c d',
    downstream: 'a b c d',
    want: 'exact 23'
  },
  {
    name: 'plain copy, reverse',
    direction: 'reverse',
    sync: [10, 20],
    group: 23,
    upstream: 'a b c d',
    downstream: 'a b c d',
    want: 'exact 13'
  },
  {
    name: 'transaction markers upstream leave gaps (forward)',
    direction: 'forward',
    sync: [10, 20],
    group: 16,
    upstream: 'a b _ c _ d e',
    downstream: 'a b c d e',
    want: 'exact 24'
  },
  {
    name: 'transaction markers upstream leave gaps (reverse)',
    direction: 'reverse',
    sync: [10, 20],
    group: 24,
    upstream: 'a b _ c _ d e',
    downstream: 'a b c d e',
    want: 'exact 16'
  },
  {
    name: 'aborted upstream records copied by a read_uncommitted MM2',
    direction: 'forward',
    sync: [10, 20],
    group: 15,
    upstream: 'a ~x ~y _ b c',
    downstream: 'a x y b c',
    want: 'exact 24'
  },
  {
    name: 'aborted upstream records not copied (read_committed MM2)',
    direction: 'forward',
    sync: [10, 20],
    group: 15,
    upstream: 'a ~x ~y _ b c',
    downstream: 'a b c',
    want: 'exact 22'
  },
  {
    name: 'aborted upstream records not copied, reverse',
    direction: 'reverse',
    sync: [10, 20],
    group: 22,
    upstream: 'a ~x ~y _ b c d',
    downstream: 'a b c d',
    want: 'exact 15'
  },
  {
    name: 'trailing aborted record already copied is skipped too',
    direction: 'forward',
    sync: [10, 20],
    group: 12,
    upstream: 'a ~x b',
    downstream: 'a x b',
    want: 'exact 22'
  },
  {
    name: 'trailing aborted record not copied: stop after the last copy',
    direction: 'forward',
    sync: [10, 20],
    group: 12,
    upstream: 'a ~x b',
    downstream: 'a b',
    want: 'exact 21'
  },
  {
    name: 'aborted records downstream (MM2 exactly-once) are ignored',
    direction: 'forward',
    sync: [10, 20],
    group: 13,
    upstream: 'a b c d',
    downstream: 'a ~b ~c _ b c d',
    want: 'exact 26'
  },
  {
    name: 'compaction gaps on both sides (same records gone)',
    direction: 'forward',
    sync: [10, 20],
    group: 18,
    upstream: 'a _ _ b _ c _ d e',
    downstream: 'a _ b _ c d e',
    want: 'exact 26'
  },
  {
    name: 'compaction removed the anchor upstream',
    direction: 'forward',
    sync: [10, 20],
    group: 14,
    upstream: '_ b c d e',
    downstream: 'a b c d e',
    want: 'exact 24'
  },
  {
    name: 'compaction removed the anchor downstream',
    direction: 'reverse',
    sync: [10, 20],
    group: 24,
    upstream: 'a b c d e',
    downstream: '_ b c d e',
    want: 'exact 14'
  },
  {
    name: 'record compacted upstream only, copy still downstream',
    direction: 'forward',
    sync: [10, 20],
    group: 14,
    upstream: 'a _ c d e',
    downstream: 'a b c d e',
    want: 'unproven mismatch'
  },
  {
    name: 'record compacted downstream only (reverse)',
    direction: 'reverse',
    sync: [10, 20],
    group: 23,
    upstream: 'a b c d e',
    downstream: 'a _ c d e',
    want: 'unproven mismatch'
  },
  {
    name: 'MM2 re-delivery (duplicates) inside the walk, forward',
    direction: 'forward',
    sync: [10, 20],
    group: 14,
    upstream: 'a b c d e',
    downstream: 'a b c b c d e',
    want: 'exact 26'
  },
  {
    name: 'MM2 re-delivery inside the window, reverse',
    direction: 'reverse',
    sync: [10, 20],
    group: 26,
    upstream: 'a b c d e f',
    downstream: 'a b c b c d e',
    want: 'exact 14'
  },
  {
    name: 'window ends on a re-delivery, reverse',
    direction: 'reverse',
    sync: [10, 20],
    group: 25,
    upstream: 'a b c d e',
    downstream: 'a b c b c d',
    want: 'exact 13'
  },
  {
    name: 'ambiguous identical records, forward',
    direction: 'forward',
    sync: [10, 20],
    group: 13,
    upstream: 'a b a c',
    downstream: 'a b a c',
    want: 'unproven ambiguous'
  },
  {
    name: 'ambiguous identical records, reverse',
    direction: 'reverse',
    sync: [10, 20],
    group: 23,
    upstream: 'a a a c',
    downstream: 'a a a c',
    want: 'unproven ambiguous'
  },
  {
    name: 'same value, different timestamps are different records',
    direction: 'forward',
    sync: [10, 20],
    group: 13,
    upstream: 'a@1 b a@2 c',
    downstream: 'a@1 b a@2 c',
    want: 'exact 23'
  },
  {
    name: 'foreign record downstream',
    direction: 'forward',
    sync: [10, 20],
    group: 13,
    upstream: 'a b c d',
    downstream: 'a b z c d',
    want: 'unproven mismatch'
  },
  {
    name: 'anchor does not match (wrong sync)',
    direction: 'forward',
    sync: [10, 20],
    group: 12,
    upstream: 'a b c',
    downstream: 'z b c',
    want: 'unproven mismatch'
  },
  {
    name: 'downstream behind (MM2 lagging)',
    direction: 'forward',
    sync: [10, 20],
    group: 14,
    upstream: 'a b c d e',
    downstream: 'a b c',
    want: 'unproven incomplete'
  },
  {
    name: 'window compacted away entirely',
    direction: 'forward',
    sync: [10, 20],
    group: 13,
    upstream: '_ _ _',
    downstream: 'a b c',
    want: 'unproven empty-window'
  },
  {
    name: 'cap exceeded',
    direction: 'forward',
    sync: [10, 20],
    group: 15,
    upstream: 'a b c d e',
    downstream: 'a b c d e',
    want: 'unproven cap-exceeded',
    max: 6
  },
  {
    name: 'cap by offset span before reading',
    direction: 'reverse',
    sync: [0, 0],
    group: 50,
    upstream: 'a',
    downstream: 'a',
    want: 'unproven cap-exceeded',
    max: 10
  },
  // Below MM2's first sync the engine anchors on the first record of both logs (compacted upstream: gaps, dense copy).
  {
    name: 'first-records anchor: compacted upstream, dense copy (forward)',
    direction: 'forward',
    sync: [3, 0],
    group: 12,
    upstream: 'a _ _ b c _ _ d _',
    upFrom: 3,
    downstream: 'a b c d',
    downFrom: 0,
    want: 'exact 4'
  },
  {
    name: 'first-records anchor: compacted upstream, dense copy (reverse)',
    direction: 'reverse',
    sync: [3, 0],
    group: 3,
    upstream: 'a _ _ b c _ _ d _',
    upFrom: 3,
    downstream: 'a b c d',
    downFrom: 0,
    want: 'exact 8'
  },
  {
    name: 'first-records anchor refuted: MM2 started copying mid-log',
    direction: 'forward',
    sync: [0, 0],
    group: 4,
    upstream: 'a b c d e',
    upFrom: 0,
    downstream: 'c d e',
    downFrom: 0,
    want: 'unproven mismatch'
  },
  {
    name: 'first-records anchor refuted: upstream log start moved by retention',
    direction: 'reverse',
    sync: [2, 0],
    group: 3,
    upstream: 'c d e',
    upFrom: 2,
    downstream: 'a b c d e',
    downFrom: 0,
    want: 'unproven mismatch'
  }
]

describe('matchExact', () => {
  it.each(cases)('$name -> $want', (c) => {
    const outcome = matchExact(
      {
        direction: c.direction,
        sync: { upstreamOffset: BigInt(c.sync[0]), downstreamOffset: BigInt(c.sync[1]) },
        groupOffset: BigInt(c.group),
        ...(c.max === undefined ? {} : { maxRecords: c.max })
      },
      log(c.upFrom ?? c.sync[0], c.upstream),
      log(c.downFrom ?? c.sync[1], c.downstream)
    )
    expect(summary(outcome)).toBe(c.want)
  })

  it('counts matches, re-deliveries and skipped aborted records', () => {
    const outcome = matchExact(
      { direction: 'forward', sync: { upstreamOffset: 0n, downstreamOffset: 0n }, groupOffset: 5n },
      log(0, 'a ~x b c d'),
      log(0, 'a b a b c d')
    )
    expect(outcome).toMatchObject({ kind: 'exact', offset: 6n, matched: 4, duplicates: 2, skipped: 1 })
  })

  it('ignores timestamps when told to (LogAppendTime topics)', () => {
    const options = { direction: 'forward' as const, sync: { upstreamOffset: 0n, downstreamOffset: 0n }, groupOffset: 2n }
    expect(summary(matchExact(options, log(0, 'a@1 b@1'), log(0, 'a@5 b@6')))).toBe('unproven mismatch')
    expect(summary(matchExact({ ...options, compareTimestamps: false }, log(0, 'a@1 b@1'), log(0, 'a@5 b@6')))).toBe('exact 2')
  })
})

describe('ExactWalk (incremental)', () => {
  it('asks for the window first, then the other side, and answers from chunks', () => {
    const walk = new ExactWalk({ direction: 'reverse', sync: { upstreamOffset: 100n, downstreamOffset: 0n }, groupOffset: 4n })
    expect(walk.demand()).toEqual({ side: 'downstream', from: 0n })
    expect(walk.push('downstream', log(0, 'a b'))).toBeNull()
    expect(walk.demand()).toEqual({ side: 'downstream', from: 2n })
    expect(walk.push('downstream', log(2, 'c d e f'))).toBeNull()
    expect(walk.demand()).toEqual({ side: 'upstream', from: 100n })
    expect(walk.push('upstream', log(100, 'a _ b'))).toBeNull()
    expect(walk.demand()).toEqual({ side: 'upstream', from: 103n })
    expect(walk.push('upstream', log(103, 'c d e'))).toMatchObject({ kind: 'exact', offset: 105n })
    expect(walk.demand()).toBeNull()
  })

  it('finish() decides with what was read', () => {
    const walk = new ExactWalk({ direction: 'forward', sync: { upstreamOffset: 0n, downstreamOffset: 0n }, groupOffset: 3n })
    walk.push('upstream', log(0, 'a b c'))
    walk.push('downstream', log(0, 'a b'))
    expect(summary(walk.finish())).toBe('unproven incomplete')
  })
})

describe('sameRecord', () => {
  it('compares keys, values, headers in order and null vs empty', () => {
    const a = rec(0, 'a')
    expect(sameRecord(a, { ...a, offset: 9n })).toBe(true)
    expect(sameRecord(a, { ...a, key: null })).toBe(false)
    expect(sameRecord({ ...a, value: null }, { ...a, value: new Uint8Array() })).toBe(false)
    expect(sameRecord(a, { ...a, headers: [] })).toBe(false)
    expect(sameRecord(a, { ...a, headers: [[enc.encode('h'), enc.encode('b')]] })).toBe(false)
  })
})
