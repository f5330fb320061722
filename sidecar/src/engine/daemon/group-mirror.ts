// Two-way group sync (docs/design.md §2.4): when a group commits on one cluster, translate the
// offsets and commit them on the other, through the pure rules of core/sync (routing, the commit
// decision and the safety rules shared with reconcile). Work is serial per (source cluster, group)
// (group-queues.ts), so one group's commits are applied in order, and batched: every partition a
// group committed in one request becomes one OffsetCommit on the other side. Liveness costs a
// request, so it is asked only for groups with something to write, right before the write, and for
// many groups at once (batched-liveness.ts).
import type { Mm2Flow } from '../../core/mm2/model.ts'
import { decideCommitSync, type CommitSkipReason } from '../../core/sync/commit-decision.ts'
import type { CommittedOffset, CommittedOffsets } from '../../core/sync/committed-offsets.ts'
import { routeCommit, type CommitRoute } from '../../core/sync/route.ts'
import { parseProvenance } from '../../core/sync/provenance.ts'
import { isLiveGroup } from '../../core/sync/safety-rules.ts'
import { translateCommit } from '../../core/sync/translate-commit.ts'
import type { SyncIndex } from '../../core/translation/sync-index.ts'
import type { Translation } from '../../core/translation/translation.ts'
import { isMm2FailbackError } from '../../errors.ts'
import { explainClientError, isLiveMemberError } from '../../kafka/client-errors.ts'
import type { SidecarMetrics } from '../../metrics/registry.ts'
import type { Logger } from '../logger.ts'
import type { GroupAdminPort, GroupLiveness } from '../ports.ts'
import { compositeKey } from '../../core/keys.ts'
import { flowName } from '../../core/mm2/flow-name.ts'
import type { ExactTranslator } from '../exact/exact-translator.ts'
import { BatchedLiveness } from './batched-liveness.ts'
import { FailureRetries } from './failure-retries.ts'
import { GroupQueues } from './group-queues.ts'
import { reportRefusedCommit, reportSyncFailure } from './sync-failure-report.ts'
import { SettledCommits } from './settled-commits.ts'
import { TranslationGauges } from './translation-gauges.ts'

type GroupSyncMetrics = Pick<SidecarMetrics,
'groupCommitsSkipped' | 'groupCommitsApplied' | 'commitLatency' | 'syncFailures' | 'translationRereadWindow' | 'untranslatablePartitions' | 'translationAge'>

export interface GroupMirrorOptions {
  flows: readonly Mm2Flow[]
  index: SyncIndex
  committed: CommittedOffsets
  admins: ReadonlyMap<string, GroupAdminPort>
  metrics: GroupSyncMetrics
  logger: Logger
  allowRewind: boolean
  /** The sidecar's own group filter, on top of MM2's. */
  groupFilter: (group: string) => boolean
  livenessCacheMs: number
  /** Groups worked on at once (GroupQueues); default: no bound. */
  maxGroupsInFlight?: number
  /** translation.mode exact: every commit is proven (conservative where a proof fails); null: conservative. */
  exact?: ExactTranslator | null
  /** Pause before a commit whose proof can succeed later (records not copied yet) is proven again. */
  retryMs?: number
  /** Whether this instance mirrors the commit (its group is in this instance's share, commit-shards.ts); default: every one. */
  owns?: (commit: CommittedOffset) => boolean
  now?: () => number
}

interface PlannedCommit {
  route: CommitRoute
  source: CommittedOffset
  offset: bigint
  metadata: string
  /** The offset was proven exactly (translation.mode exact): once written, the commit is settled. */
  exact: boolean
}

interface PendingCommit {
  commit: CommittedOffset
  /** False for re-evaluation passes, whose skips were counted when the commit first arrived. */
  countSkips: boolean
}

const routeFlow = (route: CommitRoute): string => flowName(route.flow)
const settledKey = (commit: CommittedOffset): string => compositeKey(commit.cluster, commit.group, commit.topic, commit.partition)
const isOwnWrite = (commit: CommittedOffset): boolean => parseProvenance(commit.metadata) !== null

/** Pause between probes of a cluster that did not answer (one held commit per probe; see FailureRetries). */
const FAILURE_PROBE_MS = 250

