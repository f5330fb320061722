// Benchmark (not a test): reconcile 200 groups x 24 partitions in the lab, dry-run then execute,
// through the engine (what the CLI runs). Prints seconds and requests sent; target: execute < 10 s.
// Run: node bench/reconcile.bench.ts [--kafka 4.1] [--groups 200] [--partitions 24] [--exact]
import { parseArgs } from 'node:util'
import { loadMm2Config } from '../sidecar/src/config/load-mm2.ts'
import { reconcile } from '../sidecar/src/engine/reconcile/reconcile-session.ts'
import { GroupAdmin } from '../sidecar/src/kafka/group-admin.ts'
import { startLab, waitFor } from '../lab/lab.ts'
import { produceSequence } from '../lab/drill/workload.ts'

const { values } = parseArgs({
  options: {
    kafka: { type: 'string', default: '4.1' },
    groups: { type: 'string', default: '200' },
    partitions: { type: 'string', default: '24' },
    exact: { type: 'boolean', default: false }
  }
})
const groups = Number(values.groups)
const partitions = Number(values.partitions)
const topic = `bench-${Date.now()}`

const lab = await startLab({ kafka: values.kafka })
try {
  const A = lab.bootstrap('A')
  const B = lab.bootstrap('B')
  const adminA = new GroupAdmin({ alias: 'A', bootstrapServers: A.split(',') })
  await adminA.createTopics({ topics: [topic], partitions, replicas: 1 })
  await produceSequence(A, topic, 'A', 0, partitions * 200, partitions)
  const adminB = new GroupAdmin({ alias: 'B', bootstrapServers: B.split(',') })
  await waitFor(async () => {
    const latest = Array.from({ length: partitions }, (_, partitionIndex) => ({ partitionIndex, timestamp: -1n }))
    const offsets = await adminB.listOffsets({ topics: [{ name: `A.${topic}`, partitions: latest }] }).catch(() => [])
    const total = (offsets[0]?.partitions ?? []).reduce((sum, entry) => sum + entry.offset, 0n)
    return total >= BigInt(partitions * 200) ? true : null
  }, { timeoutMs: 180_000, intervalMs: 1000, description: 'MM2 to copy the bench topic' })
  await new Promise((resolve) => setTimeout(resolve, 5000))
  // The groups "consumed" A.<topic> on B to various positions (admin commits, no members).
  const names = Array.from({ length: groups }, (_, i) => `bench-group-${i}`)
  for (const name of names) {
    const offsets = Array.from({ length: partitions }, (_, partition) => ({
      topic: `A.${topic}`,
      partition,
      offset: BigInt(10 + ((partition * 7 + name.length) % 180)),
      metadata: ''
    }))
    await adminB.commit(name, offsets)
  }
  const mm2 = await loadMm2Config(lab.mm2PropertiesPath!)
  const common = {
    mm2,
    from: 'B',
    to: 'A',
    groups: names,
    mode: values.exact === true ? 'exact' as const : 'conservative' as const,
    allowRewind: false,
    timeoutMs: 15_000
  }
  for (const execute of [false, true]) {
    const started = performance.now()
    const result = await reconcile({ ...common, execute })
    const seconds = (performance.now() - started) / 1000
    const committed = result.executions.reduce((sum, execution) => sum + execution.committed, 0)
    console.log(`${execute ? 'execute' : 'dry-run'}  ${groups} groups x ${partitions} partitions (${common.mode}): ${seconds.toFixed(2)} s, ${result.requests} requests, ${result.plan.commits} planned commits, ${committed} committed and verified, ${result.plan.untranslatable} untranslatable`)
  }
  await adminA.close()
  await adminB.close()
} finally {
  await lab.stop()
}
