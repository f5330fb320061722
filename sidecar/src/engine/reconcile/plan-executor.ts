// Applies a reconcile plan with --execute: per group, one OffsetCommit of the partitions to commit,
// on the target cluster, then the offsets read back and compared. A group with live members is
// refused as a whole (the first safety rule, checked again here against the liveness read for the
// plan); a partition the broker refuses is reported with the Kafka error and, when the cluster
// denied it, the missing permission.
import type { GroupPlan, Plan } from '../../core/reconcile/plan.ts'
import { isLiveGroup } from '../../core/sync/safety-rules.ts'
import { authorizationResource, isLiveMemberError, kafkaErrorName, missingPermissionHint, type RequiredPermission } from '../../kafka/client-errors.ts'
import type { CommitResult, GroupLiveness } from '../ports.ts'
import { mapLimit, type AdminCalls, type Side } from './sides.ts'
import { partitionKey } from '../../core/keys.ts'

export interface GroupExecution {
  group: string
  status: 'committed' | 'nothing-to-do' | 'refused' | 'failed'
  committed: number
  message: string | null
}

export interface ExecuteOptions {
  target: Side
  calls: AdminCalls
  liveness: ReadonlyMap<string, GroupLiveness>
  onProgress?: (done: number, total: number) => void
  onMessage?: (line: string) => void
}

export async function executePlan (plan: Plan, options: ExecuteOptions): Promise<GroupExecution[]> {
  let done = 0
  return await mapLimit(plan.groups, 8, async (group) => {
    const execution = await executeGroup(group, options)
    if (execution.message !== null && execution.status !== 'committed') options.onMessage?.(execution.message)
    options.onProgress?.(++done, plan.groups.length)
    return execution
  })
}

async function executeGroup (group: GroupPlan, { target, calls, liveness }: ExecuteOptions): Promise<GroupExecution> {
  const where = `group ${group.group} on cluster ${target.alias}`
  if (isLiveGroup(group.targetMembers)) {
    const live = liveness.get(group.group)
    const how = `${live?.protocol ?? 'classic'} protocol, state ${live?.state ?? '?'}`
    return { group: group.group, status: 'refused', committed: 0, message: `refusing to commit ${where}: it has ${group.targetMembers} live member(s) (${how}); stop its consumers and run again.` }
  }
  const rows = group.rows.filter((row) => row.action === 'commit')
  if (rows.length === 0) return { group: group.group, status: 'nothing-to-do', committed: 0, message: null }
  try {
    const offsets = rows.map((row) => ({ topic: row.targetTopic, partition: row.partition, offset: row.translatedOffset!, metadata: row.metadata }))
    const results = await calls.call(
      target,
      `committing offsets of group ${group.group}`,
      async () => await target.admin.commit(group.group, offsets),
      { group: group.group }
    )
    const failed = results.filter((result) => result.errorCode !== 0)
    if (failed.length > 0) {
      const message = `committing ${where} failed for ${failed.length} partition(s): ${refusals(target, group.group, failed)}.`
      return { group: group.group, status: 'failed', committed: results.length - failed.length, message }
    }
    const readBack = await calls.call(
      target,
      `reading back the offsets of group ${group.group}`,
      async () => await target.admin.committedOffsets(group.group),
      { group: group.group }
    )
    const now = new Map(readBack.map((entry) => [partitionKey(entry.topic, entry.partition), entry.offset]))
    const wrong = rows.filter((row) => now.get(partitionKey(row.targetTopic, row.partition)) !== row.translatedOffset)
    if (wrong.length > 0) {
      const detail = wrong.map((row) => `${row.targetTopic}-${row.partition} is at ${now.get(partitionKey(row.targetTopic, row.partition)) ?? 'none'}, expected ${row.translatedOffset}`)
      return { group: group.group, status: 'failed', committed: rows.length - wrong.length, message: `verifying ${where} failed: ${detail.join('; ')}.` }
    }
    return {
      group: group.group,
      status: 'committed',
      committed: rows.length,
      message: `committed ${rows.length} partition(s) of ${where}, verified by reading them back.`
    }
  } catch (error) {
    return {
      group: group.group,
      status: 'failed',
      committed: 0,
      message: `committing ${where} failed: ${error instanceof Error ? error.message : String(error)}`
    }
  }
}

/** Each refused partition with its Kafka error, then the permissions a denied commit needs (the group's Read, Read on the topics). */
function refusals (target: Side, group: string, failed: readonly CommitResult[]): string {
  const codes = failed.map((result) => {
    const why = isLiveMemberError(result.errorCode) ? ' (the group has live members)' : ''
    return `${result.topic}-${result.partition}: ${kafkaErrorName(result.errorCode)}${why}`
  })
  const resources = [...new Set(failed.map((result) => authorizationResource(result.errorCode)).filter((resource) => resource !== null))]
  const needs: RequiredPermission[] = [
    { operation: 'Read', resource: 'Group', name: group },
    ...[...new Set(failed.map((result) => result.topic))].map((topic) => ({ operation: 'Read' as const, resource: 'Topic' as const, name: topic }))
  ]
  const hints = resources.map((resource) => missingPermissionHint(target.client, resource, needs))
  return codes.join('; ') + (hints.length > 0 ? `; ${hints.join('; ')}` : '')
}
