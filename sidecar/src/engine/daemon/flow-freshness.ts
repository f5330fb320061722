// How fresh each flow's replication looks from its records (docs/design.md §2.6): the newest
// heartbeat and checkpoint MM2 emitted, when an offset sync was last read, and how much of the flow
// the translation index holds. Exported as gauges once a second.
import type { Mm2Flow } from '../../core/mm2/model.ts'
import type { SyncIndex } from '../../core/translation/sync-index.ts'
import type { SidecarMetrics } from '../../metrics/registry.ts'
import { flowName } from '../../core/mm2/flow-name.ts'

type FreshnessMetrics = Pick<SidecarMetrics, 'heartbeatAge' | 'offsetSyncAge' | 'checkpointAge' | 'indexEntries' | 'indexPartitions'>

interface FlowState {
  flow: Mm2Flow
  name: string
  lastHeartbeatMs: number | null
  lastSyncReadMs: number | null
  lastCheckpointMs: number | null
}

export class FlowFreshness {
  private readonly states = new Map<Mm2Flow, FlowState>()
  private readonly index: SyncIndex
  private readonly metrics: FreshnessMetrics

  constructor (flows: readonly Mm2Flow[], index: SyncIndex, metrics: FreshnessMetrics) {
    this.index = index
    this.metrics = metrics
    for (const flow of flows) this.states.set(flow, { flow, name: flowName(flow), lastHeartbeatMs: null, lastSyncReadMs: null, lastCheckpointMs: null })
  }

  /** A heartbeat of the flow emitted at `timestampMs` (MM2's clock). */
  heartbeat (flow: Mm2Flow, timestampMs: number): void {
    const state = this.states.get(flow)
    if (state !== undefined && (state.lastHeartbeatMs === null || timestampMs > state.lastHeartbeatMs)) state.lastHeartbeatMs = timestampMs
  }

  /** A checkpoint of the flow written at `timestampMs`. */
  checkpoint (flow: Mm2Flow, timestampMs: number): void {
    const state = this.states.get(flow)
    if (state !== undefined && (state.lastCheckpointMs === null || timestampMs > state.lastCheckpointMs)) state.lastCheckpointMs = timestampMs
  }

  /** Offset syncs of the flow were read now. */
  syncsRead (flow: Mm2Flow, nowMs: number): void {
    const state = this.states.get(flow)
    if (state !== undefined) state.lastSyncReadMs = nowMs
  }

  export (nowMs: number): void {
    const { metrics } = this
    for (const state of this.states.values()) {
      const labels = { flow: state.name, source: state.flow.source, target: state.flow.target }
      if (state.lastHeartbeatMs !== null) metrics.heartbeatAge.set(labels, Math.max(0, nowMs - state.lastHeartbeatMs) / 1000)
      if (state.lastSyncReadMs !== null) metrics.offsetSyncAge.set(labels, Math.max(0, nowMs - state.lastSyncReadMs) / 1000)
      if (state.lastCheckpointMs !== null) metrics.checkpointAge.set(labels, Math.max(0, nowMs - state.lastCheckpointMs) / 1000)
      const flowIndex = this.index.findFlow(state.flow.source, state.flow.target)
      let partitions = 0
      for (const history of flowIndex?.histories() ?? []) if (history.size > 0) partitions++
      metrics.indexEntries.set({ flow: state.name }, flowIndex?.retainedSyncs ?? 0)
      metrics.indexPartitions.set({ flow: state.name }, partitions)
    }
  }
}
