// A record as a proof compares it (docs/design.md §6): MM2 copies key, value, headers and timestamp,
// so a record and its copy are equal in all four; the offset and the transaction state say where it
// sits, not what it is.

/** One record as both logs hold it. `aborted`: part of an aborted transaction (read uncommitted). */
export interface MatchRecord {
  offset: bigint
  timestamp: bigint
  key: Uint8Array | null
  value: Uint8Array | null
  headers: ReadonlyArray<readonly [Uint8Array | null, Uint8Array | null]>
  aborted?: boolean
}

/** True when MM2's copy of `a` would be `b`: same key, value, headers (in order) and timestamp. */
export function sameRecord (a: MatchRecord, b: MatchRecord, compareTimestamps = true): boolean {
  if (compareTimestamps && a.timestamp !== b.timestamp) return false
  if (!sameBytes(a.key, b.key) || !sameBytes(a.value, b.value)) return false
  if (a.headers.length !== b.headers.length) return false
  for (let i = 0; i < a.headers.length; i++) {
    if (!sameBytes(a.headers[i]![0], b.headers[i]![0]) || !sameBytes(a.headers[i]![1], b.headers[i]![1])) return false
  }
  return true
}

function sameBytes (a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === null || b === null) return a === b
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** FNV-1a over the compared fields: a bucket key; equality is always checked in full. */
export function fingerprint (record: MatchRecord, compareTimestamps: boolean): string {
  let h = 0x811c9dc5
  const mix = (bytes: Uint8Array | null): void => {
    if (bytes === null) { h = Math.imul(h ^ 0xff, 0x01000193); return }
    h = Math.imul(h ^ bytes.length, 0x01000193)
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193)
  }
  mix(record.key)
  mix(record.value)
  for (const [name, value] of record.headers) { mix(name); mix(value) }
  return `${compareTimestamps ? record.timestamp : ''}:${h >>> 0}`
}
