// The lab itself: two KRaft clusters and an unmodified dedicated MirrorMaker 2 from Maven Central
// jars, for each supported Kafka line. Checks replication, MM2's internal topics, recovery after a
// SIGKILL of the source cluster, the memory budget, and that nothing is left running afterwards.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { KafkaCluster } from '../../lab/cluster.ts'
import { isAlive } from '../../lab/jvm.ts'
import { startLab, waitFor, type Lab } from '../../lab/lab.ts'
import { testedKafkaLines } from '../kafka-lines.ts'

const GiB = 2 ** 30
const suffix = () => randomBytes(4).toString('hex')

describe.each(testedKafkaLines())('lab with Kafka %s', kafka => {
  let lab: Lab | undefined
  let pids: number[] = []
  let ports: number[] = []

  const theLab = (): Lab => {
    if (!lab) throw new Error('the lab did not start (see the beforeAll error)')
    return lab
  }

  beforeAll(async () => {
    lab = await startLab({ kafka })
    pids = lab.pids()
    ports = lab.ports()
    console.log(`[lab ${lab.version}] startup ${(lab.startupMs / 1000).toFixed(1)} s (brokers ${Object.values(lab.clusters).map(c => `${c.alias} ${(c.lastStartMs / 1000).toFixed(1)} s`).join(', ')}, mm2 ${((lab.mm2?.lastStartMs ?? 0) / 1000).toFixed(1)} s); run dir ${lab.runDir}`)
  })

  beforeEach(ctx => {
    ctx.onTestFailed(() => { if (lab) console.log(`[lab ${kafka}] logs after failure of "${ctx.task.name}":\n${lab.logTails(80)}`) })
  })

  afterAll(async () => {
    if (!lab) return
    await lab.stop()
    expect(pids.filter(isAlive), 'lab JVMs alive after stop()').toEqual([])
    expect(await lab.listeningPorts(), 'lab ports still listening after stop()').toEqual([])
    expect(ports.length).toBe(4)
  })

  it('starts two clusters and MM2 in time (target < 60 s with a warm jar cache)', () => {
    const l = theLab()
    expect(l.version.startsWith(kafka + '.')).toBe(true)
    expect(l.pids()).toHaveLength(3)
    expect(l.mm2PropertiesPath).toMatch(/mm2\.properties$/)
    // Generous bound for a shared 2-core machine; the printed figure is what we track.
    expect(l.startupMs).toBeLessThan(120_000)
  })

  it('has MM2 internal topics where DefaultReplicationPolicy puts them', async () => {
    const l = theLab()
    const onA = await l.listTopics('A')
    const onB = await l.listTopics('B')
    // Flow A->B: offset syncs on the source A (location=source), checkpoints and heartbeats on B.
    expect(onA).toContain('mm2-offset-syncs.B.internal')
    expect(onB).toContain('A.checkpoints.internal')
    expect(onB).toContain('heartbeats')
    expect(onB).toContain('A.heartbeats')
    // Flow B->A mirrors it.
    expect(onB).toContain('mm2-offset-syncs.A.internal')
    expect(onA).toContain('B.checkpoints.internal')
    expect(onA).toContain('heartbeats')
    expect(onA).toContain('B.heartbeats')
  })

  it('replicates records produced to orders on A into A.orders on B', async () => {
    const l = theLab()
    const values = Array.from({ length: 20 }, (_, i) => `order-${i}-${suffix()}`)
    await l.produce('A', 'orders', values.map((value, i) => ({ key: `k${i}`, value })))
    await waitFor(async () => (await l.recordCount('B', 'A.orders')) >= 20n, {
      timeoutMs: 90_000,
      intervalMs: 1000,
      description: '20 records in A.orders on B'
    })
    const records = await l.readTopic('B', 'A.orders', { minRecords: 20 })
    expect(records.map(r => r.value?.toString())).toEqual(values)
    expect(records.map(r => r.key?.toString())).toEqual(values.map((_, i) => `k${i}`))
  })

  it('resumes replication after cluster A is SIGKILLed mid-replication and restarted', async () => {
    const l = theLab()
    const topic = `orders-failover-${suffix()}`
    const remote = `A.${topic}`
    // MM2 first has to discover the topic (refresh.topics.interval.seconds = 5).
    await l.produce('A', topic, Array.from({ length: 100 }, (_, i) => ({ key: `warmup-${i}`, value: `w${i}` })))
    await waitFor(async () => (await l.recordCount('B', remote)) > 0n, { timeoutMs: 90_000, intervalMs: 250, description: `first records in ${remote} on B` })
    const acked = Array.from({ length: 100 }, (_, i) => `warmup-${i}`)
    // Then produce continuously and kill A while records are flowing in and out of it.
    const state = { producing: true }
    const producer = (async () => {
      for (let batch = 0; state.producing; batch++) {
        const keys = Array.from({ length: 25 }, (_, i) => `before-${batch}-${i}`)
        try {
          await l.produce('A', topic, keys.map(key => ({ key, value: key.repeat(20) })))
          acked.push(...keys)
        } catch {
          return
        }
      }
    })()
    await waitFor(() => acked.length >= 1100, { timeoutMs: 60_000, intervalMs: 20, description: '1000 more records acknowledged by A' })
    const oldPid = l.cluster('A').jvm.pid!
    await l.killCluster('A')
    state.producing = false
    await producer
    expect(isAlive(oldPid)).toBe(false)
    const copied = await l.recordCount('B', remote)
    console.log(`[lab ${kafka}] A SIGKILLed with ${copied} of ${acked.length} acknowledged records copied to B`)

    const restartBegan = Date.now()
    await l.restartCluster('A')
    console.log(`[lab ${kafka}] A restarted in ${((Date.now() - restartBegan) / 1000).toFixed(1)} s (pid ${l.cluster('A').jvm.pid})`)
    expect(l.cluster('A').jvm.pid).not.toBe(oldPid)
    const after = Array.from({ length: 50 }, (_, i) => `after-${i}`)
    await l.produce('A', topic, after.map(key => ({ key, value: key })))

    const expected = [...acked, ...after]
    await waitFor(async () => (await l.recordCount('B', remote)) >= BigInt(expected.length), {
      timeoutMs: 180_000, intervalMs: 1000, description: `${expected.length} records in ${remote} on B after the restart`
    })
    const keys = new Set((await l.readTopic('B', remote)).map(r => r.key?.toString()))
    expect(expected.filter(k => !keys.has(k)), 'acknowledged records missing on B').toEqual([])
  })

  it('never passes a broker that could not bind its port off as ready (another cluster answering there)', async () => {
    const l = theLab()
    const dir = mkdtempSync(join(tmpdir(), 'mm2-failback-port-conflict-'))
    const intruder = await KafkaCluster.create({ alias: 'C', line: l.kafka, dir, logDir: join(dir, 'logs'), ports: l.cluster('A').ports })
    try {
      await intruder.format()
      await expect(intruder.start(60_000)).rejects.toThrow(/belongs to cluster id .* another process took the port|exited/)
      // Cluster A is untouched and still answers as itself.
      await l.cluster('A').waitReady(10_000)
    } finally {
      await intruder.kill()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('keeps the whole lab under 3 GiB peak RSS', () => {
    const l = theLab()
    const peak = l.peakRssBytes()
    console.log(`[lab ${kafka}] peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB (sum of per-JVM VmHWM), now ${JSON.stringify(Object.fromEntries(Object.entries(l.memory()).map(([k, v]) => [k, `${(v / 2 ** 20).toFixed(0)} MiB`])))}`)
    expect(peak).toBeGreaterThan(0)
    expect(peak).toBeLessThan(3 * GiB)
  })
})