export class GroupMirror {
  private readonly options: GroupMirrorOptions
  private readonly now: () => number
  /** One queue per (cluster, group): see GroupQueues. */
  private readonly queues: GroupQueues<PendingCommit>
  /** Per (cluster, topic, group): the routes of its commits (see routesOf). */
  private readonly routes = new Map<string, readonly CommitRoute[]>()
  /** Per target cluster: its groups' liveness, asked for many groups at once. */
  private readonly liveness = new Map<string, BatchedLiveness>()
  /** Re-read windows, untranslatable partitions and translation ages of the groups mirrored. */
  private readonly gauges: TranslationGauges
  /** Commits mirrored exactly, which re-evaluations leave alone while the other side holds them. */
  private readonly settled: SettledCommits
  /** Per (cluster, group, topic, partition), the pending re-proof of a commit that can be proven later. */
  private readonly retries = new Map<string, NodeJS.Timeout>()
  /** Commits whose target or proof read failed, held until that cluster answers. */
  private readonly failures: FailureRetries
  /** Per (cluster, group, topic, partition) held because a proof's read failed: the cluster that did not answer. */
  private readonly heldForRead = new Map<string, string>()
  /** Commits out on a probe after a failed read: their next proof tells whether the cluster answers again. */
  private readonly readProbes = new Set<string>()
  private stopped = false

  constructor (options: GroupMirrorOptions) {
    this.options = options
    this.now = options.now ?? Date.now
    this.gauges = new TranslationGauges(options.metrics, this.now)
    this.settled = new SettledCommits(options.committed)
    this.queues = new GroupQueues(async (entries) => { await this.process(entries) }, (error) => {
      this.options.logger.error(`group sync failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`)
    }, options.maxGroupsInFlight)
    this.failures = new FailureRetries((commits, probe) => {
      if (probe) for (const commit of commits) if (this.heldForRead.has(settledKey(commit))) this.readProbes.add(settledKey(commit))
      this.submit(commits.map((commit) => this.latest(commit)), false)
    }, FAILURE_PROBE_MS)
  }

  /** New commits of groups on a cluster; `countSkips` is false for re-evaluation passes (new syncs, the periodic pass, retries). */
  submit (commits: readonly CommittedOffset[], countSkips = true): void {
    if (this.stopped) return
    for (const commit of commits) {
      // A re-evaluation that can change nothing is not even queued.
      if (!countSkips && this.reevaluationChangesNothing(commit)) continue
      if (this.options.owns?.(commit) === false) continue
      // Newer commits of a partition replace older ones not processed yet.
      this.queues.add(compositeKey(commit.cluster, commit.group), compositeKey(commit.topic, commit.partition), (queued) => ({
        commit,
        countSkips: countSkips || (queued?.countSkips ?? false)
      }))
    }
  }

  /**
   * Re-evaluates every known commit (new syncs may make untranslatable partitions translatable). Runs every
   * groupSync.fullPassMs: only the commits a re-evaluation can change are copied out of the store (with
   * 50,000 group-partitions settled, a pass copied all of them every 10 s to skip them one by one).
   */
  resyncAll (): void {
    this.submit(this.options.committed.select((commit) => !this.reevaluationChangesNothing(commit) && this.options.owns?.(commit) !== false), false)
  }

  /**
   * A re-evaluation cannot change anything for our own writes (never mirrored back), for a commit mirrored
   * exactly whose copy the other side still holds, nor for one held for a cluster that does not answer
   * (its probes tell when to try again).
   */
  private reevaluationChangesNothing (commit: CommittedOffset): boolean {
    return isOwnWrite(commit) || this.settled.holds(commit) || this.failures.isHeld(commit)
  }

  /** Resolves when every queued commit has been processed (tests, shutdown). */
  async idle (): Promise<void> {
    await this.queues.idle()
  }

  async stop (): Promise<void> {
    this.stopped = true
    for (const timer of this.retries.values()) clearTimeout(timer)
    this.retries.clear()
    this.failures.stop()
    await this.idle()
  }

  /** Sets translation_age_seconds for every group seen in line at least once. */
  exportAges (nowMs: number): void {
    this.gauges.exportAges(nowMs)
  }

