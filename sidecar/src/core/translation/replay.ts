// Replaying syncs that may be older than what the index already holds. At startup the index is
// seeded from the sidecar's history snapshots, then MM2's offset-syncs topic is read from its start;
// its older records are already covered (or were thinned on purpose), and appending them would look
// like an upstream rewind and wipe the history. A sync at or below the newest retained one on BOTH
// sides is old news and is skipped; anything else (newer, or a genuine rewind or truncation that
// moves one side back while the other moves on) is appended as usual.
import type { AppendOutcome, PartitionSyncHistory } from './partition-sync-history.ts'

export type ReplayOutcome = AppendOutcome | 'superseded'

/** Appends a sync unless the history's newest sync is at or beyond it on both sides. */
export function replaySync (history: PartitionSyncHistory, upstreamOffset: bigint, downstreamOffset: bigint): ReplayOutcome {
  const latest = history.latest()
  if (latest !== undefined && upstreamOffset <= latest.upstreamOffset && downstreamOffset <= latest.downstreamOffset) return 'superseded'
  return history.append(upstreamOffset, downstreamOffset)
}
