// Many sidecars, one job (docs/design.md §2.7), end to end on Kafka 3.9 and 4.1: a real lab whose
// __consumer_offsets have Kafka's default 50 partitions, an unmodified MM2, and three `mm2-failback run`
// processes of one deployment, while 50 groups commit on A every second and a producer writes. The
// writer of the reverse syncs is SIGKILLed, then the owner of a share of the groups, then both come back.
// Checked:
//   - the shares cover every partition of __consumer_offsets on both clusters, and each instance has one;
//   - exactly one instance writes the reverse syncs that go to B; after the SIGKILL another does (< 15 s);
//   - after the second SIGKILL the survivors own every partition again; after the restart, all three do;
//   - no translation is lost: every group's last commit on A is mirrored exactly to B;
//   - no group is written by two instances at once: per group, the writes on B (the sidecars' own logs)
//     change hands at most once per rebalance, and the group's offsets on B, in the order B logged them,
//     never go backwards;
//   - the reverse syncs read back from B never go backwards.
// It prints the takeover and rebalance times.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeConsumerOffsetsRecord } from '../../sidecar/src/core/codec/index.ts'
import { parseProvenance } from '../../sidecar/src/core/sync/provenance.ts'
import { startLab, type Lab } from '../../lab/lab.ts'
import { waitFor } from '../../lab/wait.ts'
import { startSidecarProcess, type SidecarProcess } from '../../lab/process/sidecar-process.ts'
import { readWholeTopic } from '../integration/helpers/topic-reader.ts'
import { Admins, BackgroundProducer, metricSum, nonIncreasing, readOffsetSyncs, sleep } from './safety-helpers.ts'
import { testedKafkaLines } from '../kafka-lines.ts'

const VERSIONS = testedKafkaLines()
const TOPIC = 'orders'
const REMOTE = 'A.orders'
const PARTITIONS = 3
const GROUPS = 50
const OFFSETS_PARTITIONS = 50
/** Flow B->A's offset-syncs topic, on B: where the reverse syncs of flow A->B go. */
const REVERSE_SYNCS_TOPIC = 'mm2-offset-syncs.A.internal'

interface Instance { name: string, process: SidecarProcess, alive: boolean }

