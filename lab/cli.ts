// npm run lab -- up|down|status [--kafka 3.9|4.1|4.4] [--mm2-prop k=v ...]
//
//   up      start clusters A and B and MM2, print where everything is, and return; the JVMs keep
//           running (PIDs in <runDir>/lab.json, the run dir in .lab/current). --foreground stays
//           attached and stops the lab on Ctrl-C.
//   down    stop the lab recorded in .lab/current (or --run-dir, or --all labs under .lab/runs).
//   status  show PIDs, ports, RSS and the mm2.properties path of that lab.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import yargs from 'yargs'
import { hideBin } from 'yargs/helpers'
import { parsePropertyArgs } from './config.ts'
import { isAlive, readMemory, stopPid } from './jvm.ts'
import { STATE_FILE, startLab, type LabState } from './lab.ts'
import { isListening } from './net.ts'
import { KAFKA_LINES, parseKafkaLine } from './versions.ts'
import { currentRunDir, forgetCurrentLab, LAB_ROOT, recordCurrentLab } from './current.ts'

function readState (runDir: string): LabState {
  const file = join(runDir, STATE_FILE)
  if (!existsSync(file)) throw new Error(`No ${STATE_FILE} in ${runDir}; is it a lab run directory?`)
  return JSON.parse(readFileSync(file, 'utf8')) as LabState
}

function statePids (state: LabState): Array<[string, number]> {
  const pids: Array<[string, number]> = []
  for (const attached of state.attached ?? []) if (attached.pid) pids.push([attached.name, attached.pid])
  if (state.mm2?.pid) pids.push(['mm2', state.mm2.pid])
  for (const [alias, c] of Object.entries(state.clusters)) if (c.pid) pids.push([`broker-${alias}`, c.pid])
  return pids
}

async function down (runDir: string, keepData: boolean): Promise<void> {
  const state = readState(runDir)
  // Attached processes (a kept sidecar) first, then MM2, then the brokers; each PID is checked against the run dir before it is signalled.
  for (const [name, pid] of statePids(state)) {
    const result = await stopPid(pid, runDir)
    console.log(`${name} pid ${pid}: ${result}`)
  }
  if (!keepData) for (const c of Object.values(state.clusters)) rmSync(c.dataDir, { recursive: true, force: true })
  for (const c of Object.values(state.clusters)) c.pid = null
  if (state.mm2) state.mm2.pid = null
  for (const attached of state.attached ?? []) attached.pid = null
  writeFileSync(join(runDir, STATE_FILE), JSON.stringify(state, null, 2) + '\n')
  forgetCurrentLab(runDir)
  console.log(`lab in ${runDir} is down (logs kept in ${state.logDir})`)
}

async function status (runDir: string): Promise<void> {
  const state = readState(runDir)
  console.log(`Kafka ${state.version} lab in ${runDir}`)
  console.log(`  mm2.properties: ${state.mm2PropertiesPath ?? '(no MM2)'}`)
  console.log(`  logs:           ${state.logDir}`)
  let total = 0
  for (const [name, pid] of statePids(state)) {
    const mem = isAlive(pid) ? readMemory(pid) : undefined
    total += mem?.rssBytes ?? 0
    console.log(`  ${name.padEnd(10)} pid ${pid} ${mem ? `running, RSS ${mib(mem.rssBytes)}, peak ${mib(mem.hwmBytes)}` : 'NOT RUNNING'}`)
  }
  for (const [alias, c] of Object.entries(state.clusters)) {
    const up = await isListening(c.clientPort)
    console.log(`  cluster ${alias}: bootstrap ${c.bootstrapServers} (${up ? 'listening' : 'not listening'}), controller port ${c.controllerPort}`)
  }
  console.log(`  total RSS ${mib(total)}`)
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`

await yargs(hideBin(process.argv))
  .scriptName('npm run lab --')
  .command('up', 'start the lab (clusters A, B and MirrorMaker 2) and leave it running', y => y
    .option('kafka', {
      type: 'string',
      default: '3.9',
      coerce: (v: string | number) => parseKafkaLine(String(v)),
      describe: `Kafka line (${KAFKA_LINES.join(' or ')})`
    })
    .option('mm2-prop', { type: 'string', array: true, default: [] as string[], describe: 'extra mm2.properties entry k=v (repeatable)' })
    .option('broker-prop', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'extra server.properties entry k=v for every broker (repeatable)'
    })
    .option('clusters', { type: 'string', default: 'A,B', describe: 'comma-separated cluster aliases' })
    .option('mm2', { type: 'boolean', default: true, describe: 'start MirrorMaker 2 (--no-mm2: only the clusters)' })
    .option('foreground', { type: 'boolean', default: false, describe: 'stay attached; Ctrl-C stops the lab' }),
  async argv => {
    const lab = await startLab({
      kafka: argv.kafka,
      clusters: argv.clusters.split(',').map(s => s.trim()).filter(Boolean),
      mm2: argv.mm2,
      mm2Props: parsePropertyArgs(argv['mm2-prop']),
      brokerProps: parsePropertyArgs(argv['broker-prop']),
      persistent: !argv.foreground
    })
    recordCurrentLab(lab.runDir)
    console.log(`Kafka ${lab.version} lab up in ${(lab.startupMs / 1000).toFixed(1)} s: ${lab.runDir}`)
    for (const [alias, c] of Object.entries(lab.clusters)) console.log(`  ${alias}: ${c.bootstrapServers} (pid ${c.jvm.pid})`)
    if (lab.mm2) console.log(`  mm2: pid ${lab.mm2.jvm.pid}, properties ${lab.mm2PropertiesPath}`)
    console.log(`  logs: ${lab.logDir}`)
    console.log(`  peak RSS so far: ${mib(lab.peakRssBytes())}`)
    if (argv.foreground) {
      console.log('Ctrl-C stops the lab.')
      await new Promise<void>(resolve => {
        const stop = () => { resolve() }
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
      })
      await lab.stop()
      forgetCurrentLab(lab.runDir)
      console.log('lab stopped')
    } else {
      console.log('Stop it with: npm run lab -- down')
    }
  })
  .command('down', 'stop a lab started by `up`', y => y
    .option('run-dir', { type: 'string', describe: 'run directory (default: the one in .lab/current)' })
    .option('all', { type: 'boolean', default: false, describe: 'stop every lab under .lab/runs that still has live JVMs' })
    .option('keep-data', { type: 'boolean', default: false, describe: 'keep the brokers\' data directories' }),
  async argv => {
    if (argv.all) {
      const runs = existsSync(join(LAB_ROOT, 'runs')) ? readdirSync(join(LAB_ROOT, 'runs')).map(d => join(LAB_ROOT, 'runs', d)) : []
      for (const runDir of runs) {
        if (!existsSync(join(runDir, STATE_FILE))) continue
        if (statePids(readState(runDir)).some(([, pid]) => isAlive(pid))) await down(runDir, argv['keep-data'])
      }
      return
    }
    await down(currentRunDir(argv['run-dir']), argv['keep-data'])
  })
  .command('status', 'show the lab recorded in .lab/current', y => y
    .option('run-dir', { type: 'string', describe: 'run directory (default: the one in .lab/current)' }),
  async argv => { await status(currentRunDir(argv['run-dir'])) })
  .demandCommand(1, 'Name a command: up, down or status.')
  .strict()
  .fail((message, error) => {
    console.error(error ? `lab: ${error.message}` : `lab: ${message} (see npm run lab -- --help)`)
    process.exit(error ? 1 : 2)
  })
  .help()
  .parseAsync()
