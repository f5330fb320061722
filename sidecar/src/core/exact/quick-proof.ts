// The constant-cost proof of the common case (docs/design.md §6.1). Between a proven pair and a group's
// offset both logs are usually dense (one record per offset, copied once), so the group's position on
// the other side is the interpolation: anchor.other + (offset - anchor.window). The candidate is then
// checked against the records themselves, a handful on each side whatever the traffic between them:
//   - the record just before the offset (the group's last consumed record) and the record just before
//     the candidate are one record (same key, value, headers, timestamp), and
//   - the record at the offset (the group's next record) and the record at the candidate are one
//     record, or neither log has a record there yet.
// Then a consumer resuming at the candidate next reads the copy of the group's next record, right after
// the copy of its last one: nothing re-read, nothing skipped. Whenever a check cannot be made (a gap in
// offsets from compaction or transaction markers, an aborted record, a record that differs) the verdict
// is `refuted` and the caller walks (exact-walk.ts), which handles all of those; when the other log
// does not hold the copy yet, `not-copied` says to try again once MM2 has copied it.
import type { OffsetSyncPair } from '../translation/translation.ts'
import { sameRecord, type ExactDirection, type MatchRecord } from './exact-walk.ts'

/** The records of one side around a position: at position - 1 and at position, as read, and where its log ends. */
export interface Neighbourhood {
  /** The record at position - 1, or null when that offset holds no data record (or was not read). */
  before: MatchRecord | null
  /** The record at position, or null when that offset holds no data record (or the log ends there). */
  at: MatchRecord | null
  /** The side's last stable offset when read: nothing at or beyond it exists yet. */
  end: bigint
}

export type QuickVerdict =
  | { kind: 'exact', offset: bigint }
  /** The other log does not hold the copy of the group's last record yet (MM2 lags): try again later. */
  | { kind: 'not-copied', detail: string }
  /** The dense reading does not hold here: walk. */
  | { kind: 'refuted', detail: string }

/** The side a group's offset is on, and the other side, for a direction. */
export function sidesOf (direction: ExactDirection): { window: 'upstream' | 'downstream', other: 'upstream' | 'downstream' } {
  return direction === 'forward' ? { window: 'upstream', other: 'downstream' } : { window: 'downstream', other: 'upstream' }
}

/** The offset of a pair on one side. */
export function pairSide (pair: OffsetSyncPair, side: 'upstream' | 'downstream'): bigint {
  return side === 'upstream' ? pair.upstreamOffset : pair.downstreamOffset
}

/** The interpolated position on the other side of a group at `groupOffset` (>= the anchor's window offset). */
export function interpolate (direction: ExactDirection, anchor: OffsetSyncPair, groupOffset: bigint): bigint {
  const { window, other } = sidesOf(direction)
  return pairSide(anchor, other) + (groupOffset - pairSide(anchor, window))
}

const isData = (record: MatchRecord | null, offset: bigint): record is MatchRecord =>
  record !== null && record.offset === offset && record.aborted !== true

/**
 * Checks the candidate (see the module comment). `window` is read around the group's offset on its
 * side, `other` around the candidate on the other side.
 */
export function checkCandidate (
  groupOffset: bigint,
  candidate: bigint,
  window: Neighbourhood,
  other: Neighbourhood,
  compareTimestamps = true
): QuickVerdict {
  if (candidate <= 0n) return { kind: 'refuted', detail: `the interpolated position ${candidate} has no record before it` }
  if (!isData(window.before, groupOffset - 1n)) {
    return { kind: 'refuted', detail: `offset ${groupOffset - 1n} before the group's position holds no data record (marker, abort or compaction)` }
  }
  if (other.end < candidate) {
    return { kind: 'not-copied', detail: `the other log ends at ${other.end}, before the copy of the group's last record (expected at ${candidate - 1n})` }
  }
  if (!isData(other.before, candidate - 1n) || !sameRecord(window.before, other.before, compareTimestamps)) {
    return { kind: 'refuted', detail: `the record at ${candidate - 1n} is not the copy of the group's last record` }
  }
  if (isData(window.at, groupOffset)) {
    // The other log's next record, if any, must be the copy of the group's next record.
    if (other.end <= candidate) return { kind: 'exact', offset: candidate }
    if (isData(other.at, candidate) && sameRecord(window.at, other.at, compareTimestamps)) return { kind: 'exact', offset: candidate }
    return { kind: 'refuted', detail: `the record at ${candidate} is not the copy of the group's next record` }
  }
  if (window.at !== null || window.end > groupOffset) {
    return { kind: 'refuted', detail: `offset ${groupOffset} holds no data record on the group's side (marker, abort or compaction)` }
  }
  // The group is at the end of its log: the other log must end right after the copy too.
  if (other.end <= candidate && other.at === null) return { kind: 'exact', offset: candidate }
  return { kind: 'refuted', detail: `the group is at the end of its log but the other log goes on at ${candidate}` }
}
