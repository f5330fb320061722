// Consumer lag on both clusters and MM2's offset-sync lag (docs/design.md §2.6), measured every
// lag.intervalMs: end offsets are listed once per cluster for every partition a known group
// committed on, and the lag in seconds is estimated from the history of end offsets seen.
// Each round also exports, per group, its live members and the age of its newest commit: the lag
// alerts watch only groups in use, so that an abandoned group (no members, no commits) stops paging
// long before the broker expires its offsets. Series of a group or partition no longer committed on
// a cluster are removed, so they do not linger at their last value.
import type { Mm2Flow } from '../../core/mm2/model.ts'
import { WatermarkHistory } from '../../core/lag/lag-estimator.ts'
import type { SyncIndex } from '../../core/translation/sync-index.ts'
import { isMm2FailbackError } from '../../errors.ts'
import type { SidecarMetrics } from '../../metrics/registry.ts'
import type { CommittedOffsets } from '../../core/sync/committed-offsets.ts'
import type { GroupAdminPort } from '../ports.ts'
import { compositeKey } from '../../core/keys.ts'
import { flowName } from '../../core/mm2/flow-name.ts'

type LagMetrics = Pick<SidecarMetrics,
'consumerLagRecords' | 'consumerCommittedOffset' | 'consumerLagSeconds' | 'consumerGroupMembers' | 'consumerGroupCommitAge' | 'offsetSyncLag' | 'syncFailures'>

/** Groups per liveness request, as in group sync (DescribeGroups answers them all in one response). */
const GROUPS_PER_REQUEST = 500

// Type aliases, not interfaces: prom-client takes label objects as records, which only aliases satisfy.
type PartitionLabels = { kafka_cluster: string, group: string, topic: string, partition: string }
type GroupLabels = { kafka_cluster: string, group: string }

export interface LagCollectorOptions {
  flows: readonly Mm2Flow[]
  index: SyncIndex
  committed: CommittedOffsets
  admins: ReadonlyMap<string, GroupAdminPort>
  metrics: LagMetrics
  now?: () => number
}

export class LagCollector {
  private readonly options: LagCollectorOptions
  private readonly watermarks = new Map<string, WatermarkHistory>()
  /** Per cluster, the label sets exported in its last complete round: partition series and group series. */
  private readonly exported = new Map<string, { partitions: Map<string, PartitionLabels>, groups: Map<string, GroupLabels> }>()

  constructor (options: LagCollectorOptions) {
    this.options = options
  }

  async measure (): Promise<void> {
    await this.measureSyncLag()
    for (const cluster of this.options.committed.clusters()) await this.measureConsumerLag(cluster)
  }

  /** consumer_lag_records / _seconds, consumer_committed_offset and the group series of every group committed on `cluster`. */
  private async measureConsumerLag (cluster: string): Promise<void> {
    const { admins, committed, metrics } = this.options
    const admin = admins.get(cluster)
    if (admin === undefined) return
    const partitions = new Map<string, { topic: string, partition: number }>()
    for (const group of committed.groups(cluster)) {
      for (const commit of committed.ofGroup(cluster, group)) partitions.set(compositeKey(cluster, commit.topic, commit.partition), commit)
    }
    if (partitions.size === 0) {
      this.removeGone(cluster, new Map(), new Map())
      return
    }
    let listed
    try {
      listed = await admin.endOffsets([...partitions.values()])
    } catch (error) {
      this.countFailure(cluster, error)
      return
    }
    const now = (this.options.now ?? Date.now)()
    const ends = new Map<string, bigint>()
    for (const { topic, partition, offset } of listed) {
      const key = compositeKey(cluster, topic, partition)
      ends.set(key, offset)
      const history = this.watermarks.get(key) ?? new WatermarkHistory()
      this.watermarks.set(key, history)
      history.record(offset, now)
    }
    const partitionSeries = new Map<string, PartitionLabels>()
    const groupSeries = new Map<string, GroupLabels>()
    for (const group of committed.groups(cluster)) {
      let newestCommitMs: number | null = null
      for (const commit of committed.ofGroup(cluster, group)) {
        newestCommitMs = Math.max(newestCommitMs ?? 0, Number(commit.commitTimestamp))
        const key = compositeKey(cluster, commit.topic, commit.partition)
        const end = ends.get(key)
        if (end === undefined) continue
        const labels = { kafka_cluster: cluster, group, topic: commit.topic, partition: String(commit.partition) }
        partitionSeries.set(compositeKey(group, commit.topic, commit.partition), labels)
        metrics.consumerLagRecords.set(labels, Number(end > commit.offset ? end - commit.offset : 0n))
        metrics.consumerCommittedOffset.set(labels, Number(commit.offset))
        const seconds = this.watermarks.get(key)?.lagSeconds(commit.offset, now)
        if (seconds !== null && seconds !== undefined) metrics.consumerLagSeconds.set(labels, seconds)
      }
      if (newestCommitMs === null) continue
      const labels = { kafka_cluster: cluster, group }
      groupSeries.set(group, labels)
      metrics.consumerGroupCommitAge.set(labels, Math.max(0, now - newestCommitMs) / 1000)
    }
    await this.measureMembers(cluster, admin, [...groupSeries.values()])
    this.removeGone(cluster, partitionSeries, groupSeries)
  }

