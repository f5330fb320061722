// `npm run demo`: the failover/failback drill on a local two-cluster lab with a real, unmodified
// MirrorMaker 2, first with MM2 alone and then with MM2 + mm2-failback (each on a fresh lab, so the
// first drill's outage cannot affect the second), and a table comparing them. With --runs N the
// whole drill runs N times (two fresh labs per run) and the table shows min / median / max per cell.
import { parseArgs } from 'node:util'
import { recordCurrentLab, stopKeptLabCommand } from '../lab/current.ts'
import { startLab, type Lab } from '../lab/lab.ts'
import { parseKafkaLine } from '../lab/versions.ts'
import { DRILL_WORKLOADS, formatDrillTable, runDrill, WORKLOAD_DEFAULTS, type DrillResult, type DrillWorkload } from '../lab/drill/drill.ts'
import { formatDrillHeader, formatSummaryTable, summarizeDrills } from '../lab/drill/summary.ts'
import { startSidecarProcess, type SidecarProcess } from '../lab/process/sidecar-process.ts'

const USAGE = `Usage: npm run demo -- [--runs N] [--workload steady|burst] [--kafka 3.9|4.1|4.4] [--keep]

Runs the failover/failback drill with MM2 alone and with MM2 + mm2-failback, each on a fresh local lab
(two KRaft clusters A and B and a real MirrorMaker 2), and prints a table comparing them.

  --runs N         run the whole drill N times (default 1), each on fresh labs; the table then shows
                   min / median / max over the runs per cell (median of an even N: the lower middle value)
  --workload W     steady (default): ${describe('steady')}
                   burst: ${describe('burst')}
  --kafka V        Kafka and MirrorMaker 2 version line: 3.9, 4.1 or 4.4 (default 4.1; 4.4 runs
                   Kafka 4.4.0 brokers with MM2 4.3.1, the newest MM2 on Maven Central)
  --keep           leave the last run's second lab and the sidecar running (it prints the command that stops them)
  -h, --help       print this help
`

function describe (workload: DrillWorkload): string {
  const { partitions, counts } = WORKLOAD_DEFAULTS[workload]
  return workload === 'burst'
    ? `${counts.consumedOnA + counts.pendingOnA} records over ${partitions} partitions at full speed, then quiet;\n` +
      `                   the group consumes ${counts.consumedOnA} of them on A; ${counts.producedOnB} produced on B after A dies`
    : `${counts.consumedOnA} records over ${partitions} partitions, consumed on A; ${counts.pendingOnA} more;\n` +
      `                   ${counts.producedOnB} produced on B after A dies`
}

function usageError (message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}`)
  process.exit(2)
}

let parsed
try {
  parsed = parseArgs({
    options: {
      kafka: { type: 'string', default: '4.1' },
      keep: { type: 'boolean', default: false },
      runs: { type: 'string', default: '1' },
      workload: { type: 'string', default: 'steady' },
      help: { type: 'boolean', short: 'h', default: false }
    }
  })
} catch (error) {
  usageError(error instanceof Error ? error.message : String(error))
}
const { values } = parsed
if (values.help) {
  process.stdout.write(USAGE)
  process.exit(0)
}
const runs = Number(values.runs)
if (!/^\d+$/.test(values.runs) || !Number.isSafeInteger(runs) || runs < 1) usageError(`--runs must be a positive integer, not "${values.runs}"`)
if (!(DRILL_WORKLOADS as readonly string[]).includes(values.workload)) {
  usageError(`--workload must be one of ${DRILL_WORKLOADS.join(', ')}, not "${values.workload}"`)
}
try {
  parseKafkaLine(values.kafka)
} catch (error) {
  usageError(error instanceof Error ? error.message : String(error))
}
const workload = values.workload as DrillWorkload

let prefix = ''
const log = (line: string): void => { process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${prefix}${line}\n`) }
let kafkaVersion = values.kafka

