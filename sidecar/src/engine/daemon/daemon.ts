// The composition root of `mm2-failback run` (kminion's main.go): configuration and adapters in, the
// parts wired together. It follows every topic of the follow plan on every cluster
// (cluster-follower.ts) and hands what it fetches to the record router (record-router.ts), which feeds
// it through the shared ingest (engine/ingest/) into the index, the committed-offset store and the
// freshness gauges. Once every followed topic was read to its end once (readiness.ts), it starts the
// outputs: history snapshots (the index's syncs and exact mode's proven pairs), reverse offset syncs
// and two-way group sync, and the lag collector. Every part gets its adapters from `adapters`, so the
// whole daemon runs in unit tests against fakes.
import type { Mm2Config, Mm2Flow } from '../../core/mm2/model.ts'
import { compileNameFilter } from '../../core/mm2/filters.ts'
import { enabledFlows } from '../../core/mm2/flows.ts'
import type { SidecarConfig } from '../../config/schema.ts'
import type { ProvenPairKey, ProvenPairs } from '../../core/exact/proven-pairs.ts'
import { CommittedOffsets } from '../../core/sync/committed-offsets.ts'
import type { CommitRoute } from '../../core/sync/route.ts'
import { SyncIndex } from '../../core/translation/sync-index.ts'
import { initialiseSeries } from '../../metrics/initial-series.ts'
import type { SidecarMetrics } from '../../metrics/registry.ts'
import { metricsIngestSink } from '../ingest/metrics-sink.ts'
import { RecordIngest } from '../ingest/record-ingest.ts'
import { SyncIngest } from '../ingest/sync-ingest.ts'
import type { Logger } from '../logger.ts'
import { CONSUMER_OFFSETS_TOPIC, followPlan, type FollowPlan } from '../../core/mm2/follow-plan.ts'
import { ClusterFollower } from './cluster-follower.ts'
import { CommitPoller } from './commit-poller.ts'
import { FlowFreshness } from './flow-freshness.ts'
import { ExactProver } from '../exact/exact-prover.ts'
import { ExactTranslator } from '../exact/exact-translator.ts'
import { RecentBatches } from '../exact/recent-batches.ts'
import { GroupMirror } from './group-mirror.ts'
import { HistoryKeeper } from './history-keeper.ts'
import { knownLabelValues } from './known-series.ts'
import { LagCollector } from './lag-collector.ts'
import type { AdapterFactory, ClusterAdapters, GroupAdminPort, PartitionReaderPort } from '../ports.ts'
import { readinessDetail, readinessVerdict } from './readiness.ts'
import { RecordRouter } from './record-router.ts'
import { ReverseSyncWriters } from './reverse-sync-writers.ts'
import { CommitShards } from './commit-shards.ts'
import { Coordination, coordinatedClusters, membershipSpec } from './coordination.ts'
import { HeapCompactor } from './heap-compactor.ts'
import { WakeableDelay } from '../../kafka/wakeable-delay.ts'

export interface DaemonOptions {
  mm2: Mm2Config
  config: SidecarConfig
  metrics: SidecarMetrics
  logger: Logger
  adapters: AdapterFactory
  /**
   * A memory-reducing garbage collection, run once after each burst of work (the catch-up and the pass
   * after readiness, a new share's pass): heap-compactor.ts. None: the heap is left to V8.
   */
  compactHeap?: () => Promise<void>
  /**
   * How often readiness is checked again with no news (default 200 ms): a follower read to its end
   * triggers a check at once; this catches the rest (a cluster given up on after its grace, pollers).
   */
  readinessRecheckMs?: number
}

/** After a burst's work is done, how long nothing new may start before the heap is compacted, and the least time between two compactions. */
const COMPACT_QUIET_MS = 3_000
const COMPACT_MIN_INTERVAL_MS = 60_000

export class Daemon {
  readonly index = new SyncIndex()
  readonly committed = new CommittedOffsets()
  private readonly options: DaemonOptions
  private readonly plan: FollowPlan
  private readonly flows: Mm2Flow[]
  private readonly adapters = new Map<string, ClusterAdapters>()
  private readonly followers = new Map<string, ClusterFollower>()
  private readonly admins = new Map<string, GroupAdminPort>()
  /** Partition readers of the exact proofs, opened on first use. */
  private readonly readers = new Map<string, PartitionReaderPort>()
  private readonly pollers = new Map<string, CommitPoller>()
  private readonly ingest: RecordIngest
  private readonly syncs: SyncIngest
  private readonly router: RecordRouter
  /** Exact mode's proven pairs (the translator's), seeded from and written to the history topic; null otherwise. */
  private readonly provenPairs: ProvenPairs | null
  private readonly freshness: FlowFreshness
  private readonly reverseSyncs: ReverseSyncWriters
  /** How the instances of the deployment share the work (§2.7); null: this instance works alone. */
  private readonly coordination: Coordination | null
  private readonly shards: CommitShards | null
  private readonly groupMirror: GroupMirror | null
  private readonly groupFilter: (group: string) => boolean
  private readonly timers: NodeJS.Timeout[] = []
  private readonly compactor: HeapCompactor | null
  private readonly readinessCheck = new WakeableDelay()
  private historyKeeper: HistoryKeeper | null = null
  private ready = false
  private stopped = false

