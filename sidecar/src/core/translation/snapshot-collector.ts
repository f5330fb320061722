// History snapshots read at startup (docs/design.md §2.2): the history topic is written to every
// cluster, so one partition may have a snapshot on each, and the copies may differ when one cluster
// was unreachable for a while. The one whose newest sync is the furthest along wins.
import type { SyncHistorySnapshot } from '../codec/sync-history.ts'
import { compositeKey } from '../keys.ts'

const snapshotKey = (snapshot: SyncHistorySnapshot): string =>
  compositeKey(snapshot.sourceClusterAlias, snapshot.targetClusterAlias, snapshot.topic, snapshot.partition)

/** Keeps, per partition, the snapshot whose newest sync is the furthest along. */
export class SnapshotCollector {
  private readonly snapshots = new Map<string, SyncHistorySnapshot>()

  offer (snapshot: SyncHistorySnapshot): void {
    const key = snapshotKey(snapshot)
    const current = this.snapshots.get(key)
    const newest = snapshot.syncs.at(-1)
    const currentNewest = current?.syncs.at(-1)
    const furtherAlong = newest !== undefined && (currentNewest === undefined || newest.downstreamOffset > currentNewest.downstreamOffset)
    if (current === undefined || furtherAlong) this.snapshots.set(key, snapshot)
  }

  all (): SyncHistorySnapshot[] {
    return [...this.snapshots.values()]
  }

  clear (): void {
    this.snapshots.clear()
  }
}
