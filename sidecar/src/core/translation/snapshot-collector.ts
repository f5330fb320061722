// History snapshots read at startup (docs/design.md §2.2): the history topic is written to every
// cluster, so one partition may have a snapshot on each, and the copies may differ when one cluster
// was unreachable for a while. The one whose newest sync is the furthest along wins.
import type { ProvenPairsSnapshot, SyncHistoryKey, SyncHistorySnapshot } from '../codec/sync-history.ts'
import { compositeKey } from '../keys.ts'
import type { OffsetSyncPair } from './translation.ts'

const snapshotKey = (snapshot: SyncHistoryKey): string =>
  compositeKey(snapshot.sourceClusterAlias, snapshot.targetClusterAlias, snapshot.topic, snapshot.partition)

/** Whether `pairs` end further along (downstream) than `current`; an empty list is never further along. */
function furtherAlong (pairs: readonly OffsetSyncPair[], current: readonly OffsetSyncPair[] | undefined): boolean {
  const newest = pairs.at(-1)
  const currentNewest = current?.at(-1)
  return newest !== undefined && (currentNewest === undefined || newest.downstreamOffset > currentNewest.downstreamOffset)
}

/** Keeps, per partition, the snapshot whose newest sync is the furthest along. */
export class SnapshotCollector {
  private readonly snapshots = new Map<string, SyncHistorySnapshot>()

  offer (snapshot: SyncHistorySnapshot): void {
    const key = snapshotKey(snapshot)
    const current = this.snapshots.get(key)
    if (current === undefined || furtherAlong(snapshot.syncs, current.syncs)) this.snapshots.set(key, snapshot)
  }

  all (): SyncHistorySnapshot[] {
    return [...this.snapshots.values()]
  }

  clear (): void {
    this.snapshots.clear()
  }
}

/**
 * Proven-pair snapshots (§6.1). Unlike the index's syncs they can go down: a pair whose proof was
 * refuted is dropped, and a recreated topic replaces them with lower ones. So on one cluster the last
 * snapshot read wins (the topic holds them in write order); across clusters, the one whose newest pair
 * is the furthest along, as for syncs.
 */
export class ProvenPairsCollector {
  private readonly byCluster = new Map<string, Map<string, ProvenPairsSnapshot>>()

  offer (cluster: string, snapshot: ProvenPairsSnapshot): void {
    const snapshots = this.byCluster.get(cluster) ?? new Map<string, ProvenPairsSnapshot>()
    this.byCluster.set(cluster, snapshots)
    snapshots.set(snapshotKey(snapshot), snapshot)
  }

  all (): ProvenPairsSnapshot[] {
    const chosen = new Map<string, ProvenPairsSnapshot>()
    for (const snapshots of this.byCluster.values()) {
      for (const [key, snapshot] of snapshots) {
        const current = chosen.get(key)
        if (current === undefined || furtherAlong(snapshot.pairs, current.pairs)) chosen.set(key, snapshot)
      }
    }
    return [...chosen.values()]
  }

  clear (): void {
    this.byCluster.clear()
  }
}
