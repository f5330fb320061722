// One-shot reconciliation (DESIGN §2.5), without a running sidecar: read the offset syncs of both
// flows between two clusters (the sidecar's history topic first, then MM2's offset-syncs topics on
// top with replaySync, as the daemon seeds its index), read the groups' offsets on both clusters and
// their liveness on the target, prove positions record by record in exact mode, plan purely
// (core/reconcile/plan.ts), and with `execute` commit each group's partitions in one OffsetCommit and
// read them back.
import { enabledFlows, type Mm2Config, type Mm2Flow } from '../config/mm2-properties.ts'
import { decodeOffsetSync, type OffsetSync } from '../core/codec/offset-sync.ts'
import { decodeSyncHistory } from '../core/codec/sync-history.ts'
import { ExactWalk, type ExactOutcome } from '../core/reconcile/exact.ts'
import { planReconcile, type GroupInput, type PartitionInput, type Plan, type GroupPlan } from '../core/reconcile/plan.ts'
import { routeCommit, type CommitRoute, type RoutableFlow } from '../core/sync/route.ts'
import { isReverseSync } from '../core/sync/reverse-syncs.ts'
import { replaySync } from '../core/translation/replay.ts'
import { SyncIndex } from '../core/translation/sync-index.ts'
import type { Translation } from '../core/translation/translation.ts'
import { Mm2FailbackError, isMm2FailbackError } from '../errors.ts'
import { describeCluster, type ClusterClientOptions } from '../kafka/client-options.ts'
import { AUTHORIZATION_ERROR_CODES, explainClientError, isAuthenticationFailure, messageOf, missingPermissionHint, tlsFailure, type AclResource, type RequiredPermission } from '../kafka/client-errors.ts'
import { GroupAdmin, type GroupLiveness } from '../kafka/group-admin.ts'
import { PartitionReader } from '../kafka/partition-reader.ts'
import { clusterClientOptions } from './cluster-clients.ts'
import { translateCommit } from './group-sync.ts'
import { SnapshotCollector } from './history.ts'

export const DEFAULT_HISTORY_TOPIC = 'mm2-failback.history.internal'

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
  /** Called after each group is applied (execute) or planned. */
  onProgress?: (done: number, total: number) => void
  /** Called with a one-line message for each group refused or failed during execute, and for warnings. */
  onMessage?: (line: string) => void
}

export interface GroupExecution {
  group: string
  status: 'committed' | 'nothing-to-do' | 'refused' | 'failed'
  committed: number
  message: string | null
}

export interface ReconcileResult {
  plan: Plan
  executions: GroupExecution[]
  /** Requests sent to the clusters (admin calls and fetches), for the benchmark. */
  requests: number
  /** Topics a group committed on `from` that no flow between the clusters replicates (not planned). */
  unrouted: Array<{ group: string, topic: string }>
}

interface Side {
  alias: string
  client: ClusterClientOptions
  admin: GroupAdmin
  reader: PartitionReader
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
export async function translateOne (options: { mm2: Mm2Config, from: string, to: string, topic: string, partition: number, offset: bigint, exact: boolean, timeoutMs: number, historyTopic?: string, maxExactRecords?: number }): Promise<{ route: CommitRoute, translation: Translation, exact: ExactOutcome | null }> {
  const session = await ReconcileSession.open({ ...options, groups: [], mode: options.exact ? 'exact' : 'conservative', execute: false, allowRewind: false })
  try {
    return await session.translateOne(options.topic, options.partition, options.offset)
  } finally {
    await session.close()
  }
}

/** Resolves `from` and `to` to clusters of the file; MM2_USAGE naming the alias otherwise. */
export function resolveClusters (mm2: Mm2Config, from: string, to: string): void {
  const aliases = mm2.clusters.map((cluster) => cluster.alias)
  for (const [flag, alias] of [['--from', from], ['--to', to]] as const) {
    if (!aliases.includes(alias)) throw new Mm2FailbackError('MM2_USAGE', `${flag} ${alias}: ${mm2.source} has no cluster alias ${alias} (it has ${aliases.join(', ')}).`, { cluster: alias })
  }
  if (from === to) throw new Mm2FailbackError('MM2_USAGE', `--from and --to are both ${from}; name two different clusters.`, { cluster: from })
  const flows = enabledFlows(mm2).filter((flow) => (flow.source === from && flow.target === to) || (flow.source === to && flow.target === from))
  if (flows.length === 0) throw new Mm2FailbackError('MM2_USAGE', `${mm2.source} enables no flow between clusters ${from} and ${to} (neither ${from}->${to} nor ${to}->${from}).`, { cluster: from })
}

async function withTimeout<T> (promise: Promise<T>, ms: number, what: () => Mm2FailbackError): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([promise, new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(what()) }, ms) })])
  } finally {
    clearTimeout(timer)
  }
}