  /** consumer_group_members: one liveness request per GROUPS_PER_REQUEST groups; a failed one counts as a lag failure. */
  private async measureMembers (cluster: string, admin: GroupAdminPort, groups: readonly GroupLabels[]): Promise<void> {
    const { metrics } = this.options
    for (let start = 0; start < groups.length; start += GROUPS_PER_REQUEST) {
      const batch = groups.slice(start, start + GROUPS_PER_REQUEST)
      let answers
      try {
        answers = await admin.liveness(batch.map((labels) => labels.group))
      } catch (error) {
        this.countFailure(cluster, error)
        return
      }
      // A group the broker does not list (no Describe on it, or gone) has no members it could see.
      for (const labels of batch) metrics.consumerGroupMembers.set(labels, answers.get(labels.group)?.members ?? 0)
    }
  }

  /** A lag request the cluster did not answer: counted under operation "lag" with its error code. */
  private countFailure (cluster: string, error: unknown): void {
    const code = isMm2FailbackError(error) ? error.code : 'MM2_CLUSTER_UNREACHABLE'
    this.options.metrics.syncFailures.inc({ kafka_cluster: cluster, operation: 'lag', code })
  }

  /** Removes the series of partitions and groups exported in the cluster's previous round but not in this one. */
  private removeGone (cluster: string, partitions: Map<string, PartitionLabels>, groups: Map<string, GroupLabels>): void {
    const { metrics } = this.options
    const previous = this.exported.get(cluster)
    this.exported.set(cluster, { partitions, groups })
    if (previous === undefined) return
    for (const [key, labels] of previous.partitions) {
      if (partitions.has(key)) continue
      metrics.consumerLagRecords.remove(labels)
      metrics.consumerCommittedOffset.remove(labels)
      metrics.consumerLagSeconds.remove(labels)
    }
    for (const [key, labels] of previous.groups) {
      if (groups.has(key)) continue
      metrics.consumerGroupCommitAge.remove(labels)
      metrics.consumerGroupMembers.remove(labels)
    }
  }

  /** offset_sync_lag_records: records on each target partition after the flow's newest sync for it. */
  private async measureSyncLag (): Promise<void> {
    const { metrics, admins, index } = this.options
    for (const flow of this.options.flows) {
      const admin = admins.get(flow.target)
      const flowIndex = index.findFlow(flow.source, flow.target)
      if (admin === undefined || flowIndex === undefined) continue
      const newest = new Map<string, { topic: string, partition: number, downstream: bigint }>()
      for (const history of flowIndex.histories()) {
        const latest = history.latest()
        if (latest === undefined) continue
        const remote = flow.policy.formatRemoteTopic(flow.source, history.topic)
        newest.set(compositeKey(flow.target, remote, history.partition), { topic: remote, partition: history.partition, downstream: latest.downstreamOffset })
      }
      if (newest.size === 0) continue
      let listed
      try {
        listed = await admin.endOffsets([...newest.values()])
      } catch {
        // The consumer-lag pass counts this cluster's failures; one count per failed round is enough.
        continue
      }
      for (const { topic, partition, offset } of listed) {
        const entry = newest.get(compositeKey(flow.target, topic, partition))
        if (entry === undefined) continue
        const lag = offset - entry.downstream - 1n
        metrics.offsetSyncLag.set({ flow: flowName(flow), topic, partition: String(partition) }, Number(lag > 0n ? lag : 0n))
      }
    }
  }
}
