import { describe, expect, it } from 'vitest'
import { planPartition, planReconcile, summaryLine, type GroupInput, type PartitionInput } from '../../../../sidecar/src/core/reconcile/plan.ts'
import type { Translation } from '../../../../sidecar/src/core/translation/translation.ts'
import type { ExactOutcome } from '../../../../sidecar/src/core/exact/exact-walk.ts'

const sync = { upstreamOffset: 100n, downstreamOffset: 10n }
const exactT = (offset: bigint): Translation => ({ kind: 'translated', offset, method: 'exact', sync, rereadWindow: 0n })
const consT = (offset: bigint, window: bigint): Translation => ({ kind: 'translated', offset, method: 'conservative', sync, rereadWindow: window })
const none: Translation = { kind: 'untranslatable', reason: 'no-sync-at-or-below' }
const proof = (offset: bigint): ExactOutcome => ({ kind: 'exact', offset, matched: 5, duplicates: 0, skipped: 0, walked: 10 })
const failed: ExactOutcome = { kind: 'unproven', reason: 'ambiguous', detail: 'two readings', walked: 4 }

const group = (members = 0): GroupInput => ({
  group: 'G',
  sourceCluster: 'B',
  targetCluster: 'A',
  targetMembers: members,
  partitions: []
})
const part = (p: Partial<PartitionInput>): PartitionInput => ({
  sourceTopic: 'A.orders',
  targetTopic: 'orders',
  partition: 0,
  sourceOffset: 15n,
  translation: consT(101n, 4n),
  targetOffset: null,
  ...p
})

interface Case {
  name: string
  members?: number
  input: Partial<PartitionInput>
  allowRewind?: boolean
  want: { action: string, reason: string | null, method: string, offset: bigint | null, delta?: bigint | null, window?: bigint | null }
}

const cases: Case[] = [
  {
    name: 'no target offset: commit the conservative offset',
    input: {},
    want: { action: 'commit', reason: null, method: 'conservative', offset: 101n, delta: null, window: 4n }
  },
  {
    name: 'sync at the offset: exact',
    input: { translation: exactT(100n), targetOffset: 90n },
    want: { action: 'commit', reason: null, method: 'exact', offset: 100n, delta: 10n, window: 0n }
  },
  {
    name: 'proof replaces the conservative offset',
    input: { exact: proof(104n), targetOffset: 90n },
    want: { action: 'commit', reason: null, method: 'exact', offset: 104n, delta: 14n, window: 0n }
  },
  {
    name: 'failed proof falls back to conservative',
    input: { exact: failed },
    want: { action: 'commit', reason: null, method: 'conservative', offset: 101n, window: 4n }
  },
  {
    name: 'already in sync',
    input: { exact: proof(104n), targetOffset: 104n },
    want: { action: 'skip', reason: 'in-sync', method: 'exact', offset: 104n, delta: 0n }
  },
  {
    name: 'would rewind',
    input: { targetOffset: 200n },
    want: { action: 'skip', reason: 'would-rewind', method: 'conservative', offset: 101n, delta: -99n }
  },
  {
    name: 'rewind allowed',
    input: { targetOffset: 200n },
    allowRewind: true,
    want: { action: 'commit', reason: null, method: 'conservative', offset: 101n, delta: -99n }
  },
  {
    name: 'group active on the target',
    members: 2,
    input: {},
    want: { action: 'skip', reason: 'group-active', method: 'conservative', offset: 101n }
  },
  {
    name: 'untranslatable wins over everything',
    members: 2,
    input: { translation: none, targetOffset: 5n },
    want: { action: 'skip', reason: 'no-sync', method: 'untranslatable', offset: null, delta: null, window: null }
  },
  {
    name: 'untranslatable with a failed proof stays untranslatable',
    input: { translation: none, exact: failed },
    want: { action: 'skip', reason: 'no-sync', method: 'untranslatable', offset: null, delta: null, window: null }
  },
  {
    name: 'below the first sync, proven from the first records: exact',
    input: { translation: none, exact: proof(7n), targetOffset: 3n },
    want: { action: 'commit', reason: null, method: 'exact', offset: 7n, delta: 4n, window: 0n }
  },
  {
    name: 'below the first sync, proven, but the target is ahead',
    input: { translation: none, exact: proof(7n), targetOffset: 9n },
    want: { action: 'skip', reason: 'would-rewind', method: 'exact', offset: 7n, delta: -2n }
  },
  {
    name: 'below the first sync, proven, but the group is active',
    members: 1,
    input: { translation: none, exact: proof(7n) },
    want: { action: 'skip', reason: 'group-active', method: 'exact', offset: 7n }
  }
]

describe('planPartition', () => {
  it.each(cases)('$name', (c) => {
    const row = planPartition(group(c.members), part(c.input), { allowRewind: c.allowRewind ?? false })
    expect(row.action).toBe(c.want.action)
    expect(row.reason).toBe(c.want.reason)
    expect(row.method).toBe(c.want.method)
    expect(row.translatedOffset).toBe(c.want.offset)
    if ('delta' in c.want) expect(row.delta).toBe(c.want.delta)
    if ('window' in c.want) expect(row.rereadWindow).toBe(c.want.window)
    expect(row.metadata).toBe('mm2-failback/v1 from=B offset=15')
  })

  it('explains a failed proof in the note', () => {
    expect(planPartition(group(), part({ exact: failed }), { allowRewind: false }).note).toMatch(/exact proof failed \(ambiguous: two readings\)/)
  })

  it('says where a proof below the first sync started, and why a failed one left the partition untranslatable', () => {
    expect(planPartition(group(), part({ translation: none, exact: proof(7n) }), { allowRewind: false }).note)
      .toBe('proven over 5 records from the first records of both logs (no offset sync covers offset 15 (no-sync-at-or-below))')
    expect(planPartition(group(), part({ translation: none, exact: failed }), { allowRewind: false }).note)
      .toBe('no offset sync covers offset 15 (no-sync-at-or-below); exact proof from the first records failed (ambiguous: two readings)')
  })
})

describe('planReconcile', () => {
  it('sorts rows, counts per group and over all groups, and prints one summary line per group', () => {
    const g: GroupInput = {
      ...group(),
      partitions: [
        part({ partition: 2, translation: none }),
        part({ partition: 0, exact: proof(104n) }),
        part({ partition: 1, targetOffset: 101n })
      ]
    }
    const plan = planReconcile([g], { allowRewind: false })
    expect(plan.groups[0]!.rows.map((row) => row.partition)).toEqual([0, 1, 2])
    expect(plan).toMatchObject({ commits: 1, untranslatable: 1 })
    expect(plan.groups[0]!.summary).toMatchObject({ partitions: 3, commit: 1, inSync: 1, untranslatable: 1, exact: 1, conservative: 1, rereadWindow: 4n })
    expect(summaryLine(plan.groups[0]!)).toBe('group G B->A: 3 partition(s), 1 to commit, 1 in sync, 1 untranslatable; 1 exact, 1 conservative, re-read window 4')
  })

  it('names the live members in the summary', () => {
    const plan = planReconcile([{ ...group(3), partitions: [part({})] }], { allowRewind: false })
    expect(summaryLine(plan.groups[0]!)).toMatch(/1 skipped: 3 live member\(s\) on cluster A/)
  })
})