async function mapLimit<T, R> (items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await fn(items[index]!, index)
    }
  })
  await Promise.all(workers)
  return results
}

class ReconcileSession {
  private readonly options: ReconcileOptions
  private readonly sides: Map<string, Side>
  private readonly flows: Mm2Flow[]
  private readonly routable: RoutableFlow[]
  private readonly index = new SyncIndex()
  private adminRequests = 0

  private constructor (options: ReconcileOptions, sides: Map<string, Side>, flows: Mm2Flow[]) {
    this.options = options
    this.sides = sides
    this.flows = flows
    // Reconcile translates any group it is told to: MM2's group filter governs checkpoints, not syncs.
    this.routable = flows.map((flow) => ({ source: flow.source, target: flow.target, enabled: flow.enabled, policy: flow.policy, topics: flow.topics, groups: { matches: () => true } }))
  }

  static async open (options: ReconcileOptions): Promise<ReconcileSession> {
    const { mm2, from, to } = options
    resolveClusters(mm2, from, to)
    const flows = enabledFlows(mm2).filter((flow) => (flow.source === from && flow.target === to) || (flow.source === to && flow.target === from))
    const sides = new Map<string, Side>()
    try {
      for (const alias of [from, to]) {
        const cluster = mm2.clusters.find((entry) => entry.alias === alias)!
        const client: ClusterClientOptions = { ...clusterClientOptions(cluster), clientIdPrefix: 'mm2-failback-reconcile', connectTimeoutMs: options.timeoutMs, requestTimeoutMs: options.timeoutMs }
        sides.set(alias, { alias, client, admin: new GroupAdmin(client), reader: new PartitionReader(client) })
      }
      const session = new ReconcileSession(options, sides, flows)
      await Promise.all([...sides.values()].map(async (side) => { await session.probe(side) }))
      await session.loadSyncs()
      return session
    } catch (error) {
      for (const side of sides.values()) {
        await side.admin.close().catch(() => {})
        await side.reader.close()
      }
      throw error
    }
  }

  async close (): Promise<void> {
    for (const side of this.sides.values()) {
      await side.admin.close().catch(() => {})
      await side.reader.close()
    }
  }

  private side (alias: string): Side {
    return this.sides.get(alias)!
  }

  private unreachable (side: Side, error?: unknown): Mm2FailbackError {
    // Wrong credentials or an untrusted certificate: the cluster answered, and retrying will not help.
    if (error !== undefined && (isAuthenticationFailure(error) || tlsFailure(error) !== null)) {
      return new Mm2FailbackError('MM2_KAFKA_REQUEST_FAILED', `cannot connect to ${describeCluster(side.client)}: ${explainClientError(error, side.client)}.`, { cluster: side.alias }, { cause: error })
    }
    const reason = error === undefined ? `no answer within ${this.options.timeoutMs} ms` : messageOf(error)
    return new Mm2FailbackError('MM2_CLUSTER_UNREACHABLE', `${describeCluster(side.client)} is unreachable: ${reason} (--timeout-ms ${this.options.timeoutMs}).`, { cluster: side.alias }, { cause: error })
  }

