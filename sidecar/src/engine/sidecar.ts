// The composition root of `mm2-failback run` (kminion's main.go): configuration -> Kafka adapters and
// metrics -> the pure core. It follows every topic of the follow plan on every cluster, feeds the
// index and the committed-offset store, and, once every followed topic was read to its end once
// (readiness), starts the outputs: reverse offset syncs and two-way group sync.
import { decodeCheckpoint } from '../core/codec/checkpoint.ts'
import { decodeConsumerOffsetsRecord } from '../core/codec/consumer-offsets.ts'
import { decodeHeartbeat } from '../core/codec/heartbeat.ts'
import { decodeOffsetSync, type OffsetSync } from '../core/codec/offset-sync.ts'
import { decodeSyncHistory } from '../core/codec/sync-history.ts'
import { replaySync } from '../core/translation/replay.ts'
import { WatermarkHistory } from '../core/lag/lag-estimator.ts'
import { ReverseSyncHighWater, isReverseSync } from '../core/sync/reverse-syncs.ts'
import { SyncIndex } from '../core/translation/sync-index.ts'
import { compileNameFilter } from '../core/mm2/filters.ts'
import { enabledFlows, reverseFlowOf } from '../core/mm2/flows.ts'
import type { Mm2Config, Mm2Flow } from '../core/mm2/model.ts'
import type { SidecarConfig } from '../config/schema.ts'
import { isMm2FailbackError } from '../errors.ts'
import { describeCluster, type ClusterClientOptions } from '../kafka/client-options.ts'
import { explainClientError, isAuthenticationFailure, messageOf, tlsFailure } from '../kafka/client-errors.ts'
import { GroupAdmin } from '../kafka/group-admin.ts'
import { HistoryWriter } from '../kafka/history-writer.ts'
import { OffsetSyncWriter } from '../kafka/offset-sync-writer.ts'
import type { FetchedRecord } from '../kafka/record-batches.ts'
import { TopicTailer, type PartitionProgress } from '../kafka/tailer.ts'
import { initialiseSeries, recordSkipReason, type KnownLabelValues, type SyncFailureOperation } from '../metrics/initial-series.ts'
import type { SidecarMetrics } from '../metrics/registry.ts'
import { clusterClientOptions } from './cluster-clients.ts'
import { CommitPoller } from './commit-poller.ts'
import { CommittedOffsets, type CommittedOffset } from './committed-offsets.ts'
import { GroupSyncEngine } from './group-sync.ts'
import { HistoryKeeper, SnapshotCollector } from './history.ts'
import type { Logger } from './logger.ts'
import { ReverseSyncEmitter } from './reverse-sync-emitter.ts'
import { CONSUMER_OFFSETS_TOPIC, RECORD_TYPE, followPlan, type FollowPlan, type TopicRole } from '../core/mm2/follow-plan.ts'

export interface SidecarOptions {
  mm2: Mm2Config
  config: SidecarConfig
  metrics: SidecarMetrics
  logger: Logger
  /** Overrides the client options built from mm2.properties (tests). */
  clusterOptions?: (alias: string) => ClusterClientOptions
}

interface FlowState {
  flow: Mm2Flow
  lastHeartbeatMs: number | null
  lastSyncReadMs: number | null
  lastCheckpointMs: number | null
}

const flowName = (flow: { source: string, target: string }): string => `${flow.source}->${flow.target}`

export class Sidecar {
  readonly index = new SyncIndex()
  readonly committed = new CommittedOffsets()
  private readonly options: SidecarOptions
  private readonly plan: FollowPlan
  private readonly clusters = new Map<string, ClusterClientOptions>()
  /** Per cluster: MM2's topics and the history topic (read_uncommitted), and __consumer_offsets (read_committed). */
  private readonly tailers = new Map<string, TopicTailer>()
  private readonly commitTailers = new Map<string, TopicTailer>()
  private readonly admins = new Map<string, GroupAdmin>()
  private readonly flows = new Map<string, FlowState>()
  /** Reverse-sync high-water marks, keyed by the flow whose syncs are inverted. */
  private readonly highWaters = new Map<string, ReverseSyncHighWater>()
  private readonly emitters = new Map<string, ReverseSyncEmitter>()
  private readonly watermarks = new Map<string, WatermarkHistory>()
  private readonly groupSync: GroupSyncEngine | null
  private readonly timers: NodeJS.Timeout[] = []
  /** Before readiness: snapshots from the history topics, and MM2's syncs in arrival order per flow. */
  private readonly snapshots = new SnapshotCollector()
  private readonly pendingSyncs = new Map<string, OffsetSync[]>()
  private readonly health = new Map<string, { everAnswered: boolean, failingSinceMs: number | null }>()
  private historyKeeper: HistoryKeeper | null = null
  private readonly pollers = new Map<string, CommitPoller>()
  private ready = false
  private stopped = false

