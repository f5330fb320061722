// Several daemons of one deployment on the same (fake) clusters, sharing the work through the fake
// group coordinator: exactly one writes the reverse offset syncs that go to a cluster, and another takes
// over when it leaves or stops heartbeating, fencing it; each group's commits are mirrored by the
// instance that owns the group's partition of __consumer_offsets, and by it alone.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { parseMm2Properties } from '../../../../sidecar/src/config/mm2-properties.ts'
import { encodeOffsetCommitKey, encodeOffsetCommitValue } from '../../../../sidecar/src/core/codec/consumer-offsets.ts'
import { groupPartition } from '../../../../sidecar/src/core/naming/group-partition.ts'
import { defaultConfig, type SidecarConfig } from '../../../../sidecar/src/config/schema.ts'
import type { OffsetSync } from '../../../../sidecar/src/core/codec/offset-sync.ts'
import { Daemon } from '../../../../sidecar/src/engine/daemon/daemon.ts'
import { createLogger } from '../../../../sidecar/src/engine/logger.ts'
import { createMetrics, type SidecarMetrics } from '../../../../sidecar/src/metrics/registry.ts'
import { goodSync } from '../ingest/malformed-records.ts'
import { fakeClusters, type FakeCluster, type FakeRecord } from '../fakes.ts'

const TWO_WAY = ['clusters = A, B', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092', 'A->B.enabled = true', 'B->A.enabled = true'].join('\n')
const A_TO_B_SYNCS = 'mm2-offset-syncs.B.internal'

interface Instance { daemon: Daemon, metrics: SidecarMetrics, logs: string[] }

const running: Daemon[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map(async (daemon) => { await daemon.stop() }))
})

function deployment (): { a: FakeCluster, b: FakeCluster, start: (configure?: (config: SidecarConfig) => void) => Promise<Instance> } {
  const { clusters, factory } = fakeClusters('A', 'B')
  const a = clusters.get('A')!
  const b = clusters.get('B')!
  for (const cluster of [a, b]) {
    cluster.echoReverseSyncs = true
    cluster.logCommits = true
  }
  const start = async (configure: (config: SidecarConfig) => void = () => {}): Promise<Instance> => {
    const config = defaultConfig()
    config.features.lag = false
    config.features.groupSync = false
    config.follow.retryDelayMs = 20
    config.groupSync.livenessCacheMs = 0
    configure(config)
    const metrics = createMetrics()
    const logs: string[] = []
    const daemon = new Daemon({
      mm2: parseMm2Properties(TWO_WAY),
      config,
      metrics,
      logger: createLogger({ level: 'info', format: 'text', write: (line) => { logs.push(line) } }),
      adapters: factory
    })
    running.push(daemon)
    await daemon.start()
    await vi.waitFor(() => { expect(daemon.isReady).toBe(true) })
    return { daemon, metrics, logs }
  }
  return { a, b, start }
}

const writerGauge = async (instance: Instance, cluster: string): Promise<number> => {
  const series = `mm2_failback_reverse_sync_writer{kafka_cluster="${cluster}"}`
  const line = (await instance.metrics.registry.metrics()).split('\n').find((entry) => entry.startsWith(series))
  return line === undefined ? Number.NaN : Number(line.slice(line.lastIndexOf(' ') + 1))
}

/** Every reverse sync of A->B that reached B's topic, in order, from whichever instance wrote it. */
const writtenToB = (b: FakeCluster): OffsetSync[] => b.reverseSyncWriters.flatMap((writer) => writer.written)

/** Per partition, each reverse sync is above the one before it: what MM2 needs to read them. */
function expectMonotonic (syncs: readonly OffsetSync[]): void {
  const last = new Map<string, bigint>()
  for (const sync of syncs) {
    const key = `${sync.topic}-${sync.partition}`
    const before = last.get(key)
    if (before !== undefined) expect(sync.upstreamOffset).toBeGreaterThan(before)
    last.set(key, sync.upstreamOffset)
  }
}