  private async probe (side: Side): Promise<void> {
    try {
      await withTimeout(side.reader.topics(null, true), this.options.timeoutMs, () => this.unreachable(side))
    } catch (error) {
      if (isMm2FailbackError(error)) throw error
      throw this.unreachable(side, error)
    }
  }

  /** Every record of a topic (all partitions), read to its current end. */
  private async readTopic (side: Side, topic: string, onRecord: (key: Uint8Array | null, value: Uint8Array | null, partition: number, offset: bigint) => void): Promise<void> {
    const metadata = await side.reader.topics(null)
    const info = metadata.topics.get(topic)
    if (info === undefined) return
    for (let partition = 0; partition < info.leaders.length; partition++) {
      let offset = 0n
      for (;;) {
        const read = await side.reader.read(topic, partition, offset, 4 * 1024 * 1024)
        for (const record of read.records) if (record.aborted !== true) onRecord(record.key, record.value, partition, record.offset)
        if (read.nextOffset <= offset || read.nextOffset >= read.endOffset) break
        offset = read.nextOffset
      }
    }
  }

  /** Seeds the index from history snapshots on both clusters, then replays MM2's syncs (as the daemon does). */
  private async loadSyncs (): Promise<void> {
    const historyTopic = this.options.historyTopic ?? DEFAULT_HISTORY_TOPIC
    const snapshots = new SnapshotCollector()
    const flowNames = new Set(this.flows.map((flow) => `${flow.source}->${flow.target}`))
    const pending = new Map<Mm2Flow, OffsetSync[]>()
    const work: Array<Promise<void>> = []
    for (const side of this.sides.values()) {
      work.push(this.readTopic(side, historyTopic, (key, value) => {
        try {
          const snapshot = decodeSyncHistory(key, value)
          if (flowNames.has(`${snapshot.sourceClusterAlias}->${snapshot.targetClusterAlias}`)) snapshots.offer(snapshot)
        } catch { /* a bad or tombstoned snapshot is not history: the daemon counts these, reconcile just skips them */ }
      }))
    }
    for (const flow of this.flows) {
      if (!flow.emitOffsetSyncsEnabled) continue
      const location = flow.internalTopics.offsetSyncs
      const side = this.sides.get(location.cluster)
      if (side === undefined) continue
      const syncs: OffsetSync[] = []
      pending.set(flow, syncs)
      work.push(this.readTopic(side, location.topic, (key, value) => {
        try {
          const sync = decodeOffsetSync(key, value)
          // Reverse syncs written by the sidecar are inverted copies of the other flow's: not this flow's.
          if (!isReverseSync(sync, flow.target, flow.policy)) syncs.push(sync)
        } catch { /* undecodable record: skipped, as the daemon does */ }
      }))
    }
    await withTimeout(Promise.all(work), this.options.timeoutMs * 2, () => new Mm2FailbackError('MM2_CLUSTER_UNREACHABLE', `reading the offset-syncs and history topics of clusters ${this.options.from} and ${this.options.to} took more than ${this.options.timeoutMs * 2} ms.`, {}))
    for (const snapshot of snapshots.all()) {
      const history = this.index.flow(snapshot.sourceClusterAlias, snapshot.targetClusterAlias).history(snapshot.topic, snapshot.partition)
      for (const sync of snapshot.syncs) replaySync(history, sync.upstreamOffset, sync.downstreamOffset)
    }
    for (const [flow, syncs] of pending) {
      const flowIndex = this.index.flow(flow.source, flow.target)
      for (const sync of syncs) {
        try { replaySync(flowIndex.history(sync.topic, sync.partition), sync.upstreamOffset, sync.downstreamOffset) } catch { /* out-of-range offsets: skipped */ }
      }
    }
  }