  constructor (options: SidecarOptions) {
    this.options = options
    this.plan = followPlan(options.mm2, options.config.features.history ? options.config.history.topic : null)
    for (const alias of this.plan.keys()) {
      const cluster = options.mm2.clusters.find((entry) => entry.alias === alias)
      if (cluster === undefined) continue
      this.clusters.set(alias, options.clusterOptions?.(alias) ?? clusterClientOptions(cluster))
    }
    for (const flow of enabledFlows(options.mm2)) {
      this.flows.set(flowName(flow), { flow, lastHeartbeatMs: null, lastSyncReadMs: null, lastCheckpointMs: null })
      this.highWaters.set(flowName(flow), new ReverseSyncHighWater())
    }
    const { config } = options
    const groupFilter = compileNameFilter(config.groupSync.include, config.groupSync.exclude)
    this.groupSync = config.features.groupSync
      ? new GroupSyncEngine({ mm2: options.mm2, index: this.index, committed: this.committed, admins: this.admins, metrics: options.metrics, logger: options.logger, allowRewind: config.groupSync.allowRewind, groupFilter, livenessCacheMs: config.groupSync.livenessCacheMs })
      : null
    options.metrics.ready.set(0)
    initialiseSeries(options.metrics, this.knownLabelValues())
  }

  /**
   * The label values of the event counters known from the configuration, exported at 0 from startup:
   * the flows whose reverse syncs are written, the record types followed on each cluster, and the
   * operations performed on each cluster with the enabled features.
   */
  private knownLabelValues (): KnownLabelValues {
    const { features } = this.options.config
    const reverseSyncFlows: string[] = []
    const operations: Array<{ cluster: string, operation: SyncFailureOperation }> = []
    const clusters = [...this.clusters.keys()]
    if (features.reverseSyncs) {
      for (const { flow } of this.flows.values()) {
        const destination = this.reverseSyncDestination(flow)
        if (destination === null || !this.clusters.has(destination.cluster)) continue
        reverseSyncFlows.push(flowName(flow))
        operations.push({ cluster: destination.cluster, operation: 'reverse-sync-claim' }, { cluster: destination.cluster, operation: 'reverse-sync' })
      }
    }
    for (const cluster of clusters) {
      // Group sync writes to either side of a flow (forward and reverse routes); lag reads every cluster.
      if (features.groupSync) operations.push({ cluster, operation: 'describe-group' }, { cluster, operation: 'commit' })
      if (features.history) operations.push({ cluster, operation: 'history' })
      if (features.lag) operations.push({ cluster, operation: 'lag' })
    }
    const recordTypes: Array<{ cluster: string, recordType: string }> = []
    for (const cluster of clusters) {
      const kinds = new Set([...this.plan.get(cluster)?.values() ?? []].flat().map((role) => role.kind))
      for (const kind of kinds) recordTypes.push({ cluster, recordType: RECORD_TYPE[kind] })
    }
    return { reverseSyncFlows, recordTypes, operations }
  }

  /** Where the reverse syncs of `flow` go: the offset-syncs topic of flow target->source, when that flow is enabled with checkpoints (else MM2 would not read them). */
  private reverseSyncDestination (flow: Mm2Flow): { cluster: string, topic: string } | null {
    const reverse = reverseFlowOf(this.options.mm2, flow)
    if (reverse === undefined || !reverse.enabled || !reverse.emitCheckpointsEnabled) return null
    return reverse.internalTopics.offsetSyncs
  }

  get isReady (): boolean {
    return this.ready
  }

