// Aggregation of repeated drills (`npm run demo -- --runs N`): per cell (setup x phase), the min,
// median and max over the runs of each measure the single-run table shows. Pure: no I/O.
import type { DrillMode, DrillResult, PhaseResult } from './drill.ts'

/** Min, median and max of a measure over the runs that have it. Median of an even count: the lower of the two middle values. */
export interface Spread {
  min: number
  median: number
  max: number
}

/**
 * Seconds to translated offsets over the runs: null stands for "never" and ranks worst (above every
 * time), so min/median/max are null once the never-runs reach them; `never` counts those runs.
 */
export interface TimeSpread {
  min: number | null
  median: number | null
  max: number | null
  never: number
}

export interface CellSummary {
  mode: DrillMode
  phase: PhaseResult['phase']
  /** Runs that have this cell. */
  runs: number
  lost: Spread
  reread: Spread
  /** Over the runs where the sidecar reported a window; null when none did (MM2 alone). */
  reportedWindow: Spread | null
  /** Runs without a reported window (all of them for MM2 alone). */
  windowMissing: number
  secondsToCopied: TimeSpread
  secondsToTranslated: TimeSpread
}

/** The index of the median in a sorted list of `n` values: the middle one, or for even `n` the lower of the two middle ones. */
export const medianIndex = (n: number): number => Math.floor((n - 1) / 2)

/** Min, lower median and max of a non-empty list of numbers. */
export function spread (values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('spread of no values')
  const sorted = [...values].sort((a, b) => a - b)
  return { min: sorted[0]!, median: sorted[medianIndex(sorted.length)]!, max: sorted[sorted.length - 1]! }
}

/** Min, lower median and max of times where null ("never") ranks above every number. */
export function timeSpread (values: ReadonlyArray<number | null>): TimeSpread {
  if (values.length === 0) throw new Error('spread of no values')
  const rank = (value: number | null): number => value ?? Number.POSITIVE_INFINITY
  const sorted = [...values].sort((a, b) => rank(a) - rank(b))
  return {
    min: sorted[0]!,
    median: sorted[medianIndex(sorted.length)]!,
    max: sorted[sorted.length - 1]!,
    never: values.filter((value) => value === null).length
  }
}

/**
 * Summarizes runs of the drill: `runs[i]` holds run i's results (one per setup). Cells keep the order
 * in which they first appear; a cell missing from a run is summarized over the runs that have it.
 */
export function summarizeDrills (runs: ReadonlyArray<readonly DrillResult[]>): CellSummary[] {
  const cells = new Map<string, { mode: DrillMode, phase: PhaseResult['phase'], phases: PhaseResult[] }>()
  for (const results of runs) {
    for (const result of results) {
      for (const phase of result.phases) {
        const key = `${result.mode}\u0000${phase.phase}`
        let cell = cells.get(key)
        if (cell === undefined) {
          cell = { mode: result.mode, phase: phase.phase, phases: [] }
          cells.set(key, cell)
        }
        cell.phases.push(phase)
      }
    }
  }
  return [...cells.values()].map(({ mode, phase, phases }) => {
    const windows = phases.map((entry) => entry.reportedWindow).filter((value): value is number => value !== null)
    return {
      mode,
      phase,
      runs: phases.length,
      lost: spread(phases.map((entry) => entry.lost)),
      reread: spread(phases.map((entry) => entry.reread)),
      reportedWindow: windows.length === 0 ? null : spread(windows),
      windowMissing: phases.length - windows.length,
      secondsToCopied: timeSpread(phases.map((entry) => entry.secondsToCopied)),
      secondsToTranslated: timeSpread(phases.map((entry) => entry.secondsToTranslated))
    }
  })
}

/** "min / median / max", or the one value when all three are equal. */
function formatSpread (values: ReadonlyArray<string>): string {
  return values.every((value) => value === values[0]) ? values[0]! : values.join(' / ')
}

const setupName = (mode: DrillMode): string => mode === 'mm2-alone' ? 'MM2 alone' : 'MM2 + mm2-failback'

/** Cell text of a time spread: "1.20 s / 2.31 s / never (2/5)"; "never (5/5)" when no run translated. */
export function formatTimeSpread (time: TimeSpread, runs: number): string {
  const text = formatSpread([time.min, time.median, time.max].map((value) => value === null ? 'never' : `${value.toFixed(2)} s`))
  return time.never === 0 ? text : `${text} (${time.never}/${runs})`
}

/** The demo's table for several runs: the single-run table's columns, each cell "min / median / max" over the runs. */
export function formatSummaryTable (summary: readonly CellSummary[]): string {
  const rows = [['setup', 'phase', 'runs', 'records lost', 'records re-read', 'reported re-read window', 'MM2 copy', 'time to translated offsets']]
  for (const cell of summary) {
    const counts = (value: Spread): string => formatSpread([value.min, value.median, value.max].map(String))
    let window = cell.reportedWindow === null ? '-' : counts(cell.reportedWindow)
    if (cell.reportedWindow !== null && cell.windowMissing > 0) window += ` (not reported ${cell.windowMissing}/${cell.runs})`
    rows.push([
      setupName(cell.mode),
      cell.phase,
      String(cell.runs),
      counts(cell.lost),
      counts(cell.reread),
      window,
      formatTimeSpread(cell.secondsToCopied, cell.runs),
      formatTimeSpread(cell.secondsToTranslated, cell.runs)
    ])
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)))
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n') + '\n' +
    'Each cell: min / median / max over the runs (one value when all runs agree; median of an even number of runs: the lower\n' +
    'middle value). "never" (not translated within the wait) ranks worst; (k/N) says in how many of the N runs it happened.\n' +
    DRILL_TIMES_LEGEND
}

/** What the two time columns measure (printed under both tables). */
export const DRILL_TIMES_LEGEND =
  'MM2 copy: from the group\'s last commit on the old cluster (failback: from A\'s return) until MM2 had copied its records up\n' +
  'to the group\'s position to the new cluster. Time to translated offsets: from then (or the commit, if later) until the group\n' +
  'had offsets there; no tool can translate a position whose records are not on the cluster yet.\n'

/** The line above the demo's table: Kafka version, workload (with its partitions and counts) and number of runs. */
export function formatDrillHeader (info: { kafkaVersion: string, runs: number, result: Pick<DrillResult, 'workload' | 'partitions' | 'counts'> }): string {
  const { workload, partitions, counts } = info.result
  const pattern = workload === 'burst'
    ? `${counts.consumedOnA + counts.pendingOnA} records produced on A at full speed, then quiet; the group consumed the first ${counts.consumedOnA}`
    : `the group consumed ${counts.consumedOnA} records on A, then ${counts.pendingOnA} more were produced there`
  return `Kafka ${info.kafkaVersion}, workload ${workload} (${partitions} partitions): ${pattern}; ${counts.producedOnB} produced on B after A died. ` +
    `${info.runs} run${info.runs === 1 ? '' : 's'}.`
}