  private routesFor (topic: string, group: string): CommitRoute[] {
    return routeCommit(this.routable, this.options.from, topic, group).filter((route) => route.targetCluster === this.options.to)
  }

  /**
   * The exact walk for one partition; the group side is `from`. Below MM2's first offset sync (MM2
   * coalesces the syncs of a burst, e.g. when it catches up after downtime, so the first one may sit
   * far above the start of the log) the walk starts from the first record of both logs instead: MM2
   * copies in order from where its source consumer started, so when the first records match, they
   * are one record, and the walk proves (or refutes: mismatch) everything after them.
   */
  async prove (route: CommitRoute, partition: number, groupOffset: bigint, translation: Translation): Promise<ExactOutcome | undefined> {
    if (translation.kind === 'translated') {
      if (translation.method === 'exact') return undefined
      return await this.walk(route, partition, groupOffset, translation.sync)
    }
    if (translation.reason !== 'no-sync-at-or-below' && translation.reason !== 'no-syncs') return undefined
    const { upstream, downstream } = this.walkedTopics(route)
    const [upFirst, downFirst] = await Promise.all([
      this.firstRecordOffset(upstream.side, upstream.topic, partition, false),
      this.firstRecordOffset(downstream.side, downstream.topic, partition, true)
    ])
    if (upFirst === null || downFirst === null) {
      return { kind: 'unproven', reason: 'empty-window', detail: `no offset sync, and ${upFirst === null ? `${upstream.topic} on cluster ${upstream.side.alias}` : `${downstream.topic} on cluster ${downstream.side.alias}`} holds no record to start from`, walked: 0 }
    }
    const anchor = { upstreamOffset: upFirst, downstreamOffset: downFirst }
    const windowFirst = route.direction === 'forward' ? upFirst : downFirst
    if (groupOffset <= windowFirst) {
      // The group is at (or before) the first record: the answer is the other log's first record,
      // once the two first records are shown to be one (a one-record walk).
      const check = await this.walk(route, partition, windowFirst + 1n, anchor)
      if (check.kind !== 'exact') return check
      return { ...check, offset: route.direction === 'forward' ? downFirst : upFirst, anchor: 'log-start' }
    }
    const outcome = await this.walk(route, partition, groupOffset, anchor)
    return outcome.kind === 'exact' ? { ...outcome, anchor: 'log-start' } : outcome
  }

  private walkedTopics (route: CommitRoute): { upstream: { side: Side, topic: string }, downstream: { side: Side, topic: string } } {
    const flow = route.flow
    return {
      upstream: { side: this.side(flow.source), topic: route.syncTopic },
      downstream: { side: this.side(flow.target), topic: flow.policy.formatRemoteTopic(flow.source, route.syncTopic) }
    }
  }

  /** Offset of the first record of a partition (downstream: the first not aborted, as the walk drops those), or null when it has none. */
  private async firstRecordOffset (side: Side, topic: string, partition: number, skipAborted: boolean): Promise<bigint | null> {
    let from = 0n
    for (;;) {
      const read = await side.reader.read(topic, partition, from, 64 * 1024)
      const first = read.records.find((record) => !skipAborted || record.aborted !== true)
      if (first !== undefined) return first.offset
      if (read.nextOffset <= from || read.nextOffset >= read.endOffset) return null
      from = read.nextOffset
    }
  }

