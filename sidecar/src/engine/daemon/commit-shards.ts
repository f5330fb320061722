// Group sync sharded over the instances of a deployment (docs/design.md §2.7): which commits this
// instance mirrors, and which partitions of __consumer_offsets it reads on each cluster.
//   - It mirrors a commit of group G on cluster C when it owns G's partition of C's __consumer_offsets
//     (groupPartition) in the deployment's group on C (coordination.ts).
//   - To decide (in sync, ahead, never rewind) it needs G's commits on the other cluster as well, so on
//     every cluster it reads the partitions it owns on any cluster: the same partition numbers hold the
//     same groups where the clusters' topics have the same partition count (the default, 50). Where
//     they differ, it reads every partition.
//   - A partition dealt to it is read from its start, on every cluster, before its groups' commits are
//     mirrored; then every known commit is evaluated again (other instances' groups are left alone).
//   - Before it rejoins the group (a rebalance), the work on its old share finishes, so that a group
//     is never written by two instances at once.
import { groupPartition } from '../../core/naming/group-partition.ts'
import type { CommittedOffset } from '../../core/sync/committed-offsets.ts'
import { DEFAULT_OFFSETS_PARTITIONS } from '../../kafka/shard-membership.ts'
import type { SidecarMetrics } from '../../metrics/registry.ts'
import type { ClusterFollower } from './cluster-follower.ts'
import type { Coordination } from './coordination.ts'

export interface CommitShardsOptions {
  coordination: Coordination
  followers: () => ReadonlyMap<string, ClusterFollower>
  /** Evaluates every known commit again (ownership filters out the other instances' groups). */
  resyncAll: () => void
  /** Resolves when group sync has finished the work it holds. */
  idle: () => Promise<void>
  isReady: () => boolean
  /** The longest a rebalance waits for the old share's work (the coordinator waits the rebalance timeout). */
  drainTimeoutMs: number
  metrics: Pick<SidecarMetrics, 'ownedPartitions' | 'commitPartitions' | 'ownedGroups'>
  /** The groups with committed offsets on a cluster. */
  groupsOn: (cluster: string) => readonly string[]
}

export class CommitShards {
  private readonly options: CommitShardsOptions
  private resyncTimer: NodeJS.Timeout | null = null

  constructor (options: CommitShardsOptions) {
    this.options = options
    options.coordination.onShareChange(() => { this.deal() })
  }

  /**
   * True when this instance mirrors `commit` now: its group's partition on its cluster is this instance's
   * share, and the group's partition was read to its end on every cluster since it was dealt here (the
   * decision needs the group's offsets on the other side: not knowing them could rewind it there).
   */
  owns (commit: Pick<CommittedOffset, 'cluster' | 'group'>): boolean {
    if (!this.ownsGroup(commit.cluster, commit.group)) return false
    const followers = this.options.followers()
    for (const [cluster, follower] of followers) if (!follower.isCommitPartitionCaughtUp(this.partitionOf(cluster, commit.group))) return false
    return true
  }

  /** Whether `group`'s partition of `cluster`'s __consumer_offsets is in this instance's share. */
  private ownsGroup (cluster: string, group: string): boolean {
    return this.options.coordination.owns(cluster, this.partitionOf(cluster, group))
  }

  private partitionOf (cluster: string, group: string): number {
    return groupPartition(group, this.options.followers().get(cluster)?.commitPartitionCount() ?? DEFAULT_OFFSETS_PARTITIONS)
  }

  /** A partition dealt here was read to its end: its groups' commits can be mirrored now. */
  caughtUp (): void {
    if (!this.options.isReady() || this.resyncTimer !== null) return
    // Several partitions usually catch up within moments of each other: one pass for all of them.
    this.resyncTimer = setTimeout(() => {
      this.resyncTimer = null
      this.options.resyncAll()
    }, 100)
    this.resyncTimer.unref()
  }

  /** Lets group sync finish the old share's work before this instance rejoins (bounded by `drainTimeoutMs`). */
  async drain (): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<void>((resolve) => { timer = setTimeout(resolve, this.options.drainTimeoutMs) })
    await Promise.race([this.options.idle(), timeout])
    clearTimeout(timer)
  }

  /** Sets owned_groups: the groups known on each cluster that this instance mirrors. */
  exportOwnedGroups (): void {
    for (const cluster of this.options.followers().keys()) {
      const owned = this.options.groupsOn(cluster).filter((group) => this.ownsGroup(cluster, group)).length
      this.options.metrics.ownedGroups.set({ kafka_cluster: cluster }, owned)
    }
  }

  stop (): void {
    if (this.resyncTimer !== null) clearTimeout(this.resyncTimer)
    this.resyncTimer = null
  }

  /** Tells every cluster's follower of __consumer_offsets which partitions to read now, and exports the shares. */
  private deal (): void {
    const followers = [...this.options.followers().values()]
    const partitions = this.followedPartitions(followers)
    for (const follower of followers) {
      follower.assignCommits(partitions)
      const count = follower.commitPartitionCount()
      if (count === undefined) continue
      const owned = Array.from({ length: count }, (_, partition) => partition).filter((partition) => this.options.coordination.owns(follower.alias, partition))
      this.options.metrics.ownedPartitions.set({ kafka_cluster: follower.alias }, owned.length)
      this.options.metrics.commitPartitions.set({ kafka_cluster: follower.alias }, count)
    }
  }

  /**
   * The partitions owned on any cluster; null (every one) when this instance works alone somewhere, a
   * count is not known yet, or the clusters' counts differ (then a group's partition differs between them).
   */
  private followedPartitions (followers: readonly ClusterFollower[]): ReadonlySet<number> | null {
    const counts = followers.map((follower) => follower.commitPartitionCount())
    const count = counts[0]
    if (count === undefined || counts.some((other) => other !== count)) return null
    const union = new Set<number>()
    for (const follower of followers) {
      if (this.options.coordination.isAlone(follower.alias)) return null
      for (let partition = 0; partition < count; partition++) if (this.options.coordination.owns(follower.alias, partition)) union.add(partition)
    }
    return union
  }
}
