// Benchmark: the sidecar's catch-up on __consumer_offsets against kcat reading the same topic, in one run.
//   node bench/tail.bench.ts [--kafka 4.1] [--records 1000000] [--groups 500] [--rounds 3] [--node-options '...']
//                            [--instances 1,2,3]   (deployment sizes for the scaling part, bench/tail-instances.ts; '' skips it)
//                            [--instance-cpu 0.25] (the scaling part again with each instance limited to that many CPUs, as a
//                                                   pod's CPU limit does, through a control group; '' skips it)
//   (--node-options: NODE_OPTIONS of every sidecar process, the deployments' too, e.g. V8 heap flags or --cpu-prof;
//   --node-flags: options of its node command, e.g. V8 flags NODE_OPTIONS refuses (--trace-gc), several variants
//   separated by | measured side by side in every round, the first one in the deployments; MM2_FAILBACK_BENCH_SETTLE_S: how long
//   the sidecar is watched after readiness: RSS every 3 s, /metrics every 10 s as Prometheus would scrape it; default 15)
// One lab (A, B, MM2; __consumer_offsets with Kafka's default 50 partitions). `--records` commit records are
// written to A's __consumer_offsets with the admin API: `--groups` groups, each committing 50 partitions
// of one topic over and over, at offsets below its end (MM2 copied the topic to B first). Then, `--rounds` times, interleaved:
//   - kcat (Debian's `kcat`) reads A's __consumer_offsets from the beginning to its end (-e), output discarded;
//     wall time of the process;
//   - `mm2-failback run` (one instance, lag export off) reads and decodes every followed topic to readiness;
//     the catch-up is timed from its log ("following N topics on cluster A" to "ready: every followed topic
//     was read to its end once"), so the process start (Node, module loading) is measured apart: from spawn to
//     the first log line;
// and prints kcat's time / the sidecar's (the ratio: >= 0.8 is the goal), both in records a second, the
// sidecar's RSS and V8 heap at readiness and SETTLE_S later (the first group-sync pass runs in between: B's
// offsets of the groups are deleted before every round, so each round translates and writes all 25,000
// group-partitions, as a first deployment does), and its bytes per tracked group-partition (settled RSS over
// groups x partitions).
// Then, `--rounds` times, for each deployment size N of `--instances` (interleaved): N instances with coordination
// on, started at once, share the partitions; the deployment's catch-up throughput (records of A's
// __consumer_offsets decoded by all instances, first share dealt to last instance ready) and its speed-up over
// one instance. The instances share this machine's cores with the brokers: the speed-up is bounded by them.
// So the scaling part runs a second time (interleaved) with each instance limited to `--instance-cpu` CPUs through a
// control group of its own (bench/cpu-limit.ts), as Kubernetes limits a pod: there an instance's speed is
// its own CPU's, and the speed-up shows how the work divides. Needs write access to the cgroup filesystem;
// without it the bench says why and prints the unlimited figures only.
// Targets (printed, never asserted): ratio >= 0.8x kcat, RSS <= 256 MiB, speed-up >= 1.8x with 2 instances.
import { execFileSync, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { GroupAdmin } from '../sidecar/src/kafka/group-admin.ts'
import { withAdmin } from '../lab/clients.ts'
import { startLab, type Lab } from '../lab/lab.ts'
import { startSidecarProcess } from '../lab/process/sidecar-process.ts'
import { waitFor } from '../lab/wait.ts'
import { availableParallelism } from 'node:os'
import { deploymentRound, type DeploymentRound } from './tail-instances.ts'
import { cpuLimitUnavailable } from './cpu-limit.ts'
import { parseMetrics, total } from './prometheus-text.ts'
import { loggedReady, logLines, READY } from './sidecar-log.ts'

const { values } = parseArgs({
  options: {
    kafka: { type: 'string', default: '4.1' },
    records: { type: 'string', default: '1000000' },
    groups: { type: 'string', default: '500' },
    rounds: { type: 'string', default: '3' },
    'node-options': { type: 'string', default: '' },
    'node-flags': { type: 'string', default: '' },
    instances: { type: 'string', default: '1,2,3' },
    'instance-cpu': { type: 'string', default: '0.25' }
  }
})
const RECORDS = Number(values.records)
const GROUPS = Number(values.groups)
const ROUNDS = Number(values.rounds)
// --node-flags 'a|b': variants of the sidecar's node flags, each measured every round ('' = none).
const VARIANTS = values['node-flags'].split('|').map((variant) => variant.trim())
const label = (variant: string): string => VARIANTS.length > 1 ? ` [node ${variant === '' ? 'defaults' : variant}]` : ''
// The deployments' instances run with the first variant's node flags.
const DEPLOYMENT_NODE_FLAGS = VARIANTS[0]!.split(' ').filter(Boolean)
const DEPLOYMENT_SIZES = values.instances.split(',').map((size) => size.trim()).filter(Boolean).map(Number)
const INSTANCE_CPU = values['instance-cpu'].trim() === '' ? undefined : Number(values['instance-cpu'])
const PARTITIONS = 50
const TOPIC = 'tail-bench'
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim())