  private async walk (route: CommitRoute, partition: number, groupOffset: bigint, sync: { upstreamOffset: bigint, downstreamOffset: bigint }): Promise<ExactOutcome> {
    const { upstream, downstream } = this.walkedTopics(route)
    const walk = new ExactWalk({ direction: route.direction, sync, groupOffset, ...(this.options.maxExactRecords === undefined ? {} : { maxRecords: this.options.maxExactRecords }) })
    for (;;) {
      const demand = walk.demand()
      if (demand === null) return walk.result()!
      const where = demand.side === 'upstream' ? upstream : downstream
      const read = await where.side.reader.read(where.topic, partition, demand.from, 256 * 1024)
      const outcome = walk.push(demand.side, read.records, read.nextOffset)
      if (outcome !== null) return outcome
      const exhausted = (read.records.length === 0 && read.nextOffset <= demand.from) || (read.nextOffset >= read.endOffset && walk.demand()?.side === demand.side)
      if (!exhausted) continue
      if (demand.side !== walk.windowSide()) return walk.finish()
      // The window's log ends below the group offset: go on with the other side.
      const ended = walk.endWindow()
      if (ended !== null) return ended
      if (walk.demand()?.side === demand.side) return walk.finish()
    }
  }

  async translateOne (topic: string, partition: number, offset: bigint): Promise<{ route: CommitRoute, translation: Translation, exact: ExactOutcome | null }> {
    const { from, to } = this.options
    const metadata = await this.side(from).reader.topics([topic])
    const info = metadata.topics.get(topic)
    if (info === undefined) throw new Mm2FailbackError('MM2_USAGE', `topic ${topic} does not exist on cluster ${from}.`, { cluster: from, topic })
    if (partition >= info.leaders.length) throw new Mm2FailbackError('MM2_USAGE', `topic ${topic} on cluster ${from} has ${info.leaders.length} partition(s); there is no partition ${partition}.`, { cluster: from, topic, partition })
    const routes = this.routesFor(topic, '')
    if (routes.length === 0) throw new Mm2FailbackError('MM2_USAGE', `no enabled flow replicates topic ${topic} of cluster ${from} to or from cluster ${to}.`, { cluster: from, topic })
    const translated = translateCommit(this.index, routes, partition, offset)!
    const exact = this.options.mode === 'exact' ? (await this.prove(translated.route, partition, offset, translated.translation)) ?? null : null
    return { route: translated.route, translation: translated.translation, exact }
  }

  /** What reading a group needs: Describe; with --execute name Read, which the commit needs too and implies Describe. */
  private groupPermission (group: string): RequiredPermission {
    return { operation: this.options.execute ? 'Read' : 'Describe', resource: 'Group', name: group }
  }

  /** One admin call against a side; `needs` are the permissions it requires, named when the cluster denies one. */
  private async admin<T> (side: Side, what: string, call: () => Promise<T>, context: { group?: string } = {}, needs: readonly RequiredPermission[] = []): Promise<T> {
    this.adminRequests++
    try {
      return await withTimeout(call(), this.options.timeoutMs, () => this.unreachable(side))
    } catch (error) {
      if (isMm2FailbackError(error)) throw error
      throw new Mm2FailbackError('MM2_KAFKA_REQUEST_FAILED', `${what} on ${describeCluster(side.client)} failed: ${explainClientError(error, side.client, needs)}`, { cluster: side.alias, ...context }, { cause: error })
    }
  }

  private async resolveGroups (): Promise<string[]> {
    const { from, groupsRegex } = this.options
    const groups = new Set(this.options.groups)
    if (groupsRegex !== undefined) {
      const side = this.side(from)
      const listed = await this.admin(side, 'listing groups', async () => await side.admin.listGroups({ types: ['classic', 'consumer'] }))
      for (const id of listed.keys()) if (groupsRegex.test(id)) groups.add(id)
      if (groups.size === 0) throw new Mm2FailbackError('MM2_USAGE', `no group on cluster ${from} matches --groups-regex ${asTyped(groupsRegex)}.`, { cluster: from })
    }
    return [...groups].sort()
  }

