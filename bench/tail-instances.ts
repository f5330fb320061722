// bench:tail's scaling part: N instances of one deployment (coordination on, the default) started at once
// share A's __consumer_offsets through their consumer group; each reads and decodes only the partitions
// it owns. Per instance: the partitions of A it was dealt, the records it decoded, the time from its first
// share (its log lines "cluster A|B: this instance now mirrors the groups stored in ...": readiness waits for
// both clusters' shares to be read, so the window opens at the earlier of the two) to its readiness, its CPU.
// The deployment's catch-up time is from the first share dealt to the last instance ready; its throughput
// is the records decoded by all instances over that time. The lab's brokers keep Kafka's default
// group.initial.rebalance.delay.ms (3 s), so instances started together are dealt their shares in one
// generation, as in a rollout; the join itself is outside the measured time.
// With `cpuLimit`, each instance runs in a control group of its own limited to that many CPUs, as a pod's
// `resources.limits.cpu` limits it (bench/cpu-limit.ts): the instances' speed then depends on their own
// CPU, not on what the brokers that share this machine's cores leave them.
import type { Lab } from '../lab/lab.ts'
import { CpuLimit } from './cpu-limit.ts'
import { startSidecarProcess, type SidecarProcess } from '../lab/process/sidecar-process.ts'
import { waitFor } from '../lab/wait.ts'
import { parseMetrics, total } from './prometheus-text.ts'
import { loggedReady, logLines, READY, type LogLine } from './sidecar-log.ts'

export interface InstanceFigures {
  partitions: number
  records: number
  catchUpS: number
  cpuS: number
  /** CPU from its first share to its readiness: what the catch-up itself cost (sampled every 20 ms). */
  windowCpuS: number
  /**
   * Of that, the main thread's (JavaScript); the rest is V8's and libuv's helper threads (GC, compiler, I/O).
   * Both come from the kernel's tick accounting, which splits a thread's and the process's time each on its
   * own: over a window this short the two can disagree by a tick or more (the main thread's may read higher).
   */
  windowMainCpuS: number
  rssMb: number
  /** Per cluster, when its share of __consumer_offsets was read to its end, seconds after the window opened (its log line). */
  readAtS: Record<string, number>
}

export interface DeploymentRound {
  instances: InstanceFigures[]
  /** First share dealt to last instance ready, seconds. */
  wallS: number
  records: number
}

const SHARE = /^cluster (\S+): this instance now mirrors the groups stored in /
const SHARE_READ = /^cluster (\S+): __consumer_offsets read to its end /

export async function deploymentRound (
  lab: Lab,
  count: number,
  round: number,
  probes: { rssMb: (pid: number) => number, cpuSeconds: (pid: number) => number, mainThreadCpuSeconds: (pid: number) => number },
  cpuLimit?: number,
  node: { options: string, flags: string[] } = { options: '', flags: [] }
): Promise<DeploymentRound> {
  const sidecars: SidecarProcess[] = []
  const limits: CpuLimit[] = []
  const tag = cpuLimit === undefined ? '' : `-cpu${cpuLimit}`
  try {
    const started = await Promise.all(Array.from({ length: count }, async (_, index) => {
      const name = `sidecar-tail-bench-n${count}${tag}-r${round}-${index + 1}`
      const limit = cpuLimit === undefined ? undefined : new CpuLimit(`mm2-failback-bench-${process.pid}-${name}`, cpuLimit)
      if (limit !== undefined) limits.push(limit)
      return await startSidecarProcess({
        mm2Config: lab.mm2PropertiesPath!,
        logDir: lab.logDir,
        name,
        // A deployment of its own per round (a fresh group), so no member of an earlier round is waited for.
        sets: ['log.level=info', 'features.lag=false', `coordination.groupId=__mm2-failback-bench-n${count}${tag}-r${round}`],
        onSpawn: (pid) => { limit?.add(pid) },
        nodeFlags: node.flags,
        ...(node.options === '' ? {} : { env: { NODE_OPTIONS: node.options } })
      })
    }))
    sidecars.push(...started)
    const figures: Array<InstanceFigures & { sharedAt: number, readyAt: number }> = []
    await Promise.all(sidecars.map(async (sidecar) => {
      const pid = sidecar.child.pid!
      // CPU sampled every 20 ms while waiting, to tell what the window cost from what the start and the join did.
      const samples: Array<{ at: number, cpuS: number, mainS: number }> = []
      const sampler = setInterval(() => { samples.push({ at: Date.now(), cpuS: probes.cpuSeconds(pid), mainS: probes.mainThreadCpuSeconds(pid) }) }, 20)
      try {
        await waitFor(() => loggedReady(sidecar.logFile), { timeoutMs: 600_000, intervalMs: 50, description: `instance ${sidecar.logFile} to be ready` })
      } finally {
        clearInterval(sampler)
      }
      const cpuS = probes.cpuSeconds(pid)
      const rssMb = probes.rssMb(pid)
      const records = total(parseMetrics(await sidecar.scrape()), 'mm2_failback_records_decoded_total', { kafka_cluster: 'A', record_type: 'consumer-offsets' })
      const lines = logLines(sidecar.logFile)
      const readyAt = Date.parse(lines.find((line) => line.msg.startsWith(READY))!.time)
      // Per cluster, the share this instance was reading when it became ready (the last one dealt before).
      const shares = new Map<string, LogLine>()
      for (const line of lines) {
        const cluster = SHARE.exec(line.msg)?.[1]
        if (cluster !== undefined && Date.parse(line.time) <= readyAt) shares.set(cluster, line)
      }
      // An instance reads on every cluster the partitions it owns on any cluster, so one whose share of B was dealt
      // first can read those partitions of A, and be ready, before A's group deals it the same share there.
      const share = shares.get('A') ?? [...shares.values()][0]
      if (share === undefined) throw new Error(`${sidecar.logFile}: ready without a share of __consumer_offsets on any cluster`)
      const sharedAt = Math.min(...[...shares.values()].map((line) => Date.parse(line.time)))
      const atShare = samples.filter((sample) => sample.at <= sharedAt).at(-1) ?? { cpuS: 0, mainS: 0 }
      const atReady = samples.find((sample) => sample.at >= readyAt) ?? { cpuS, mainS: probes.mainThreadCpuSeconds(pid) }
      const windowCpuS = atReady.cpuS - atShare.cpuS
      const windowMainCpuS = atReady.mainS - atShare.mainS
      const readAtS: Record<string, number> = {}
      for (const line of lines) {
        const cluster = SHARE_READ.exec(line.msg)?.[1]
        const at = Date.parse(line.time)
        if (cluster !== undefined && at >= sharedAt && at <= readyAt) readAtS[cluster] = (at - sharedAt) / 1000
      }
      const catchUpS = (readyAt - sharedAt) / 1000
      figures.push({ partitions: share.partitions ?? 0, records, catchUpS, cpuS, windowCpuS, windowMainCpuS, rssMb, readAtS, sharedAt, readyAt })
    }))
    const wallS = (Math.max(...figures.map((f) => f.readyAt)) - Math.min(...figures.map((f) => f.sharedAt))) / 1000
    return {
      instances: figures.map(({ sharedAt: _s, readyAt: _r, ...rest }) => rest).sort((a, b) => b.partitions - a.partitions),
      wallS,
      records: figures.reduce((sum, f) => sum + f.records, 0)
    }
  } finally {
    await Promise.all(sidecars.map(async (sidecar) => { await sidecar.stop() }))
    for (const limit of limits) await limit.remove()
  }
}