  /** Which followed topics have not been read to their end yet, per cluster (for /ready). */
  readinessDetail (): Record<string, string> {
    const detail: Record<string, string> = {}
    for (const [alias, tailer] of this.tailers) detail[alias] = tailer.isCaughtUp() && this.commitTailers.get(alias)?.isCaughtUp() !== false ? 'read to end' : 'reading'
    return detail
  }

  async start (): Promise<void> {
    const { config, logger, metrics } = this.options
    for (const [alias, topics] of this.plan) {
      const client = this.clusters.get(alias)
      if (client === undefined) continue
      this.admins.set(alias, new GroupAdmin(client))
      const handlers = {
        onRecords: (topic: string, partition: number, records: FetchedRecord[], progress: PartitionProgress) => { this.onRecords(alias, topic, partition, records, progress) },
        onError: (error: unknown) => {
          metrics.up.set({ cluster: alias }, 0)
          const health = this.health.get(alias)!
          health.failingSinceMs ??= Date.now()
          const message = explainClientError(error, client)
          // Wrong credentials or an untrusted certificate need the operator; an outage heals by itself.
          const level = isAuthenticationFailure(error) || tlsFailure(error) !== null ? 'error' : 'warn'
          logger.once(`tailer-error:${alias}:${message}`, level, `cannot read from ${describeCluster(client)}: ${message}; retrying every ${config.follow.retryDelayMs} ms`, { cluster: alias })
        },
        onSuccess: () => {
          metrics.up.set({ cluster: alias }, 1)
          this.health.set(alias, { everAnswered: true, failingSinceMs: null })
        },
        onUnauthorized: (topic: string) => { this.onUnauthorized(alias, topic) }
      }
      const common = { client, maxWaitMs: config.follow.maxWaitMs, retryDelayMs: config.follow.retryDelayMs }
      // MM2's topics are read as MM2 reads them, read_uncommitted: a reverse sync whose transaction was
      // aborted is still seen by MM2's OffsetSyncStore, so it must count in our high-water mark too.
      // Group commits are read_committed: a transactional commit that was aborted never happened.
      const mm2Topics = [...topics.keys()].filter((topic) => topic !== CONSUMER_OFFSETS_TOPIC)
      const tailer = new TopicTailer({ ...common, topics: mm2Topics, readCommitted: false }, handlers)
      const commitTailer = topics.has(CONSUMER_OFFSETS_TOPIC) ? new TopicTailer({ ...common, topics: [CONSUMER_OFFSETS_TOPIC], readCommitted: true }, handlers) : null
      this.health.set(alias, { everAnswered: false, failingSinceMs: Date.now() })
      this.tailers.set(alias, tailer)
      if (commitTailer !== null) this.commitTailers.set(alias, commitTailer)
      metrics.up.set({ cluster: alias }, 0)
      logger.info(`following ${topics.size} topics on ${describeCluster(client)}`, { cluster: alias, topics: [...topics.keys()] })
      tailer.start()
      commitTailer?.start()
    }
    this.every(1000, () => { this.updateAgeGauges() })
    this.background('readiness', this.becomeReady())
  }

  /** A followed topic the cluster will not let us read: fall back to admin polling for group commits, or say what permission is missing. */
  private onUnauthorized (alias: string, topic: string): void {
    const { logger, config, mm2 } = this.options
    if (topic !== CONSUMER_OFFSETS_TOPIC) {
      logger.error(`cluster ${alias} does not allow mm2-failback to read topic ${topic} (TOPIC_AUTHORIZATION_FAILED): grant READ and DESCRIBE on it; until then the sidecar works without it`, { cluster: alias, topic })
      return
    }
    const admin = this.admins.get(alias)
    if (admin === undefined || this.pollers.has(alias)) return
    logger.warn(`cluster ${alias} does not allow reading ${CONSUMER_OFFSETS_TOPIC}; polling group offsets every ${config.follow.commitPollMs} ms through the admin API instead (grant READ on ${CONSUMER_OFFSETS_TOPIC} for event-driven sync)`, { cluster: alias })
    const sidecarFilter = compileNameFilter(config.groupSync.include, config.groupSync.exclude)
    const flows = enabledFlows(mm2).filter((flow) => flow.source === alias || flow.target === alias)
    const poller = new CommitPoller({
      cluster: alias,
      admin,
      intervalMs: config.follow.commitPollMs,
      groupFilter: (group) => sidecarFilter(group) && flows.some((flow) => flow.groups.matches(group)),
      onCommits: (commits) => { this.onCommits(commits) },
      logger
    })
    this.pollers.set(alias, poller)
    poller.start()
  }

