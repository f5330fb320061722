// Exact translation in the sidecar (docs/design.md §6.1) end to end, on Kafka 3.9 and 4.1: a real lab
// (clusters A and B, an unmodified MM2 with flows A->B and B->A) and the CLI `mm2-failback run`.
// A burst over many partitions makes MM2's offset syncs sparse (it coalesces the pending syncs of a
// partition while ten are in flight), so positions above MM2's newest sync and below its first one
// exist without any trick. The expected positions come from the records themselves: every value is
// unique, so the copy of the record before a group's position is found by value on the other side.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { decodeCheckpoint } from '../../sidecar/src/core/codec/checkpoint.ts'
import { startLab, type Lab } from '../../lab/lab.ts'
import { waitFor } from '../../lab/wait.ts'
import { produceSequence } from '../../lab/drill/workload.ts'
import { startSidecarProcess, type SidecarProcess } from '../../lab/process/sidecar-process.ts'
import { readWholeTopic } from '../integration/helpers/topic-reader.ts'
import { Admins, metricSum, readOffsetSyncs, type TopicSync } from './safety-helpers.ts'
import { testedKafkaLines } from '../kafka-lines.ts'

const VERSIONS = testedKafkaLines()
const TOPIC = 'burst'
const REMOTE = 'A.burst'
const PARTITIONS = 24
const RECORDS = 24_000
const FORWARD_SYNCS_TOPIC = 'mm2-offset-syncs.B.internal'
/** Flow B->A's offset-syncs topic (on B): where the reverse syncs of flow A->B go. */
const REVERSE_SYNCS_TOPIC = 'mm2-offset-syncs.A.internal'

interface PartitionLogs {
  /** Values by offset, per partition, on A (`burst`) and on B (`A.burst`). */
  upstream: Array<Map<bigint, string>>
  downstream: Array<Map<bigint, string>>
}

