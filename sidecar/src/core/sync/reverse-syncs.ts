// Reverse offset syncs (Agoda's two-way OffsetSync sync, docs/design.md §2.3). Flow S->T's sync "the record
// at u on `orders` is at d on `S.orders`" read backwards is a sync of flow T->S for the topic
// `S.orders`: upstreamOffset = d on T, offset = u on S. Written into flow T->S's offset-syncs topic, it
// lets MM2's own, unmodified T->S checkpoint connector translate a group's position on `S.orders`
// back to `orders` on S (it renames topics that came from its target) and, with
// sync.group.offsets.enabled, commit it there.
//
// MM2's OffsetSyncStore wipes a partition's history when a sync's upstreamOffset goes backwards, so a
// reverse sync is written only when its upstreamOffset is above every one already in the topic for
// that partition: the high-water mark, read back from the topic before the first write.
import type { OffsetSync } from '../codec/offset-sync.ts'
import { partitionKey } from '../keys.ts'
import type { ReplicationPolicy } from '../naming/replication-policy.ts'

/** The reverse of `sync` (a sync of flow source->target): a sync of flow target->source keyed by the remote topic. */
export function invertSync (sync: OffsetSync, sourceClusterAlias: string, policy: ReplicationPolicy): OffsetSync {
  return {
    topic: policy.formatRemoteTopic(sourceClusterAlias, sync.topic),
    partition: sync.partition,
    upstreamOffset: sync.downstreamOffset,
    downstreamOffset: sync.upstreamOffset
  }
}

/**
 * True when a sync read from flow target->source's offset-syncs topic is one of ours (a reverse sync):
 * its topic came from that flow's target, which MM2 never replicates back (a cycle), so MM2 never
 * writes such a key itself.
 */
export function isReverseSync (sync: OffsetSync, reverseFlowTargetAlias: string, policy: ReplicationPolicy): boolean {
  return policy.kind === 'default' && policy.topicSource(sync.topic) === reverseFlowTargetAlias
}

/** Per partition, the newest upstreamOffset written to a reverse offset-syncs topic; see the module comment. */
export class ReverseSyncHighWater {
  private readonly marks = new Map<string, bigint>()

  /** Records a reverse sync seen in the topic (ours, an earlier run's, or another writer's). */
  observe (sync: OffsetSync): void {
    const k = partitionKey(sync.topic, sync.partition)
    const current = this.marks.get(k)
    if (current === undefined || sync.upstreamOffset > current) this.marks.set(k, sync.upstreamOffset)
  }

  /** True when writing `sync` keeps the partition's upstreamOffsets strictly increasing. */
  admits (sync: OffsetSync): boolean {
    const current = this.marks.get(partitionKey(sync.topic, sync.partition))
    return current === undefined || sync.upstreamOffset > current
  }

  /** The high-water mark of a partition, undefined when nothing was written. */
  get (topic: string, partition: number): bigint | undefined {
    return this.marks.get(partitionKey(topic, partition))
  }

  get size (): number {
    return this.marks.size
  }
}
