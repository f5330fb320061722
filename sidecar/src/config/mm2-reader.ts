// Reading typed settings out of mm2.properties entries the way MM2's ConfigDef does, and collecting
// every problem and warning with its key and line. The model builders (mm2-clusters.ts, mm2-flows.ts)
// read through one Mm2Reader; mm2-properties.ts throws its problems as one MM2_CONFIG_INVALID error.
import { quotedValue } from '../core/mm2/secret.ts'
import { Mm2FailbackError } from '../errors.ts'
import type { PropertiesEntry } from './java-properties.ts'

export interface Mm2ConfigProblem {
  readonly key: string | undefined
  readonly line: number | undefined
  readonly message: string
}

/** A connector setting and the key it was found under (`A->B.<name>` or `<name>`). */
export interface Resolved {
  readonly key: string
  readonly entry: PropertiesEntry | undefined
}

// Characters Kafka allows in topic names: aliases and separators end up in them.
export const TOPIC_CHARS = /^[a-zA-Z0-9._-]+$/
export const TOPIC_CHARS_TEXT = 'letters, digits, ".", "_" and "-"'

/** ConfigDef Type.LIST: trimmed; empty means an empty list; otherwise split on commas, empty items kept. */
export function parseJavaList (value: string): string[] {
  const trimmed = javaTrim(value)
  return trimmed === '' ? [] : trimmed.split(/\s*,\s*/)
}

/** String.trim in Java removes every character <= U+0020. */
export function javaTrim (value: string): string {
  let start = 0
  let end = value.length
  while (start < end && value.charCodeAt(start) <= 0x20) start++
  while (end > start && value.charCodeAt(end - 1) <= 0x20) end--
  return value.slice(start, end)
}

/** Formats a problem or warning: "mm2.properties line 3: ..." or "mm2.properties: ...". */
export function formatProblem (source: string, problem: { line: number | undefined, message: string }): string {
  return problem.line === undefined ? `${source}: ${problem.message}` : `${source} line ${problem.line}: ${problem.message}`
}

export class Mm2Reader {
  readonly source: string
  readonly entries: readonly PropertiesEntry[]
  /** Every key with its last entry: Properties.put keeps the last value. */
  readonly raw = new Map<string, PropertiesEntry>()
  readonly problems: Mm2ConfigProblem[] = []
  readonly warnings: string[] = []
  readonly #seen = new Set<string>()
  #muted = 0

  constructor (entries: readonly PropertiesEntry[], source: string) {
    this.source = source
    this.entries = entries
    for (const entry of entries) this.raw.set(entry.key, entry)
  }

  /** Runs `read` without reporting anything when `mute` is true. */
  muted<T> (mute: boolean, read: () => T): T {
    if (mute) this.#muted++
    try {
      return read()
    } finally {
      if (mute) this.#muted--
    }
  }

  problem (key: string | undefined, message: string, line?: number): void {
    if (this.#muted > 0) return
    const text = formatProblem(this.source, { line, message })
    if (this.#seen.has(text)) return
    this.#seen.add(text)
    this.problems.push({ key, line, message })
  }

  warn (message: string, line?: number): void {
    if (this.#muted > 0) return
    const text = formatProblem(this.source, { line, message })
    if (!this.warnings.includes(text)) this.warnings.push(text)
  }

  /** The effective key for a connector setting: `A->B.<name>` over `<name>`. */
  resolve (flow: string | undefined, name: string): Resolved {
    if (flow !== undefined) {
      const key = `${flow}.${name}`
      const entry = this.raw.get(key)
      if (entry !== undefined) return { key, entry }
    }
    return { key: name, entry: this.raw.get(name) }
  }

  readBoolean (flow: string | undefined, name: string, fallback: boolean): { value: boolean, key: string, line: number | undefined } {
    const { key, entry } = this.resolve(flow, name)
    if (entry === undefined) return { value: fallback, key, line: undefined }
    const value = javaTrim(entry.value).toLowerCase()
    if (value === 'true' || value === 'false') return { value: value === 'true', key, line: entry.line }
    this.problem(key, `${key} must be true or false (got ${quotedValue(key, entry.value)}).`, entry.line)
    return { value: fallback, key, line: entry.line }
  }

  readLong (flow: string | undefined, name: string, fallback: number): number {
    const { key, entry } = this.resolve(flow, name)
    if (entry === undefined) return fallback
    const value = javaTrim(entry.value)
    if (/^[+-]?\d{1,18}$/.test(value)) return Number(value)
    this.problem(key, `${key} must be a whole number (got ${quotedValue(key, entry.value)}).`, entry.line)
    return fallback
  }

  /** Every problem as one MM2_CONFIG_INVALID error. */
  error (): Mm2FailbackError {
    // File order: problems without a line (a missing key) first, then by line; the sort is stable.
    this.problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
    const problems = this.problems.map((problem) => ({ ...problem }))
    const first = this.problems[0] as Mm2ConfigProblem
    const message = this.problems.length === 1
      ? formatProblem(this.source, first)
      : `${this.source} has ${this.problems.length} problems: ` +
        this.problems.map((problem) => problem.line === undefined ? problem.message : `line ${problem.line}: ${problem.message}`).join(' ')
    return new Mm2FailbackError('MM2_CONFIG_INVALID', message, { file: this.source, key: first.key, line: first.line, problems })
  }
}
