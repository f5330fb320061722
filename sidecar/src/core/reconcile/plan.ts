// The reconcile planner (docs/design.md §2.5, kminion's planner): from what was read (each partition's
// committed offset on the source cluster, its translation through the offset syncs, optionally an
// exact proof, the group's offset and liveness on the target cluster) to a Plan, with no side
// effects. The engine prints it and applies it only with --execute.
//
// Per partition, in the order an operator reads a skip reason: no translation (and no exact proof from
// the first records of both logs, which covers offsets below MM2's first sync) -> `no-sync`; live
// members on the target -> `group-active`; the target already there -> `in-sync`; the target ahead
// and rewinding not allowed -> `would-rewind` (the safety rules of core/sync/safety-rules.ts, which
// the daemon's group sync applies too); otherwise `commit`.
// Method: `exact` when a sync sits at the offset or the record-by-record walk proved the position;
// `conservative` (MM2's rule: the sync's other offset + 1, re-reading up to `rereadWindow`) when no
// proof was asked for or it failed (the reason is kept in `note`); `untranslatable` otherwise.
import { flowName } from '../mm2/flow-name.ts'
import type { Translation } from '../translation/translation.ts'
import { provenanceMetadata } from '../sync/provenance.ts'
import { checkTargetSafety, type SafetySkipReason } from '../sync/safety-rules.ts'
import type { ExactOutcome } from '../exact/exact-walk.ts'

export type PlanMethod = 'exact' | 'conservative' | 'untranslatable'
export type PlanSkipReason = SafetySkipReason | 'no-sync'

export interface PartitionInput {
  sourceTopic: string
  targetTopic: string
  partition: number
  /** The group's committed offset on the source cluster. */
  sourceOffset: bigint
  translation: Translation
  /** The record-by-record proof, when exact mode walked this partition. */
  exact?: ExactOutcome
  /** The group's committed offset on the target cluster, null when none. */
  targetOffset: bigint | null
}

export interface GroupInput {
  group: string
  sourceCluster: string
  targetCluster: string
  /** Live members of the group on the target cluster (classic and KIP-848). */
  targetMembers: number
  partitions: readonly PartitionInput[]
}

export interface PlanOptions {
  allowRewind: boolean
}

export interface PlanRow {
  group: string
  sourceCluster: string
  targetCluster: string
  sourceTopic: string
  targetTopic: string
  partition: number
  sourceOffset: bigint
  targetOffset: bigint | null
  translatedOffset: bigint | null
  /** translatedOffset - targetOffset (positive: moves forward), null when either is unknown. */
  delta: bigint | null
  method: PlanMethod
  /** Records the group may read twice after the commit: 0 when exact, null when untranslatable. */
  rereadWindow: bigint | null
  action: 'commit' | 'skip'
  reason: PlanSkipReason | null
  /** How the offset was found, or why it was not: e.g. "proven over 42 records", "exact proof failed (mismatch): ...". */
  note: string
  /** Commit metadata (the sidecar's provenance tag, so a running sidecar never echoes it back). */
  metadata: string
}

export interface GroupPlan {
  group: string
  sourceCluster: string
  targetCluster: string
  targetMembers: number
  rows: PlanRow[]
  summary: {
    partitions: number
    commit: number
    inSync: number
    wouldRewind: number
    groupActive: number
    untranslatable: number
    exact: number
    conservative: number
    rereadWindow: bigint
  }
}

export interface Plan {
  groups: GroupPlan[]
  /** Partitions with no translation over every group. */
  untranslatable: number
  /** Partitions to commit over every group. */
  commits: number
}

function provenNote (exact: Extract<ExactOutcome, { kind: 'exact' }>): string {
  return `proven over ${exact.matched} records` +
    (exact.duplicates > 0 ? `, ${exact.duplicates} re-deliveries` : '') +
    (exact.skipped > 0 ? `, ${exact.skipped} aborted not copied` : '')
}