const median = (list: readonly number[]): number => {
  const sorted = [...list].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}
const triple = (list: readonly number[], digits: number, unit = ''): string =>
  `${Math.min(...list).toFixed(digits)} / ${median(list).toFixed(digits)} / ${Math.max(...list).toFixed(digits)}${unit}`

function rssMb (pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024
}

/** RSS split as the kernel counts it: anonymous (heap, buffers) and file-backed (the node binary's pages). */
function rssPartsMb (pid: number): { anon: number, file: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024
  return { anon: kb('RssAnon'), file: kb('RssFile') + kb('RssShmem') }
}

function cpuSeconds (pid: number): number {
  return statCpuSeconds(`/proc/${pid}/stat`)
}

/** The CPU of the process's main thread (the event loop: JavaScript), apart from V8's and libuv's helper threads (GC, compiler, I/O). */
function mainThreadCpuSeconds (pid: number): number {
  return statCpuSeconds(`/proc/${pid}/task/${pid}/stat`)
}

function statCpuSeconds (path: string): number {
  const stat = readFileSync(path, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK
}

/** Writes `RECORDS` commit records: each OffsetCommit of a group covers the 50 partitions (50 records). */
async function writeCommits (lab: Lab): Promise<number> {
  const admin = new GroupAdmin({ ...lab.clientOptions('A'), clientIdPrefix: 'tail-bench' }, 16)
  const requests = Math.ceil(RECORDS / PARTITIONS)
  let written = 0
  let next = 0
  try {
    const worker = async (): Promise<void> => {
      for (;;) {
        const index = next++
        if (index >= requests) return
        const group = `tail-${index % GROUPS}`
        const offset = BigInt(Math.floor(index / GROUPS) + 1)
        const offsets = Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: TOPIC, partition, offset, metadata: '' }))
        const results = await admin.commit(group, offsets)
        written += results.filter((result) => result.errorCode === 0).length
      }
    }
    await Promise.all(Array.from({ length: 32 }, async () => { await worker() }))
  } finally {
    await admin.close()
  }
  return written
}

