// How the CLI writes values it did not choose (group ids, topic names, record fields, file paths): text
// for a terminal, CSV for spreadsheets and scripts, JSON for scripts. Group ids and record contents are
// arbitrary strings, so none of them may reach a terminal as a control sequence, nor a spreadsheet as a
// formula. Pure: every function returns a string and prints nothing.

// C0 controls, DEL, C1 controls (U+009B alone is a CSI on many terminals), and the bidi embeddings,
// overrides and isolates that make text display in another order than it is stored.
// eslint-disable-next-line no-control-regex -- matching control characters is this module's job
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g
// What JSON.stringify leaves raw: it escapes C0 itself, but not DEL, C1 or bidi controls.
const UNSAFE_IN_JSON = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

const hex = (char: string, digits: number): string => char.charCodeAt(0).toString(16).padStart(digits, '0')
/** `\x1b` for a control below U+0100, `\u202e` above: visible, and as C or JavaScript would write it. */
const visible = (char: string): string => char.charCodeAt(0) <= 0xff ? `\\x${hex(char, 2)}` : `\\u${hex(char, 4)}`
const jsonEscape = (char: string): string => `\\u${hex(char, 4)}`

/**
 * One value for a table cell or a one-line message: every control character, LF and tab included, is
 * shown as an escape. A backslash is left as it is, so escaping twice changes nothing and paths stay
 * readable; the exact value is in the JSON output.
 */
export function escapeText (text: string): string {
  return text.replace(UNSAFE, visible)
}

/**
 * A log line that may be JSON: controls become `\u001b` escapes, which JSON reads back as the same
 * character (JSON.stringify already escapes C0, so the rest only ever appears inside strings) and a
 * text line shows as visibly as `\x1b`.
 */
export function escapeLogLine (line: string): string {
  return line.replace(UNSAFE, jsonEscape)
}

/**
 * Aligned columns: every cell escaped, then padded to the widest escaped cell of its column, so an
 * escape widens its column instead of shifting the next ones. The last column is not padded.
 */
export function formatTable (header: readonly string[], rows: ReadonlyArray<readonly string[]>, indent = ''): string[] {
  const all = [header, ...rows].map((row) => row.map(escapeText))
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)))
  return all.map((row) => (indent + row.map((cell, column) => column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)).join('  ')).trimEnd())
}

/** A CSV value: numbers (offsets, partitions, counts) are written as numbers, null as an empty field. */
export type CsvValue = string | number | bigint | boolean | null | undefined

// Cells a spreadsheet may evaluate (OWASP "CSV injection"): those starting with =, +, -, @, tab or CR.
const FORMULA_START = /^[=+\-@\t\r]/
// RFC 4180 quotes fields with a comma, quote, CR or LF; a semicolon too, because spreadsheets set to a
// semicolon-separated locale split there and would see the text after it as a cell of its own.
const NEEDS_QUOTES = /[",;\r\n]/

/**
 * One CSV field. Text that starts like a formula gets a leading `'` (shown by spreadsheets, inert);
 * numbers are never changed, so an offset of -1 stays -1. Quotes are doubled inside quoted fields.
 */
export function csvField (value: CsvValue): string {
  if (value === null || value === undefined) return ''
  if (typeof value !== 'string') return String(value)
  const text = FORMULA_START.test(value) ? `'${value}` : value
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** A CSV document: a header line, then one record per row; records end with LF (a field's own CR or LF is quoted). */
export function formatCsv (header: readonly string[], rows: ReadonlyArray<readonly CsvValue[]>): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n'
}

/**
 * JSON (indented, or on one line with indent 0) and a line break, with bigints as strings (offsets exceed
 * 2^53), and DEL, C1 and bidi controls written as `\u` escapes: the parsed values are the same, and the
 * text is inert in a terminal.
 */
export function formatJson (value: unknown, indent = 2): string {
  const text = JSON.stringify(value, (_key, entry: unknown) => typeof entry === 'bigint' ? entry.toString() : entry, indent)
  return text.replace(UNSAFE_IN_JSON, jsonEscape) + '\n'
}