  /**
   * Readiness: every cluster's followed topics read to their end once, except a cluster that has not
   * answered at all for follow.unreachableGraceMs (then the other side works from the history topic,
   * and that cluster's syncs are replayed as history when it returns). Then the index is seeded from
   * the newest history snapshots and MM2's syncs read so far are replayed on top.
   */
  private async becomeReady (): Promise<void> {
    const { config, logger } = this.options
    for (;;) {
      if (this.stopped) return
      const waiting = [...this.tailers].filter(([alias, tailer]) => {
        if (tailer.isCaughtUp() && this.commitTailers.get(alias)?.isCaughtUp() !== false) return false
        const health = this.health.get(alias)
        const unreachable = health !== undefined && !health.everAnswered && health.failingSinceMs !== null && Date.now() - health.failingSinceMs >= config.follow.unreachableGraceMs
        return !unreachable
      })
      if (waiting.length === 0 && [...this.pollers.values()].every((poller) => poller.polledOnce)) break
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    const unreachable = [...this.tailers].filter(([alias, tailer]) => !tailer.isCaughtUp() || this.commitTailers.get(alias)?.isCaughtUp() === false).map(([alias]) => alias)
    this.seedIndex()
    this.ready = true
    this.options.metrics.ready.set(1)
    if (unreachable.length > 0) logger.warn(`ready without cluster(s) ${unreachable.join(', ')}, which did not answer for ${config.follow.unreachableGraceMs} ms; working from the history topic until they return`, { clusters: unreachable })
    else logger.info('ready: every followed topic was read to its end once', { retainedSyncs: this.index.retainedSyncs })
    if (config.features.history) this.startHistory()
    if (config.features.reverseSyncs) this.startReverseSyncs()
    if (this.groupSync !== null) {
      this.groupSync.resyncAll()
      this.every(10_000, () => { this.groupSync?.resyncAll() })
    }
    if (config.features.lag) {
      this.background('lag', this.measureLag())
      this.every(config.lag.intervalMs, () => { this.background('lag', this.measureLag()) })
    }
  }

  /** Seeds the index from history snapshots, then replays MM2's syncs read before readiness. */
  private seedIndex (): void {
    const { logger } = this.options
    let seeded = 0
    for (const snapshot of this.snapshots.all()) {
      if (!this.flows.has(flowName({ source: snapshot.sourceClusterAlias, target: snapshot.targetClusterAlias }))) continue
      const history = this.index.flow(snapshot.sourceClusterAlias, snapshot.targetClusterAlias).history(snapshot.topic, snapshot.partition)
      for (const sync of snapshot.syncs) {
        if (replaySync(history, sync.upstreamOffset, sync.downstreamOffset) !== 'superseded') seeded++
      }
    }
    let replayed = 0
    for (const [name, syncs] of this.pendingSyncs) {
      const { flow } = this.flows.get(name)!
      const flowIndex = this.index.flow(flow.source, flow.target)
      for (const sync of syncs) {
        try {
          if (replaySync(flowIndex.history(sync.topic, sync.partition), sync.upstreamOffset, sync.downstreamOffset) !== 'superseded') replayed++
        } catch (error) {
          this.skipRecord(flow.internalTopics.offsetSyncs.cluster, RECORD_TYPE['offset-syncs'], flow.internalTopics.offsetSyncs.topic, 0, -1n, error)
        }
      }
    }
    this.pendingSyncs.clear()
    logger.info(`translation index seeded: ${seeded} syncs from history snapshots, ${replayed} from MM2's offset-syncs topics`, { seeded, replayed, retainedSyncs: this.index.retainedSyncs })
  }

  private startHistory (): void {
    const { config, metrics, logger } = this.options
    const writers = [...this.clusters.values()].map((client) => new HistoryWriter(client, config.history.topic, config.history.replicationFactor))
    this.historyKeeper = new HistoryKeeper({ index: this.index, writers, flushIntervalMs: config.history.flushIntervalMs, metrics, logger })
    this.historyKeeper.markAllDirty()
    this.historyKeeper.start()
  }

  private startReverseSyncs (): void {
    const { mm2, logger, metrics, config } = this.options
    for (const { flow } of this.flows.values()) {
      const destination = this.reverseSyncDestination(flow)
      if (destination === null) {
        logger.warn(`reverse offset syncs of flow ${flowName(flow)} are not written: flow ${flow.target}->${flow.source} is not enabled with checkpoints in ${mm2.source}, so MM2 would not read them. Group sync still covers failback.`, { flow: flowName(flow) })
        continue
      }
      const client = this.clusters.get(destination.cluster)
      const tailer = this.tailers.get(destination.cluster)
      if (client === undefined || tailer === undefined) continue
      const emitter = new ReverseSyncEmitter({
        flowName: flowName(flow),
        sourceAlias: flow.source,
        policy: flow.policy,
        index: this.index.flow(flow.source, flow.target),
        highWater: this.highWaters.get(flowName(flow))!,
        writer: new OffsetSyncWriter(client, destination.topic),
        readToEnd: async () => {
          const end = await tailer.endOffset(destination.topic, 0)
          await tailer.waitForPosition(destination.topic, 0, end)
        },
        metrics,
        logger,
        retryDelayMs: config.follow.retryDelayMs
      })
      this.emitters.set(flowName(flow), emitter)
      this.background(`reverse syncs of ${flowName(flow)}`, this.activateWithRetry(emitter, flow, destination.cluster))
    }
  }

  private async activateWithRetry (emitter: ReverseSyncEmitter, flow: Mm2Flow, cluster: string): Promise<void> {
    // A fenced emitter stays down: claiming again would fence the instance that fenced it, which
    // would then claim back, and so on, with neither writing (exactly one writer, DESIGN §2.3).
    while (!this.stopped && !emitter.isActive && !emitter.isFenced) {
      try {
        await emitter.activate()
      } catch (error) {
        const code = isMm2FailbackError(error) ? error.code : 'MM2_CLUSTER_UNREACHABLE'
        this.options.metrics.syncFailures.inc({ cluster, operation: 'reverse-sync-claim', code })
        const message = messageOf(error)
        this.options.logger.once(`claim:${flowName(flow)}:${message}`, 'warn', `cannot start reverse offset syncs of flow ${flowName(flow)} yet: ${message}; retrying`, { flow: flowName(flow) })
        await new Promise((resolve) => setTimeout(resolve, this.options.config.follow.retryDelayMs))
      }
    }
  }

  private onRecords (cluster: string, topic: string, partition: number, records: FetchedRecord[], progress: PartitionProgress): void {
    const roles = this.plan.get(cluster)?.get(topic) ?? []
    for (const role of roles) {
      if (role.kind === 'offset-syncs') this.onOffsetSyncs(cluster, role.flow, topic, partition, records)
      else if (role.kind === 'checkpoints') this.onCheckpoints(cluster, role, topic, partition, records)
      else if (role.kind === 'heartbeats') this.onHeartbeats(cluster, role, topic, partition, records)
      else if (role.kind === 'history') this.onHistory(cluster, topic, partition, records)
      else this.onConsumerOffsets(cluster, topic, partition, records)
    }
  }

  private onOffsetSyncs (cluster: string, flow: Mm2Flow, topic: string, partition: number, records: FetchedRecord[]): void {
    if (records.length === 0) return
    const state = this.flows.get(flowName(flow))!
    const flowIndex = this.index.flow(flow.source, flow.target)
    const forwardFlow = `${flow.target}->${flow.source}`
    const touched = new Set<number>()
    let syncTopic: string | null = null
    for (const record of records) {
      let sync
      try {
        sync = decodeOffsetSync(record.key, record.value)
      } catch (error) {
        this.skipRecord(cluster, RECORD_TYPE['offset-syncs'], topic, partition, record.offset, error)
        continue
      }
      this.options.metrics.recordsDecoded.inc({ cluster, record_type: RECORD_TYPE['offset-syncs'] })
      if (isReverseSync(sync, flow.target, flow.policy)) {
        // Ours (or an earlier run's): the inverted sync of flow target->source.
        this.highWaters.get(forwardFlow)?.observe(sync)
        continue
      }
      if (!this.ready) {
        // Held until the index is seeded from history at readiness (see seedIndex).
        const pending = this.pendingSyncs.get(flowName(flow)) ?? []
        pending.push(sync)
        this.pendingSyncs.set(flowName(flow), pending)
        continue
      }
      try {
        // A cluster that returns after readiness is read from the start again: replay, don't rewind.
        if (this.tailers.get(cluster)?.isCaughtUp() === false) {
          if (replaySync(flowIndex.history(sync.topic, sync.partition), sync.upstreamOffset, sync.downstreamOffset) === 'superseded') continue
        } else {
          flowIndex.appendSync(sync)
        }
      } catch (error) {
        this.skipRecord(cluster, RECORD_TYPE['offset-syncs'], topic, partition, record.offset, error)
        continue
      }
      this.historyKeeper?.markDirty(flow.source, flow.target, sync.topic, sync.partition)
      this.emitters.get(flowName(flow))?.onSync(sync)
      if (syncTopic !== null && syncTopic !== sync.topic) this.reevaluate(flow, syncTopic, touched)
      syncTopic = sync.topic
      touched.add(sync.partition)
    }
    if (syncTopic !== null) this.reevaluate(flow, syncTopic, touched)
    state.lastSyncReadMs = Date.now()
  }

  /**
   * New syncs of `flow` for `topic` can translate commits that were untranslatable, or translate them
   * more precisely: re-evaluate the groups committed on those partitions, on both sides of the flow.
   */
  private reevaluate (flow: Mm2Flow, topic: string, partitions: Set<number>): void {
    if (this.ready && this.groupSync !== null) {
      const remote = flow.policy.formatRemoteTopic(flow.source, topic)
      const commits = []
      for (const partition of partitions) {
        commits.push(...this.committed.onPartition(flow.source, topic, partition), ...this.committed.onPartition(flow.target, remote, partition))
      }
      if (commits.length > 0) this.groupSync.submit(commits, false)
    }
    partitions.clear()
  }

  /**
   * Decodes each record with `decode`, counting it as decoded or skipped (logged once per reason and
   * partition), and hands the decoded ones to `use`. A bad record never stops the others.
   */
  private decodeEach<T> (cluster: string, recordType: string, topic: string, partition: number, records: FetchedRecord[], decode: (record: FetchedRecord) => T, use: (value: T, record: FetchedRecord) => void): void {
    for (const record of records) {
      let value: T
      try {
        value = decode(record)
      } catch (error) {
        this.skipRecord(cluster, recordType, topic, partition, record.offset, error)
        continue
      }
      this.options.metrics.recordsDecoded.inc({ cluster, record_type: recordType })
      use(value, record)
    }
  }

  private onHistory (cluster: string, topic: string, partition: number, records: FetchedRecord[]): void {
    // After readiness our own writes come back here; the index is already ahead of them.
    this.decodeEach(cluster, RECORD_TYPE.history, topic, partition, records.filter((record) => record.value !== null), (record) => decodeSyncHistory(record.key, record.value), (snapshot) => {
      if (!this.ready) this.snapshots.offer(snapshot)
    })
  }

  private onCheckpoints (cluster: string, role: TopicRole & { kind: 'checkpoints' }, topic: string, partition: number, records: FetchedRecord[]): void {
    const state = this.flows.get(flowName(role.flow))!
    this.decodeEach(cluster, RECORD_TYPE.checkpoints, topic, partition, records, (record) => decodeCheckpoint(record.key, record.value), (_checkpoint, record) => {
      const timestamp = Number(record.timestamp)
      if (state.lastCheckpointMs === null || timestamp > state.lastCheckpointMs) state.lastCheckpointMs = timestamp
    })
  }

  private onHeartbeats (cluster: string, role: TopicRole & { kind: 'heartbeats' }, topic: string, partition: number, records: FetchedRecord[]): void {
    const state = this.flows.get(flowName(role.flow))!
    this.decodeEach(cluster, RECORD_TYPE.heartbeats, topic, partition, records, (record) => decodeHeartbeat(record.key, record.value), (heartbeat) => {
      const timestamp = Number(heartbeat.timestamp)
      if (state.lastHeartbeatMs === null || timestamp > state.lastHeartbeatMs) state.lastHeartbeatMs = timestamp
    })
  }

  private onConsumerOffsets (cluster: string, topic: string, partition: number, records: FetchedRecord[]): void {
    const fresh = []
    for (const record of records) {
      let decoded
      try {
        decoded = decodeConsumerOffsetsRecord(record.key, record.value)
      } catch (error) {
        this.skipRecord(cluster, RECORD_TYPE['consumer-offsets'], topic, partition, record.offset, error)
        continue
      }
      if (decoded.kind === 'skipped') continue
      this.options.metrics.recordsDecoded.inc({ cluster, record_type: 'offset-commit' })
      if (decoded.kind === 'offset-deletion') {
        this.committed.delete(cluster, decoded.key.group, decoded.key.topic, decoded.key.partition)
        continue
      }
      fresh.push({ cluster, group: decoded.key.group, topic: decoded.key.topic, partition: decoded.key.partition, offset: decoded.value.offset, metadata: decoded.value.metadata, commitTimestamp: decoded.value.commitTimestamp })
    }
    this.onCommits(fresh)
  }

  /** New group commits on a cluster, from __consumer_offsets or the admin poller. */
  private onCommits (commits: CommittedOffset[]): void {
    for (const commit of commits) this.committed.set(commit)
    if (this.ready && commits.length > 0) this.groupSync?.submit(commits)
  }

  private skipRecord (cluster: string, recordType: string, topic: string, partition: number, offset: bigint, error: unknown): void {
    const reason = recordSkipReason(error)
    this.options.metrics.recordsSkipped.inc({ cluster, record_type: recordType, reason })
    const message = error instanceof Error ? error.message : String(error)
    this.options.logger.once(`skip:${cluster}:${topic}:${partition}:${reason}`, 'warn', `skipped a bad ${recordType} record on cluster ${cluster}, ${topic}-${partition} at offset ${offset}: ${message} (further ones are only counted)`, { cluster, topic, partition, offset, reason })
  }

  private updateAgeGauges (): void {
    const now = Date.now()
    const { metrics } = this.options
    this.groupSync?.exportAges(now)
    for (const [name, state] of this.flows) {
      const labels = { flow: name, source: state.flow.source, target: state.flow.target }
      if (state.lastHeartbeatMs !== null) metrics.heartbeatAge.set(labels, Math.max(0, now - state.lastHeartbeatMs) / 1000)
      if (state.lastSyncReadMs !== null) metrics.offsetSyncAge.set(labels, Math.max(0, now - state.lastSyncReadMs) / 1000)
      if (state.lastCheckpointMs !== null) metrics.checkpointAge.set(labels, Math.max(0, now - state.lastCheckpointMs) / 1000)
      const flowIndex = this.index.findFlow(state.flow.source, state.flow.target)
      let partitions = 0
      for (const history of flowIndex?.histories() ?? []) if (history.size > 0) partitions++
      metrics.indexEntries.set({ flow: name }, flowIndex?.retainedSyncs ?? 0)
      metrics.indexPartitions.set({ flow: name }, partitions)
    }
  }

  private async measureLag (): Promise<void> {
    await this.measureSyncLag()
    const { metrics } = this.options
    for (const cluster of this.committed.clusters()) {
      const admin = this.admins.get(cluster)
      if (admin === undefined) continue
      const byTopic = new Map<string, Set<number>>()
      for (const group of this.committed.groups(cluster)) {
        for (const commit of this.committed.ofGroup(cluster, group)) {
          const set = byTopic.get(commit.topic) ?? new Set<number>()
          set.add(commit.partition)
          byTopic.set(commit.topic, set)
        }
      }
      if (byTopic.size === 0) continue
      let listed
      try {
        listed = await admin.listOffsets({ topics: [...byTopic].map(([name, partitions]) => ({ name, partitions: [...partitions].map((partitionIndex) => ({ partitionIndex, timestamp: -1n })) })) })
      } catch (error) {
        metrics.syncFailures.inc({ cluster, operation: 'lag', code: isMm2FailbackError(error) ? error.code : 'MM2_CLUSTER_UNREACHABLE' })
        continue
      }
      const now = Date.now()
      const ends = new Map<string, bigint>()
      for (const topic of listed) {
        for (const partition of topic.partitions) {
          const key = `${cluster}\u0000${topic.name}\u0000${partition.partitionIndex}`
          ends.set(key, partition.offset)
          const history = this.watermarks.get(key) ?? new WatermarkHistory()
          this.watermarks.set(key, history)
          history.record(partition.offset, now)
        }
      }
      for (const group of this.committed.groups(cluster)) {
        for (const commit of this.committed.ofGroup(cluster, group)) {
          const key = `${cluster}\u0000${commit.topic}\u0000${commit.partition}`
          const end = ends.get(key)
          if (end === undefined) continue
          const labels = { cluster, group, topic: commit.topic, partition: String(commit.partition) }
          metrics.consumerLagRecords.set(labels, Number(end > commit.offset ? end - commit.offset : 0n))
          metrics.consumerCommittedOffset.set(labels, Number(commit.offset))
          const seconds = this.watermarks.get(key)?.lagSeconds(commit.offset, now)
          if (seconds !== null && seconds !== undefined) metrics.consumerLagSeconds.set(labels, seconds)
        }
      }
    }
  }

  /** Runs a task without awaiting it; its failures are logged, never thrown into the event loop. */
  private background (what: string, task: Promise<void>): void {
    task.catch((error: unknown) => {
      this.options.logger.error(`${what} failed: ${error instanceof Error ? error.message : String(error)}`)
    })
  }

  /** offset_sync_lag_records: records on each target partition after the flow's newest sync for it. */
  private async measureSyncLag (): Promise<void> {
    const { metrics } = this.options
    for (const { flow } of this.flows.values()) {
      const admin = this.admins.get(flow.target)
      const flowIndex = this.index.findFlow(flow.source, flow.target)
      if (admin === undefined || flowIndex === undefined) continue
      const newest = new Map<string, { topic: string, partition: number, downstream: bigint }>()
      for (const history of flowIndex.histories()) {
        const latest = history.latest()
        if (latest === undefined) continue
        const remote = flow.policy.formatRemoteTopic(flow.source, history.topic)
        newest.set(`${remote}\u0000${history.partition}`, { topic: remote, partition: history.partition, downstream: latest.downstreamOffset })
      }
      if (newest.size === 0) continue
      const byTopic = new Map<string, number[]>()
      for (const entry of newest.values()) byTopic.set(entry.topic, [...(byTopic.get(entry.topic) ?? []), entry.partition])
      let listed
      try {
        listed = await admin.listOffsets({ topics: [...byTopic].map(([name, partitions]) => ({ name, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp: -1n })) })) })
      } catch {
        continue
      }
      for (const topic of listed) {
        for (const partition of topic.partitions) {
          const entry = newest.get(`${topic.name}\u0000${partition.partitionIndex}`)
          if (entry === undefined) continue
          const lag = partition.offset - entry.downstream - 1n
          metrics.offsetSyncLag.set({ flow: flowName(flow), topic: topic.name, partition: String(partition.partitionIndex) }, Number(lag > 0n ? lag : 0n))
        }
      }
    }
  }

  private every (ms: number, fn: () => void): void {
    const timer = setInterval(fn, ms)
    timer.unref()
    this.timers.push(timer)
  }

  async stop (): Promise<void> {
    this.stopped = true
    for (const timer of this.timers) clearInterval(timer)
    for (const poller of this.pollers.values()) poller.stop()
    await this.groupSync?.stop()
    await this.historyKeeper?.stop()
    await Promise.all([...this.emitters.values()].map(async (emitter) => { await emitter.stop() }))
    await Promise.all([...this.tailers.values(), ...this.commitTailers.values()].map(async (tailer) => { await tailer.close() }))
    await Promise.all([...this.admins.values()].map(async (admin) => { await admin.close().catch(() => {}) }))
  }
}

export { CONSUMER_OFFSETS_TOPIC }