async function kcatSeconds (lab: Lab): Promise<number> {
  const started = performance.now()
  await new Promise<void>((resolve, reject) => {
    const args = ['-C', '-b', lab.bootstrap('A'), '-t', '__consumer_offsets', '-o', 'beginning', '-e', '-q', '-f', '%o\n']
    const child = spawn('kcat', args, { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
    child.on('error', reject)
    child.on('exit', (code) => { if (code === 0) resolve(); else reject(new Error(`kcat exited with ${code}: ${stderr}`)) })
  })
  return (performance.now() - started) / 1000
}

interface SidecarRound {
  startS: number
  catchUpS: number
  rssMb: number
  cpuS: number
  heapUsedMb: number
  heapTotalMb: number
  externalMb: number
  /** RSS and V8 heap used SETTLE_S after readiness, idle (V8 collects and returns what the catch-up left). */
  settledRssMb: number
  settledHeapUsedMb: number
}

const SETTLE_S = Math.max(3, Number(process.env.MM2_FAILBACK_BENCH_SETTLE_S ?? 15))
/** How often the sidecar's /metrics is scraped while it settles: the compose example's Prometheus scrape_interval. */
const SCRAPE_S = 10

/** A gauge of Node's process metrics as the sidecar exports them, in MB. */
function processGaugeMb (metrics: string, name: string): number {
  return (parseMetrics(metrics).find((sample) => sample.name === `mm2_failback_process_${name}`)?.value ?? NaN) / 1024 / 1024
}

/**
 * Deletes the groups' offsets on B, which the previous round's group sync wrote: every round then starts as a
 * first deployment does, with 25,000 group-partitions to translate and write after readiness (otherwise only
 * the first round writes, and the later ones find B in sync).
 */
async function resetTargetGroups (lab: Lab): Promise<void> {
  const groups = Array.from({ length: GROUPS }, (_, index) => `tail-${index}`)
  await withAdmin(lab.bootstrap('B'), async (admin) => {
    await admin.deleteGroups({ groups }).catch(() => {}) // none there yet before the first round
  })
}

async function sidecarRound (lab: Lab, round: number, nodeFlags: string): Promise<SidecarRound> {
  await resetTargetGroups(lab)
  const spawnedAt = Date.now()
  const sidecar = await startSidecarProcess({
    mm2Config: lab.mm2PropertiesPath!,
    logDir: lab.logDir,
    name: `sidecar-tail-bench-${round}-v${VARIANTS.indexOf(nodeFlags) + 1}`,
    sets: ['log.level=info', 'features.lag=false', 'coordination.enabled=false', ...(process.env.BENCH_EXTRA_SET ?? '').split(',').filter(Boolean)],
    ...(values['node-options'] === '' ? {} : { env: { NODE_OPTIONS: values['node-options'] } }),
    nodeFlags: nodeFlags.split(' ').filter(Boolean)
  })
  try {
    await waitFor(() => loggedReady(sidecar.logFile), { timeoutMs: 600_000, intervalMs: 50, description: 'the sidecar to read every followed topic' })
    const pid = sidecar.child.pid!
    const lines = logLines(sidecar.logFile)
    const firstLine = Date.parse(lines[0]!.time)
    const following = Date.parse(lines.find((line) => line.msg.startsWith('following '))!.time)
    const ready = Date.parse(lines.find((line) => line.msg.startsWith(READY))!.time)
    const metrics = await sidecar.scrape()
    const atReady = { rssMb: rssMb(pid), cpuS: cpuSeconds(pid) }
    // Sampled while it settles: the group sync's first pass over every commit runs right after readiness.
    // RSS every 3 s from /proc; /metrics scraped as Prometheus would, every SCRAPE_S (a scrape of 25,000
    // series is itself an allocation of several MB, which a scrape every 3 s would add five times over).
    // The last sample is the settled one.
    const samples: Array<{ rssMb: number, heapUsedMb: number | null, applied: number | null }> = []
    let scrapedAt = 0
    let last = ''
    for (let second = 3; second <= SETTLE_S; second += 3) {
      await new Promise((resolve) => setTimeout(resolve, 3000))
      const sample: (typeof samples)[number] = { rssMb: rssMb(pid), heapUsedMb: null, applied: null }
      if (second - scrapedAt >= SCRAPE_S || second + 3 > SETTLE_S) {
        scrapedAt = second
        last = await sidecar.scrape()
        sample.applied = total(parseMetrics(last), 'mm2_failback_group_commits_applied_total')
        sample.heapUsedMb = processGaugeMb(last, 'nodejs_heap_size_used_bytes')
      }
      samples.push(sample)
    }
    const series = samples.map(({ rssMb, heapUsedMb, applied }) =>
      heapUsedMb === null ? rssMb.toFixed(0) : `${rssMb.toFixed(0)}/${heapUsedMb.toFixed(0)}/${applied}`).join(' ')
    const parts = rssPartsMb(pid)
    // `last`: the settled sample's scrape (the last sample always scrapes).
    const v8Parts = `heap total ${processGaugeMb(last, 'nodejs_heap_size_total_bytes').toFixed(0)}, external ${processGaugeMb(last, 'nodejs_external_memory_bytes').toFixed(0)}`
    const cpu = (cpuSeconds(pid) - atReady.cpuS).toFixed(1)
    console.log(`round ${round}: RSS MB every 3 s after readiness (/heap used MB/group commits applied where scraped): ${series} (last: ${parts.anon.toFixed(0)} anonymous, ${parts.file.toFixed(0)} file; ${v8Parts}); CPU ${cpu} s meanwhile`)
    const settled = samples.at(-1)!
    if (process.env.BENCH_HEAP_SNAPSHOT === '1') {
      process.kill(pid, 'SIGUSR2')
      await new Promise((resolve) => setTimeout(resolve, 20_000))
    }
    return {
      settledRssMb: settled.rssMb,
      settledHeapUsedMb: settled.heapUsedMb!,
      startS: (firstLine - spawnedAt) / 1000,
      catchUpS: (ready - following) / 1000,
      ...atReady,
      heapUsedMb: processGaugeMb(metrics, 'nodejs_heap_size_used_bytes'),
      heapTotalMb: processGaugeMb(metrics, 'nodejs_heap_size_total_bytes'),
      externalMb: processGaugeMb(metrics, 'nodejs_external_memory_bytes')
    }
  } finally {
    await sidecar.stop()
  }
}

/** A way of running the deployments: unlimited (sharing the machine's cores) or each instance limited to `cpu` CPUs. */
interface DeploymentMode { cpu: number | undefined, title: string }

// Kafka's default initial rebalance delay (the lab's brokers otherwise use 0): instances started together join one generation.
async function deploymentRounds (lab: Lab, modes: readonly DeploymentMode[]): Promise<Map<DeploymentMode, Map<number, DeploymentRound[]>>> {
  const byMode = new Map(modes.map((mode) => [mode, new Map<number, DeploymentRound[]>(DEPLOYMENT_SIZES.map((size) => [size, []]))]))
  for (let round = 1; round <= ROUNDS; round++) {
    for (const mode of modes) {
      for (const size of DEPLOYMENT_SIZES) {
        const result = await deploymentRound(lab, size, round, { rssMb, cpuSeconds, mainThreadCpuSeconds }, mode.cpu, {
          options: values['node-options'],
          flags: DEPLOYMENT_NODE_FLAGS
        })
        byMode.get(mode)!.get(size)!.push(result)
        const each = result.instances.map((i) => `${i.partitions} partitions ${i.records} records ${i.catchUpS.toFixed(2)} s CPU ${i.cpuS.toFixed(1)} s (${i.windowCpuS.toFixed(2)} s in the window, ${i.windowMainCpuS.toFixed(2)} s of it on the main thread; read ${Object.entries(i.readAtS).map(([c, s]) => `${c} ${s.toFixed(2)}`).join(' ')}) RSS ${i.rssMb.toFixed(0)} MB`)
        const limited = mode.cpu === undefined ? '' : ` (${mode.cpu} CPU each)`
        console.log(`round ${round}, ${size} instance(s)${limited}: ${result.wallS.toFixed(2)} s, ${result.records} records; ${each.join(' | ')}`)
      }
    }
  }
  return byMode
}

function printDeployments (mode: DeploymentMode, bySize: Map<number, DeploymentRound[]>, written: number): void {
  const one = bySize.get(1)
  console.log()
  console.log(`Deployments sharing A's __consumer_offsets (coordination on), ${mode.title}, ${ROUNDS} rounds each, min / median / max`)
  for (const [size, rounds] of bySize) {
    const throughput = rounds.map((round) => round.records / round.wallS / 1000)
    const speedUp = one === undefined ? '' : `  speed-up over 1: ${triple(rounds.map((round, index) => one[index]!.wallS / round.wallS), 2, 'x')}`
    const cpu = rounds.map((round) => round.instances.reduce((sum, instance) => sum + instance.cpuS, 0))
    const windowCpu = rounds.map((round) => round.instances.reduce((sum, instance) => sum + instance.windowCpuS, 0))
    const windowMainCpu = rounds.map((round) => round.instances.reduce((sum, instance) => sum + instance.windowMainCpuS, 0))
    console.log(`  ${size} instance(s): catch-up ${triple(rounds.map((round) => round.wallS), 2, ' s')}  (${triple(throughput, 0, ' k records/s')})${speedUp}`)
    console.log(`      records decoded by all / written: ${triple(rounds.map((round) => round.records / written), 3)}; CPU of all, start included ${triple(cpu, 1, ' s')}, ` +
      `first share to ready ${triple(windowCpu, 2, ' s')} (main thread ${triple(windowMainCpu, 2, ' s')}; the rest is V8's GC and compiler threads); ` +
      `RSS per instance ${triple(rounds.flatMap((round) => round.instances.map((instance) => instance.rssMb)), 0, ' MB')}`)
  }
  const two = bySize.get(2)
  if (one !== undefined && two !== undefined) {
    const median2 = median(two.map((round, index) => one[index]!.wallS / round.wallS))
    console.log(`  speed-up with 2 instances target >= 1.8x: ${median2 >= 1.8 ? 'met' : 'NOT met'} (median ${median2.toFixed(2)}x)`)
  }
}

// MM2 neither checkpoints nor syncs the groups (the lab does both every 5 s): B would otherwise gain 50,000
// records every 5 s, and the sidecar, which reads both clusters, would be timed on a log kcat never reads.
const lab = await startLab({
  kafka: values.kafka,
  brokerProps: { 'offsets.topic.num.partitions': PARTITIONS, 'group.initial.rebalance.delay.ms': 3000 },
  mm2Props: { 'emit.checkpoints.enabled': 'false', 'sync.group.offsets.enabled': 'false' }
})
try {
  execFileSync('kcat', ['-V'], { stdio: 'ignore' })
  await lab.createTopic('A', TOPIC, PARTITIONS)
  // Records under every committed offset, copied by MM2 to B: the commits are ordinary ones, and the group
  // sync pass after readiness translates and writes them (commits beyond a log's end would be proven again
  // and again while the sidecar waits for MM2 to copy records that never come).
  const perPartition = Math.ceil(RECORDS / PARTITIONS / GROUPS) + 10
  await lab.produce('A', TOPIC, Array.from({ length: perPartition * PARTITIONS }, (_, index) => ({ value: `r${index}`, partition: index % PARTITIONS })))
  const copied = async (): Promise<boolean> =>
    (await lab.endOffsets('B', `A.${TOPIC}`).catch(() => [])).reduce((sum, end) => sum + end, 0n) >= BigInt(perPartition * PARTITIONS)
  await waitFor(copied, { timeoutMs: 120_000, intervalMs: 500, description: `MM2 to copy ${TOPIC} to B` })
  const writeStarted = performance.now()
  const written = await writeCommits(lab)
  console.log(`wrote ${written} commit records (${GROUPS} groups x ${PARTITIONS} partitions) in ${((performance.now() - writeStarted) / 1000).toFixed(1)} s`)
  const kcat: number[] = []
  const byVariant = new Map<string, SidecarRound[]>(VARIANTS.map((variant) => [variant, []]))
  // Warm the page cache and the broker once, so the first timed reader is not the one that pays for it.
  await kcatSeconds(lab)
  for (let round = 1; round <= ROUNDS; round++) {
    kcat.push(await kcatSeconds(lab))
    for (const variant of VARIANTS) {
      const result = await sidecarRound(lab, round, variant)
      byVariant.get(variant)!.push(result)
      console.log(`round ${round}${label(variant)}: kcat ${kcat.at(-1)!.toFixed(2)} s, sidecar catch-up ${result.catchUpS.toFixed(2)} s ` +
        `(process start ${result.startS.toFixed(2)} s), RSS ${result.rssMb.toFixed(0)} MB`)
    }
  }
  const tracked = GROUPS * PARTITIONS
  console.log()
  console.log(`__consumer_offsets catch-up, ${lab.description}: ${written} commit records, ${tracked} group-partitions; ${ROUNDS} rounds, min / median / max`)
  console.log(`  kcat -C -e, wall time                    ${triple(kcat, 2, ' s')}  (${triple(kcat.map((seconds) => written / seconds / 1000), 0, ' k records/s')})`)
  for (const [variant, sidecar] of byVariant) {
    if (VARIANTS.length > 1) console.log(` sidecar${label(variant)}:`)
    const ratios = kcat.map((seconds, index) => seconds / sidecar[index]!.catchUpS)
    console.log(`  sidecar: read, decode, index to ready     ${triple(sidecar.map((round) => round.catchUpS), 2, ' s')}  (${triple(sidecar.map((round) => written / round.catchUpS / 1000), 0, ' k records/s')})`)
    console.log(`  sidecar: process start (apart)            ${triple(sidecar.map((round) => round.startS), 2, ' s')}`)
    console.log(`  ratio kcat time / sidecar time            ${triple(ratios, 2, 'x')}   target >= 0.8x: ${median(ratios) >= 0.8 ? 'met' : 'NOT met'} (median)`)
    const settled = sidecar.map((round) => round.settledRssMb)
    console.log(`  sidecar RSS at readiness                  ${triple(sidecar.map((round) => round.rssMb), 0, ' MB')}`)
    console.log(`  sidecar RSS ${SETTLE_S} s after, idle              ${triple(settled, 0, ' MB')}   target <= 256 MiB: ${Math.max(...settled) <= 256 * 1.048576 ? 'met' : 'NOT met'} (every round)`)
    console.log(`  V8 heap used ${SETTLE_S} s after, idle             ${triple(sidecar.map((round) => round.settledHeapUsedMb), 0, ' MB')}`)
    console.log(`  bytes per tracked group-partition         ${triple(settled.map((mb) => mb * 1024 * 1024 / tracked), 0, ' B')} (whole settled RSS / group-partitions)`)
    console.log(`  at readiness: V8 heap used / heap total   ${triple(sidecar.map((round) => round.heapUsedMb), 0, ' MB')} / ${triple(sidecar.map((round) => round.heapTotalMb), 0, ' MB')}`)
    console.log(`  at readiness: external (Buffers)          ${triple(sidecar.map((round) => round.externalMb), 0, ' MB')}`)
    console.log(`  sidecar CPU to ready (start included)     ${triple(sidecar.map((round) => round.cpuS), 2, ' s')}`)
  }
  if (DEPLOYMENT_SIZES.length > 0) {
    const modes: DeploymentMode[] = [{ cpu: undefined, title: `no CPU limit, ${availableParallelism()} cores shared with the brokers` }]
    const unavailable = INSTANCE_CPU === undefined ? null : cpuLimitUnavailable()
    if (INSTANCE_CPU !== undefined && unavailable === null) {
      modes.push({ cpu: INSTANCE_CPU, title: `each instance limited to ${INSTANCE_CPU} CPU (a control group, as a pod's CPU limit)` })
    }
    const byMode = await deploymentRounds(lab, modes)
    for (const [mode, bySize] of byMode) printDeployments(mode, bySize, written)
    if (unavailable !== null) console.log(`\n  deployments with a CPU limit per instance not measured: ${unavailable}`)
  }
} finally {
  await lab.stop()
}