/** Plans one partition; see the module comment. */
export function planPartition (group: GroupInput, input: PartitionInput, options: PlanOptions): PlanRow {
  const base = {
    group: group.group,
    sourceCluster: group.sourceCluster,
    targetCluster: group.targetCluster,
    sourceTopic: input.sourceTopic,
    targetTopic: input.targetTopic,
    partition: input.partition,
    sourceOffset: input.sourceOffset,
    targetOffset: input.targetOffset,
    metadata: provenanceMetadata({ fromCluster: group.sourceCluster, fromOffset: input.sourceOffset })
  }
  const { translation } = input
  const { exact } = input
  let offset: bigint
  let method: PlanMethod
  let rereadWindow: bigint
  let note: string
  if (translation.kind !== 'translated') {
    const untranslatable = `no offset sync covers offset ${input.sourceOffset} (${translation.reason})`
    if (exact?.kind !== 'exact') {
      const failed = exact === undefined ? '' : `; exact proof from the first records failed (${exact.reason}: ${exact.detail})`
      return {
        ...base,
        translatedOffset: null,
        delta: null,
        method: 'untranslatable',
        rereadWindow: null,
        action: 'skip',
        reason: 'no-sync',
        note: untranslatable + failed
      }
    }
    // Below MM2's first sync, proven from the first record of both logs.
    offset = exact.offset
    method = 'exact'
    rereadWindow = 0n
    note = `${provenNote(exact)} from the first records of both logs (${untranslatable})`
  } else {
    offset = translation.offset
    method = translation.method
    rereadWindow = translation.rereadWindow
    note = translation.method === 'exact'
      ? 'a sync sits at the offset'
      : `conservative: sync ${translation.sync.upstreamOffset}->${translation.sync.downstreamOffset} + 1`
    if (translation.method === 'conservative' && exact !== undefined) {
      if (exact.kind === 'exact') {
        offset = exact.offset
        method = 'exact'
        rereadWindow = 0n
        note = provenNote(exact)
      } else {
        note = `exact proof failed (${exact.reason}: ${exact.detail}); ${note}`
      }
    }
  }
  const delta = input.targetOffset === null ? null : offset - input.targetOffset
  const row = { ...base, translatedOffset: offset, delta, method, rereadWindow, note }
  const unsafe = checkTargetSafety({ targetMembers: group.targetMembers, targetCommitted: input.targetOffset, allowRewind: options.allowRewind }, offset)
  if (unsafe !== null) return { ...row, action: 'skip', reason: unsafe }
  return { ...row, action: 'commit', reason: null }
}

/** Plans one group: every partition, plus its summary. */
export function planGroup (group: GroupInput, options: PlanOptions): GroupPlan {
  const rows = [...group.partitions]
    .sort((a, b) => a.sourceTopic < b.sourceTopic ? -1 : a.sourceTopic > b.sourceTopic ? 1 : a.partition - b.partition)
    .map((input) => planPartition(group, input, options))
  const summary = {
    partitions: rows.length,
    commit: 0,
    inSync: 0,
    wouldRewind: 0,
    groupActive: 0,
    untranslatable: 0,
    exact: 0,
    conservative: 0,
    rereadWindow: 0n
  }
  for (const row of rows) {
    if (row.action === 'commit') summary.commit++
    if (row.reason === 'in-sync') summary.inSync++
    if (row.reason === 'would-rewind') summary.wouldRewind++
    if (row.reason === 'group-active') summary.groupActive++
    if (row.method === 'untranslatable') summary.untranslatable++
    if (row.method === 'exact') summary.exact++
    if (row.method === 'conservative') summary.conservative++
    if (row.rereadWindow !== null) summary.rereadWindow += row.rereadWindow
  }
  return { group: group.group, sourceCluster: group.sourceCluster, targetCluster: group.targetCluster, targetMembers: group.targetMembers, rows, summary }
}

/** Plans every group; pure. */
export function planReconcile (groups: readonly GroupInput[], options: PlanOptions): Plan {
  const planned = groups.map((group) => planGroup(group, options))
  let untranslatable = 0
  let commits = 0
  for (const group of planned) {
    untranslatable += group.summary.untranslatable
    commits += group.summary.commit
  }
  return { groups: planned, untranslatable, commits }
}

/** One line per group: what the plan does to it. */
export function summaryLine (group: GroupPlan): string {
  const s = group.summary
  const parts = [`${s.commit} to commit`, `${s.inSync} in sync`]
  if (s.wouldRewind > 0) parts.push(`${s.wouldRewind} would rewind`)
  if (s.groupActive > 0) parts.push(`${s.groupActive} skipped: ${group.targetMembers} live member(s) on cluster ${group.targetCluster}`)
  if (s.untranslatable > 0) parts.push(`${s.untranslatable} untranslatable`)
  const flow = flowName({ source: group.sourceCluster, target: group.targetCluster })
  return `group ${group.group} ${flow}: ${s.partitions} partition(s), ${parts.join(', ')}; ` +
    `${s.exact} exact, ${s.conservative} conservative, re-read window ${s.rereadWindow}`
}
