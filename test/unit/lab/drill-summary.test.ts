// The demo's aggregation over repeated drills (lab/drill/summary.ts): min / median / max per cell,
// the lower median for an even number of runs, and "never" ranking worst and being counted.
import { describe, expect, it } from 'vitest'
import type { DrillResult, PhaseResult } from '../../../lab/drill/drill.ts'
import { formatDrillHeader, formatSummaryTable, formatTimeSpread, medianIndex, spread, summarizeDrills, timeSpread } from '../../../lab/drill/summary.ts'

const COUNTS = { consumedOnA: 600, pendingOnA: 300, producedOnB: 300 }

function phase (name: PhaseResult['phase'], lost: number, reread: number, secondsToTranslated: number | null, reportedWindow: number | null): PhaseResult {
  // MM2 copied the records a quarter of a second after the commit, in every run but never-translated ones.
  return { phase: name, lost, reread, secondsToCopied: secondsToTranslated === null ? null : 0.25, secondsToTranslated, reportedWindow }
}

/** One run: MM2 alone (never translated, no window) and MM2 + mm2-failback with the given failover/failback values. */
function run (
  alone: { failoverReread: number, failbackReread: number },
  sidecar: { failover: [number, number, number | null, number | null], failback: [number, number, number | null, number | null] }
): DrillResult[] {
  const base = { topic: 'orders', group: 'billing', workload: 'steady' as const, partitions: 3, counts: COUNTS }
  return [
    {
      ...base,
      mode: 'mm2-alone',
      phases: [phase('failover A->B', 0, alone.failoverReread, null, null), phase('failback B->A', 0, alone.failbackReread, null, null)]
    },
    { ...base, mode: 'mm2+sidecar', phases: [phase('failover A->B', ...sidecar.failover), phase('failback B->A', ...sidecar.failback)] }
  ]
}

describe('spread and timeSpread', () => {
  it('uses the lower middle value as the median of an even count', () => {
    expect(medianIndex(1)).toBe(0)
    expect(medianIndex(2)).toBe(0)
    expect(medianIndex(3)).toBe(1)
    expect(medianIndex(4)).toBe(1)
    expect(spread([40, 10, 30, 20])).toEqual({ min: 10, median: 20, max: 40 })
    expect(spread([7, 3, 5])).toEqual({ min: 3, median: 5, max: 7 })
    expect(spread([9])).toEqual({ min: 9, median: 9, max: 9 })
    expect(() => spread([])).toThrow()
  })

  it('ranks never above every time and counts it', () => {
    expect(timeSpread([2.5, null, 1.25])).toEqual({ min: 1.25, median: 2.5, max: null, never: 1 })
    expect(timeSpread([null, 3, null, 1])).toEqual({ min: 1, median: 3, max: null, never: 2 })
    expect(timeSpread([null, null, 4])).toEqual({ min: 4, median: null, max: null, never: 2 })
    expect(timeSpread([null, null])).toEqual({ min: null, median: null, max: null, never: 2 })
    expect(timeSpread([0.5, 4, 2, 1])).toEqual({ min: 0.5, median: 1, max: 4, never: 0 })
  })

  it('formats a time spread with the share of never-runs', () => {
    expect(formatTimeSpread({ min: 1.2, median: 2.314, max: null, never: 2 }, 5)).toBe('1.20 s / 2.31 s / never (2/5)')
    expect(formatTimeSpread({ min: null, median: null, max: null, never: 5 }, 5)).toBe('never (5/5)')
    expect(formatTimeSpread({ min: 1, median: 1.5, max: 2, never: 0 }, 3)).toBe('1.00 s / 1.50 s / 2.00 s')
  })
})

