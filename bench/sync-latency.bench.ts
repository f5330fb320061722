// Benchmark: commit-to-translated-commit latency, mm2-failback's event-driven group sync
// against MM2's own checkpoint + sync.group.offsets path, measured in the same run on one lab.
//   node bench/sync-latency.bench.ts [--kafka 4.1] [--commits 40]
// Group `bench-sidecar` is synced by the sidecar; group `bench-mm2` is excluded from the sidecar
// (groupSync.exclude), so only MM2 moves it. Each round produces 20 records, waits until MM2 has
// written an offset sync for the last one (so both paths can translate the new end exactly), then
// commits both groups on A at the end and times how long until cluster B shows a new offset for
// each. Prints p50/p99 and the ratio.
import { parseArgs } from 'node:util'
import { GroupAdmin } from '../sidecar/src/kafka/group-admin.ts'
import { startSidecar } from '../sidecar/src/engine/sidecar-process.ts'
import { startLab } from '../lab/lab.ts'
import { waitFor } from '../lab/wait.ts'
import { produceSequence } from '../lab/drill/workload.ts'

const { values } = parseArgs({ options: { kafka: { type: 'string', default: '4.1' }, commits: { type: 'string', default: '40' } } })
const rounds = Number(values.commits)
const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!

const lab = await startLab({ kafka: values.kafka })
const running = await startSidecar({
  mm2ConfigPath: lab.mm2PropertiesPath!,
  sets: ['metrics.port=0', 'groupSync.exclude=bench-mm2', 'log.level=warn'],
  write: () => {}
})
const adminA = new GroupAdmin({ alias: 'A', bootstrapServers: [lab.bootstrap('A')] })
const adminB = new GroupAdmin({ alias: 'B', bootstrapServers: [lab.bootstrap('B')] })
try {
  await lab.createTopic('A', 'bench', 1)
  await waitFor(() => running.daemon.isReady, { timeoutMs: 60_000, description: 'sidecar readiness' })
  const latencies: Record<'sidecar' | 'mm2', number[]> = { sidecar: [], mm2: [] }
  const missed: Record<'sidecar' | 'mm2', number> = { sidecar: 0, mm2: 0 }
  for (let round = 1; round <= rounds; round++) {
    const offset = BigInt(round * 20)
    await produceSequence(lab.bootstrap('A'), 'bench', 'A', (round - 1) * 20, 20, 1)
    // MM2 writes a sync for the last record at its next offset flush (5 s in the lab).
    const syncedUpTo = (): bigint => running.daemon.index.findFlow('A', 'B')?.find('bench', 0)?.latest()?.upstreamOffset ?? -1n
    await waitFor(() => syncedUpTo() >= offset - 1n, { timeoutMs: 30_000, description: `MM2's offset sync for bench-0 at ${offset - 1n}` })
    const before = new Map<string, bigint | undefined>()
    for (const group of ['bench-sidecar', 'bench-mm2']) {
      before.set(group, (await adminB.committedOffsets(group)).find((entry) => entry.topic === 'A.bench')?.offset)
    }
    const start = performance.now()
    await Promise.all(['bench-sidecar', 'bench-mm2'].map(async (group) => await adminA.commit(group, [{ topic: 'bench', partition: 0, offset, metadata: '' }])))
    const done = new Set<string>()
    const deadline = start + 15_000
    while (done.size < 2 && performance.now() < deadline) {
      for (const [group, path] of [['bench-sidecar', 'sidecar'], ['bench-mm2', 'mm2']] as const) {
        if (done.has(group)) continue
        const now = (await adminB.committedOffsets(group)).find((entry) => entry.topic === 'A.bench')?.offset
        if (now !== undefined && now !== before.get(group)) {
          latencies[path].push((performance.now() - start) / 1000)
          done.add(group)
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    if (!done.has('bench-sidecar')) missed.sidecar++
    if (!done.has('bench-mm2')) missed.mm2++
    process.stdout.write(`round ${round}/${rounds}: sidecar ${latencies.sidecar.at(-1)?.toFixed(3) ?? '-'} s, MM2 ${done.has('bench-mm2') ? latencies.mm2.at(-1)!.toFixed(3) + ' s' : 'not within 15 s'}\n`)
  }
  const line = (path: 'sidecar' | 'mm2'): string => {
    const sorted = [...latencies[path]].sort((a, b) => a - b)
    return sorted.length === 0 ? 'no translated commit seen' : `p50 ${percentile(sorted, 0.5).toFixed(3)} s, p99 ${percentile(sorted, 0.99).toFixed(3)} s over ${sorted.length} commits (${missed[path]} not seen within 15 s)`
  }
  const p99 = (path: 'sidecar' | 'mm2'): number => percentile([...latencies[path]].sort((a, b) => a - b), 0.99)
  console.log(`commit-to-translated-commit latency, ${lab.description}, ${rounds} commits`)
  console.log(`  baseline MM2 checkpoint + sync.group.offsets (emit.checkpoints 5 s, sync 5 s): ${line('mm2')}`)
  console.log(`  mm2-failback group sync: ${line('sidecar')}`)
  if (latencies.sidecar.length > 0 && latencies.mm2.length > 0) console.log(`  ratio p99 sidecar / MM2: ${(p99('sidecar') / p99('mm2')).toFixed(3)}x`)
  console.log(`  target p99 < 1 s: ${latencies.sidecar.length > 0 && p99('sidecar') < 1 ? 'met' : 'NOT met'}`)
} finally {
  await adminA.close()
  await adminB.close()
  await running.stop()
  await lab.stop()
}
