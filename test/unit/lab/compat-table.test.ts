// The compatibility table: README.md holds exactly the rendering of docs/compatibility.json (the outcomes
// the e2e test observed), so the table cannot drift from what was observed; and the renderer itself.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { COMPAT_CELLS, validateCompatDocument, type CompatDocument, type CompatRow } from '../../../lab/compat/cells.ts'
import { COMPAT_BEGIN, COMPAT_END, compatBlock, renderCompatTable, replaceCompatBlock } from '../../../lab/compat/table.ts'
import { KAFKA_LINES } from '../../../lab/versions.ts'

const root = new URL('../../../', import.meta.url).pathname
const committed = (): CompatDocument => validateCompatDocument(JSON.parse(readFileSync(`${root}docs/compatibility.json`, 'utf8')))

const row = (line: string, runs: string, overrides: Partial<CompatRow['cells']> = {}): CompatRow => ({
  line,
  runs,
  cells: { ...Object.fromEntries(COMPAT_CELLS.map((cell) => [cell.id, { outcome: 'pass' }])), ...overrides } as CompatRow['cells']
})

describe('docs/compatibility.json and README.md', () => {
  it('README.md holds the rendering of docs/compatibility.json between its markers (npm run compat-table)', () => {
    const readme = readFileSync(`${root}README.md`, 'utf8')
    const begin = readme.indexOf(COMPAT_BEGIN)
    const end = readme.indexOf(COMPAT_END)
    expect(begin).toBeGreaterThan(0)
    expect(readme.slice(begin, end + COMPAT_END.length)).toBe(compatBlock(committed()))
  })

  it('records each line once, in the order of the lab lines, with every cell', () => {
    const lines = committed().rows.map((entry) => entry.line)
    expect(lines).toEqual(KAFKA_LINES.filter((line) => lines.includes(line)))
  })
})

describe('renderCompatTable', () => {
  const doc: CompatDocument = {
    about: '',
    rows: [
      row('3.9', 'Kafka 3.9.2', { 'kip848-groups': { outcome: 'n/a', reason: 'needs Kafka 4.0' } }),
      row('4.4', 'Kafka 4.4.0 (MM2 4.3.1)', {
        'identity-policy': { outcome: 'fail', reason: 'a | b' },
        'no-offset-syncs': { outcome: 'pass', note: 'from the log start' }
      })
    ]
  }

  it('has one row per cell and one column per line, and numbers each note or reason once below it', () => {
    const [table, notes] = renderCompatTable(doc).split('\n\n')
    const lines = table!.split('\n')
    expect(lines[0]).toBe('| MM2 setup | Kafka 3.9.2 | Kafka 4.4.0 (MM2 4.3.1) |')
    expect(lines).toHaveLength(2 + COMPAT_CELLS.length)
    expect(lines).toContain('| IdentityReplicationPolicy (only A→B enabled) | ✅ pass | ❌ fail [1] |')
    expect(lines).toContain('| KIP-848 consumer groups (`group.protocol=consumer`) | ➖ n/a [2] | ✅ pass |')
    expect(lines).toContain('| KIP-1031: `emit.offset-syncs.enabled=false` | ✅ pass | ✅ pass [3] |')
    expect(notes).toBe('- [1] a | b\n- [2] needs Kafka 4.0\n- [3] from the log start\n')
  })

  it('gives a text shared by several lines one number', () => {
    const shared = { outcome: 'pass' as const, note: 'same' }
    const text = renderCompatTable({ about: '', rows: [row('3.9', 'a', { 'compacted-topics': shared }), row('4.4', 'b', { 'compacted-topics': shared })] })
    expect(text).toContain('| Compacted upstream topics | ✅ pass [1] | ✅ pass [1] |')
    expect(text.endsWith('\n\n- [1] same\n')).toBe(true)
  })

  it('says so when no line was checked', () => {
    expect(renderCompatTable({ about: '', rows: [] })).toBe('_No line has been checked yet._\n')
  })

  it('replaces only the block between the markers, and refuses a README without them', () => {
    const readme = `# x\n\n${COMPAT_BEGIN}\nold\n${COMPAT_END}\n\nafter\n`
    const updated = replaceCompatBlock(readme, doc)
    expect(updated.startsWith('# x\n\n')).toBe(true)
    expect(updated.endsWith(`${COMPAT_END}\n\nafter\n`)).toBe(true)
    expect(updated).not.toContain('old')
    expect(replaceCompatBlock(updated, doc)).toBe(updated)
    expect(() => replaceCompatBlock('# x\n', doc)).toThrow(/no <!-- compat:begin -->/)
  })
})

describe('validateCompatDocument', () => {
  it('refuses a row without every cell, an unknown cell, or a fail without its reason', () => {
    const full = row('4.4', 'Kafka 4.4.0')
    const { 'classic-groups': _dropped, ...missing } = full.cells
    expect(() => validateCompatDocument({ about: '', rows: [{ ...full, cells: missing }] })).toThrow(/no outcome for classic-groups/)
    const extra = { ...full, cells: { ...full.cells, other: { outcome: 'pass' } } }
    expect(() => validateCompatDocument({ about: '', rows: [extra] })).toThrow(/unknown cells other/)
    const noReason = { ...full, cells: { ...full.cells, 'classic-groups': { outcome: 'fail' } } }
    expect(() => validateCompatDocument({ about: '', rows: [noReason] })).toThrow(/classic-groups is fail without a reason/)
    expect(validateCompatDocument({ about: '', rows: [full] }).rows).toHaveLength(1)
  })
})
