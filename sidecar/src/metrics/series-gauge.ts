// A gauge for series counted by the ten thousand (one per group and partition). prom-client keeps, per
// series, the labels object it was given and a key hashed from it, and renders every line of a scrape
// through label arrays and template strings: with 25,000 partitions of groups a scrape built 3.3 MB of
// text out of ~12 MB of garbage that outlived the young generation and stayed in the process's RSS
// (docs/design.md §2.7, "Memory per tracked group-partition"). This gauge keeps one rendered label string and a number per series, and
// renders a scrape in chunks of about 64 KiB, so the text is written as it is built.
// It renders exactly what prom-client would (text format 0.0.4, same escaping, same value spelling).

/** A series' labels, as prom-client takes them. */
export type SeriesLabels = Readonly<Record<string, string | number>>

const CHUNK_CHARS = 64 * 1024
const NEEDS_ESCAPE = /[\\"\n]/

function escapeLabelValue (value: string): string {
  return NEEDS_ESCAPE.test(value) ? value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"') : value
}

/** The text format's spelling of a value (prom-client's: Nan, +Inf, -Inf). */
export function valueText (value: number): string {
  if (Number.isNaN(value)) return 'Nan'
  if (!Number.isFinite(value)) return value < 0 ? '-Inf' : '+Inf'
  return String(value)
}

export class SeriesGauge {
  readonly name: string
  readonly help: string
  readonly labelNames: readonly string[]
  /** Rendered labels (`a="x",b="y"`, in labelNames' order) -> value. */
  private readonly series = new Map<string, number>()

  constructor (name: string, help: string, labelNames: readonly string[]) {
    this.name = name
    this.help = help
    this.labelNames = labelNames
  }

  set (labels: SeriesLabels, value: number): void {
    this.series.set(this.labelText(labels), value)
  }

  remove (labels: SeriesLabels): void {
    this.series.delete(this.labelText(labels))
  }

  reset (): void {
    this.series.clear()
  }

  /** Series held. */
  get size (): number {
    return this.series.size
  }

  /** The value of one series, or undefined when it is not exported. */
  valueFor (labels: SeriesLabels): number | undefined {
    return this.series.get(this.labelText(labels))
  }

  /** The metric's text: HELP, TYPE and one line a series, in chunks of about CHUNK_CHARS (no trailing newline after the last line). */
  * chunks (): Generator<string> {
    // prom-client's escaping of a help text: backslash and newline.
    let chunk = `# HELP ${this.name} ${this.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${this.name} gauge`
    for (const [labels, value] of this.series) {
      chunk += `\n${this.name}{${labels}} ${valueText(value)}`
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk
        chunk = ''
      }
    }
    if (chunk !== '') yield chunk
  }

  /** Joined, not appended: a key kept in the map would otherwise hold every piece of its concatenation. */
  private labelText (labels: SeriesLabels): string {
    const pieces: string[] = []
    for (const name of this.labelNames) {
      const value = labels[name]
      if (value === undefined) throw new Error(`metric ${this.name}: label "${name}" is missing (labels: ${this.labelNames.join(', ')})`)
      pieces.push(pieces.length === 0 ? '' : ',', name, '="', escapeLabelValue(String(value)), '"')
    }
    return pieces.join('')
  }
}