  private async process (entries: readonly PendingCommit[]): Promise<void> {
    const { committed, allowRewind } = this.options
    const planned = new Map<string, PlannedCommit[]>()
    const countSkips = entries.some((entry) => entry.countSkips)
    const translated = await Promise.all(entries.map(async (entry) => await this.translate(entry)))
    for (let i = 0; i < entries.length; i++) {
      const { commit, countSkips: counted } = entries[i]!
      const chosen = translated[i]
      if (chosen === null || chosen === undefined) continue
      const { route, translation } = chosen
      this.gauges.translated(route, commit, translation)
      const target = committed.get(route.targetCluster, commit.group, route.targetTopic, commit.partition)
      // Liveness is asked in apply(), only for partitions that would be written.
      const decision = decideCommitSync({
        sourceCluster: commit.cluster,
        sourceOffset: commit.offset,
        sourceMetadata: commit.metadata,
        translation,
        targetCommitted: target?.offset ?? null,
        targetMembers: null,
        allowRewind
      })
      const exact = this.options.exact !== undefined && this.options.exact !== null && translation.kind === 'translated' && translation.method === 'exact'
      if (decision.action === 'skip') {
        if (decision.reason === 'in-sync') this.gauges.aligned(route, commit.group)
        if (decision.reason === 'in-sync' && exact) this.settled.settle(commit, route.targetCluster, route.targetTopic, translation.offset)
        this.skip(route, commit, decision.reason, counted)
        continue
      }
      const list = planned.get(route.targetCluster) ?? []
      list.push({ route, source: commit, offset: decision.offset, metadata: decision.metadata, exact })
      planned.set(route.targetCluster, list)
    }
    for (const [targetCluster, plans] of planned) await this.apply(targetCluster, plans, countSkips)
  }

  /** The commit's route and translation: the index's answer, proven exactly in exact mode. */
  private async translate ({ commit, countSkips }: PendingCommit): Promise<{ route: CommitRoute, translation: Translation } | null> {
    // Settled while it waited in line.
    if (!countSkips && this.settled.holds(commit)) return null
    const routes = this.routesOf(commit)
    const chosen = translateCommit(this.options.index, routes, commit.partition, commit.offset)
    const exact = this.options.exact
    if (chosen === null || exact === undefined || exact === null) return chosen
    // Our own writes are never mirrored back (decideCommitSync): no proof needed.
    if (parseProvenance(commit.metadata) !== null) return chosen
    const proven = await exact.translate(chosen.route, commit.partition, commit.offset, chosen.translation, countSkips)
    const key = settledKey(commit)
    const probed = this.readProbes.delete(key) ? this.heldForRead.get(key) : undefined
    if (proven.fallback === 'read-failed') {
      const cluster = proven.failedCluster ?? chosen.route.targetCluster
      this.heldForRead.set(key, cluster)
      this.failures.hold(cluster, commit)
    } else {
      this.heldForRead.delete(key)
      // A probe's reads got through: the cluster answers again, so every commit held for it goes now.
      if (probed !== undefined) this.failures.answered(probed)
      if (proven.retry) this.retryLater(commit, this.options.retryMs ?? 200)
    }
    return { route: chosen.route, translation: proven.translation }
  }

  /**
   * A write the target cluster did not take (unreachable, a timeout): held until the cluster answers
   * (probed every FAILURE_PROBE_MS), instead of waiting for the next full re-evaluation, so a returning
   * cluster is in line at once.
   */
  private retryAfterFailure (targetCluster: string, plans: readonly PlannedCommit[]): void {
    for (const plan of plans) this.failures.hold(targetCluster, plan.source)
  }

  /** The partition's latest commit (a newer one may have arrived while this one waited). */
  private latest (commit: CommittedOffset): CommittedOffset {
    return this.options.committed.get(commit.cluster, commit.group, commit.topic, commit.partition) ?? commit
  }

  /** Translates the partition's latest commit again after `delayMs` (one pending retry per partition). */
  private retryLater (commit: CommittedOffset, delayMs: number): void {
    if (this.stopped) return
    const key = compositeKey(commit.cluster, commit.group, commit.topic, commit.partition)
    if (this.retries.has(key)) return
    const timer = setTimeout(() => {
      this.retries.delete(key)
      this.submit([this.latest(commit)], false)
    }, delayMs)
    timer.unref()
    this.retries.set(key, timer)
  }

  private skip (route: CommitRoute, commit: CommittedOffset, reason: CommitSkipReason, counted: boolean): void {
    const where = `${commit.cluster} ${commit.topic}-${commit.partition} at ${commit.offset}`
    this.options.logger.debug(`group ${commit.group}: ${where} not mirrored: ${reason}`, {
      cluster: commit.cluster,
      group: commit.group,
      topic: commit.topic,
      partition: commit.partition,
      reason
    })
    if (counted) this.options.metrics.groupCommitsSkipped.inc({ flow: routeFlow(route), direction: route.direction, group: commit.group, reason })
  }

