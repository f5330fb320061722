// One-shot reconciliation (docs/design.md §2.5), without a running sidecar: read the offset syncs of
// both flows between two clusters (sync-loader.ts, the daemon's own ingest), read the groups' offsets
// on both clusters and their liveness on the target, prove positions record by record in exact mode
// (exact-prover.ts), plan purely (core/reconcile/plan.ts, with the safety rules the daemon applies
// too), and with `execute` apply the plan (plan-executor.ts).
import { enabledFlows } from '../../core/mm2/flows.ts'
import type { Mm2Config, Mm2Flow } from '../../core/mm2/model.ts'
import type { ExactOutcome } from '../../core/exact/exact-walk.ts'
import { planReconcile, type GroupInput, type PartitionInput, type Plan } from '../../core/reconcile/plan.ts'
import { routeCommit, type CommitRoute, type RoutableFlow } from '../../core/sync/route.ts'
import { translateCommit } from '../../core/sync/translate-commit.ts'
import type { SyncIndex } from '../../core/translation/sync-index.ts'
import type { Translation } from '../../core/translation/translation.ts'
import { Mm2FailbackError } from '../../errors.ts'
import { messageOf, type RequiredPermission } from '../../kafka/client-errors.ts'
import { clusterClientOptions } from '../../kafka/mm2-cluster-options.ts'
import type { SkipCount } from '../ingest/record-ingest.ts'
import { kafkaClusterAdapters } from '../kafka-adapters.ts'
import type { AdapterFactory, GroupLiveness } from '../ports.ts'
import { ExactProver } from '../exact/exact-prover.ts'
import { executePlan, type GroupExecution } from './plan-executor.ts'
import { AdminCalls, closeSides, mapLimit, probe, type Side } from './sides.ts'
import { loadSyncs } from './sync-loader.ts'
import { partitionKey } from '../../core/keys.ts'
import { defaultConfig } from '../../config/schema.ts'

export type { GroupExecution }

export interface ReconcileOptions {
  mm2: Mm2Config
  /** Alias of the cluster the groups committed on (e.g. B after a failover). */
  from: string
  /** Alias of the cluster to reconcile them onto (e.g. A when failing back). */
  to: string
  groups: readonly string[]
  groupsRegex?: RegExp
  topicsRegex?: RegExp
  mode: 'exact' | 'conservative'
  execute: boolean
  allowRewind: boolean
  timeoutMs: number
  historyTopic?: string
  maxExactRecords?: number
  /** How each cluster is reached; defaults to the Kafka clients of mm2.properties (tests pass fakes). */
  adapters?: AdapterFactory
  /** Called after each group is applied (execute) or planned. */
  onProgress?: (done: number, total: number) => void
  /** Called with a one-line message for each group refused or failed during execute, and for warnings. */
  onMessage?: (line: string) => void
}

export interface ReconcileResult {
  plan: Plan
  executions: GroupExecution[]
  /** Requests sent to the clusters (admin calls and fetches), for the benchmark. */
  requests: number
  /** Topics a group committed on `from` that no flow between the clusters replicates (not planned). */
  unrouted: Array<{ group: string, topic: string }>
  /** Records of the offset-syncs and history topics that could not be used, per cluster, topic and reason. */
  skipped: SkipCount[]
}

export interface TranslateOneOptions {
  mm2: Mm2Config
  from: string
  to: string
  topic: string
  partition: number
  offset: bigint
  exact: boolean
  timeoutMs: number
  historyTopic?: string
  maxExactRecords?: number
  adapters?: AdapterFactory
}

export interface OneTranslation {
  route: CommitRoute
  translation: Translation
  exact: ExactOutcome | null
  skipped: SkipCount[]
}

/** Runs reconcile; see the module comment. Throws Mm2FailbackError for usage errors and unreachable clusters. */
export async function reconcile (options: ReconcileOptions): Promise<ReconcileResult> {
  const session = await ReconcileSession.open(options)
  try {
    return await session.run()
  } finally {
    await session.close()
  }
}

/** One lookup (the `translate` command): the translation, and the proof in exact mode. */
export async function translateOne (options: TranslateOneOptions): Promise<OneTranslation> {
  const session = await ReconcileSession.open({ ...options, groups: [], mode: options.exact ? 'exact' : 'conservative', execute: false, allowRewind: false })
  try {
    return await session.translateOne(options.topic, options.partition, options.offset)
  } finally {
    await session.close()
  }
}

/** The enabled flows between `from` and `to`, either way; MM2_USAGE naming the alias when the clusters do not fit. */
export function resolveClusters (mm2: Mm2Config, from: string, to: string): Mm2Flow[] {
  const aliases = mm2.clusters.map((cluster) => cluster.alias)
  for (const [flag, alias] of [['--from', from], ['--to', to]] as const) {
    if (!aliases.includes(alias)) {
      const message = `${flag} ${alias}: ${mm2.source} has no cluster alias ${alias} (it has ${aliases.join(', ')}).`
      throw new Mm2FailbackError('MM2_USAGE', message, { cluster: alias })
    }
  }
  if (from === to) throw new Mm2FailbackError('MM2_USAGE', `--from and --to are both ${from}; name two different clusters.`, { cluster: from })
  const flows = enabledFlows(mm2).filter((flow) => (flow.source === from && flow.target === to) || (flow.source === to && flow.target === from))
  if (flows.length === 0) throw new Mm2FailbackError('MM2_USAGE', `${mm2.source} enables no flow between clusters ${from} and ${to} (neither ${from}->${to} nor ${to}->${from}).`, { cluster: from })
  return flows
}

