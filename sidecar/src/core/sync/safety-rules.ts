// The three rules no write of a group offset may break, one pure function each, so the daemon's
// group sync and reconcile's planner apply literally the same rule (docs/design.md §5):
//   1. never into a live group: the offsets of a group with members are its consumers' to move;
//   2. never backwards: moving a group behind where it already is re-delivers records, so it needs
//      an explicit --allow-rewind;
//   3. skip when already in sync: writing the offset the target already holds changes nothing and,
//      mirrored back, would start a ping-pong between the clusters.
// `checkTargetSafety` applies them in the order an operator reads a skip reason: what must not be
// touched, then what need not be done, then what would go backwards.

export type SafetySkipReason = 'group-active' | 'in-sync' | 'would-rewind'

/** Rule 1: true when the group has live members on the target cluster (classic or KIP-848). */
export function isLiveGroup (targetMembers: number): boolean {
  return targetMembers > 0
}

/** Rule 3: true when the target already holds exactly `offset`. */
export function isAlreadyInSync (targetCommitted: bigint | null, offset: bigint): boolean {
  return targetCommitted !== null && targetCommitted === offset
}

/** Rule 2: true when committing `offset` would move the target's offset backwards and rewinding is not allowed. */
export function wouldRewind (targetCommitted: bigint | null, offset: bigint, allowRewind: boolean): boolean {
  return targetCommitted !== null && targetCommitted > offset && !allowRewind
}

export interface TargetState {
  /** Live members of the group on the target cluster; null when not known yet (asked only before a write). */
  targetMembers: number | null
  /** The group's committed offset on the target partition, null when it has none. */
  targetCommitted: bigint | null
  allowRewind: boolean
}

/** The first rule that forbids (or makes pointless) committing `offset`, or null when the commit may go ahead. */
export function checkTargetSafety (target: TargetState, offset: bigint): SafetySkipReason | null {
  if (target.targetMembers !== null && isLiveGroup(target.targetMembers)) return 'group-active'
  if (isAlreadyInSync(target.targetCommitted, offset)) return 'in-sync'
  if (wouldRewind(target.targetCommitted, offset, target.allowRewind)) return 'would-rewind'
  return null
}
