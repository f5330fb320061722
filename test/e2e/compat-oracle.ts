// Whether a translated position is exact, judged from the records alone (not from any sidecar code): a
// group that committed `sourceOffset` on one cluster and resumes at `targetOffset` on the other must
// read every record it had not consumed (nothing lost) and none it had (nothing re-read). Records are
// told apart by value (every value of a compatibility topic is unique); values `ignore` matches (those
// of aborted transactions) count on neither side. A value both before and after the commit on the
// source side (an MM2 re-delivery straddling it) may be read again or not: either is right.

export interface SideRecord {
  offset: bigint
  value: string
}

export interface PositionVerdict {
  exact: boolean
  /** Records the group would read again on the target. */
  reread: number
  /** Records the group would never read on the target. */
  lost: number
}

export function positionVerdict (
  source: readonly SideRecord[],
  sourceOffset: bigint,
  target: readonly SideRecord[],
  targetOffset: bigint,
  ignore: (value: string) => boolean = () => false
): PositionVerdict {
  const consumed = new Set<string>()
  const pending = new Set<string>()
  for (const record of source) {
    if (ignore(record.value)) continue
    if (record.offset < sourceOffset) consumed.add(record.value)
    else pending.add(record.value)
  }
  const after = new Set<string>()
  let reread = 0
  for (const record of target) {
    if (record.offset < targetOffset || ignore(record.value)) continue
    after.add(record.value)
    if (consumed.has(record.value) && !pending.has(record.value)) reread++
  }
  let lost = 0
  for (const value of pending) if (!after.has(value) && !consumed.has(value)) lost++
  return { exact: reread === 0 && lost === 0, reread, lost }
}

/**
 * Where a consumer stops `fraction` of the way through a partition's records (those `ignore` leaves):
 * it is not handed the record at `stopAt`, and has read far enough once its position reaches `need`
 * (just past the last record before it). Null when the partition has too few records to stop inside.
 */
export function stopPoint (
  records: readonly SideRecord[],
  fraction: number,
  ignore: (value: string) => boolean = () => false
): { stopAt: bigint, need: bigint } | null {
  const visible = records.filter((record) => !ignore(record.value))
  const at = Math.min(visible.length - 1, Math.floor(visible.length * fraction))
  if (at < 1) return null
  return { stopAt: visible[at]!.offset, need: visible[at - 1]!.offset + 1n }
}