describe.each(VERSIONS)('exact translation in the sidecar on Kafka %s', (kafka) => {
  let lab: Lab
  let admins: Admins
  let sidecar: SidecarProcess
  let syncs: TopicSync[]
  let logs: PartitionLogs
  const report: string[] = []

  /** Where a group that consumed up to `position` (exclusive) on `from`'s log is on the other log: right after the copy of its last record. */
  const exactPosition = (direction: 'forward' | 'reverse', partition: number, position: bigint): bigint => {
    const up = logs.upstream[partition]!
    const down = logs.downstream[partition]!
    const [from, to] = direction === 'forward' ? [up, down] : [down, up]
    const last = from.get(position - 1n)
    if (last === undefined) throw new Error(`no record at ${position - 1n} of partition ${partition}`)
    const copies = [...to].filter(([, value]) => value === last).map(([offset]) => offset)
    if (copies.length !== 1) throw new Error(`value ${last} is ${copies.length} times on the other side of partition ${partition}; pick another position`)
    return copies[0]! + 1n
  }

  const syncsOf = (partition: number): TopicSync[] => syncs.filter((sync) => sync.topic === TOPIC && sync.partition === partition)

  /** Polls the group's committed offset on a cluster until it equals `expected`; returns the ms it took from `since`. */
  const waitCommitted = async (alias: string, group: string, topic: string, partition: number, expected: bigint, since: number): Promise<number> => {
    await waitFor(async () => (await admins.committed(alias, group, topic)).get(partition)?.offset === expected, {
      timeoutMs: 30_000, intervalMs: 25, description: `group ${group} at ${expected} on ${topic}-${partition} on cluster ${alias}`
    })
    return Date.now() - since
  }

  let produced = RECORDS
  /** Reads MM2's syncs of `burst` and both logs as they are now. */
  const refresh = async (): Promise<void> => {
    syncs = (await readOffsetSyncs(lab, 'A', FORWARD_SYNCS_TOPIC, true)).syncs
    const byPartition = (records: Array<{ partition: number, offset: bigint, value: string }>): Array<Map<bigint, string>> => {
      const maps = Array.from({ length: PARTITIONS }, () => new Map<bigint, string>())
      for (const record of records) maps[record.partition]!.set(record.offset, record.value)
      return maps
    }
    const decode = (record: { partition: number, offset: bigint, value: Uint8Array | null }): { partition: number, offset: bigint, value: string } =>
      ({ partition: record.partition, offset: record.offset, value: Buffer.from(record.value ?? new Uint8Array()).toString() })
    logs = {
      upstream: byPartition(await readWholeTopic(lab, 'A', TOPIC, decode)),
      downstream: byPartition(await readWholeTopic(lab, 'B', REMOTE, decode))
    }
  }
  /**
   * A few more records on every partition, fewer than MM2's offset.lag.max: MM2 syncs them only at its
   * next source-offset flush, so until then they lie above its newest sync.
   */
  const trickle = async (): Promise<void> => {
    const count = PARTITIONS * 8
    await produceSequence(lab.bootstrap('A'), TOPIC, 'A', produced, count, PARTITIONS)
    produced += count
    await waitFor(async () => (await lab.recordCount('B', REMOTE)) >= BigInt(produced), { timeoutMs: 60_000, description: `MM2 to copy ${produced} records` })
    await refresh()
  }

  beforeAll(async () => {
    lab = await startLab({ kafka })
    admins = new Admins(lab)
    await lab.createTopic('A', TOPIC, PARTITIONS)
    await produceSequence(lab.bootstrap('A'), TOPIC, 'A', 0, RECORDS, PARTITIONS)
    await waitFor(async () => (await lab.recordCount('B', REMOTE)) >= BigInt(RECORDS), {
      timeoutMs: 180_000, description: `MM2 to copy ${RECORDS} records to ${REMOTE}`
    })
    await refresh()
    sidecar = await startSidecarProcess({ mm2Config: lab.mm2PropertiesPath!, logDir: lab.logDir, name: 'sidecar-exact' })
    await waitFor(async () => await sidecar.ready(), { timeoutMs: 60_000, intervalMs: 250, description: 'the sidecar to be ready' })
    const firsts = Array.from({ length: PARTITIONS }, (_, p) => syncsOf(p)[0]?.upstreamOffset ?? -1n)
    report.push(`MM2's first syncs of ${TOPIC}: ${firsts.join('/')}; syncs per partition: ${Array.from({ length: PARTITIONS }, (_, p) => syncsOf(p).length).join('/')}`)
  })

  beforeEach((context) => {
    context.onTestFailed(() => { console.log(`[Kafka ${kafka}] "${context.task.name}" failed; sidecar log ${sidecar?.logFile}\n${lab?.logTails(30) ?? ''}`) })
  })

  afterAll(async () => {
    await sidecar?.stop().catch(() => {})
    await admins?.close()
    await lab?.stop()
    console.log(`[Kafka ${kafka}] exact translation:\n  ${report.join('\n  ')}`)
  })

  it('mirrors a position above MM2\'s newest sync and one below its first sync exactly, both ways, from the records alone', async () => {
    const end = (p: number): bigint => BigInt(logs.upstream[p]!.size)
    // Above the newest sync: half-way between it and the end of the partition.
    const findAbove = (): number | undefined =>
      Array.from({ length: PARTITIONS }, (_, p) => p).find((p) => end(p) - (syncsOf(p).at(-1)?.upstreamOffset ?? end(p)) >= 4)
    let above = findAbove()
    for (let attempt = 0; above === undefined && attempt < 4; attempt++) {
      await trickle()
      above = findAbove()
    }
    // Below the first sync: MM2 coalesced the first syncs of the burst.
    const below = Array.from({ length: PARTITIONS }, (_, p) => p).find((p) => p !== above && (syncsOf(p)[0]?.upstreamOffset ?? 0n) >= 4n)
    expect(above, `a partition of ${TOPIC} with records above MM2's newest sync`).toBeDefined()
    expect(below, `a partition of ${TOPIC} whose first MM2 sync is above offset 4 (syncs coalesced in the burst)`).toBeDefined()
    const newest = syncsOf(above!).at(-1)!.upstreamOffset
    const aboveAt = newest + (end(above!) - newest) / 2n
    const belowAt = syncsOf(below!)[0]!.upstreamOffset / 2n
    // No MM2 sync sits at either position: only a proof can make them exact.
    const at = (partition: number, offset: bigint): boolean =>
      syncs.some((sync) => sync.topic === TOPIC && sync.partition === partition && sync.upstreamOffset === offset)
    expect(at(above!, aboveAt) || at(below!, belowAt)).toBe(false)

    const offsets = Array.from({ length: PARTITIONS }, () => 0n)
    offsets[above!] = aboveAt
    offsets[below!] = belowAt
    const committedAt = Date.now()
    await admins.commit('A', 'exact-forward', TOPIC, offsets)
    const aboveMs = await waitCommitted('B', 'exact-forward', REMOTE, above!, exactPosition('forward', above!, aboveAt), committedAt)
    const belowMs = await waitCommitted('B', 'exact-forward', REMOTE, below!, exactPosition('forward', below!, belowAt), committedAt)
    report.push(`forward: ${TOPIC}-${above} at ${aboveAt} (newest sync ${newest}) mirrored exactly after ${aboveMs} ms`)
    report.push(`forward: ${TOPIC}-${below} at ${belowAt} (first sync ${syncsOf(below!)[0]!.upstreamOffset}) mirrored exactly after ${belowMs} ms`)

    // And back: a group that drained A.burst on B (the failback case: A was away, nothing new arrived),
    // at the end of the partition, above every sync MM2 wrote for it.
    const reverseAt = BigInt(logs.downstream[above!]!.size)
    const reverseOffsets = Array.from({ length: PARTITIONS }, () => 0n)
    reverseOffsets[above!] = reverseAt
    const reverseCommittedAt = Date.now()
    await admins.commit('B', 'exact-reverse', REMOTE, reverseOffsets)
    const expectedOnA = exactPosition('reverse', above!, reverseAt)
    const reverseMs = await waitCommitted('A', 'exact-reverse', TOPIC, above!, expectedOnA, reverseCommittedAt)
    report.push(`reverse: ${REMOTE}-${above} at ${reverseAt} mirrored exactly to ${expectedOnA} after ${reverseMs} ms`)

    const scrape = await sidecar.scrape()
    expect(metricSum(scrape, 'mm2_failback_exact_proofs_total', { flow: 'A->B' })).toBeGreaterThanOrEqual(3)
    report.push(`proofs ${JSON.stringify(scrape.split('\n').filter((line) => line.startsWith('mm2_failback_exact_proofs_total{')))}`)

    // MM2's own B->A checkpoint connector lands on the exact position too: the sidecar wrote a reverse
    // sync at the proven pair, and MM2 answers exactly when a sync sits at the group's offset. A
    // checkpoint emitted before MM2 read that sync is conservative (lower); none may be higher.
    const checkpoints = async (): Promise<Array<{ upstreamOffset: bigint, downstreamOffset: bigint }>> =>
      (await readWholeTopic(lab, 'A', 'B.checkpoints.internal', (record) => decodeCheckpoint(record.key, record.value)))
        .filter((entry) => entry.consumerGroupId === 'exact-reverse' && entry.topic === TOPIC && entry.partition === above)
        .filter((entry) => entry.upstreamOffset === reverseAt)
    const checkpoint = await waitFor(async () => (await checkpoints()).find((entry) => entry.downstreamOffset === expectedOnA) ?? null, {
      timeoutMs: 90_000, intervalMs: 2000, description: `an MM2 B->A checkpoint of group exact-reverse for ${TOPIC}-${above} at ${reverseAt} landing on ${expectedOnA}`
    })
    expect((await checkpoints()).filter((entry) => entry.downstreamOffset > expectedOnA)).toEqual([])
    // ...from the reverse sync the sidecar wrote at the proven pair.
    const reverseSyncs = (await readOffsetSyncs(lab, 'B', REVERSE_SYNCS_TOPIC, false)).syncs
    expect(reverseSyncs).toContainEqual(expect.objectContaining({ topic: REMOTE, partition: above, upstreamOffset: reverseAt, downstreamOffset: expectedOnA }))
    report.push(`MM2's B->A checkpoint: ${REMOTE}-${above} at ${reverseAt} -> ${TOPIC} at ${checkpoint.downstreamOffset}`)
  })
})