/** Reconcile's clients: the cluster's settings from mm2.properties, its own client id, and --timeout-ms. */
function reconcileAdapters (mm2: Mm2Config, timeoutMs: number): AdapterFactory {
  return (alias) => {
    const cluster = mm2.clusters.find((entry) => entry.alias === alias)!
    return kafkaClusterAdapters({
      ...clusterClientOptions(cluster),
      clientIdPrefix: 'mm2-failback-reconcile',
      connectTimeoutMs: timeoutMs,
      requestTimeoutMs: timeoutMs
    })
  }
}

/** The pattern as the user typed it (compileRegex anchors it as ^(?:...)$), for messages. */
function asTyped (regex: RegExp): string {
  return /^\^\(\?:([\s\S]*)\)\$$/.exec(regex.source)?.[1] ?? regex.source
}

class ReconcileSession {
  private readonly options: ReconcileOptions
  private readonly sides: Map<string, Side>
  private readonly routable: RoutableFlow[]
  private readonly index: SyncIndex
  private readonly skipped: SkipCount[]
  private readonly calls: AdminCalls
  private readonly prover: ExactProver

  private constructor (
    options: ReconcileOptions,
    sides: Map<string, Side>,
    flows: Mm2Flow[],
    loaded: { index: SyncIndex, skipped: SkipCount[] },
    calls: AdminCalls
  ) {
    this.options = options
    this.sides = sides
    this.index = loaded.index
    this.skipped = loaded.skipped
    this.calls = calls
    // Reconcile translates any group it is told to: MM2's group filter governs checkpoints, not syncs.
    this.routable = flows.map((flow) => ({ ...flow, groups: { matches: () => true } }))
    this.prover = new ExactProver((alias) => this.side(alias).reader, options.maxExactRecords)
  }

  static async open (options: ReconcileOptions): Promise<ReconcileSession> {
    const { mm2, from, to, timeoutMs } = options
    const flows = resolveClusters(mm2, from, to)
    const adapters = options.adapters ?? reconcileAdapters(mm2, timeoutMs)
    const sides = new Map<string, Side>()
    try {
      for (const alias of [from, to]) {
        const cluster = adapters(alias)
        sides.set(alias, { alias, client: cluster.client, admin: cluster.admin(), reader: cluster.reader() })
      }
      await Promise.all([...sides.values()].map(async (side) => { await probe(side, timeoutMs) }))
      const loaded = await loadSyncs({ sides, flows, historyTopic: options.historyTopic ?? defaultConfig().history.topic, timeoutMs })
      for (const skip of loaded.skipped) {
        options.onMessage?.(`skipped ${skip.count} bad ${skip.recordType} record(s) in ${skip.topic} on cluster ${skip.cluster} (${skip.reason}); they are not used for translation.`)
      }
      return new ReconcileSession(options, sides, flows, loaded, new AdminCalls(timeoutMs))
    } catch (error) {
      await closeSides(sides.values())
      throw error
    }
  }

  async close (): Promise<void> {
    await closeSides(this.sides.values())
  }

  private side (alias: string): Side {
    return this.sides.get(alias)!
  }

  private routesFor (topic: string, group: string): CommitRoute[] {
    return routeCommit(this.routable, this.options.from, topic, group).filter((route) => route.targetCluster === this.options.to)
  }

  async translateOne (topic: string, partition: number, offset: bigint): Promise<OneTranslation> {
    const { from, to } = this.options
    const partitions = await this.side(from).reader.partitionCount(topic)
    if (partitions === null) throw new Mm2FailbackError('MM2_USAGE', `topic ${topic} does not exist on cluster ${from}.`, { cluster: from, topic })
    if (partition >= partitions) {
      throw new Mm2FailbackError('MM2_USAGE', `topic ${topic} on cluster ${from} has ${partitions} partition(s); there is no partition ${partition}.`, { cluster: from, topic, partition })
    }
    const routes = this.routesFor(topic, '')
    if (routes.length === 0) {
      const message = `no enabled flow replicates topic ${topic} of cluster ${from} to or from cluster ${to}.`
      throw new Mm2FailbackError('MM2_USAGE', message, { cluster: from, topic })
    }
    const { route, translation } = translateCommit(this.index, routes, partition, offset)!
    const exact = this.options.mode === 'exact' ? (await this.prover.prove(route, partition, offset, translation)) ?? null : null
    return { route, translation, exact, skipped: this.skipped }
  }

  /** What reading a group needs: Describe; with --execute name Read, which the commit needs too and implies Describe. */
  private groupPermission (group: string): RequiredPermission {
    return { operation: this.options.execute ? 'Read' : 'Describe', resource: 'Group', name: group }
  }