async function withLab (persistent: boolean, fn: (lab: Lab) => Promise<void>): Promise<void> {
  log(`starting a Kafka ${values.kafka} lab: clusters A and B (KRaft) and MirrorMaker 2 with flows A->B and B->A`)
  const lab = await startLab({ kafka: values.kafka, persistent })
  kafkaVersion = lab.description.replace(/^Kafka /, '')
  log(`lab up in ${(lab.startupMs / 1000).toFixed(1)} s: A=${lab.bootstrap('A')} B=${lab.bootstrap('B')}; mm2.properties ${lab.mm2PropertiesPath}`)
  let failed = false
  try {
    await fn(lab)
  } catch (error) {
    failed = true
    process.stderr.write(`demo failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n${lab.logTails(30)}\n`)
    throw error
  } finally {
    if (!persistent || failed) await lab.stop()
  }
}

/** One run of the drill: MM2 alone on a fresh lab, then MM2 + mm2-failback on another. */
async function runOnce (keep: boolean): Promise<DrillResult[]> {
  const results: DrillResult[] = []
  await withLab(false, async (lab) => {
    results.push(await runDrill(lab, { mode: 'mm2-alone', topic: 'orders', group: 'billing', workload, log }))
  })
  await withLab(keep, async (lab) => {
    log('starting mm2-failback beside MM2 (same mm2.properties)')
    let sidecar: SidecarProcess | undefined
    let kept = false
    try {
      sidecar = await startSidecarProcess({ mm2Config: lab.mm2PropertiesPath!, logDir: lab.logDir, outlive: keep })
      if (keep) lab.attach('sidecar', sidecar.child.pid!)
      log(`mm2-failback serving ${sidecar.url}/metrics; log ${sidecar.logFile}`)
      results.push(await runDrill(lab, { mode: 'mm2+sidecar', topic: 'orders', group: 'billing', workload, log, scrapeSidecar: sidecar.scrape }))
      if (keep) {
        recordCurrentLab(lab.runDir)
        log(`left running: the lab (A=${lab.bootstrap('A')} B=${lab.bootstrap('B')}) and the sidecar (pid ${sidecar.child.pid}, ${sidecar.url}); ` +
          `stop them with: ${stopKeptLabCommand(lab.runDir)}`)
        kept = true
      }
    } finally {
      // A failed run stops its lab (withLab), so its sidecar goes too, kept or not.
      if (!kept) await sidecar?.stop()
    }
  })
  return results
}

const completed: DrillResult[][] = []
let failedRun: number | undefined
for (let run = 1; run <= runs; run++) {
  if (runs > 1) {
    prefix = `[run ${run}/${runs}] `
    log(`workload ${workload}`)
  }
  try {
    completed.push(await runOnce(values.keep && run === runs))
  } catch {
    failedRun = run
    break
  }
}
prefix = ''

if (completed.length > 0) {
  const header = formatDrillHeader({ kafkaVersion, runs: completed.length, result: completed[0]![0]! })
  const table = completed.length === 1 && runs === 1 ? formatDrillTable(completed[0]!) : formatSummaryTable(summarizeDrills(completed))
  process.stdout.write(`\n${header}\n${table}\n`)
  if (failedRun !== undefined) process.stdout.write(`Run ${failedRun} of ${runs} failed (see above); the table covers the ${completed.length} runs before it.\n\n`)
  process.stdout.write('MM2 alone cannot translate failback: flow B->A never replicates A.orders back (a cycle), so no offset\n' +
    'syncs exist for it and MM2 (>= 3.3) emits no checkpoint; the group resumes on A at its stale offset.\n' +
    'With mm2-failback, A->B syncs are inverted into flow B->A\'s offset-syncs topic (MM2 then checkpoints\n' +
    'A.orders back to orders) and every group commit is mirrored to the other cluster, at the position proven\n' +
    'record by record (translation.mode exact) as soon as MM2 has copied the records up to it. Where no proof\n' +
    'holds, MM2\'s conservative rounding is used and the reported re-read window bounds what is read twice.\n')
}
if (failedRun !== undefined) process.exitCode = 1
