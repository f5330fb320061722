// The groups' committed offsets on every cluster, as read from __consumer_offsets (the broker's own
// log of commits, so the sidecar learns of a commit within one fetch, without polling).
import { partitionKey } from '../keys.ts'

export interface CommittedOffset {
  cluster: string
  group: string
  topic: string
  partition: number
  offset: bigint
  metadata: string
  /** Broker time of the commit, epoch ms. */
  commitTimestamp: bigint
}

export class CommittedOffsets {
  private readonly byCluster = new Map<string, Map<string, Map<string, CommittedOffset>>>()
  /** cluster -> topic-partition -> groups with an offset there: who to re-evaluate when new syncs arrive. */
  private readonly groupsByPartition = new Map<string, Map<string, Set<string>>>()

  set (entry: CommittedOffset): void {
    const byPartition = this.groupsByPartition.get(entry.cluster) ?? new Map<string, Set<string>>()
    this.groupsByPartition.set(entry.cluster, byPartition)
    const groups = byPartition.get(partitionKey(entry.topic, entry.partition)) ?? new Set<string>()
    byPartition.set(partitionKey(entry.topic, entry.partition), groups)
    groups.add(entry.group)
    this.store(entry)
  }

  /** Committed offsets of every group on `cluster` for one topic-partition. */
  onPartition (cluster: string, topic: string, partition: number): CommittedOffset[] {
    const groups = this.groupsByPartition.get(cluster)?.get(partitionKey(topic, partition))
    if (groups === undefined) return []
    const result: CommittedOffset[] = []
    for (const group of groups) {
      const entry = this.get(cluster, group, topic, partition)
      if (entry !== undefined) result.push(entry)
    }
    return result
  }

  private store (entry: CommittedOffset): void {
    const groups = this.byCluster.get(entry.cluster) ?? new Map<string, Map<string, CommittedOffset>>()
    this.byCluster.set(entry.cluster, groups)
    const partitions = groups.get(entry.group) ?? new Map<string, CommittedOffset>()
    groups.set(entry.group, partitions)
    partitions.set(partitionKey(entry.topic, entry.partition), entry)
  }

  delete (cluster: string, group: string, topic: string, partition: number): void {
    this.groupsByPartition.get(cluster)?.get(partitionKey(topic, partition))?.delete(group)
    const partitions = this.byCluster.get(cluster)?.get(group)
    if (partitions === undefined) return
    partitions.delete(partitionKey(topic, partition))
    if (partitions.size === 0) this.byCluster.get(cluster)?.delete(group)
  }

  get (cluster: string, group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.byCluster.get(cluster)?.get(group)?.get(partitionKey(topic, partition))
  }

  /** Every committed offset of a group on a cluster. */
  ofGroup (cluster: string, group: string): CommittedOffset[] {
    return [...(this.byCluster.get(cluster)?.get(group)?.values() ?? [])]
  }

  groups (cluster: string): string[] {
    return [...(this.byCluster.get(cluster)?.keys() ?? [])]
  }

  clusters (): string[] {
    return [...this.byCluster.keys()]
  }

  * all (): IterableIterator<CommittedOffset> {
    for (const groups of this.byCluster.values()) {
      for (const partitions of groups.values()) yield * partitions.values()
    }
  }
}
