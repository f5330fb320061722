// The sidecar's safety and robustness acceptance points (docs/design.md §2 and §5) end to end, on
// Kafka 3.9 and 4.1: a real lab (clusters A and B, an unmodified MM2 with flows A->B and B->A and
// sync.group.offsets on) and the CLI `mm2-failback run` as separate processes. One lab per version;
// the checks run in order on it and share it (a lab start costs ~20 s):
//   1. no write into a group with live members on the target (classic; KIP-848 too on 4.x),
//   2. never rewinds, 3. no ping-pong, 4. SIGKILL + restart writes no reverse sync backwards,
//   5. two sidecars at once: one writer, elected through the group protocol; SIGKILL it and the other
//      takes over within 15 s, 6. garbage in every followed topic is counted and skipped,
//   7. cluster A away for a minute: its side degrades, the process recovers by itself.
// Offsets are never predicted exactly (MM2 emits offset syncs sparsely, in bursts): every wait is a
// waitFor on the sidecar's metrics or on the groups' real committed offsets.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startLab, type Lab } from '../../lab/lab.ts'
import { waitFor } from '../../lab/wait.ts'
import {
  Admins, BackgroundProducer, LiveMember, httpStatus, isSidecarTagged, metricSum, nonIncreasing, readOffsetSyncs, sleep, waitMirrored, type TopicSync
} from './safety-helpers.ts'
import { startSidecarProcess, type SidecarProcess } from '../../lab/process/sidecar-process.ts'
import { produceSequence } from '../../lab/drill/workload.ts'
import { hasKip848Groups, testedKafkaLines } from '../kafka-lines.ts'

const VERSIONS = testedKafkaLines()

const TOPIC = 'orders'
const REMOTE = 'A.orders'
const PARTITIONS = 3
const INITIAL_RECORDS = 1500
/** Flow B->A's offset-syncs topic (on B, the flow's source): where the reverse syncs of flow A->B go. */
const REVERSE_SYNCS_TOPIC = 'mm2-offset-syncs.A.internal'
const PINGPONG_MS = Number(process.env.MM2_FAILBACK_E2E_PINGPONG_MS ?? 32_000)
const OUTAGE_MS = Number(process.env.MM2_FAILBACK_E2E_OUTAGE_MS ?? 60_000)

const M = {
  applied: 'mm2_failback_group_commits_applied_total',
  skipped: 'mm2_failback_group_commits_skipped_total',
  written: 'mm2_failback_reverse_syncs_written_total',
  failures: 'mm2_failback_sync_failures_total',
  writer: 'mm2_failback_reverse_sync_writer',
  recordsSkipped: 'mm2_failback_records_skipped_total',
  up: 'mm2_failback_up'
}

/** Flow A->B's offset-syncs topic (on A): MM2's syncs for `orders`. */
const FORWARD_SYNCS_TOPIC = 'mm2-offset-syncs.B.internal'
const ownReverseSyncs = (syncs: readonly TopicSync[]): TopicSync[] => syncs.filter((sync) => sync.topic.startsWith('A.'))
const FENCED_LOG = 'another mm2-failback instance now writes reverse offset syncs'