describe('summarizeDrills', () => {
  const runs = [
    run({ failoverReread: 599, failbackReread: 300 }, { failover: [0, 25, 4.92, 25], failback: [0, 20, 1.76, 20] }),
    run({ failoverReread: 601, failbackReread: 300 }, { failover: [2, 40, null, 40], failback: [0, 8, 0.9, null] }),
    run({ failoverReread: 598, failbackReread: 302 }, { failover: [1, 10, 2.5, 12], failback: [0, 14, 3.1, 14] }),
    run({ failoverReread: 600, failbackReread: 299 }, { failover: [0, 31, 6, 31], failback: [3, 11, null, 11] })
  ]
  const summary = summarizeDrills(runs)

  it('gives one cell per setup and phase, in the order of the runs', () => {
    expect(summary.map((cell) => [cell.mode, cell.phase, cell.runs])).toEqual([
      ['mm2-alone', 'failover A->B', 4],
      ['mm2-alone', 'failback B->A', 4],
      ['mm2+sidecar', 'failover A->B', 4],
      ['mm2+sidecar', 'failback B->A', 4]
    ])
  })

  it('computes min, lower median and max of lost and re-read records', () => {
    const [aloneOver, aloneBack, sideOver, sideBack] = summary
    expect(aloneOver!.reread).toEqual({ min: 598, median: 599, max: 601 })
    expect(aloneBack!.reread).toEqual({ min: 299, median: 300, max: 302 })
    expect(aloneOver!.lost).toEqual({ min: 0, median: 0, max: 0 })
    expect(sideOver!.lost).toEqual({ min: 0, median: 0, max: 2 })
    expect(sideOver!.reread).toEqual({ min: 10, median: 25, max: 40 })
    expect(sideBack!.lost).toEqual({ min: 0, median: 0, max: 3 })
    expect(sideBack!.reread).toEqual({ min: 8, median: 11, max: 20 })
  })

  it('summarizes the reported window over the runs that reported one', () => {
    const [aloneOver, , sideOver, sideBack] = summary
    expect(aloneOver!.reportedWindow).toBeNull()
    expect(aloneOver!.windowMissing).toBe(4)
    expect(sideOver!.reportedWindow).toEqual({ min: 12, median: 25, max: 40 })
    expect(sideOver!.windowMissing).toBe(0)
    expect(sideBack!.reportedWindow).toEqual({ min: 11, median: 14, max: 20 })
    expect(sideBack!.windowMissing).toBe(1)
  })

  it('ranks never as the worst time and counts the never-runs', () => {
    const [aloneOver, , sideOver, sideBack] = summary
    expect(aloneOver!.secondsToTranslated).toEqual({ min: null, median: null, max: null, never: 4 })
    expect(sideOver!.secondsToTranslated).toEqual({ min: 2.5, median: 4.92, max: null, never: 1 })
    expect(sideBack!.secondsToTranslated).toEqual({ min: 0.9, median: 1.76, max: null, never: 1 })
  })

  it('prints the spreads in the table', () => {
    const lines = formatSummaryTable(summary).split('\n')
    expect(lines[0]).toMatch(/^setup\s+phase\s+runs\s+records lost\s+records re-read\s+reported re-read window\s+MM2 copy\s+time to translated offsets$/)
    const cells = (line: string): string[] => line.split(/ {2,}/).map((cell) => cell.trim()).filter((cell) => cell !== '')
    expect(cells(lines[1]!)).toEqual(['MM2 alone', 'failover A->B', '4', '0', '598 / 599 / 601', '-', 'never (4/4)', 'never (4/4)'])
    expect(cells(lines[3]!)).toEqual(['MM2 + mm2-failback', 'failover A->B', '4', '0 / 0 / 2', '10 / 25 / 40', '12 / 25 / 40', '0.25 s / 0.25 s / never (1/4)',
      '2.50 s / 4.92 s / never (1/4)'])
    expect(cells(lines[4]!)).toEqual([
      'MM2 + mm2-failback', 'failback B->A', '4', '0 / 0 / 3', '8 / 11 / 20', '11 / 14 / 20 (not reported 1/4)', '0.25 s / 0.25 s / never (1/4)',
      '0.90 s / 1.76 s / never (1/4)'
    ])
    expect(formatSummaryTable(summary)).toContain('the lower\nmiddle value')
    expect(formatSummaryTable(summary)).toContain('no tool can translate a position whose records are not on the cluster yet')
  })

  it('summarizes a cell over the runs that have it', () => {
    const partial = summarizeDrills([runs[0]!, [runs[1]![1]!]])
    expect(partial.map((cell) => cell.runs)).toEqual([1, 1, 2, 2])
    expect(partial[2]!.reread).toEqual({ min: 25, median: 25, max: 40 })
    expect(summarizeDrills([])).toEqual([])
  })
})

describe('formatDrillHeader', () => {
  it('names the Kafka version, the workload and the runs', () => {
    const burst = { workload: 'burst' as const, partitions: 12, counts: { consumedOnA: 20_000, pendingOnA: 10_000, producedOnB: 3_000 } }
    expect(formatDrillHeader({ kafkaVersion: '4.1.2', runs: 5, result: burst })).toBe(
      'Kafka 4.1.2, workload burst (12 partitions): 30000 records produced on A at full speed, then quiet; the group consumed the first 20000; ' +
      '3000 produced on B after A died. 5 runs.')
    const steady = { workload: 'steady' as const, partitions: 3, counts: COUNTS }
    expect(formatDrillHeader({ kafkaVersion: '3.9.2', runs: 1, result: steady })).toMatch(/^Kafka 3\.9\.2, workload steady \(3 partitions\): .* 1 run\.$/)
  })
})
