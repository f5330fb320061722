// Two-way group sync (DESIGN §2.4): when a group commits on one cluster, translate the offsets and
// commit them on the other, through the pure rules of core/sync (routing, decision). Work is serial
// per (source cluster, group) so one group's commits are applied in order, and batched: every
// partition a group committed in one request becomes one OffsetCommit on the other side.
import type { Mm2Config } from '../config/mm2-properties.ts'
import { enabledFlows } from '../config/mm2-properties.ts'
import { decideCommitSync, type CommitSkipReason } from '../core/sync/group-sync.ts'
import { routeCommit, type CommitRoute } from '../core/sync/route.ts'
import type { SyncIndex } from '../core/translation/sync-index.ts'
import type { Translation } from '../core/translation/translation.ts'
import { isMm2FailbackError } from '../errors.ts'
import { AUTHORIZATION_ERROR_CODES, explainClientError, missingPermissionHint } from '../kafka/client-errors.ts'
import type { GroupAdmin, GroupLiveness } from '../kafka/group-admin.ts'
import type { SyncFailureOperation } from '../metrics/initial-series.ts'
import type { SidecarMetrics } from '../metrics/registry.ts'
import type { CommittedOffset, CommittedOffsets } from './committed-offsets.ts'
import type { Logger } from './logger.ts'

export interface GroupSyncOptions {
  mm2: Mm2Config
  index: SyncIndex
  committed: CommittedOffsets
  admins: ReadonlyMap<string, GroupAdmin>
  metrics: SidecarMetrics
  logger: Logger
  allowRewind: boolean
  /** The sidecar's own group filter, on top of MM2's. */
  groupFilter: (group: string) => boolean
  livenessCacheMs: number
}

interface PlannedCommit {
  route: CommitRoute
  source: CommittedOffset
  offset: bigint
  metadata: string
}

const KAFKA_ERROR_NAMES: Record<number, string> = { 25: 'UNKNOWN_MEMBER_ID', 22: 'ILLEGAL_GENERATION', 27: 'REBALANCE_IN_PROGRESS', 29: 'TOPIC_AUTHORIZATION_FAILED', 30: 'GROUP_AUTHORIZATION_FAILED', 3: 'UNKNOWN_TOPIC_OR_PARTITION', 15: 'COORDINATOR_NOT_AVAILABLE', 16: 'NOT_COORDINATOR', 14: 'COORDINATOR_LOAD_IN_PROGRESS' }

/** The translation of a committed offset along the first route whose flow holds syncs for the partition. */
export function translateCommit (index: SyncIndex, routes: readonly CommitRoute[], partition: number, offset: bigint): { route: CommitRoute, translation: Translation } | null {
  let first: { route: CommitRoute, translation: Translation } | null = null
  for (const route of routes) {
    const flowIndex = index.findFlow(route.flow.source, route.flow.target)
    const translation: Translation = flowIndex === undefined
      ? { kind: 'untranslatable', reason: 'no-syncs' }
      : flowIndex.translate(route.direction, route.syncTopic, partition, offset)
    if (translation.kind === 'translated' || translation.reason !== 'no-syncs') return { route, translation }
    first ??= { route, translation }
  }
  return first
}

export class GroupSyncEngine {
  private readonly options: GroupSyncOptions
  private readonly flows
  private readonly queues = new Map<string, Promise<void>>()
  private readonly pending = new Map<string, Map<string, { commit: CommittedOffset, countSkips: boolean }>>()
  private readonly liveness = new Map<string, { value: GroupLiveness, atMs: number }>()
  /** Per (flow, direction, group): when the other side was last seen in line with the group's commits. */
  private readonly alignedAt = new Map<string, { labels: { flow: string, direction: string, group: string }, atMs: number }>()
  /** Per (flow, direction, group), the partitions whose committed offset cannot be translated now. */
  private readonly untranslatable = new Map<string, Set<string>>()
  private stopped = false

  constructor (options: GroupSyncOptions) {
    this.options = options
    this.flows = enabledFlows(options.mm2)
  }

  /** New commits of a group on a cluster (from __consumer_offsets); `countSkips` is false for re-evaluation passes. */
  submit (commits: readonly CommittedOffset[], countSkips = true): void {
    if (this.stopped) return
    for (const commit of commits) {
      // One queue per (cluster, group): a group's writes to the other side happen one after the other.
      const key = `${commit.cluster}\u0000${commit.group}`
      const partitions = this.pending.get(key) ?? new Map<string, { commit: CommittedOffset, countSkips: boolean }>()
      this.pending.set(key, partitions)
      const partitionKey = `${commit.topic}\u0000${commit.partition}`
      // Newer commits of the same partition replace older ones not processed yet.
      partitions.set(partitionKey, { commit, countSkips: countSkips || (partitions.get(partitionKey)?.countSkips ?? false) })
      if (!this.queues.has(key)) this.queues.set(key, this.processLoop(key))
    }
  }

