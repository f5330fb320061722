// The compatibility matrix (README "Compatibility"), each cell observed on a real lab: for each MM2 setup
// of compat-labs.ts, a lab with that mm2.properties, the sidecar as a process (`mm2-failback run`) and
// real groups failing over A->B and back B->A (compat-drill.ts). Every cell's observed outcome must equal
// what docs/compatibility.json records for the line, so a cell that starts failing, or starts passing,
// fails here until the file is updated (the failure prints the updated row); `npm run compat-table`
// then renders the file into README.md.
import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { COMPAT_CELLS, validateCompatDocument, type CompatCellId, type CompatOutcome, type CompatRow } from '../../lab/compat/cells.ts'
import { startLab, type Lab } from '../../lab/lab.ts'
import { waitFor } from '../../lab/wait.ts'
import { startSidecarProcess, type SidecarProcess } from '../../lab/process/sidecar-process.ts'
import { testedKafkaLines } from '../kafka-lines.ts'
import { runDrill, type DrillResult } from './compat-drill.ts'
import { cellOutcome, COMPAT_LABS, drillUnavailable, type CompatLab } from './compat-labs.ts'
import { fillTopic, waitCopied } from './compat-workload.ts'
import { Admins } from './safety-helpers.ts'

const LINES = testedKafkaLines()
const DOC = new URL('../../docs/compatibility.json', import.meta.url).pathname
/** How long a translated position may take to be in place, from the group's commit. */
const BOUND_MS = 30_000

const NOT_OBSERVED: CompatOutcome = { outcome: 'fail', reason: 'not observed: its lab failed' }
const recordedRow = (line: string): CompatRow | undefined => validateCompatDocument(JSON.parse(readFileSync(DOC, 'utf8'))).rows.find((row) => row.line === line)

describe.each(LINES)('compatibility matrix on Kafka %s', (kafka) => {
  const observed = new Map<CompatCellId, CompatOutcome>()
  const failedLabs: string[] = []
  let runs = ''
  const report: string[] = []
  const began = Date.now()

  /** The row docs/compatibility.json should hold for this line, from what was observed. */
  const observedRow = (): CompatRow => ({
    line: kafka,
    runs,
    cells: Object.fromEntries(COMPAT_CELLS.map((cell) => [cell.id, observed.get(cell.id) ?? NOT_OBSERVED])) as CompatRow['cells']
  })

  afterAll(() => {
    report.push(`total ${((Date.now() - began) / 1000).toFixed(1)} s`)
    console.log(`[Kafka ${kafka}] compatibility matrix:\n  ${report.join('\n  ')}\n  row: ${JSON.stringify(observedRow())}`)
  })

  it.each(COMPAT_LABS)('lab: $name', async (setup) => {
    const labBegan = Date.now()
    try {
      const { description, cells, evidence } = await runCompatLab(kafka, setup)
      runs = description
      for (const [id, outcome] of cells) observed.set(id, outcome)
      report.push(`${setup.name}: ${((Date.now() - labBegan) / 1000).toFixed(1)} s`, ...evidence.map((line) => `  ${line}`))
    } catch (error) {
      failedLabs.push(setup.name)
      report.push(`${setup.name}: failed after ${((Date.now() - labBegan) / 1000).toFixed(1)} s`)
      throw error
    }
  })

  it('runs what docs/compatibility.json says for the line', () => {
    expect(failedLabs, 'labs that did not run').toEqual([])
    const recorded = recordedRow(kafka)
    expect(recorded?.runs, `docs/compatibility.json: the row of line ${kafka} names what ran; updated row:\n${JSON.stringify(observedRow(), null, 2)}`).toBe(runs)
  })

  it.each(COMPAT_CELLS)('cell $id ($title) is as docs/compatibility.json records', (cell) => {
    const recorded = recordedRow(kafka)
    const message = `Kafka ${kafka}, ${cell.id}: observed ${JSON.stringify(observed.get(cell.id) ?? null)}, docs/compatibility.json records ` +
      `${JSON.stringify(recorded?.cells[cell.id] ?? null)}. If the observation is right, put this row into docs/compatibility.json and run ` +
      `npm run compat-table:\n${JSON.stringify(observedRow(), null, 2)}`
    expect(observed.get(cell.id), message).toEqual(recorded?.cells[cell.id])
  })
})

/** Starts the lab of one setup, runs its drills at once, and decides its cells; stops everything it started. */
async function runCompatLab (kafka: string, setup: CompatLab): Promise<{ description: string, cells: Map<CompatCellId, CompatOutcome>, evidence: string[] }> {
  const line = kafka as Lab['kafka']
  const available = setup.drills.filter((drill) => drillUnavailable(drill, line) === null)
  const results = new Map<string, DrillResult | { unavailable: string }>()
  for (const drill of setup.drills) {
    const reason = drillUnavailable(drill, line)
    if (reason !== null) results.set(drill.id, { unavailable: reason })
  }
  let lab: Lab | undefined
  let admins: Admins | undefined
  let sidecar: SidecarProcess | undefined
  try {
    // The topics exist before MM2 starts, so it copies them from their first record in its first pass.
    const fill = async (started: Lab): Promise<void> => {
      await Promise.all(available.map(async (drill) => { await fillTopic(started, drill.topic, drill.kind) }))
    }
    lab = await startLab({ kafka: line, ...setup.options, beforeMm2: fill })
    const running = lab
    admins = new Admins(running)
    const started = await startSidecarProcess({ mm2Config: running.mm2PropertiesPath!, logDir: running.logDir, name: 'sidecar-compat' })
    sidecar = started
    const [sides] = await Promise.all([
      Promise.all(available.map(async (drill) => await waitCopied(running, drill.topic, setup.remote(drill.topic), drill.kind))),
      waitFor(async () => await started.ready(), { timeoutMs: 60_000, intervalMs: 250, description: 'the sidecar to be ready' })
    ])
    const outcomes = await Promise.all(available.map(async (drill, index): Promise<DrillResult> => await runDrill({
      lab: running,
      admins: admins!,
      topic: drill.topic,
      remote: setup.remote(drill.topic),
      kind: drill.kind,
      protocol: drill.protocol,
      group: `compat-${drill.id}`,
      sides: sides[index]!,
      boundMs: BOUND_MS,
      holdMs: setup.holdMs ?? 2000
    }).catch((error: unknown) => ({ ok: false, reason: `the drill failed: ${(error as Error).message.split('\n')[0]}`, detail: String(error) }))))
    available.forEach((drill, index) => results.set(drill.id, outcomes[index]!))
    const log = readFileSync(started.logFile, 'utf8')
    const cells = new Map(Object.entries(setup.cells).map(([id, check]) => [id as CompatCellId, cellOutcome(check, results, log)]))
    const said = (result: DrillResult | { unavailable: string }): string =>
      'unavailable' in result ? `n/a (${result.unavailable})` : result.ok ? result.evidence : `FAILED ${result.reason}: ${result.detail}`
    const evidence = [...results].map(([id, result]) => `${id}: ${said(result)}`)
    if ([...results.values()].some((result) => 'ok' in result && !result.ok)) evidence.push(`sidecar log ${started.logFile}`)
    return { description: running.description, cells, evidence }
  } finally {
    await sidecar?.stop().catch(() => {})
    await admins?.close()
    await lab?.stop()
  }
}