  constructor (options: DaemonOptions) {
    this.options = options
    this.compactor = options.compactHeap === undefined
      ? null
      : new HeapCompactor({ collect: options.compactHeap, logger: options.logger, quietMs: COMPACT_QUIET_MS, minIntervalMs: COMPACT_MIN_INTERVAL_MS })
    const { mm2, config, metrics, logger } = options
    this.plan = followPlan(mm2, config.features.history ? config.history.topic : null)
    this.flows = enabledFlows(mm2)
    for (const alias of this.plan.keys()) {
      if (mm2.clusters.some((cluster) => cluster.alias === alias)) this.adapters.set(alias, options.adapters(alias))
    }
    this.groupFilter = compileNameFilter(config.groupSync.include, config.groupSync.exclude)
    this.ingest = new RecordIngest(metricsIngestSink(metrics, logger))
    this.coordination = config.coordination.enabled ? this.createCoordination() : null
    this.reverseSyncs = new ReverseSyncWriters({
      mm2,
      flows: this.flows,
      index: this.index,
      adapters: (alias) => this.adapters.get(alias),
      followers: (alias) => this.followers.get(alias)?.mm2Topics,
      metrics,
      logger,
      retryDelayMs: config.follow.retryDelayMs,
      election: config.features.reverseSyncs ? this.coordination : null
    })
    const pairKey = (route: CommitRoute, partition: number): ProvenPairKey =>
      ({ source: route.flow.source, target: route.flow.target, topic: route.syncTopic, partition })
    const exact = config.features.groupSync && config.translation.mode === 'exact'
      ? new ExactTranslator({
        prover: new ExactProver((alias) => this.reader(alias), config.translation.maxProofRecords, new RecentBatches()),
        copyWaitMs: config.translation.copyWaitMs,
        metrics,
        logger,
        // A proven pair is a sync of the flow: written as a reverse sync, MM2's own checkpoint lands on it too;
        // and kept in the history topic, so that a restart starts from it.
        onProven: (route, partition, pair) => {
          const flow = this.flows.find((candidate) => candidate.source === route.flow.source && candidate.target === route.flow.target)
          if (config.features.reverseSyncs && flow !== undefined) this.reverseSyncs.onSync(flow, { topic: route.syncTopic, partition, ...pair })
          this.historyKeeper?.markPairsDirty(pairKey(route, partition))
        },
        onForgotten: (route, partition) => { this.historyKeeper?.markPairsDirty(pairKey(route, partition)) }
      })
      : null
    this.provenPairs = exact?.pairs ?? null
    this.syncs = new SyncIngest({
      index: this.index,
      ingest: this.ingest,
      flows: this.flows,
      onReverseSync: (flow, sync) => { this.reverseSyncs.observe(flow, sync) },
      provenPairs: this.provenPairs
    })
    this.freshness = new FlowFreshness(this.flows, this.index, metrics)
    this.groupMirror = config.features.groupSync
      ? new GroupMirror({
        flows: this.flows,
        index: this.index,
        committed: this.committed,
        admins: this.admins,
        metrics,
        logger,
        allowRewind: config.groupSync.allowRewind,
        groupFilter: this.groupFilter,
        livenessCacheMs: config.groupSync.livenessCacheMs,
        maxGroupsInFlight: config.groupSync.maxGroupsInFlight,
        exact,
        retryMs: config.translation.retryMs,
        owns: (commit) => this.shards?.owns(commit) ?? true
      })
      : null
    this.shards = this.coordination !== null && this.groupMirror !== null
      ? new CommitShards({
        coordination: this.coordination,
        followers: () => this.followers,
        resyncAll: () => { this.resyncAfterCatchUp() },
        idle: async () => { await this.groupMirror?.idle() },
        isReady: () => this.ready,
        drainTimeoutMs: config.coordination.sessionTimeoutMs / 2,
        metrics,
        groupsOn: (cluster) => this.committed.groups(cluster)
      })
      : null
    this.router = new RecordRouter({
      plan: this.plan,
      ingest: this.ingest,
      syncs: this.syncs,
      committed: this.committed,
      freshness: this.freshness,
      reverseSyncs: this.reverseSyncs,
      isReplaying: (alias) => this.followers.get(alias)?.isReplaying() === true,
      historyKeeper: () => this.historyKeeper,
      groupMirror: () => this.groupMirror,
      isReady: () => this.ready
    })
    metrics.ready.set(0)
    const clusters = [...this.adapters.keys()]
    const coordination = this.coordination !== null
    initialiseSeries(metrics, knownLabelValues({ mm2, features: config.features, plan: this.plan, clusters, exact: exact !== null, coordination }))
  }

