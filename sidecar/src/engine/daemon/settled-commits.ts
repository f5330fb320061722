// Commits mirrored exactly (translation.mode exact). A proven translation never changes, so the
// re-evaluations of group sync (for new offset syncs, and the periodic full pass) leave such a commit
// alone for as long as the other cluster still holds the offset written for it: a commit settled this
// way costs a lookup instead of a proof, a liveness check and a decision. When the other side moved
// (the group there was deleted, reset, or committed on its own), the commit is evaluated again.
import { compositeKey } from '../../core/keys.ts'
import type { CommittedOffset, CommittedOffsets } from '../../core/sync/committed-offsets.ts'

interface Settled {
  sourceOffset: bigint
  targetCluster: string
  targetTopic: string
  targetOffset: bigint
}

const keyOf = (commit: CommittedOffset): string => compositeKey(commit.cluster, commit.group, commit.topic, commit.partition)

export class SettledCommits {
  private readonly committed: CommittedOffsets
  private readonly entries = new Map<string, Settled>()

  constructor (committed: CommittedOffsets) {
    this.committed = committed
  }

  /** `commit` is mirrored exactly: `targetOffset` of `targetTopic` was written on `targetCluster` (or found there). */
  settle (commit: CommittedOffset, targetCluster: string, targetTopic: string, targetOffset: bigint): void {
    this.entries.set(keyOf(commit), { sourceOffset: commit.offset, targetCluster, targetTopic, targetOffset })
  }

  /** True when `commit` was mirrored exactly and the other cluster still holds the offset written for it. */
  holds (commit: CommittedOffset): boolean {
    const entry = this.entries.get(keyOf(commit))
    if (entry === undefined || entry.sourceOffset !== commit.offset) return false
    return this.committed.offsetOf(entry.targetCluster, commit.group, entry.targetTopic, commit.partition) === entry.targetOffset
  }
}