  /** Re-evaluates every known commit (new syncs may make untranslatable partitions translatable). */
  resyncAll (): void {
    const byGroup = new Map<string, CommittedOffset[]>()
    for (const commit of this.options.committed.all()) {
      const key = `${commit.cluster}\u0000${commit.group}`
      const list = byGroup.get(key) ?? []
      list.push(commit)
      byGroup.set(key, list)
    }
    for (const commits of byGroup.values()) this.submit(commits, false)
  }

  /** Resolves when every queued commit has been processed (tests, shutdown). */
  async idle (): Promise<void> {
    while (this.queues.size > 0) await Promise.all([...this.queues.values()])
  }

  async stop (): Promise<void> {
    this.stopped = true
    await this.idle()
  }

  private async processLoop (key: string): Promise<void> {
    try {
      for (;;) {
        const partitions = this.pending.get(key)
        if (partitions === undefined || partitions.size === 0) break
        this.pending.delete(key)
        await this.process([...partitions.values()]).catch((error: unknown) => {
          this.options.logger.error(`group sync failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`)
        })
      }
    } finally {
      this.queues.delete(key)
    }
  }

  private async process (entries: Array<{ commit: CommittedOffset, countSkips: boolean }>): Promise<void> {
    const { metrics, committed, index } = this.options
    const planned = new Map<string, PlannedCommit[]>()
    const countSkips = entries.some((entry) => entry.countSkips)
    const skip = (route: CommitRoute | null, commit: CommittedOffset, reason: CommitSkipReason, counted: boolean): void => {
      this.options.logger.debug(`group ${commit.group}: ${commit.cluster} ${commit.topic}-${commit.partition} at ${commit.offset} not mirrored: ${reason}`, { cluster: commit.cluster, group: commit.group, topic: commit.topic, partition: commit.partition, reason })
      if (!counted) return
      metrics.groupCommitsSkipped.inc({ flow: route === null ? '' : `${route.flow.source}->${route.flow.target}`, direction: route?.direction ?? '', group: commit.group, reason })
    }
    for (const { commit, countSkips: counted } of entries) {
      if (!this.options.groupFilter(commit.group)) continue
      const routes = routeCommit(this.flows, commit.cluster, commit.topic, commit.group)
      if (routes.length === 0) continue
      const chosen = translateCommit(index, routes, commit.partition, commit.offset)
      if (chosen === null) continue
      const { route, translation } = chosen
      this.recordPrecision(route, commit, translation)
      const target = committed.get(route.targetCluster, commit.group, route.targetTopic, commit.partition)
      // Liveness is asked only for partitions that would be written (it costs a request).
      const decision = decideCommitSync({ sourceCluster: commit.cluster, sourceOffset: commit.offset, sourceMetadata: commit.metadata, translation, targetCommitted: target?.offset ?? null, targetMembers: 0, allowRewind: this.options.allowRewind })
      if (decision.action === 'skip') {
        if (decision.reason === 'in-sync') this.markAligned(route, commit.group)
        skip(route, commit, decision.reason, counted)
        continue
      }
      const list = planned.get(route.targetCluster) ?? []
      list.push({ route, source: commit, offset: decision.offset, metadata: decision.metadata })
      planned.set(route.targetCluster, list)
    }
    for (const [targetCluster, plans] of planned) await this.apply(targetCluster, plans, countSkips)
  }

  private recordPrecision (route: CommitRoute, commit: CommittedOffset, translation: Translation): void {
    const { metrics } = this.options
    const flow = `${route.flow.source}->${route.flow.target}`
    const labels = { flow, direction: route.direction, group: commit.group, topic: commit.topic, partition: String(commit.partition) }
    if (translation.kind === 'translated') metrics.translationRereadWindow.set(labels, Number(translation.rereadWindow))
    else metrics.translationRereadWindow.remove(labels)
    const groupKey = `${flow}\u0000${route.direction}\u0000${commit.group}`
    const partitions = this.untranslatable.get(groupKey) ?? new Set<string>()
    this.untranslatable.set(groupKey, partitions)
    const partitionKey = `${commit.cluster}\u0000${commit.topic}\u0000${commit.partition}`
    if (translation.kind === 'translated') partitions.delete(partitionKey)
    else partitions.add(partitionKey)
    metrics.untranslatablePartitions.set({ flow, direction: route.direction, group: commit.group }, partitions.size)
  }