  private async apply (targetCluster: string, plans: readonly PlannedCommit[], countSkips: boolean): Promise<void> {
    const { logger, admins } = this.options
    const group = plans[0]!.source.group
    const admin = admins.get(targetCluster)
    if (admin === undefined) return
    let live: GroupLiveness
    try {
      live = await this.livenessOf(admin).of(group)
    } catch (error) {
      // A raw client error keeps its classification (unreachable); its message names a denied Describe.
      const explained = isMm2FailbackError(error)
        ? error
        : new Error(explainClientError(error, admin.cluster, [{ operation: 'Describe', resource: 'Group', name: group }]), { cause: error })
      reportSyncFailure(this.options, targetCluster, group, 'describe-group', explained)
      this.retryAfterFailure(targetCluster, plans)
      return
    }
    if (isLiveGroup(live.members)) {
      if (countSkips) for (const plan of plans) this.countActive(plan, group)
      const text = `group ${group} has ${live.members} live member(s) on cluster ${targetCluster}; its offsets there are left alone`
      logger.once(`group-active:${targetCluster}:${group}:${live.members}`, 'info', text, { cluster: targetCluster, group, members: live.members })
      return
    }
    // The group went to another instance while its commits waited (a rebalance): that instance writes them.
    if (this.options.owns?.(plans[0]!.source) === false) return
    let results
    try {
      const offsets = plans.map((plan) => ({ topic: plan.route.targetTopic, partition: plan.source.partition, offset: plan.offset, metadata: plan.metadata }))
      results = await admin.commit(group, offsets)
    } catch (error) {
      reportSyncFailure(this.options, targetCluster, group, 'commit', error)
      this.retryAfterFailure(targetCluster, plans)
      return
    }
    // The cluster took a write: every commit held for it goes now.
    this.failures.answered(targetCluster)
    this.livenessOf(admin).tookAdminCommit(group)
    for (const plan of plans) {
      const result = results.find((entry) => entry.topic === plan.route.targetTopic && entry.partition === plan.source.partition)
      if (result === undefined || result.errorCode === 0) this.applied(targetCluster, plan)
      else if (isLiveMemberError(result.errorCode)) {
        // The group gained members between the liveness check and the commit: the broker refused it.
        if (countSkips) this.countActive(plan, group)
      } else reportRefusedCommit(this.options, admin.cluster, group, plan.route.targetTopic, plan.source.partition, result.errorCode)
    }
  }

  private applied (targetCluster: string, plan: PlannedCommit): void {
    const { metrics, logger, committed } = this.options
    const { group } = plan.source
    const now = this.now()
    const flow = routeFlow(plan.route)
    metrics.groupCommitsApplied.inc({ flow, direction: plan.route.direction, group })
    metrics.commitLatency.observe({ flow, direction: plan.route.direction }, Math.max(0, now - Number(plan.source.commitTimestamp)) / 1000)
    this.gauges.aligned(plan.route, group)
    if (plan.exact) this.settled.settle(plan.source, targetCluster, plan.route.targetTopic, plan.offset)
    committed.set({
      cluster: targetCluster,
      group,
      topic: plan.route.targetTopic,
      partition: plan.source.partition,
      offset: plan.offset,
      metadata: plan.metadata,
      commitTimestamp: BigInt(now)
    })
    const from = `${plan.source.cluster} ${plan.source.topic}-${plan.source.partition} at ${plan.source.offset}`
    logger.debug(`committed group ${group} on cluster ${targetCluster}: ${plan.route.targetTopic}-${plan.source.partition} at ${plan.offset} (from ${from})`)
  }

  private countActive (plan: PlannedCommit, group: string): void {
    this.options.metrics.groupCommitsSkipped.inc({ flow: routeFlow(plan.route), direction: plan.route.direction, group, reason: 'group-active' })
  }

  /** The commit's routes (none for a group the sidecar's filter leaves out); they depend only on the flows, so each is worked out once. */
  private routesOf ({ cluster, topic, group }: CommittedOffset): readonly CommitRoute[] {
    const key = compositeKey(cluster, topic, group)
    let routes = this.routes.get(key)
    if (routes === undefined) {
      routes = this.options.groupFilter(group) ? routeCommit(this.options.flows, cluster, topic, group) : []
      this.routes.set(key, routes)
    }
    return routes
  }

  private livenessOf (admin: GroupAdminPort): BatchedLiveness {
    let liveness = this.liveness.get(admin.cluster.alias)
    if (liveness === undefined) {
      liveness = new BatchedLiveness(async (groups) => await admin.liveness(groups), this.options.livenessCacheMs, this.now)
      this.liveness.set(admin.cluster.alias, liveness)
    }
    return liveness
  }
}