describe.each(VERSIONS)('sidecar safety and robustness on Kafka %s', (kafka) => {
  let lab: Lab
  let admins: Admins
  let sidecar: SidecarProcess
  /** Per partition of `orders`, the upstream offset of MM2's first offset sync: the lowest translatable offset. */
  let firstSync: bigint[]
  const others: SidecarProcess[] = []
  const report: string[] = []
  let began = 0

  async function startSidecar (name: string): Promise<SidecarProcess> {
    const started = await startSidecarProcess({ mm2Config: lab.mm2PropertiesPath!, logDir: lab.logDir, name })
    others.push(started)
    await waitFor(async () => await started.ready(), { timeoutMs: 60_000, intervalMs: 250, description: `${name} to be ready` })
    return started
  }
  /** Per partition, `base` plus `delta`. */
  const plus = (base: readonly bigint[], delta: number): bigint[] => base.map((offset) => offset + BigInt(delta))
  /** The log-end offsets of a topic: a commit there means "consumed everything" and is always translatable. */
  const ends = async (alias: string, topic: string): Promise<bigint[]> => await lab.endOffsets(alias, topic)
  const metric = async (instance: SidecarProcess, name: string, labels: Record<string, string> = {}): Promise<number> =>
    metricSum(await instance.scrape(), name, labels)

  beforeAll(async () => {
    began = Date.now()
    lab = await startLab({ kafka })
    admins = new Admins(lab)
    await lab.createTopic('A', TOPIC, PARTITIONS)
    await produceSequence(lab.bootstrap('A'), TOPIC, 'A', 0, INITIAL_RECORDS, PARTITIONS)
    await waitFor(async () => (await lab.recordCount('B', REMOTE)) >= BigInt(INITIAL_RECORDS), {
      timeoutMs: 120_000,
      description: `MM2 to replicate ${INITIAL_RECORDS} records to ${REMOTE}`
    })
    // MM2 syncs sparsely (one pending sync per partition, promoted in bursts): learn where its first
    // sync of each partition is, below which nothing translates (the sidecar never guesses).
    firstSync = await waitFor(async () => {
      const { syncs } = await readOffsetSyncs(lab, 'A', FORWARD_SYNCS_TOPIC, true)
      const firstSync = (partition: number): bigint | undefined => syncs.find((sync) => sync.topic === TOPIC && sync.partition === partition)?.upstreamOffset
      const first = Array.from({ length: PARTITIONS }, (_, partition) => firstSync(partition))
      return first.every((offset) => offset !== undefined) ? first as bigint[] : null
    }, { timeoutMs: 60_000, intervalMs: 1000, description: `MM2's offset syncs for every partition of ${TOPIC}` })
    sidecar = await startSidecar('sidecar-1')
    // A probe group proves that every partition translates before the checks start.
    await admins.commit('A', 'probe', TOPIC, await ends('A', TOPIC))
    await waitMirrored(admins, { from: 'A', to: 'B', group: 'probe', topic: REMOTE, partitions: PARTITIONS, timeoutMs: 60_000 })
    report.push(`MM2's first syncs of ${TOPIC} at ${firstSync.join('/')}`)
    report.push(`lab ${lab.version} and sidecar ready in ${((Date.now() - began) / 1000).toFixed(1)} s (lab ${(lab.startupMs / 1000).toFixed(1)} s)`)
  })

  beforeEach((context) => {
    context.onTestFailed(() => {
      console.log(`[Kafka ${kafka}] "${context.task.name}" failed; sidecar logs: ${others.map((instance) => instance.logFile).join(', ')}\n${lab?.logTails(40) ?? ''}`)
    })
  })

  afterAll(async () => {
    for (const instance of others) await instance.stop('SIGKILL').catch(() => {})
    await admins?.close()
    await lab?.stop()
    report.push(`total ${((Date.now() - began) / 1000).toFixed(1)} s`)
    console.log(`[Kafka ${kafka}] sidecar safety:\n  ${report.join('\n  ')}`)
  })

  const protocols: Array<'classic' | 'consumer'> = hasKip848Groups(kafka) ? ['classic', 'consumer'] : ['classic']

  it.each(protocols)('1. never commits into a group with live members on the target (%s protocol), and commits once they leave', async (protocol) => {
    const group = `live-${protocol}`
    const member = await LiveMember.start({ bootstrap: lab.bootstrap('B'), group, topic: REMOTE, groupProtocol: protocol })
    let left = false
    try {
      await waitFor(async () => (await admins.members('B', group)) > 0, { timeoutMs: 30_000, description: `group ${group} to have a live member on B` })
      const skippedBefore = await metric(sidecar, M.skipped, { group, reason: 'group-active' })
      // Watch the group's offsets on B the whole time the member is live.
      const snapshots: string[] = []
      const tagged: string[] = []
      const watching = { on: true }
      const watcher = (async () => {
        while (watching.on) {
          const offsets = await admins.committed('B', group, REMOTE).catch(() => null)
          if (offsets !== null) {
            snapshots.push(JSON.stringify([...offsets].map(([partition, entry]) => [partition, String(entry.offset), entry.metadata])))
            for (const [partition, entry] of offsets) {
              if (isSidecarTagged(entry.metadata)) tagged.push(`${REMOTE}-${partition} at ${entry.offset}: ${entry.metadata}`)
            }
          }
          await sleep(200)
        }
      })()
      // The same group commits on A (admin-style: the group is empty there).
      for (let step = 0; step < 6; step++) {
        await admins.commit('A', group, TOPIC, plus(firstSync, step))
        await sleep(500)
      }
      const skipped = await waitFor(async () => {
        const delta = (await metric(sidecar, M.skipped, { group, reason: 'group-active' })) - skippedBefore
        return delta >= PARTITIONS ? delta : null
      }, { timeoutMs: 30_000, description: `skips of reason group-active for ${group}` })
      expect(await admins.members('B', group), 'the member is still live').toBeGreaterThan(0)
      watching.on = false
      await watcher
      expect(tagged, 'offsets written by the sidecar while members were live').toEqual([])
      expect(new Set(snapshots).size, `the group's offsets on B never changed while it had members (${snapshots.length} reads)`).toBe(1)

      // The member leaves; the group keeps committing on A: the sidecar mirrors within seconds.
      await member.stop()
      left = true
      const leftAt = Date.now()
      let next = 10
      await waitFor(async () => {
        await admins.commit('A', group, TOPIC, plus(firstSync, next++))
        const offsets = await admins.committed('B', group, REMOTE)
        return [...Array(PARTITIONS).keys()].every((partition) => isSidecarTagged(offsets.get(partition)?.metadata ?? null))
      }, { timeoutMs: 30_000, intervalMs: 300, description: `the sidecar to commit ${group} on B after its member left` })
      const seconds = (Date.now() - leftAt) / 1000
      expect(seconds).toBeLessThan(15)
      report.push(`1 (${protocol}): ${skipped} commits skipped as group-active, ${snapshots.length} reads of B's offsets unchanged and untagged while live; committed ${seconds.toFixed(1)} s after the member left`)
    } finally {
      if (!left) await member.stop()
    }
  })

  it('2. never rewinds: a lower commit on A leaves the translated offset on B in place', async () => {
    const group = 'rewind'
    // High: the end (translated through the newest sync); low: MM2's first sync, translated exactly,
    // so strictly below the high translation on every partition.
    const highOnA = await ends('A', TOPIC)
    await admins.commit('A', group, TOPIC, highOnA)
    const high = await waitMirrored(admins, { from: 'A', to: 'B', group, topic: REMOTE, partitions: PARTITIONS })
    const before = await metric(sidecar, M.skipped, { group, reason: 'would-rewind' })
    await admins.commit('A', group, TOPIC, firstSync)
    const rewinds = await waitFor(async () => {
      const delta = (await metric(sidecar, M.skipped, { group, reason: 'would-rewind' })) - before
      return delta >= PARTITIONS ? delta : null
    }, { timeoutMs: 30_000, description: `skips of reason would-rewind for ${group}` })
    // Watch B for a few seconds more (the sidecar, and MM2's own group sync, run in the background).
    const lowest = new Map<number, bigint>()
    for (let read = 0; read < 15; read++) {
      for (const [partition, entry] of await admins.committed('B', group, REMOTE)) {
        lowest.set(partition, (lowest.get(partition) ?? entry.offset) < entry.offset ? lowest.get(partition)! : entry.offset)
      }
      await sleep(300)
    }
    for (const [partition, entry] of high) expect(lowest.get(partition), `${REMOTE}-${partition} on B`).toBeGreaterThanOrEqual(entry.offset)
    report.push(`2: B at ${[...high.values()].map((entry) => entry.offset).join('/')} after A committed ${highOnA.join('/')}; A's commit at ${firstSync.join('/')} counted ${rewinds} would-rewind skips, B never went below`)
  })

  it('3. no ping-pong: alternating commits on both sides write at most one commit per source commit and partition, and stop when the commits stop', async () => {
    const group = 'pingpong'
    const appliedBefore = await metric(sidecar, M.applied, { group })
    const ownBefore = await metric(sidecar, M.skipped, { group, reason: 'own-write' })
    // The group consumes near the head of a growing topic (so MM2 keeps emitting syncs), committing
    // every ~200 ms on the active side; the phases alternate the active side: A (orders), B (A.orders), A, B.
    // (MM2 copies orders to A.orders record for record, so an offset means the same record on both.)
    const base = await ends('A', TOPIC)
    const producer = new BackgroundProducer(lab.bootstrap('A'), TOPIC, PARTITIONS, { batch: 15, intervalMs: 250 })
    let commits = 0
    const started = Date.now()
    try {
      for (let phase = 0; phase < 4; phase++) {
        const [side, topic] = phase % 2 === 0 ? ['A', TOPIC] : ['B', REMOTE]
        const phaseEnd = started + (phase + 1) * (PINGPONG_MS / 4)
        while (Date.now() < phaseEnd) {
          await admins.commit(side, group, topic, plus(base, Math.max(0, Math.floor(producer.produced / PARTITIONS) - 20)))
          commits++
          await sleep(200)
        }
      }
    } finally {
      await producer.stop()
    }
    const stoppedAt = Date.now()
    const appliedAtStop = (await metric(sidecar, M.applied, { group })) - appliedBefore
    // The applied counter must settle: stable for 12 s, and soon after the commits stopped.
    let last = -1
    let changedAt = Date.now()
    await waitFor(async () => {
      const value = await metric(sidecar, M.applied, { group })
      if (value !== last) {
        last = value
        changedAt = Date.now()
      }
      return Date.now() - changedAt >= 12_000
    }, { timeoutMs: 45_000, intervalMs: 500, description: `the sidecar's commits for ${group} to stop (last value ${last})` })
    const applied = last - appliedBefore
    const ownWrites = (await metric(sidecar, M.skipped, { group, reason: 'own-write' })) - ownBefore
    expect(applied, 'the sidecar wrote something').toBeGreaterThan(0)
    expect(applied, `at most one write per source commit and partition (${commits} commits x ${PARTITIONS})`).toBeLessThanOrEqual(commits * PARTITIONS)
    expect(ownWrites, 'the sidecar saw its own writes come back and did not echo them').toBeGreaterThan(0)
    report.push(`3: ${commits} source commits x ${PARTITIONS} partitions over ${((stoppedAt - started) / 1000).toFixed(0)} s -> ${applied} sidecar writes (${appliedAtStop} at the stop), ${ownWrites} own writes not echoed; stable ${((changedAt + 12_000 - stoppedAt) / 1000).toFixed(1)} s after the stop`)
  })

  it('4. SIGKILL and restart: no reverse sync is ever written backwards, and translation works after the restart', async () => {
    const producer = new BackgroundProducer(lab.bootstrap('A'), TOPIC, PARTITIONS)
    const kills = 2
    try {
      for (let kill = 1; kill <= kills; kill++) {
        const before = await metric(sidecar, M.written, { flow: 'A->B' })
        // Kill it right after it wrote, while syncs keep flowing.
        await waitFor(async () => (await metric(sidecar, M.written, { flow: 'A->B' })) > before, {
          timeoutMs: 60_000,
          intervalMs: 100,
          description: 'the sidecar to write reverse syncs'
        })
        await sidecar.stop('SIGKILL')
        sidecar = await startSidecar(`sidecar-after-sigkill-${kill}`)
      }
      await waitFor(async () => (await metric(sidecar, M.written, { flow: 'A->B' })) > 0, {
        timeoutMs: 60_000,
        description: 'the restarted sidecar to write reverse syncs'
      })
    } finally {
      await producer.stop()
    }
    const uncommitted = await readOffsetSyncs(lab, 'B', REVERSE_SYNCS_TOPIC, false)
    const committed = await readOffsetSyncs(lab, 'B', REVERSE_SYNCS_TOPIC, true)
    const seen = ownReverseSyncs(uncommitted.syncs)
    expect(seen.length).toBeGreaterThan(0)
    expect(nonIncreasing(seen), 'as MM2 reads the topic (read_uncommitted)').toEqual([])
    expect(nonIncreasing(ownReverseSyncs(committed.syncs)), 'read_committed').toEqual([])

    const group = 'after-restart'
    const committedOnB = await ends('B', REMOTE)
    await admins.commit('B', group, REMOTE, committedOnB)
    const mirrored = await waitMirrored(admins, { from: 'B', to: 'A', group, topic: TOPIC, partitions: PARTITIONS })
    report.push(`4: ${kills} SIGKILLs while writing; ${REVERSE_SYNCS_TOPIC} holds ${seen.length} reverse syncs (${ownReverseSyncs(committed.syncs).length} committed), strictly increasing per partition; B commit at ${committedOnB.join('/')} mirrored to A at ${[...mirrored.values()].map((entry) => entry.offset).join('/')}`)
  })

  it('5. two sidecars started at once: one writer; SIGKILL it and the other takes over within 15 s; the topic stays strictly increasing', async () => {
    await sidecar.stop('SIGTERM')
    const producer = new BackgroundProducer(lab.bootstrap('A'), TOPIC, PARTITIONS)
    let twins: SidecarProcess[] = []
    try {
      twins = await Promise.all([startSidecar('twin-1'), startSidecar('twin-2')])
      await sleep(10_000)
      const start = await Promise.all(twins.map(async (twin) => await metric(twin, M.written, { flow: 'A->B' })))
      await sleep(15_000)
      const windows: Array<{ written: number, writtenInWindow: number, failures: number, fencedLogged: boolean }> = []
      for (const [index, twin] of twins.entries()) {
        const text = await twin.scrape()
        const written = metricSum(text, M.written, { flow: 'A->B' })
        windows.push({
          written,
          writtenInWindow: written - start[index]!,
          failures: metricSum(text, M.failures, { operation: 'reverse-sync' }) + metricSum(text, M.failures, { operation: 'reverse-sync-claim' }),
          fencedLogged: readFileSync(twin.logFile, 'utf8').includes(FENCED_LOG)
        })
      }
      const writers = windows.filter((window) => window.writtenInWindow > 0).length
      expect(writers, `exactly one of the two writes reverse syncs while syncs keep flowing: ${JSON.stringify(windows)}`).toBe(1)
      // Elected, not fenced: the standby never claimed.
      expect(windows.filter((window) => window.written > 0), JSON.stringify(windows)).toHaveLength(1)
      for (const window of windows) expect(window.failures, JSON.stringify(windows)).toBe(0)
      const writerIndex = windows.findIndex((window) => window.written > 0)
      const [writer, standby] = [twins[writerIndex]!, twins[1 - writerIndex]!]
      expect(await metric(writer, M.writer, { kafka_cluster: 'B' })).toBe(1)
      expect(await metric(standby, M.writer, { kafka_cluster: 'B' })).toBe(0)

      // The writer dies without leaving the group: the coordinator evicts it after the session timeout
      // (10 s), and the standby is elected, claims the topic and writes.
      const standbyWritten = await metric(standby, M.written, { flow: 'A->B' })
      const killedAt = Date.now()
      await writer.stop('SIGKILL')
      await waitFor(async () => (await metric(standby, M.writer, { kafka_cluster: 'B' })) === 1 ? true : null, {
        timeoutMs: 60_000, intervalMs: 100, description: 'the standby to be elected writer'
      })
      const electedS = (Date.now() - killedAt) / 1000
      await waitFor(async () => (await metric(standby, M.written, { flow: 'A->B' })) > standbyWritten ? true : null, {
        timeoutMs: 60_000, intervalMs: 100, description: 'the new writer to write reverse syncs'
      })
      const takeoverS = (Date.now() - killedAt) / 1000
      await producer.stop()
      expect(takeoverS, 'from SIGKILL of the writer to the first reverse sync written by the other').toBeLessThan(15)
      const uncommitted = ownReverseSyncs((await readOffsetSyncs(lab, 'B', REVERSE_SYNCS_TOPIC, false)).syncs)
      const committed = ownReverseSyncs((await readOffsetSyncs(lab, 'B', REVERSE_SYNCS_TOPIC, true)).syncs)
      expect(nonIncreasing(uncommitted), 'as MM2 reads the topic (read_uncommitted)').toEqual([])
      expect(nonIncreasing(committed), 'read_committed').toEqual([])
      report.push(`5: twins wrote ${windows.map((window) => `${window.written} (${window.writtenInWindow} in the last 15 s, ${window.failures} failures, fenced logged: ${window.fencedLogged})`).join(' and ')}; ` +
        `writer SIGKILLed: the other elected after ${electedS.toFixed(1)} s, writing after ${takeoverS.toFixed(1)} s; ${uncommitted.length} reverse syncs (${committed.length} committed) strictly increasing`)
    } finally {
      await producer.stop()
      for (const twin of twins) await twin.stop('SIGTERM')
      sidecar = await startSidecar('sidecar-after-twins')
    }
  })

  it('6. garbage in every followed topic is counted and skipped; the sidecar stays up, ready and translating', async () => {
    // Every topic the sidecar follows except __consumer_offsets, which the broker does not let
    // clients write to (the broker itself is its only writer; its decoder is covered by unit tests).
    const targets = [
      { cluster: 'A', topic: 'mm2-offset-syncs.B.internal', recordType: 'offset-sync' },
      { cluster: 'A', topic: 'B.checkpoints.internal', recordType: 'checkpoint' },
      { cluster: 'A', topic: 'B.heartbeats', recordType: 'heartbeat' },
      { cluster: 'B', topic: REVERSE_SYNCS_TOPIC, recordType: 'offset-sync' },
      { cluster: 'B', topic: 'A.checkpoints.internal', recordType: 'checkpoint' },
      { cluster: 'B', topic: 'A.heartbeats', recordType: 'heartbeat' }
    ]
    // Every record has a key: these topics are compacted, and the broker refuses keyless records there.
    const garbage = [
      { key: Buffer.from([0xde, 0xad, 0xbe, 0xef]), value: Buffer.from([1, 2, 3]), partition: 0 },
      { key: Buffer.from([0x00, 0x01, 0x41, 0x00]), value: Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff]), partition: 0 },
      { key: Buffer.from([0x00, 0x01, 0x41]), value: null, partition: 0 }
    ]
    const before = await sidecar.scrape()
    for (const target of targets) await lab.produce(target.cluster, target.topic, garbage)
    const counted = await waitFor(async () => {
      const text = await sidecar.scrape()
      const deltas = targets.map((target) => {
        const labels = { kafka_cluster: target.cluster, record_type: target.recordType }
        return metricSum(text, M.recordsSkipped, labels) - metricSum(before, M.recordsSkipped, labels)
      })
      return deltas.every((delta) => delta >= garbage.length) ? { text, deltas } : null
    }, { timeoutMs: 30_000, description: 'the garbage records to be counted as skipped' })
    for (const delta of counted.deltas) expect(delta).toBe(garbage.length)
    // The series counted so far (every known label set is exported at 0 from startup: those are left out).
    const skippedSeries = /^mm2_failback_records_skipped_total\{([^}]*)\} (\S+)$/gm
    const reasons = [...counted.text.matchAll(skippedSeries)].filter((match) => Number(match[2]) > 0).map((match) => `${match[1]} ${match[2]}`)
    expect(sidecar.child.exitCode).toBeNull()
    expect(await httpStatus(`${sidecar.url}/healthz`)).toBe(200)
    expect(await httpStatus(`${sidecar.url}/ready`)).toBe(200)
    const log = readFileSync(sidecar.logFile, 'utf8')
    expect(log).toMatch(/skipped a bad offset-sync record on cluster B, mm2-offset-syncs\.A\.internal-0 at offset \d+/)

    await Promise.all([
      (async () => {
        await admins.commit('A', 'after-garbage', TOPIC, await ends('A', TOPIC))
        await waitMirrored(admins, { from: 'A', to: 'B', group: 'after-garbage', topic: REMOTE, partitions: PARTITIONS })
      })(),
      (async () => {
        await admins.commit('B', 'after-garbage-back', REMOTE, await ends('B', REMOTE))
        await waitMirrored(admins, { from: 'B', to: 'A', group: 'after-garbage-back', topic: TOPIC, partitions: PARTITIONS })
      })()
    ])
    report.push(`6: ${targets.length} topics x ${garbage.length} garbage records, skipped counts ${counted.deltas.join('/')} (${reasons.join('; ')}); healthz/ready 200; commits mirrored both ways afterwards`)
  })

  it('7. cluster A away for a minute: up{A}=0 and up{B}=1 meanwhile, the process stays up, and recovers by itself', async () => {
    await lab.stopCluster('A')
    const stoppedAt = Date.now()
    const downOnlyOnA = async (): Promise<boolean> =>
      (await metric(sidecar, M.up, { kafka_cluster: 'A' })) === 0 && (await metric(sidecar, M.up, { kafka_cluster: 'B' })) === 1
    await waitFor(downOnlyOnA, { timeoutMs: 30_000, description: 'up{kafka_cluster="A"} to drop to 0' })
    const secondsToDown = (Date.now() - stoppedAt) / 1000
    const samples: Array<{ upA: number, upB: number, healthz: number, alive: boolean }> = []
    while (Date.now() - stoppedAt < OUTAGE_MS) {
      const text = await sidecar.scrape()
      samples.push({
        upA: metricSum(text, M.up, { kafka_cluster: 'A' }),
        upB: metricSum(text, M.up, { kafka_cluster: 'B' }),
        healthz: await httpStatus(`${sidecar.url}/healthz`),
        alive: sidecar.child.exitCode === null
      })
      await sleep(3000)
    }
    expect(samples.length).toBeGreaterThan(3)
    for (const sample of samples) expect(sample).toEqual({ upA: 0, upB: 1, healthz: 200, alive: true })

    await lab.restartCluster('A')
    await admins.reset('A')
    const restartedAt = Date.now()
    await waitFor(async () => (await metric(sidecar, M.up, { kafka_cluster: 'A' })) === 1, {
      timeoutMs: 90_000,
      description: 'up{kafka_cluster="A"} to return to 1'
    })
    const secondsToUp = (Date.now() - restartedAt) / 1000
    const group = 'after-outage'
    await admins.commit('B', group, REMOTE, await ends('B', REMOTE))
    await waitMirrored(admins, { from: 'B', to: 'A', group, topic: TOPIC, partitions: PARTITIONS, timeoutMs: 90_000 })
    const secondsToMirrored = (Date.now() - restartedAt) / 1000
    expect(sidecar.child.exitCode).toBeNull()
    expect(await httpStatus(`${sidecar.url}/ready`)).toBe(200)
    report.push(`7: A stopped ${(OUTAGE_MS / 1000).toFixed(0)} s; up{A}=0 after ${secondsToDown.toFixed(1)} s, ${samples.length} samples up{A}=0 up{B}=1 healthz 200; after the restart up{A}=1 in ${secondsToUp.toFixed(1)} s, a B commit mirrored to A ${secondsToMirrored.toFixed(1)} s after the restart`)
  })
})