  async run (): Promise<ReconcileResult> {
    const { from, to, topicsRegex } = this.options
    const source = this.side(from)
    const target = this.side(to)
    const groups = await this.resolveGroups()
    const [sourceLiveness, targetLiveness] = await Promise.all([
      this.admin(source, 'describing groups', async () => await source.admin.liveness(groups), {}, groups.map((group) => this.groupPermission(group))),
      this.admin(target, 'describing groups', async () => await target.admin.liveness(groups), {}, groups.map((group) => this.groupPermission(group)))
    ])
    const unrouted: Array<{ group: string, topic: string }> = []
    let planned = 0
    const inputs = await mapLimit(groups, 8, async (group): Promise<GroupInput> => {
      const [committed, targetCommitted] = await Promise.all([
        this.admin(source, `reading the offsets of group ${group}`, async () => await source.admin.committedOffsets(group), { group }, [this.groupPermission(group)]),
        this.admin(target, `reading the offsets of group ${group}`, async () => await target.admin.committedOffsets(group), { group }, [this.groupPermission(group)])
      ])
      if (committed.length === 0 && sourceLiveness.get(group)?.exists !== true) {
        throw new Mm2FailbackError('MM2_USAGE', `group ${group} is unknown on cluster ${from} (no members and no committed offsets).`, { cluster: from, group })
      }
      const selected = committed.filter((entry) => topicsRegex === undefined || topicsRegex.test(entry.topic))
      if (selected.length === 0 && topicsRegex !== undefined) {
        throw new Mm2FailbackError('MM2_USAGE', `group ${group} has no committed offsets on cluster ${from} for topics matching --topics ${asTyped(topicsRegex)} (it has ${[...new Set(committed.map((entry) => entry.topic))].join(', ') || 'none'}).`, { cluster: from, group })
      }
      const targetOffsets = new Map(targetCommitted.map((entry) => [`${entry.topic}\u0000${entry.partition}`, entry.offset]))
      const partitions: PartitionInput[] = []
      const proofs: Array<{ input: PartitionInput, route: CommitRoute }> = []
      for (const entry of selected) {
        const routes = this.routesFor(entry.topic, group)
        if (routes.length === 0) {
          unrouted.push({ group, topic: entry.topic })
          continue
        }
        const { route, translation } = translateCommit(this.index, routes, entry.partition, entry.offset)!
        const input: PartitionInput = { sourceTopic: entry.topic, targetTopic: route.targetTopic, partition: entry.partition, sourceOffset: entry.offset, translation, targetOffset: targetOffsets.get(`${route.targetTopic}\u0000${entry.partition}`) ?? null }
        partitions.push(input)
        if (this.options.mode === 'exact') proofs.push({ input, route })
      }
      await mapLimit(proofs, 4, async ({ input, route }) => {
        try {
          const exact = await this.prove(route, input.partition, input.sourceOffset, input.translation)
          if (exact !== undefined) input.exact = exact
        } catch (error) {
          input.exact = { kind: 'unproven', reason: 'incomplete', detail: `reading the logs failed: ${messageOf(error)}`, walked: 0 }
        }
      })
      if (!this.options.execute) this.options.onProgress?.(++planned, groups.length)
      return { group, sourceCluster: from, targetCluster: to, targetMembers: liveMembers(targetLiveness.get(group)), partitions }
    })
    const plan = planReconcile(inputs, { allowRewind: this.options.allowRewind })
    const executions = this.options.execute ? await this.execute(plan, targetLiveness) : []
    let requests = this.adminRequests
    for (const side of this.sides.values()) requests += side.reader.requests
    return { plan, executions, requests, unrouted }
  }

  private async execute (plan: Plan, liveness: Map<string, GroupLiveness>): Promise<GroupExecution[]> {
    const target = this.side(this.options.to)
    let done = 0
    return await mapLimit(plan.groups, 8, async (group) => {
      const execution = await this.executeGroup(target, group, liveness.get(group.group))
      if (execution.message !== null && execution.status !== 'committed') this.options.onMessage?.(execution.message)
      this.options.onProgress?.(++done, plan.groups.length)
      return execution
    })
  }