describe('writer election (coordination.enabled, the default)', () => {
  it('one instance of two writes the reverse syncs; when it leaves, the other takes over and continues above them', async () => {
    const { a, b, start } = deployment()
    const first = await start()
    const second = await start()
    a.append(A_TO_B_SYNCS, 0, goodSync(10n, 10n))
    await vi.waitFor(() => { expect(writtenToB(b)).toEqual([{ topic: 'A.orders', partition: 0, upstreamOffset: 10n, downstreamOffset: 10n }]) })
    expect(await writerGauge(first, 'B') + await writerGauge(second, 'B')).toBe(1)
    const [writer, standby] = await writerGauge(first, 'B') === 1 ? [first, second] : [second, first]
    expect(standby.logs.some((line) => line.includes('now writes the reverse offset syncs that go to cluster B'))).toBe(false)

    await writer.daemon.stop()
    await vi.waitFor(async () => { expect(await writerGauge(standby, 'B')).toBe(1) })
    a.append(A_TO_B_SYNCS, 0, goodSync(20n, 20n))
    await vi.waitFor(() => { expect(writtenToB(b).map((sync) => sync.upstreamOffset)).toEqual([10n, 20n]) })
    expect(standby.logs.some((line) => line.includes('now writes the reverse offset syncs that go to cluster B'))).toBe(true)
    // Each settled change of its share is logged: first about half, then (the other gone) every partition.
    const shares = standby.logs.filter((line) => line.includes('cluster B: this instance now mirrors the groups stored in'))
    expect(shares).toHaveLength(2)
    expect(shares[0]).toMatch(/stored in 25 of 50 partitions of __consumer_offsets \([0-9, -]+; group __mm2-failback\)/)
    expect(shares[1]).toMatch(/stored in 50 of 50 partitions of __consumer_offsets \(0-49; group __mm2-failback\)/)
    expectMonotonic(writtenToB(b))
  })

  it('a writer the coordinator evicted (it stopped heartbeating) is fenced by the new one and writes nothing after the takeover', async () => {
    const { a, b, start } = deployment()
    const first = await start()
    await vi.waitFor(async () => { expect(await writerGauge(first, 'B')).toBe(1) })
    const second = await start()
    // The group rebalanced when the second joined: the first is still the writer of B (partition 0 is dealt first).
    await vi.waitFor(async () => { expect(await writerGauge(first, 'B')).toBe(1) })
    expect(await writerGauge(second, 'B')).toBe(0)
    a.append(A_TO_B_SYNCS, 0, goodSync(10n, 10n))
    await vi.waitFor(() => { expect(writtenToB(b)).toHaveLength(1) })

    // The first is cut off: the coordinator evicts it without it knowing, and deals partition 0 to the second.
    const group = b.groups.get('__mm2-failback')!
    group.remove(group.members[0]!)
    await vi.waitFor(async () => { expect(await writerGauge(second, 'B')).toBe(1) })
    const claimsBefore = b.reverseSyncWriters.map((writer) => writer.claims)
    a.append(A_TO_B_SYNCS, 0, goodSync(20n, 20n))
    await vi.waitFor(() => { expect(writtenToB(b).map((sync) => sync.upstreamOffset)).toEqual([10n, 20n]) })
    // Both saw the new sync; only the elected one's write landed, the zombie's was refused (fenced).
    const fenced = b.reverseSyncWriters.filter((writer) => writer.isFenced)
    expect(fenced).toHaveLength(1)
    expect(b.reverseSyncWriters.map((writer) => writer.claims)).toEqual(claimsBefore)
    expectMonotonic(writtenToB(b))
  })

  it('coordination.enabled=false: the first instance writes, a second one claims too, fencing it, and the first stays down', async () => {
    const { a, b, start } = deployment()
    const first = await start((config) => { config.coordination.enabled = false })
    a.append(A_TO_B_SYNCS, 0, goodSync(10n, 10n))
    await vi.waitFor(() => { expect(writtenToB(b)).toHaveLength(1) })
    await start((config) => { config.coordination.enabled = false })
    a.append(A_TO_B_SYNCS, 0, goodSync(20n, 20n))
    await vi.waitFor(() => { expect(writtenToB(b).map((sync) => sync.upstreamOffset)).toEqual([10n, 20n]) })
    await vi.waitFor(() => { expect(b.reverseSyncWriters[0]!.isFenced).toBe(true) })
    expect(Number.isNaN(await writerGauge(first, 'B'))).toBe(true)
  })
})

