// The compatibility matrix: the MM2 setups (cells) the sidecar is checked against on every Kafka line,
// and the shape of docs/compatibility.json, which records each cell's observed outcome per line. The
// e2e test (test/e2e/compatibility.test.ts) produces the outcomes and fails when they differ from the
// file; `npm run compat-table` renders the file into README.md, so the table shows what was observed.

export const COMPAT_CELLS = [
  { id: 'separator-default', title: 'DefaultReplicationPolicy, separator `.`' },
  { id: 'separator-custom', title: 'Custom separator (`replication.policy.separator=_`)' },
  { id: 'internal-separator-off', title: 'KIP-949: `replication.policy.internal.topic.separator.enabled=false`' },
  { id: 'identity-policy', title: 'IdentityReplicationPolicy (only A→B enabled)' },
  { id: 'offset-syncs-source', title: '`offset-syncs.topic.location=source` (default)' },
  { id: 'offset-syncs-target', title: '`offset-syncs.topic.location=target`' },
  { id: 'classic-groups', title: 'Classic consumer groups' },
  { id: 'kip848-groups', title: 'KIP-848 consumer groups (`group.protocol=consumer`)' },
  { id: 'compacted-topics', title: 'Compacted upstream topics' },
  { id: 'transactional-topics', title: 'Transactional upstream topics' },
  { id: 'no-offset-syncs', title: 'KIP-1031: `emit.offset-syncs.enabled=false`' },
  { id: 'mm2-group-sync-on', title: '`sync.group.offsets.enabled=true`' },
  { id: 'mm2-group-sync-off', title: '`sync.group.offsets.enabled=false`' }
] as const

export type CompatCellId = typeof COMPAT_CELLS[number]['id']

/** One cell on one line: passed (with an optional note on how), not applicable, or failed, with the reason. */
export type CompatOutcome =
  | { outcome: 'pass', note?: string }
  | { outcome: 'n/a', reason: string }
  | { outcome: 'fail', reason: string }

export interface CompatRow {
  /** The lab line, e.g. `4.4`. */
  line: string
  /** What the lab actually ran on that line (Lab.description), e.g. `Kafka 4.4.0 (MM2 4.3.1)`. */
  runs: string
  cells: Record<CompatCellId, CompatOutcome>
}

export interface CompatDocument {
  about: string
  rows: CompatRow[]
}

const OUTCOMES = new Set(['pass', 'n/a', 'fail'])

/** Checks the parsed docs/compatibility.json: every row has every cell, and each value is a known outcome with its reason. */
export function validateCompatDocument (value: unknown): CompatDocument {
  const doc = value as CompatDocument
  if (typeof doc !== 'object' || doc === null || !Array.isArray(doc.rows)) throw new Error('compatibility document: expected { about, rows: [...] }')
  for (const row of doc.rows) {
    if (typeof row.line !== 'string' || typeof row.runs !== 'string') throw new Error('compatibility document: every row needs "line" and "runs"')
    const known = new Set<string>(COMPAT_CELLS.map((cell) => cell.id))
    const extra = Object.keys(row.cells ?? {}).filter((id) => !known.has(id))
    if (extra.length > 0) throw new Error(`compatibility document: line ${row.line} has unknown cells ${extra.join(', ')}`)
    for (const cell of COMPAT_CELLS) {
      const entry = row.cells?.[cell.id] as CompatOutcome | undefined
      if (entry === undefined || !OUTCOMES.has(entry.outcome)) throw new Error(`compatibility document: line ${row.line} has no outcome for ${cell.id}`)
      if (entry.outcome !== 'pass' && (typeof entry.reason !== 'string' || entry.reason === '')) {
        throw new Error(`compatibility document: line ${row.line}, ${cell.id} is ${entry.outcome} without a reason`)
      }
    }
  }
  return doc
}