  private async apply (targetCluster: string, plans: PlannedCommit[], countSkips: boolean): Promise<void> {
    const { metrics, logger, admins, committed } = this.options
    const group = plans[0]!.source.group
    const admin = admins.get(targetCluster)
    if (admin === undefined) return
    let live: GroupLiveness
    try {
      live = await this.groupLiveness(admin, group)
    } catch (error) {
      // A raw client error keeps its classification (unreachable); its message names a denied Describe.
      this.fail(targetCluster, group, 'describe-group', isMm2FailbackError(error) ? error : new Error(explainClientError(error, admin.cluster, [{ operation: 'Describe', resource: 'Group', name: group }]), { cause: error }))
      return
    }
    if (live.members > 0) {
      if (countSkips) {
        for (const plan of plans) metrics.groupCommitsSkipped.inc({ flow: `${plan.route.flow.source}->${plan.route.flow.target}`, direction: plan.route.direction, group, reason: 'group-active' })
      }
      logger.once(`group-active:${targetCluster}:${group}:${live.members}`, 'info', `group ${group} has ${live.members} live member(s) on cluster ${targetCluster}; its offsets there are left alone`, { cluster: targetCluster, group, members: live.members })
      return
    }
    let results
    try {
      results = await admin.commit(group, plans.map((plan) => ({ topic: plan.route.targetTopic, partition: plan.source.partition, offset: plan.offset, metadata: plan.metadata })))
    } catch (error) {
      this.fail(targetCluster, group, 'commit', error)
      return
    }
    this.liveness.delete(`${targetCluster}\u0000${group}`)
    const now = Date.now()
    for (const plan of plans) {
      const result = results.find((entry) => entry.topic === plan.route.targetTopic && entry.partition === plan.source.partition)
      const flow = `${plan.route.flow.source}->${plan.route.flow.target}`
      if (result === undefined || result.errorCode === 0) {
        metrics.groupCommitsApplied.inc({ flow, direction: plan.route.direction, group })
        metrics.commitLatency.observe({ flow, direction: plan.route.direction }, Math.max(0, now - Number(plan.source.commitTimestamp)) / 1000)
        this.markAligned(plan.route, group)
        committed.set({ cluster: targetCluster, group, topic: plan.route.targetTopic, partition: plan.source.partition, offset: plan.offset, metadata: plan.metadata, commitTimestamp: BigInt(now) })
        logger.debug(`committed group ${group} on cluster ${targetCluster}: ${plan.route.targetTopic}-${plan.source.partition} at ${plan.offset} (from ${plan.source.cluster} ${plan.source.topic}-${plan.source.partition} at ${plan.source.offset})`)
      } else {
        const name = KAFKA_ERROR_NAMES[result.errorCode] ?? `error ${result.errorCode}`
        logger.debug(`cluster ${targetCluster} answered ${name} to the offset of group ${group} for ${plan.route.targetTopic}-${plan.source.partition}`)
        const memberError = result.errorCode === 25 || result.errorCode === 22 || result.errorCode === 27
        if (memberError) {
          if (countSkips) metrics.groupCommitsSkipped.inc({ flow, direction: plan.route.direction, group, reason: 'group-active' })
        } else {
          metrics.syncFailures.inc({ cluster: targetCluster, operation: 'commit', code: name })
          logger.once(`commit-error:${targetCluster}:${group}:${plan.route.targetTopic}:${plan.source.partition}:${name}`, 'warn', `cluster ${targetCluster} refused the offset of group ${group} for ${plan.route.targetTopic}-${plan.source.partition}: ${name}${AUTHORIZATION_ERROR_CODES[result.errorCode] === undefined ? '' : `; ${missingPermissionHint(admin.cluster, result.errorCode === 30 ? 'Group' : 'Topic', [{ operation: 'Read', resource: 'Group', name: group }, { operation: 'Read', resource: 'Topic', name: plan.route.targetTopic }])}`}`, { cluster: targetCluster, group, topic: plan.route.targetTopic, partition: plan.source.partition })
        }
      }
    }
  }

  private markAligned (route: CommitRoute, group: string): void {
    const labels = { flow: `${route.flow.source}->${route.flow.target}`, direction: route.direction, group }
    this.alignedAt.set(`${labels.flow}\u0000${labels.direction}\u0000${group}`, { labels, atMs: Date.now() })
  }

  /** Sets translation_age_seconds for every group seen in line at least once. */
  exportAges (nowMs: number): void {
    for (const { labels, atMs } of this.alignedAt.values()) this.options.metrics.translationAge.set(labels, Math.max(0, nowMs - atMs) / 1000)
  }

  private fail (cluster: string, group: string, operation: SyncFailureOperation, error: unknown): void {
    const code = isMm2FailbackError(error) ? error.code : 'MM2_CLUSTER_UNREACHABLE'
    this.options.metrics.syncFailures.inc({ cluster, operation, code })
    const message = error instanceof Error ? error.message : String(error)
    this.options.logger.once(`group-sync-failure:${cluster}:${group}:${operation}:${message}`, 'warn', `group sync of ${group} to cluster ${cluster} failed (${operation}): ${message}`, { cluster, group })
  }

  private async groupLiveness (admin: GroupAdmin, group: string): Promise<GroupLiveness> {
    const key = `${admin.cluster.alias}\u0000${group}`
    const cached = this.liveness.get(key)
    const now = Date.now()
    if (cached !== undefined && now - cached.atMs < this.options.livenessCacheMs && cached.value.members === 0) return cached.value
    const value = (await admin.liveness([group])).get(group)!
    this.liveness.set(key, { value, atMs: now })
    return value
  }
}
