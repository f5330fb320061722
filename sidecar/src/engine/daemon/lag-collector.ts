// Consumer lag on both clusters and MM2's offset-sync lag (docs/design.md §2.6), measured every
// lag.intervalMs: end offsets are listed once per cluster for every partition a known group
// committed on, and the lag in seconds is estimated from the history of end offsets seen.
import type { Mm2Flow } from '../../core/mm2/model.ts'
import { WatermarkHistory } from '../../core/lag/lag-estimator.ts'
import type { SyncIndex } from '../../core/translation/sync-index.ts'
import { isMm2FailbackError } from '../../errors.ts'
import type { SidecarMetrics } from '../../metrics/registry.ts'
import type { CommittedOffsets } from '../../core/sync/committed-offsets.ts'
import type { GroupAdminPort } from '../ports.ts'
import { compositeKey } from '../../core/keys.ts'
import { flowName } from '../../core/mm2/flow-name.ts'

type LagMetrics = Pick<SidecarMetrics, 'consumerLagRecords' | 'consumerCommittedOffset' | 'consumerLagSeconds' | 'offsetSyncLag' | 'syncFailures'>

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

  constructor (options: LagCollectorOptions) {
    this.options = options
  }

  async measure (): Promise<void> {
    await this.measureSyncLag()
    for (const cluster of this.options.committed.clusters()) await this.measureConsumerLag(cluster)
  }

  /** consumer_lag_records / _seconds and consumer_committed_offset of every group committed on `cluster`. */
  private async measureConsumerLag (cluster: string): Promise<void> {
    const { admins, committed, metrics } = this.options
    const admin = admins.get(cluster)
    if (admin === undefined) return
    const partitions = new Map<string, { topic: string, partition: number }>()
    for (const group of committed.groups(cluster)) {
      for (const commit of committed.ofGroup(cluster, group)) partitions.set(compositeKey(cluster, commit.topic, commit.partition), commit)
    }
    if (partitions.size === 0) return
    let listed
    try {
      listed = await admin.endOffsets([...partitions.values()])
    } catch (error) {
      metrics.syncFailures.inc({ cluster, operation: 'lag', code: isMm2FailbackError(error) ? error.code : 'MM2_CLUSTER_UNREACHABLE' })
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
    for (const group of committed.groups(cluster)) {
      for (const commit of committed.ofGroup(cluster, group)) {
        const key = compositeKey(cluster, commit.topic, commit.partition)
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