  private async executeGroup (target: Side, group: GroupPlan, liveness: GroupLiveness | undefined): Promise<GroupExecution> {
    const where = `group ${group.group} on cluster ${target.alias}`
    if (group.targetMembers > 0) {
      return { group: group.group, status: 'refused', committed: 0, message: `refusing to commit ${where}: it has ${group.targetMembers} live member(s) (${liveness?.protocol ?? 'classic'} protocol, state ${liveness?.state ?? '?'}); stop its consumers and run again.` }
    }
    const rows = group.rows.filter((row) => row.action === 'commit')
    if (rows.length === 0) return { group: group.group, status: 'nothing-to-do', committed: 0, message: null }
    try {
      const results = await this.admin(target, `committing offsets of group ${group.group}`, async () => await target.admin.commit(group.group, rows.map((row) => ({ topic: row.targetTopic, partition: row.partition, offset: row.translatedOffset!, metadata: row.metadata }))), { group: group.group })
      const failed = results.filter((result) => result.errorCode !== 0)
      if (failed.length > 0) {
        const codes = failed.map((result) => `${result.topic}-${result.partition}: Kafka error ${result.errorCode}${result.errorCode === 25 || result.errorCode === 22 || result.errorCode === 27 ? ' (the group has live members)' : AUTHORIZATION_ERROR_CODES[result.errorCode] !== undefined ? ` (${AUTHORIZATION_ERROR_CODES[result.errorCode]})` : ''}`)
        // A denied commit: name the permission (the group's Read, or Read on a topic).
        const denied = [...new Set(failed.map((result) => AUTHORIZATION_ERROR_CODES[result.errorCode]).filter((name): name is string => name !== undefined))]
        const hints = denied.map((name) => {
          const resource: AclResource = name === 'GROUP_AUTHORIZATION_FAILED' ? 'Group' : name === 'TOPIC_AUTHORIZATION_FAILED' ? 'Topic' : name === 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED' ? 'TransactionalId' : 'Cluster'
          const needs: RequiredPermission[] = [{ operation: 'Read', resource: 'Group', name: group.group }, ...[...new Set(failed.map((result) => result.topic))].map((topic) => ({ operation: 'Read' as const, resource: 'Topic' as const, name: topic }))]
          return missingPermissionHint(target.client, resource, needs)
        })
        return { group: group.group, status: 'failed', committed: results.length - failed.length, message: `committing ${where} failed for ${failed.length} partition(s): ${codes.join('; ')}${hints.length > 0 ? `; ${hints.join('; ')}` : ''}.` }
      }
      const readBack = await this.admin(target, `reading back the offsets of group ${group.group}`, async () => await target.admin.committedOffsets(group.group), { group: group.group })
      const now = new Map(readBack.map((entry) => [`${entry.topic}\u0000${entry.partition}`, entry.offset]))
      const wrong = rows.filter((row) => now.get(`${row.targetTopic}\u0000${row.partition}`) !== row.translatedOffset)
      if (wrong.length > 0) {
        const detail = wrong.map((row) => `${row.targetTopic}-${row.partition} is at ${now.get(`${row.targetTopic}\u0000${row.partition}`) ?? 'none'}, expected ${row.translatedOffset}`)
        return { group: group.group, status: 'failed', committed: rows.length - wrong.length, message: `verifying ${where} failed: ${detail.join('; ')}.` }
      }
      return { group: group.group, status: 'committed', committed: rows.length, message: `committed ${rows.length} partition(s) of ${where}, verified by reading them back.` }
    } catch (error) {
      return { group: group.group, status: 'failed', committed: 0, message: `committing ${where} failed: ${error instanceof Error ? error.message : String(error)}` }
    }
  }
}

function liveMembers (liveness: GroupLiveness | undefined): number {
  return liveness?.members ?? 0
}

/** The pattern as the user typed it (compileRegex anchors it as ^(?:...)$), for messages. */
function asTyped (regex: RegExp): string {
  return /^\^\(\?:([\s\S]*)\)\$$/.exec(regex.source)?.[1] ?? regex.source
}
