// The label values of the event counters known from the configuration, exported at 0 from startup
// (metrics/initial-series.ts says why): the flows whose reverse syncs are written, the topics
// followed on each cluster with their record type, and the operations performed on each cluster
// with the enabled features.
import type { Mm2Config } from '../../core/mm2/model.ts'
import type { SidecarConfig } from '../../config/schema.ts'
import { enabledFlows } from '../../core/mm2/flows.ts'
import type { KnownLabelValues, SyncFailureOperation } from '../../metrics/initial-series.ts'
import { RECORD_TYPE, type FollowPlan } from '../../core/mm2/follow-plan.ts'
import { reverseSyncDestination } from './reverse-sync-writers.ts'
import { flowName } from '../../core/mm2/flow-name.ts'

export interface KnownSeriesInput {
  mm2: Mm2Config
  features: SidecarConfig['features']
  plan: FollowPlan
  /** The clusters the sidecar connects to. */
  clusters: readonly string[]
  /** translation.mode is exact: group commits are proven, and their fallbacks counted. */
  exact?: boolean
  /** coordination.enabled: the instances share the work through a group on each cluster. */
  coordination?: boolean
}

export function knownLabelValues ({ mm2, features, plan, clusters, exact = false, coordination = false }: KnownSeriesInput): KnownLabelValues {
  const reverseSyncFlows: string[] = []
  const operations: Array<{ cluster: string, operation: SyncFailureOperation }> = []
  if (features.reverseSyncs) {
    for (const flow of enabledFlows(mm2)) {
      const destination = reverseSyncDestination(mm2, flow)
      if (destination === null || !clusters.includes(destination.cluster)) continue
      reverseSyncFlows.push(flowName(flow))
      operations.push({ cluster: destination.cluster, operation: 'reverse-sync-claim' }, { cluster: destination.cluster, operation: 'reverse-sync' })
    }
  }
  for (const cluster of clusters) {
    // Group sync writes to either side of a flow (forward and reverse routes); lag reads every cluster.
    if (features.groupSync) operations.push({ cluster, operation: 'describe-group' }, { cluster, operation: 'commit' })
    // The instances share the work through a group on every cluster they mirror groups of or write reverse syncs to.
    if (coordination && (features.groupSync || features.reverseSyncs)) operations.push({ cluster, operation: 'coordination' })
    if (features.history) operations.push({ cluster, operation: 'history' })
    if (features.lag) operations.push({ cluster, operation: 'lag' })
  }
  const recordTypes: Array<{ cluster: string, topic: string, recordType: string }> = []
  for (const cluster of clusters) {
    for (const [topic, roles] of plan.get(cluster) ?? []) {
      const kinds = new Set(roles.map((role) => role.kind))
      for (const kind of kinds) recordTypes.push({ cluster, topic, recordType: RECORD_TYPE[kind] })
    }
  }
  const exactFlows = features.groupSync && exact ? enabledFlows(mm2).map(flowName) : []
  return { reverseSyncFlows, recordTypes, operations, exactFlows }
}
