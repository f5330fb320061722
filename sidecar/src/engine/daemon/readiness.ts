// The readiness gate (docs/design.md §2.1): no output is written before every followed topic was
// read to its end once, so nothing is translated from a partial index. One exception keeps the
// surviving side working in a disaster: a cluster that has not answered at all for
// follow.unreachableGraceMs is waited for no longer (the other side works from the history topic,
// and that cluster's syncs are replayed as history when it returns). Giving up needs another side to
// work from: while no followed cluster has ever been read to its end, the sidecar is not ready, so a
// sidecar that reaches nothing stays 503 and its not-ready alert fires.
import type { ClusterHealth } from './cluster-follower.ts'

export interface ReadinessVerdict {
  ready: boolean
  /** Clusters still being read (not ready) or given up on (ready without them). */
  waitingFor: string[]
  unreachable: string[]
}

/** Pure: whether the sidecar may go ready now. */
export function readinessVerdict (clusters: readonly ClusterHealth[], pollersDone: boolean, nowMs: number, graceMs: number): ReadinessVerdict {
  const unreachable: string[] = []
  const waitingFor: string[] = []
  for (const cluster of clusters) {
    if (cluster.caughtUp) continue
    const givenUp = !cluster.everAnswered && cluster.failingSinceMs !== null && nowMs - cluster.failingSinceMs >= graceMs
    if (givenUp) unreachable.push(cluster.alias)
    else waitingFor.push(cluster.alias)
  }
  const anyReadToEnd = clusters.some((cluster) => cluster.caughtUp)
  if (!anyReadToEnd) return { ready: false, waitingFor: clusters.map((cluster) => cluster.alias), unreachable: [] }
  return { ready: waitingFor.length === 0 && pollersDone, waitingFor, unreachable }
}

/** Per cluster, what /ready shows. */
export function readinessDetail (clusters: readonly ClusterHealth[]): Record<string, string> {
  return Object.fromEntries(clusters.map((cluster) => [cluster.alias, clusterState(cluster)]))
}

function clusterState (cluster: ClusterHealth): string {
  if (cluster.caughtUp) return 'read to end'
  return cluster.everAnswered || cluster.failingSinceMs === null ? 'reading' : 'not answering'
}