  get isReady (): boolean {
    return this.ready
  }

  /** Which followed topics have not been read to their end yet, per cluster (for /ready). */
  readinessDetail (): Record<string, string> {
    return readinessDetail([...this.followers.values()].map((follower) => follower.health()))
  }

  async start (): Promise<void> {
    const { config, logger, metrics } = this.options
    for (const [alias, topics] of this.plan) {
      const adapters = this.adapters.get(alias)
      if (adapters === undefined) continue
      this.admins.set(alias, adapters.admin(config.groupSync.commitConnections))
      const follower = new ClusterFollower({
        alias,
        adapters,
        topics: [...topics.keys()],
        maxWaitMs: config.follow.maxWaitMs,
        retryDelayMs: config.follow.retryDelayMs,
        metrics,
        logger,
        onRecords: (topic, partition, records) => { this.router.onRecords(alias, topic, partition, records) },
        onUnauthorized: (topic) => { this.onUnauthorized(alias, topic) },
        shardedCommits: this.shards !== null,
        onCommitPartitionCaughtUp: () => { this.shards?.caughtUp() },
        onCaughtUp: () => { this.readinessCheck.wake() }
      })
      this.followers.set(alias, follower)
      follower.start()
    }
    // Joined from the start: which of __consumer_offsets' partitions to read depends on this instance's share.
    this.coordination?.start()
    this.every(1000, () => {
      const now = Date.now()
      this.groupMirror?.exportAges(now)
      this.shards?.exportOwnedGroups()
      this.freshness.export(now)
    })
    this.background('readiness', this.becomeReady())
  }

  /** A followed topic the cluster will not let us read: fall back to admin polling for group commits, or say what permission is missing. */
  private onUnauthorized (alias: string, topic: string): void {
    const { logger, config } = this.options
    if (topic !== CONSUMER_OFFSETS_TOPIC) {
      const text = `cluster ${alias} does not allow mm2-failback to read topic ${topic} (TOPIC_AUTHORIZATION_FAILED): grant READ and DESCRIBE on it; until then the sidecar works without it`
      logger.error(text, { cluster: alias, topic })
      return
    }
    const admin = this.admins.get(alias)
    if (admin === undefined || this.pollers.has(alias)) return
    const every = `every ${config.follow.commitPollMs} ms`
    const text = `cluster ${alias} does not allow reading ${CONSUMER_OFFSETS_TOPIC}; polling group offsets ${every} through the admin API instead (grant READ on ${CONSUMER_OFFSETS_TOPIC} for event-driven sync)`
    logger.warn(text, { cluster: alias })
    const flows = this.flows.filter((flow) => flow.source === alias || flow.target === alias)
    const poller = new CommitPoller({
      cluster: alias,
      admin,
      intervalMs: config.follow.commitPollMs,
      groupFilter: (group) => this.groupFilter(group) && flows.some((flow) => flow.groups.matches(group)),
      onCommits: (commits) => { this.router.onCommits(commits) },
      logger
    })
    this.pollers.set(alias, poller)
    poller.start()
  }

