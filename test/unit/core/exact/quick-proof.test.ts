// The constant-cost check of a group's interpolated position: what it proves, what refutes it, and
// when it says to wait for MM2.
import { describe, expect, it } from 'vitest'
import type { MatchRecord } from '../../../../sidecar/src/core/exact/exact-walk.ts'
import { checkCandidate, interpolate, type Neighbourhood } from '../../../../sidecar/src/core/exact/quick-proof.ts'

const text = new TextEncoder()
const rec = (offset: bigint, value: string, extra: Partial<MatchRecord> = {}): MatchRecord =>
  ({ offset, timestamp: 1000n + BigInt(value.length), key: text.encode('k'), value: text.encode(value), headers: [], ...extra })
const around = (before: MatchRecord | null, at: MatchRecord | null, end: bigint): Neighbourhood => ({ before, at, end })

describe('interpolate', () => {
  it('adds the distance from the anchor on the group side to the anchor\'s other offset', () => {
    expect(interpolate('forward', { upstreamOffset: 100n, downstreamOffset: 40n }, 130n)).toBe(70n)
    expect(interpolate('reverse', { upstreamOffset: 100n, downstreamOffset: 40n }, 70n)).toBe(130n)
  })
})

describe('checkCandidate', () => {
  it('proves the candidate when the records before and at both positions are one record each', () => {
    const verdict = checkCandidate(130n, 70n, around(rec(129n, 'r129'), rec(130n, 'r130'), 200n), around(rec(69n, 'r129'), rec(70n, 'r130'), 140n))
    expect(verdict).toEqual({ kind: 'exact', offset: 70n })
  })

  it('proves it when the other log ends right after the copy of the group\'s last record', () => {
    const verdict = checkCandidate(130n, 70n, around(rec(129n, 'r129'), rec(130n, 'r130'), 200n), around(rec(69n, 'r129'), null, 70n))
    expect(verdict).toEqual({ kind: 'exact', offset: 70n })
  })

  it('proves a group at the end of its log when the other log ends at the candidate too', () => {
    expect(checkCandidate(130n, 70n, around(rec(129n, 'r129'), null, 130n), around(rec(69n, 'r129'), null, 70n))).toEqual({ kind: 'exact', offset: 70n })
  })

  it('says not-copied while the other log ends before the copy of the group\'s last record', () => {
    const verdict = checkCandidate(130n, 70n, around(rec(129n, 'r129'), null, 130n), around(null, null, 60n))
    expect(verdict.kind).toBe('not-copied')
  })

  it('refutes a candidate whose record before is another record (a re-delivery or a gap shifted the other log)', () => {
    const verdict = checkCandidate(130n, 70n, around(rec(129n, 'r129'), rec(130n, 'r130'), 200n), around(rec(69n, 'r128'), rec(70n, 'r129'), 140n))
    expect(verdict.kind).toBe('refuted')
  })

  it('refutes when the next records differ: the other log holds a re-delivery at the candidate', () => {
    const verdict = checkCandidate(130n, 70n, around(rec(129n, 'r129'), rec(130n, 'r130'), 200n), around(rec(69n, 'r129'), rec(70n, 'r129'), 140n))
    expect(verdict.kind).toBe('refuted')
  })

  it('refutes when the group\'s last offset holds no data record (a transaction marker or compaction)', () => {
    expect(checkCandidate(130n, 70n, around(null, rec(130n, 'r130'), 200n), around(rec(69n, 'r129'), rec(70n, 'r130'), 140n)).kind).toBe('refuted')
    expect(checkCandidate(130n, 70n, around(rec(128n, 'r128'), rec(130n, 'r130'), 200n), around(rec(69n, 'r129'), rec(70n, 'r130'), 140n)).kind).toBe('refuted')
  })

  it('refutes aborted records on either side: only the walk knows whether MM2 copied them', () => {
    const aborted = rec(129n, 'r129', { aborted: true })
    expect(checkCandidate(130n, 70n, around(aborted, rec(130n, 'r130'), 200n), around(rec(69n, 'r129'), rec(70n, 'r130'), 140n)).kind).toBe('refuted')
    const abortedCopy = rec(69n, 'r129', { aborted: true })
    expect(checkCandidate(130n, 70n, around(rec(129n, 'r129'), rec(130n, 'r130'), 200n), around(abortedCopy, rec(70n, 'r130'), 140n)).kind).toBe('refuted')
  })

  it('refutes a group at the end of its log when the other log goes on (its next record needs the walk)', () => {
    expect(checkCandidate(130n, 70n, around(rec(129n, 'r129'), null, 130n), around(rec(69n, 'r129'), rec(70n, 'r129'), 71n)).kind).toBe('refuted')
  })

  it('refutes a gap at the group\'s offset on its own side (marker or compaction there)', () => {
    expect(checkCandidate(130n, 70n, around(rec(129n, 'r129'), null, 200n), around(rec(69n, 'r129'), rec(70n, 'r130'), 140n)).kind).toBe('refuted')
  })

  it('compares timestamps: the same key and value written at another time are another record', () => {
    const other = rec(69n, 'r129', { timestamp: 5n })
    expect(checkCandidate(130n, 70n, around(rec(129n, 'r129'), null, 130n), around(other, null, 70n)).kind).toBe('refuted')
    expect(checkCandidate(130n, 70n, around(rec(129n, 'r129'), null, 130n), around(other, null, 70n), false)).toEqual({ kind: 'exact', offset: 70n })
  })

  it('refutes a candidate at or below 0', () => {
    expect(checkCandidate(1n, 0n, around(rec(0n, 'r0'), null, 1n), around(null, null, 0n)).kind).toBe('refuted')
  })
})