describe.each(VERSIONS)('three sidecar instances on Kafka %s', (kafka) => {
  let lab: Lab
  let admins: Admins
  let producer: BackgroundProducer | null = null
  const instances: Instance[] = []
  const groups = Array.from({ length: GROUPS }, (_, index) => `shop-${index}`)

  const start = async (name: string): Promise<Instance> => {
    const process = await startSidecarProcess({ mm2Config: lab.mm2PropertiesPath!, logDir: lab.logDir, name })
    const instance = { name, process, alive: true }
    instances.push(instance)
    return instance
  }
  const kill = async (instance: Instance): Promise<void> => {
    instance.alive = false
    await instance.process.stop('SIGKILL')
  }
  const live = (): Instance[] => instances.filter((instance) => instance.alive)
  const metric = async (instance: Instance, name: string, labels: Record<string, string>): Promise<number> =>
    metricSum(await instance.process.scrape(), `mm2_failback_${name}`, labels)
  const sumOver = async (list: readonly Instance[], name: string, labels: Record<string, string>): Promise<number[]> =>
    await Promise.all(list.map(async (instance) => await metric(instance, name, labels)))
  /** Waits until the live instances' shares of a cluster add up to every partition, each holding some when `each`. */
  const sharesCover = async (cluster: string, each: boolean, description: string): Promise<void> => {
    await waitFor(async () => {
      const shares = await sumOver(live(), 'owned_partitions', { kafka_cluster: cluster })
      const covered = shares.reduce((sum, share) => sum + share, 0) === OFFSETS_PARTITIONS
      return covered && (!each || shares.every((share) => share > 0)) ? true : null
    }, { timeoutMs: 90_000, intervalMs: 200, description })
  }

  beforeAll(async () => {
    lab = await startLab({ kafka, brokerProps: { 'offsets.topic.num.partitions': OFFSETS_PARTITIONS } })
    admins = new Admins(lab)
    await lab.createTopic('A', TOPIC, PARTITIONS)
    producer = new BackgroundProducer(lab.bootstrap('A'), TOPIC, PARTITIONS)
    await waitFor(async () => (await lab.recordCount('B', REMOTE)) > 100n, { timeoutMs: 120_000, intervalMs: 1000, description: `MM2 to copy ${TOPIC} to B` })
  })

  afterAll(async () => {
    await producer?.stop()
    for (const instance of instances) await instance.process.stop('SIGKILL')
    await admins?.close()
    await lab?.stop()
  })

  it('share the groups and the writer\'s seat; SIGKILL of the writer and of a share\'s owner loses no translation and writes no group twice at once', async () => {
    for (const name of ['instance-1', 'instance-2', 'instance-3']) await start(name)
    await Promise.all(instances.map(async (instance) => {
      await waitFor(async () => await instance.process.ready(), { timeoutMs: 120_000, intervalMs: 250, description: `${instance.name} to be ready` })
    }))
    await sharesCover('A', true, 'the three instances to share A\'s partitions')
    await sharesCover('B', true, 'the three instances to share B\'s partitions')
    expect((await sumOver(live(), 'reverse_sync_writer', { kafka_cluster: 'B' })).reduce((a, b) => a + b, 0)).toBe(1)

    // 50 groups commit on A every second, each near the end of the log (admin-style: no members).
    const committing = { on: true }
    let commits = 0
    const lastCommit = new Map<string, bigint[]>()
    const committer = (async () => {
      while (committing.on) {
        const ends = await lab.endOffsets('A', TOPIC)
        for (const group of groups) {
          const offsets = ends.map((end) => end - BigInt(Math.floor(Math.random() * 5)))
          await admins.commit('A', group, TOPIC, offsets, '')
          lastCommit.set(group, offsets)
          commits++
        }
        await sleep(1000)
      }
    })()
    await sleep(15_000)

    // 1. The writer dies.
    const writer = (await Promise.all(live().map(async (instance) => ({
      instance,
      seat: await metric(instance, 'reverse_sync_writer', { kafka_cluster: 'B' })
    }))))
      .find((entry) => entry.seat === 1)!.instance
    const writtenBefore = await sumOver(live().filter((instance) => instance !== writer), 'reverse_syncs_written_total', { flow: 'A->B' })
    const killedWriterAt = Date.now()
    await kill(writer)
    await waitFor(async () => (await sumOver(live(), 'reverse_sync_writer', { kafka_cluster: 'B' })).some((seat) => seat === 1) ? true : null,
      { timeoutMs: 60_000, intervalMs: 100, description: 'another instance to be elected writer on B' })
    const electedS = (Date.now() - killedWriterAt) / 1000
    await waitFor(async () => {
      const written = await sumOver(live(), 'reverse_syncs_written_total', { flow: 'A->B' })
      return written.some((count, index) => count > writtenBefore[index]!) ? true : null
    }, { timeoutMs: 60_000, intervalMs: 100, description: 'the new writer to write reverse syncs' })
    const takeoverS = (Date.now() - killedWriterAt) / 1000
    await sharesCover('A', false, 'the survivors to own every partition of A after the writer\'s death')
    const rebalanceAfterWriterS = (Date.now() - killedWriterAt) / 1000
    await sleep(10_000)

    // 2. The owner of a share of the groups dies (the busier of the two survivors).
    const shares = await sumOver(live(), 'owned_partitions', { kafka_cluster: 'A' })
    const owner = live()[shares.indexOf(Math.max(...shares))]!
    const killedOwnerAt = Date.now()
    await kill(owner)
    await sharesCover('A', false, 'the last survivor to own every partition of A')
    const rebalanceS = (Date.now() - killedOwnerAt) / 1000
    await sleep(10_000)

    // 3. Both come back.
    const restartedAt = Date.now()
    const returned = await Promise.all(['instance-4', 'instance-5'].map(async (name) => await start(name)))
    for (const instance of returned) {
      await waitFor(async () => await instance.process.ready(), { timeoutMs: 120_000, intervalMs: 250, description: `${instance.name} to be ready` })
    }
    await sharesCover('A', true, 'the three instances to share A\'s partitions again')
    const rejoinS = (Date.now() - restartedAt) / 1000
    await sleep(10_000)

    // The last commits: every group at the end of the log, then nothing more.
    committing.on = false
    await committer
    await producer!.stop()
    producer = null
    const endsA = await lab.endOffsets('A', TOPIC)
    await waitFor(async () => (await lab.endOffsets('B', REMOTE)).join(',') === endsA.join(',') ? true : null,
      { timeoutMs: 60_000, intervalMs: 500, description: 'MM2 to copy every record (offsets then coincide on B)' })
    for (const group of groups) {
      await admins.commit('A', group, TOPIC, endsA, '')
      lastCommit.set(group, endsA)
      commits++
    }
    // No translation lost: each group's last commit is on B, exactly (MM2 copied from offset 0, offsets coincide).
    const mirrored = await waitFor(async () => {
      for (const group of groups) {
        const onB = await admins.committed('B', group, REMOTE)
        if (endsA.some((end, partition) => onB.get(partition)?.offset !== end)) return null
      }
      return true
    }, { timeoutMs: 90_000, intervalMs: 500, description: 'every group\'s last commit mirrored exactly to B' }).catch(() => false)
    const missing: string[] = []
    for (const group of groups) {
      const onB = await admins.committed('B', group, REMOTE)
      endsA.forEach((end, partition) => {
        if (onB.get(partition)?.offset !== end) missing.push(`${group} ${REMOTE}-${partition}: ${onB.get(partition)?.offset ?? 'none'} (A at ${end})`)
      })
    }
    expect(missing, 'groups whose last commit is not on B exactly').toEqual([])
    expect(mirrored).toBe(true)

    // Who wrote each group on B, in time order, from the instances' own logs.
    const writes = new Map<string, Array<{ at: number, instance: string }>>()
    for (const instance of instances) {
      for (const line of readFileSync(instance.process.logFile, 'utf8').split('\n')) {
        const match = /"time":"([^"]+)".*"msg":"committed group (shop-\d+) on cluster B:/.exec(line)
        if (match === null) continue
        writes.set(match[2]!, [...(writes.get(match[2]!) ?? []), { at: Date.parse(match[1]!), instance: instance.name }])
      }
    }
    // Four events move groups: the two deaths and the two returns. A group that changed hands more often
    // than that was written by two instances in turn.
    const handovers = groups.map((group) => {
      const sequence = (writes.get(group) ?? []).sort((a, b) => a.at - b.at)
      return { group, handovers: sequence.filter((write, index) => index > 0 && write.instance !== sequence[index - 1]!.instance).length }
    })
    expect(handovers.filter((entry) => entry.handovers > 4), 'groups that changed hands more often than instances came and went').toEqual([])
    const writers = new Set([...writes.values()].flat().map((write) => write.instance))
    expect(writers.size, 'instances that mirrored groups').toBeGreaterThanOrEqual(3)

    // The groups' offsets on B, in the order B logged them: no instance ever moves one backwards. MM2's own
    // group offset sync (sync.group.offsets.enabled) may: it reads B's offsets, then writes its (lower,
    // conservative) translation, and a sidecar commit landing in between is overwritten. The sidecar
    // then sees a commit that is not its own below its exact offset and writes that offset again.
    const rewinds: string[] = []
    const rewoundByMm2 = new Map<string, bigint>()
    const lastOnB = new Map<string, bigint>()
    const records = await readWholeTopic(lab, 'B', '__consumer_offsets', (record) => decodeConsumerOffsetsRecord(record.key, record.value))
    for (const decoded of records) {
      if (decoded.kind !== 'offset-commit' || !groups.includes(decoded.key.group) || decoded.key.topic !== REMOTE) continue
      const key = `${decoded.key.group} ${REMOTE}-${decoded.key.partition}`
      const before = lastOnB.get(key)
      if (before !== undefined && decoded.value.offset < before) {
        if (parseProvenance(decoded.value.metadata) !== null) rewinds.push(`${key}: ${decoded.value.offset} after ${before}`)
        else rewoundByMm2.set(key, before)
      }
      lastOnB.set(key, decoded.value.offset)
    }
    expect(rewinds, 'commits of the sidecar instances below the offset before them').toEqual([])
    if (rewoundByMm2.size > 0) console.log(`[instances ${kafka}] MM2's group offset sync moved ${rewoundByMm2.size} partition(s) back: ${[...rewoundByMm2.keys()].join(', ')}`)
    for (const [key, before] of rewoundByMm2) expect(lastOnB.get(key)! >= before, `${key} restored after MM2 moved it back`).toBe(true)
    const reverse = await readOffsetSyncs(lab, 'B', REVERSE_SYNCS_TOPIC, false)
    expect(nonIncreasing(reverse.syncs.filter((sync) => sync.topic.startsWith('A.')))).toEqual([])

    console.log(`[instances ${kafka}] ${GROUPS} groups, ${commits} group commits on A; writer SIGKILLed: another elected after ${electedS.toFixed(1)} s, ` +
      `writing after ${takeoverS.toFixed(1)} s, A's shares covered after ${rebalanceAfterWriterS.toFixed(1)} s; share owner SIGKILLed: shares covered after ` +
      `${rebalanceS.toFixed(1)} s; two instances back, three shares after ${rejoinS.toFixed(1)} s; ${lastOnB.size} group-partitions on B never went back; ` +
      `most handovers of one group ${Math.max(...handovers.map((entry) => entry.handovers))}`)
    expect(takeoverS, 'from SIGKILL of the writer to the first reverse sync written by another').toBeLessThan(15)
    expect(rebalanceS, 'from SIGKILL of a share owner to every partition owned again').toBeLessThan(15)
  })
})