  private async resolveGroups (): Promise<string[]> {
    const { from, groupsRegex } = this.options
    const groups = new Set(this.options.groups)
    if (groupsRegex !== undefined) {
      const side = this.side(from)
      const listed = await this.calls.call(side, 'listing groups', async () => await side.admin.groupIds())
      for (const id of listed) if (groupsRegex.test(id)) groups.add(id)
      if (groups.size === 0) {
        throw new Mm2FailbackError('MM2_USAGE', `no group on cluster ${from} matches --groups-regex ${asTyped(groupsRegex)}.`, { cluster: from })
      }
    }
    return [...groups].sort()
  }

  async run (): Promise<ReconcileResult> {
    const { from, to } = this.options
    const source = this.side(from)
    const target = this.side(to)
    const groups = await this.resolveGroups()
    const permissions = groups.map((group) => this.groupPermission(group))
    const [sourceLiveness, targetLiveness] = await Promise.all([
      this.calls.call(source, 'describing groups', async () => await source.admin.liveness(groups), {}, permissions),
      this.calls.call(target, 'describing groups', async () => await target.admin.liveness(groups), {}, permissions)
    ])
    const unrouted: Array<{ group: string, topic: string }> = []
    let planned = 0
    const inputs = await mapLimit(groups, 8, async (group): Promise<GroupInput> => {
      const input = await this.groupInput(group, sourceLiveness, targetLiveness, unrouted)
      if (!this.options.execute) this.options.onProgress?.(++planned, groups.length)
      return input
    })
    const plan = planReconcile(inputs, { allowRewind: this.options.allowRewind })
    const executions = this.options.execute
      ? await executePlan(plan, { target, calls: this.calls, liveness: targetLiveness, onProgress: this.options.onProgress, onMessage: this.options.onMessage })
      : []
    let requests = this.calls.requests
    for (const side of this.sides.values()) requests += side.reader.requests
    return { plan, executions, requests, unrouted, skipped: this.skipped }
  }

  /** What the planner needs of one group: its offsets on both sides, their translations and, in exact mode, their proofs. */
  private async groupInput (
    group: string,
    sourceLiveness: Map<string, GroupLiveness>,
    targetLiveness: Map<string, GroupLiveness>,
    unrouted: Array<{ group: string, topic: string }>
  ): Promise<GroupInput> {
    const { from, to, topicsRegex } = this.options
    const source = this.side(from)
    const target = this.side(to)
    const [committed, targetCommitted] = await Promise.all([
      this.calls.call(
        source,
        `reading the offsets of group ${group}`,
        async () => await source.admin.committedOffsets(group),
        { group },
        [this.groupPermission(group)]
      ),
      this.calls.call(
        target,
        `reading the offsets of group ${group}`,
        async () => await target.admin.committedOffsets(group),
        { group },
        [this.groupPermission(group)]
      )
    ])
    if (committed.length === 0 && sourceLiveness.get(group)?.exists !== true) {
      throw new Mm2FailbackError('MM2_USAGE', `group ${group} is unknown on cluster ${from} (no members and no committed offsets).`, { cluster: from, group })
    }
    const selected = committed.filter((entry) => topicsRegex === undefined || topicsRegex.test(entry.topic))
    if (selected.length === 0 && topicsRegex !== undefined) {
      const has = [...new Set(committed.map((entry) => entry.topic))].join(', ') || 'none'
      throw new Mm2FailbackError('MM2_USAGE', `group ${group} has no committed offsets on cluster ${from} for topics matching --topics ${asTyped(topicsRegex)} (it has ${has}).`, { cluster: from, group })
    }
    const targetOffsets = new Map(targetCommitted.map((entry) => [partitionKey(entry.topic, entry.partition), entry.offset]))
    const partitions: PartitionInput[] = []
    const proofs: Array<{ input: PartitionInput, route: CommitRoute }> = []
    for (const entry of selected) {
      const routes = this.routesFor(entry.topic, group)
      const chosen = translateCommit(this.index, routes, entry.partition, entry.offset)
      if (chosen === null) {
        unrouted.push({ group, topic: entry.topic })
        continue
      }
      const { route, translation } = chosen
      const targetOffset = targetOffsets.get(partitionKey(route.targetTopic, entry.partition)) ?? null
      const input: PartitionInput = {
        sourceTopic: entry.topic,
        targetTopic: route.targetTopic,
        partition: entry.partition,
        sourceOffset: entry.offset,
        translation,
        targetOffset
      }
      partitions.push(input)
      if (this.options.mode === 'exact') proofs.push({ input, route })
    }
    await mapLimit(proofs, 4, async ({ input, route }) => {
      try {
        const exact = await this.prover.prove(route, input.partition, input.sourceOffset, input.translation)
        if (exact !== undefined) input.exact = exact
      } catch (error) {
        input.exact = { kind: 'unproven', reason: 'incomplete', detail: `reading the logs failed: ${messageOf(error)}`, walked: 0 }
      }
    })
    return { group, sourceCluster: from, targetCluster: to, targetMembers: targetLiveness.get(group)?.members ?? 0, partitions }
  }
}