  private async becomeReady (): Promise<void> {
    const { config, logger, metrics } = this.options
    let verdict
    for (;;) {
      if (this.stopped) return
      const health = [...this.followers.values()].map((follower) => follower.health())
      const pollersDone = [...this.pollers.values()].every((poller) => poller.polledOnce)
      verdict = readinessVerdict(health, pollersDone, Date.now(), config.follow.unreachableGraceMs)
      if (verdict.ready) break
      // Checked again when a follower was read to its end, else every 200 ms (pollers, a cluster given up on).
      await this.readinessCheck.wait(this.options.readinessRecheckMs ?? 200)
    }
    const { seeded, replayed, provenPairs } = this.syncs.seed()
    const pairs = this.provenPairs === null ? '' : `; ${provenPairs} proven pairs from history snapshots`
    const text = `translation index seeded: ${seeded} syncs from history snapshots, ${replayed} from MM2's offset-syncs topics${pairs}`
    logger.info(text, { seeded, replayed, provenPairs, retainedSyncs: this.index.retainedSyncs })
    this.ready = true
    metrics.ready.set(1)
    if (verdict.unreachable.length > 0) {
      const text = `ready without cluster(s) ${verdict.unreachable.join(', ')}, which did not answer for ${config.follow.unreachableGraceMs} ms; working from the history topic until they return`
      logger.warn(text, { clusters: verdict.unreachable })
    } else {
      logger.info('ready: every followed topic was read to its end once', { retainedSyncs: this.index.retainedSyncs })
    }
    this.startOutputs()
  }

  private startOutputs (): void {
    const { config, metrics, logger } = this.options
    if (config.features.history) {
      const writers = [...this.adapters.values()].map((adapters) => adapters.historyWriter(config.history.topic, config.history.replicationFactor))
      this.historyKeeper = new HistoryKeeper({
        index: this.index,
        pairs: this.provenPairs,
        writers,
        flushIntervalMs: config.history.flushIntervalMs,
        metrics,
        logger
      })
      this.historyKeeper.markAllDirty()
      this.historyKeeper.start()
    }
    if (config.features.reverseSyncs) {
      // An emitter activates only now, once the instance is ready, even when it was elected earlier.
      this.reverseSyncs.start((what, task) => { this.background(what, task) })
    }
    this.resyncAfterCatchUp()
    if (this.groupMirror !== null) this.every(config.groupSync.fullPassMs, () => { this.groupMirror?.resyncAll() })
    if (config.features.lag) {
      const lag = new LagCollector({ flows: this.flows, index: this.index, committed: this.committed, admins: this.admins, metrics })
      this.background('lag', lag.measure())
      this.every(config.lag.intervalMs, () => { this.background('lag', lag.measure()) })
    }
  }

  /** One membership per cluster whose groups this instance mirrors or whose reverse syncs it writes. */
  private createCoordination (): Coordination {
    const { mm2, config, metrics, logger } = this.options
    return new Coordination({
      clusters: coordinatedClusters(mm2, config, this.plan, this.flows).filter((alias) => this.adapters.has(alias)),
      adapters: (alias) => this.adapters.get(alias)!,
      spec: membershipSpec(config),
      metrics,
      logger,
      beforeRejoin: async () => { await this.shards?.drain() }
    })
  }

  /** The partition reader of a cluster, opened on first use. */
  private reader (alias: string): PartitionReaderPort {
    let reader = this.readers.get(alias)
    if (reader === undefined) {
      const adapters = this.adapters.get(alias)
      if (adapters === undefined) throw new Error(`cluster ${alias} is not one the sidecar connects to`)
      reader = adapters.reader()
      this.readers.set(alias, reader)
    }
    return reader
  }

  /** Runs a task without awaiting it; its failures are logged, never thrown into the event loop. */
  private background (what: string, task: Promise<void>): void {
    task.catch((error: unknown) => {
      this.options.logger.error(`${what} failed: ${error instanceof Error ? error.message : String(error)}`)
    })
  }

  /** The group-sync pass after a catch-up (readiness, a new share), and the heap compaction once it is done. */
  private resyncAfterCatchUp (): void {
    this.groupMirror?.resyncAll()
    this.compactor?.afterBurst(async () => { await this.groupMirror?.idle() })
  }

  private every (ms: number, fn: () => void): void {
    const timer = setInterval(fn, ms)
    timer.unref()
    this.timers.push(timer)
  }

  /** Stops the outputs first, so nothing is half-written, then the followers and clients. */
  async stop (): Promise<void> {
    this.stopped = true
    this.compactor?.stop()
    for (const timer of this.timers) clearInterval(timer)
    for (const poller of this.pollers.values()) poller.stop()
    this.router.stop()
    await this.groupMirror?.stop()
    await this.historyKeeper?.stop()
    // Leaving the group first hands the writer's seat and the shares over at once.
    this.shards?.stop()
    await this.coordination?.stop()
    await this.reverseSyncs.stop()
    await Promise.all([...this.followers.values()].map(async (follower) => { await follower.close() }))
    await Promise.all([...this.admins.values()].map(async (admin) => { await admin.close().catch(() => {}) }))
    await Promise.all([...this.readers.values()].map(async (reader) => { await reader.close().catch(() => {}) }))
  }
}