const commit = (group: string, offset: bigint): FakeRecord => ({
  key: encodeOffsetCommitKey({ group, topic: 'orders', partition: 0 }),
  value: encodeOffsetCommitValue({ version: 3, offset, leaderEpoch: -1, metadata: '', commitTimestamp: BigInt(Date.now()), expireTimestamp: -1n })
})

describe('group sync shared by the instances (coordination.enabled, the default)', () => {
  it('each group is mirrored by the instance owning its partition of __consumer_offsets, once; when that one leaves, the other mirrors it', async () => {
    const { a, b, start } = deployment()
    const withGroupSync = (config: SidecarConfig): void => {
      config.features.groupSync = true
      config.translation.mode = 'conservative'
    }
    const first = await start(withGroupSync)
    // Alone in the group for now: it owns every partition.
    await vi.waitFor(async () => { expect(await ownedPartitions(first, 'A')).toBe(50) })
    const second = await start(withGroupSync)
    // The fake coordinator deals in join order: the first member gets the even partitions, the second the odd ones.
    await vi.waitFor(async () => { expect([await ownedPartitions(first, 'A'), await ownedPartitions(second, 'A')]).toEqual([25, 25]) })
    a.append(A_TO_B_SYNCS, 0, goodSync(50n, 55n))
    const groups = Array.from({ length: 24 }, (_, i) => `shop-${i}`)
    // Each commit goes where Kafka stores it: the group's partition of __consumer_offsets.
    for (const group of groups) a.append('__consumer_offsets', groupPartition(group, 50), commit(group, 100n))
    await vi.waitFor(() => { expect(b.commits).toHaveLength(groups.length) })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(b.commits.map((entry) => entry.group).sort()).toEqual([...groups].sort())
    const evenGroups = groups.filter((group) => groupPartition(group, 50) % 2 === 0)
    expect(evenGroups.length).toBeGreaterThan(0)
    expect(evenGroups.length).toBeLessThan(groups.length)
    expect(await applied(first)).toBe(evenGroups.length)
    expect(await applied(second)).toBe(groups.length - evenGroups.length)
    // Each reports the groups it mirrors (refreshed every second).
    await vi.waitFor(async () => {
      const owned = [await gauge(first, 'owned_groups', 'A'), await gauge(second, 'owned_groups', 'A')]
      expect(owned).toEqual([evenGroups.length, groups.length - evenGroups.length])
    }, { timeout: 3000 })

    // The first leaves: the second owns every partition, reads the new ones from their start, and mirrors every group.
    await first.daemon.stop()
    await vi.waitFor(async () => { expect(await ownedPartitions(second, 'A')).toBe(50) })
    for (const group of groups) a.append('__consumer_offsets', groupPartition(group, 50), commit(group, 200n))
    a.append(A_TO_B_SYNCS, 0, goodSync(150n, 155n))
    await vi.waitFor(() => { expect(b.commits.filter((entry) => entry.offset === 156n).map((entry) => entry.group).sort()).toEqual([...groups].sort()) })
    await new Promise((resolve) => setTimeout(resolve, 100))
    // Exactly one write per group and source commit, from whichever instance owned the group at the time.
    expect(b.commits).toHaveLength(2 * groups.length)
  })
})

async function gauge (instance: Instance, name: string, cluster: string): Promise<number> {
  const line = (await instance.metrics.registry.metrics()).split('\n').find((entry) => entry.startsWith(`mm2_failback_${name}{kafka_cluster="${cluster}"}`))
  return line === undefined ? Number.NaN : Number(line.slice(line.lastIndexOf(' ') + 1))
}

async function ownedPartitions (instance: Instance, cluster: string): Promise<number> {
  return await gauge(instance, 'owned_partitions', cluster)
}

async function applied (instance: Instance): Promise<number> {
  return (await instance.metrics.registry.metrics()).split('\n')
    .filter((entry) => entry.startsWith('mm2_failback_group_commits_applied_total{') && entry.includes('direction="forward"'))
    .reduce((sum, entry) => sum + Number(entry.slice(entry.lastIndexOf(' ') + 1)), 0)
}
