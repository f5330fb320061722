// The whole daemon, wired by its composition root, against fake clusters (no Kafka): MM2's syncs
// in, group commits in, and what it writes out: mirrored commits on the other cluster, reverse
// offset syncs, history snapshots (the index's syncs and the proven pairs), and the counts of what it
// skipped.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { parseMm2Properties } from '../../../../sidecar/src/config/mm2-properties.ts'
import { defaultConfig, type SidecarConfig } from '../../../../sidecar/src/config/schema.ts'
import { encodeOffsetCommitKey, encodeOffsetCommitValue } from '../../../../sidecar/src/core/codec/consumer-offsets.ts'
import { encodeHeartbeat } from '../../../../sidecar/src/core/codec/heartbeat.ts'
import { encodeProvenPairs, encodeSyncHistory, type HistoryRecord } from '../../../../sidecar/src/core/codec/sync-history.ts'
import { parseProvenance, provenanceMetadata } from '../../../../sidecar/src/core/sync/provenance.ts'
import { Daemon, type DaemonOptions } from '../../../../sidecar/src/engine/daemon/daemon.ts'
import { createLogger } from '../../../../sidecar/src/engine/logger.ts'
import { createMetrics, type SidecarMetrics } from '../../../../sidecar/src/metrics/registry.ts'
import { goodSync } from '../ingest/malformed-records.ts'
import { fakeClusters, type FakeCluster, type FakeRecord } from '../fakes.ts'

const TWO_WAY = ['clusters = A, B', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092', 'A->B.enabled = true', 'B->A.enabled = true'].join('\n')
const A_TO_B_SYNCS = 'mm2-offset-syncs.B.internal'
const B_TO_A_SYNCS = 'mm2-offset-syncs.A.internal'
const HISTORY = 'mm2-failback.history.internal'
/** The proven-pair snapshots a cluster's history writer was given, oldest first. */
const pairSnapshots = (cluster: FakeCluster): HistoryRecord[] =>
  cluster.historyWriters.flatMap((writer) => writer.written).filter((snapshot) => snapshot.kind === 'proven-pairs')

const commit = (group: string, topic: string, partition: number, offset: bigint, metadata = ''): FakeRecord => ({
  key: encodeOffsetCommitKey({ group, topic, partition }),
  value: encodeOffsetCommitValue({ version: 3, offset, leaderEpoch: -1, metadata, commitTimestamp: BigInt(Date.now()), expireTimestamp: -1n })
})

interface Running {
  daemon: Daemon
  a: FakeCluster
  b: FakeCluster
  metrics: SidecarMetrics
  logs: string[]
}

const running: Daemon[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map(async (daemon) => { await daemon.stop() }))
})

async function start (
  configure: (config: SidecarConfig, a: FakeCluster, b: FakeCluster) => void = () => {},
  waitReady = true,
  options: Pick<DaemonOptions, 'readinessRecheckMs'> = {}
): Promise<Running> {
  const { clusters, factory } = fakeClusters('A', 'B')
  const a = clusters.get('A')!
  const b = clusters.get('B')!
  const config = defaultConfig()
  config.features.lag = false
  config.history.flushIntervalMs = 20
  config.groupSync.livenessCacheMs = 0
  configure(config, a, b)
  const metrics = createMetrics()
  const logs: string[] = []
  const daemon = new Daemon({
    mm2: parseMm2Properties(TWO_WAY),
    config,
    metrics,
    logger: createLogger({ level: 'debug', format: 'text', write: (line) => { logs.push(line) } }),
    adapters: factory,
    ...options
  })
  running.push(daemon)
  await daemon.start()
  if (waitReady) await vi.waitFor(() => { expect(daemon.isReady).toBe(true) }, { timeout: 5000 })
  return { daemon, a, b, metrics, logs }
}

const value = async (metrics: SidecarMetrics, name: string, labels: Record<string, string>): Promise<number> => {
  const text = await metrics.registry.metrics()
  const wanted = Object.entries(labels).map(([key, label]) => `${key}="${label}"`)
  const line = text.split('\n').find((entry) => entry.startsWith(`mm2_failback_${name}{`) && wanted.every((part) => entry.includes(part)))
  return line === undefined ? Number.NaN : Number(line.slice(line.lastIndexOf(' ') + 1))
}

describe('Daemon (fake clusters)', () => {
  it('mirrors a group commit on B back to A (failback) at the offset a sync proves, tagged as ours', async () => {
    const { a, b } = await start()
    a.append(A_TO_B_SYNCS, 0, goodSync(100n, 90n))
    b.append('__consumer_offsets', 0, commit('g', 'A.orders', 0, 90n))
    await vi.waitFor(() => { expect(a.commits).toHaveLength(1) })
    expect(a.commits[0]).toMatchObject({ group: 'g', topic: 'orders', partition: 0, offset: 100n })
    expect(parseProvenance(a.commits[0]!.metadata)).toEqual({ fromCluster: 'B', fromOffset: 90n })
  })

  it('and forward (failover) from A to B, then leaves its own write alone when it comes back (no ping-pong)', async () => {
    const { a, b } = await start()
    a.append(A_TO_B_SYNCS, 0, goodSync(100n, 90n))
    a.append('__consumer_offsets', 0, commit('g', 'orders', 0, 100n))
    await vi.waitFor(() => { expect(b.commits).toHaveLength(1) })
    expect(b.commits[0]).toMatchObject({ group: 'g', topic: 'A.orders', partition: 0, offset: 90n })
    // The broker's log of B now holds our commit; it must not travel back to A.
    b.append('__consumer_offsets', 0, commit('g', 'A.orders', 0, 90n, b.commits[0]!.metadata))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(a.commits).toEqual([])
  })

  it('never writes into a group with live members on the target, and counts the skip', async () => {
    const { a, b, metrics } = await start((_config, a) => { a.members.set('busy', 2) })
    a.append(A_TO_B_SYNCS, 0, goodSync(100n, 90n))
    b.append('__consumer_offsets', 0, commit('busy', 'A.orders', 0, 90n))
    await vi.waitFor(async () => { expect(await value(metrics, 'group_commits_skipped_total', { group: 'busy', reason: 'group-active' })).toBe(1) })
    expect(a.commits).toEqual([])
    expect(a.requests).toContain('liveness')
  })

  it('never moves a group backwards, and does nothing when the target is already there', async () => {
    const { a, b, metrics } = await start()
    a.append(A_TO_B_SYNCS, 0, goodSync(100n, 90n), goodSync(200n, 190n))
    a.append('__consumer_offsets', 0, commit('ahead', 'orders', 0, 300n), commit('there', 'orders', 0, 100n, 'app'))
    await vi.waitFor(() => { expect(b.commits.map((entry) => entry.group).sort()).toEqual(['ahead', 'there']) })
    b.commits.length = 0
    b.append('__consumer_offsets', 0, commit('ahead', 'A.orders', 0, 90n), commit('there', 'A.orders', 0, 90n))
    await vi.waitFor(async () => { expect(await value(metrics, 'group_commits_skipped_total', { group: 'ahead', reason: 'would-rewind' })).toBe(1) })
    await vi.waitFor(async () => { expect(await value(metrics, 'group_commits_skipped_total', { group: 'there', reason: 'in-sync' })).toBe(1) })
    expect(a.commits).toEqual([])
  })

  it('a commit that no sync covers yet is mirrored as soon as one arrives', async () => {
    const { a, b } = await start()
    b.append('__consumer_offsets', 0, commit('late', 'A.orders', 0, 50n))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(a.commits).toEqual([])
    a.append(A_TO_B_SYNCS, 0, goodSync(60n, 50n))
    await vi.waitFor(() => { expect(a.commits).toMatchObject([{ group: 'late', topic: 'orders', offset: 60n }]) })
  })

  describe('exact mode (the default)', () => {
    const text = new TextEncoder()
    const record = (n: number): FakeRecord => ({ key: text.encode(`k${n}`), value: text.encode(`v${n}`), timestamp: 1_000_000n + BigInt(n) })
    const records = (from: number, to: number): FakeRecord[] => Array.from({ length: to - from }, (_, i) => record(from + i))
    // MM2 re-delivered upstream 5..9 once: upstream n >= 10 is downstream n + 5; its one sync is (50, 55).
    const fill = (a: FakeCluster, b: FakeCluster, upTo: number): void => {
      a.append('orders', 0, ...records(0, upTo))
      b.append('A.orders', 0, ...records(0, 10), ...records(5, upTo))
      a.append(A_TO_B_SYNCS, 0, goodSync(50n, 55n))
    }

    it('mirrors a commit far above MM2\'s only sync exactly, both ways, and writes a reverse sync at the proven pair', async () => {
      const { a, b, metrics } = await start()
      fill(a, b, 300)
      a.append('__consumer_offsets', 0, commit('g', 'orders', 0, 250n))
      await vi.waitFor(() => { expect(b.commits).toMatchObject([{ group: 'g', topic: 'A.orders', partition: 0, offset: 255n }]) })
      b.append('__consumer_offsets', 0, commit('h', 'A.orders', 0, 205n))
      await vi.waitFor(() => { expect(a.commits).toMatchObject([{ group: 'h', topic: 'orders', partition: 0, offset: 200n }]) })
      await vi.waitFor(() => {
        expect(b.reverseSyncWriters[0]?.written).toContainEqual({ topic: 'A.orders', partition: 0, upstreamOffset: 255n, downstreamOffset: 250n })
      })
      expect(await value(metrics, 'exact_proofs_total', { flow: 'A->B', direction: 'forward', method: 'quick' })).toBe(1)
      expect(await value(metrics, 'exact_fallbacks_total', { flow: 'A->B', direction: 'forward', reason: 'not-copied' })).toBe(0)
      // A quick proof: one fetch a side, one observation of its records.
      expect(await value(metrics, 'exact_proof_fetches_total', { flow: 'A->B', direction: 'forward' })).toBe(2)
      expect(await value(metrics, 'exact_proof_read_records_count', { flow: 'A->B', direction: 'forward' })).toBe(1)
      expect(await value(metrics, 'exact_proof_fetches_total', { flow: 'B->A', direction: 'forward' })).toBe(0)
      // A new MM2 sync re-evaluates the partition's commits, but cannot improve on exact ones: no proof is made again.
      const proofs = async (): Promise<number> => {
        let total = 0
        for (const direction of ['forward', 'reverse']) {
          for (const method of ['at-anchor', 'quick', 'walk']) total += await value(metrics, 'exact_proofs_total', { flow: 'A->B', direction, method })
        }
        return total
      }
      const before = await proofs()
      a.append(A_TO_B_SYNCS, 0, goodSync(280n, 285n))
      const inverted = { topic: 'A.orders', partition: 0, upstreamOffset: 285n, downstreamOffset: 280n }
      await vi.waitFor(() => { expect(b.reverseSyncWriters[0]?.written).toContainEqual(inverted) })
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(await proofs()).toBe(before)
      expect(b.commits).toHaveLength(1)
    })

    it('the periodic pass leaves a commit mirrored exactly alone while B holds the copy, and mirrors it again once B lost it', async () => {
      const { a, b, metrics } = await start((config) => { config.groupSync.fullPassMs = 100 })
      fill(a, b, 300)
      a.append('__consumer_offsets', 0, commit('g', 'orders', 0, 250n))
      await vi.waitFor(() => { expect(b.commits).toMatchObject([{ group: 'g', topic: 'A.orders', partition: 0, offset: 255n }]) })
      const proofs = async (): Promise<number> => await value(metrics, 'exact_proofs_total', { flow: 'A->B', direction: 'forward', method: 'quick' }) +
        await value(metrics, 'exact_proofs_total', { flow: 'A->B', direction: 'forward', method: 'at-anchor' })
      const before = await proofs()
      // Five passes: not proven again, not written again.
      await new Promise((resolve) => setTimeout(resolve, 500))
      expect(await proofs()).toBe(before)
      expect(b.commits).toHaveLength(1)
      // The group's offset on B is deleted (a tombstone in B's __consumer_offsets): the next pass writes it back.
      b.append('__consumer_offsets', 0, { key: encodeOffsetCommitKey({ group: 'g', topic: 'A.orders', partition: 0 }), value: null })
      await vi.waitFor(() => { expect(b.commits.map((entry) => entry.offset)).toEqual([255n, 255n]) })
      expect(await proofs()).toBe(before + 1)
    })

    it('commits nothing while MM2 has not copied the records, then the exact offset as soon as it has', async () => {
      const { a, b, metrics } = await start((config) => { config.translation.retryMs = 20 })
      fill(a, b, 300)
      a.append('orders', 0, ...records(300, 320))
      a.append('__consumer_offsets', 0, commit('g', 'orders', 0, 320n))
      const notCopied = { flow: 'A->B', direction: 'forward', reason: 'not-copied' }
      await vi.waitFor(async () => { expect(await value(metrics, 'exact_fallbacks_total', notCopied)).toBe(1) })
      await vi.waitFor(async () => { expect(await value(metrics, 'untranslatable_partitions', { flow: 'A->B', direction: 'forward', group: 'g' })).toBe(1) })
      expect(b.commits).toEqual([])
      b.append('A.orders', 0, ...records(300, 320))
      await vi.waitFor(() => { expect(b.commits.map((entry) => entry.offset)).toEqual([325n]) })
      // Retries are not counted again.
      expect(await value(metrics, 'exact_fallbacks_total', { flow: 'A->B', direction: 'forward', reason: 'not-copied' })).toBe(1)
    })

    it('and commits the conservative answer once MM2 has not copied them for translation.copyWaitMs', async () => {
      const { a, b } = await start((config) => { config.translation.retryMs = 20; config.translation.copyWaitMs = 100 })
      fill(a, b, 300)
      a.append('orders', 0, ...records(300, 320))
      a.append('__consumer_offsets', 0, commit('g', 'orders', 0, 320n))
      await vi.waitFor(() => { expect(b.commits.map((entry) => entry.offset)).toEqual([56n]) })
      b.append('A.orders', 0, ...records(300, 320))
      await vi.waitFor(() => { expect(b.commits.map((entry) => entry.offset)).toEqual([56n, 325n]) })
    })

    it('commits the target cluster did not take (down) are applied soon after its return, probing it with one at a time meanwhile', async () => {
      const { a, b, metrics } = await start()
      fill(a, b, 300)
      await vi.waitFor(() => { expect(b.reverseSyncWriters[0]?.written.length ?? 0).toBeGreaterThan(0) })
      b.down = true
      const groups = Array.from({ length: 20 }, (_, i) => `g${i}`)
      a.append('__consumer_offsets', 0, ...groups.map((group) => commit(group, 'orders', 0, 250n)))
      const readFailed = { flow: 'A->B', direction: 'forward', reason: 'read-failed' }
      await vi.waitFor(async () => { expect(await value(metrics, 'exact_fallbacks_total', readFailed)).toBe(20) })
      // While B is down, its reads are one probe per 250 ms, not one per group.
      const requestsBefore = b.readers.reduce((sum, reader) => sum + reader.requests, 0)
      await new Promise((resolve) => setTimeout(resolve, 1000))
      const probes = b.readers.reduce((sum, reader) => sum + reader.requests, 0) - requestsBefore
      expect(probes).toBeGreaterThan(0)
      expect(probes).toBeLessThanOrEqual(8)
      b.down = false
      const back = Date.now()
      // Well before the 10 s re-evaluation of every commit: at the next probe, and all groups at once.
      await vi.waitFor(() => { expect(b.commits).toHaveLength(20) }, { timeout: 3000, interval: 10 })
      expect(Date.now() - back).toBeLessThan(1000)
      expect(new Set(b.commits.map((entry) => entry.offset))).toEqual(new Set([255n]))
    })

    it('keeps every proven pair in the history topic of both clusters, as a snapshot of its partition\'s pairs', async () => {
      const { a, b } = await start()
      fill(a, b, 300)
      a.append('__consumer_offsets', 0, commit('g', 'orders', 0, 250n))
      await vi.waitFor(() => { expect(b.commits).toMatchObject([{ group: 'g', offset: 255n }]) })
      const snapshot = { kind: 'proven-pairs', sourceClusterAlias: 'A', targetClusterAlias: 'B', topic: 'orders', partition: 0 }
      await vi.waitFor(() => {
        for (const cluster of [a, b]) expect(pairSnapshots(cluster).at(-1)).toEqual({ ...snapshot, pairs: [{ upstreamOffset: 250n, downstreamOffset: 255n }] })
      })
      // The group moves on: the next snapshot holds both pairs, oldest first.
      a.append('__consumer_offsets', 0, commit('g', 'orders', 0, 280n))
      await vi.waitFor(() => {
        for (const cluster of [a, b]) {
          expect(pairSnapshots(cluster).at(-1))
            .toEqual({ ...snapshot, pairs: [{ upstreamOffset: 250n, downstreamOffset: 255n }, { upstreamOffset: 280n, downstreamOffset: 285n }] })
        }
      })
    })

    it('seeds the proven pairs from the history topic: a group at a pair is mirrored at-anchor, reading no log', async () => {
      // Only B still holds the pair (A lost its history topic); no MM2 sync, and both logs are empty.
      const ORDERS = { sourceClusterAlias: 'A', targetClusterAlias: 'B', topic: 'orders' }
      const { a, b, metrics, logs } = await start((_config, _a, b) => {
        b.append(HISTORY, 0,
          encodeSyncHistory({ ...ORDERS, partition: 1, syncs: [{ upstreamOffset: 5n, downstreamOffset: 5n }] }),
          encodeProvenPairs({ ...ORDERS, partition: 0, pairs: [{ upstreamOffset: 250n, downstreamOffset: 255n }] }))
      })
      const seeded = '1 syncs from history snapshots, 0 from MM2\'s offset-syncs topics; 1 proven pairs from history snapshots'
      expect(logs.some((line) => line.includes(seeded))).toBe(true)
      a.append('__consumer_offsets', 0, commit('g', 'orders', 0, 250n))
      await vi.waitFor(() => { expect(b.commits).toMatchObject([{ group: 'g', topic: 'A.orders', partition: 0, offset: 255n }]) })
      expect(await value(metrics, 'exact_proofs_total', { flow: 'A->B', direction: 'forward', method: 'at-anchor' })).toBe(1)
      expect(await value(metrics, 'exact_proof_records_read_total', { flow: 'A->B', direction: 'forward' })).toBe(0)
      expect([...a.readers, ...b.readers].reduce((sum, reader) => sum + reader.requests, 0)).toBe(0)
      // Read, not skipped; and A gets its copy back.
      for (const reason of ['decode_unsupported_version', 'decode_invalid']) {
        expect(await value(metrics, 'records_skipped_total', { kafka_cluster: 'B', topic: HISTORY, reason })).toBe(0)
      }
      expect(await value(metrics, 'records_decoded_total', { kafka_cluster: 'B', record_type: 'history' })).toBe(2)
      await vi.waitFor(() => {
        expect(pairSnapshots(a).at(-1)).toMatchObject({ topic: 'orders', partition: 0, pairs: [{ upstreamOffset: 250n, downstreamOffset: 255n }] })
      })
    })

    it('translation.mode conservative keeps the nearest sync + 1 and counts no proof', async () => {
      const { a, b, metrics } = await start((config) => { config.translation.mode = 'conservative' })
      fill(a, b, 300)
      a.append('__consumer_offsets', 0, commit('g', 'orders', 0, 250n))
      await vi.waitFor(() => { expect(b.commits).toMatchObject([{ group: 'g', offset: 56n }]) })
      expect(await value(metrics, 'exact_proofs_total', { flow: 'A->B' })).toBeNaN()
      expect(await value(metrics, 'exact_fallbacks_total', { flow: 'A->B' })).toBeNaN()
      expect(await value(metrics, 'exact_proof_fetches_total', { flow: 'A->B' })).toBeNaN()
      expect(await value(metrics, 'exact_proof_read_records_count', { flow: 'A->B' })).toBeNaN()
    })
  })

  it('writes reverse syncs into the other flow\'s offset-syncs topic, and history snapshots to both clusters', async () => {
    const { a, b } = await start()
    a.append(A_TO_B_SYNCS, 0, goodSync(100n, 90n))
    await vi.waitFor(() => {
      expect(b.reverseSyncWriters[0]?.written).toEqual([{ topic: 'A.orders', partition: 0, upstreamOffset: 90n, downstreamOffset: 100n }])
    })
    expect(b.reverseSyncWriters[0]!.topic).toBe(B_TO_A_SYNCS)
    await vi.waitFor(() => {
      for (const cluster of [a, b]) {
        const snapshot = { kind: 'syncs', sourceClusterAlias: 'A', targetClusterAlias: 'B', topic: 'orders' }
        expect(cluster.historyWriters[0]?.written.at(-1)).toMatchObject({ ...snapshot, syncs: [{ upstreamOffset: 100n, downstreamOffset: 90n }] })
      }
    })
  })

  it('counts bad records of a mixed batch in __consumer_offsets by topic and reason, logs each reason once, and mirrors the good commit', async () => {
    const { a, b, metrics, logs } = await start()
    a.append(A_TO_B_SYNCS, 0, goodSync(100n, 90n))
    const good = commit('g', 'A.orders', 0, 90n)
    b.append('__consumer_offsets', 3,
      { key: good.key, value: good.value!.subarray(0, 5) },
      { key: null, value: good.value },
      good,
      { key: good.key, value: good.value!.subarray(0, 7) })
    await vi.waitFor(() => { expect(a.commits).toHaveLength(1) })
    const labels = { kafka_cluster: 'B', topic: '__consumer_offsets', record_type: 'consumer-offsets' }
    expect(await value(metrics, 'records_skipped_total', { ...labels, reason: 'decode_truncated' })).toBe(2)
    expect(await value(metrics, 'records_skipped_total', { ...labels, reason: 'decode_invalid' })).toBe(1)
    expect(logs.filter((line) => line.includes('skipped a bad consumer-offsets record on cluster B, __consumer_offsets-3'))).toHaveLength(2)
  })

  it('garbage in the heartbeats topic is counted and does not move the heartbeat age', async () => {
    const { a, metrics } = await start()
    const heartbeat = encodeHeartbeat({ sourceClusterAlias: 'B', targetClusterAlias: 'A', timestamp: BigInt(Date.now()) })
    a.append('B.heartbeats', 0, { key: Uint8Array.of(1), value: Uint8Array.of(2) }, heartbeat)
    await vi.waitFor(async () => {
      expect(await value(metrics, 'records_skipped_total', { kafka_cluster: 'A', topic: 'B.heartbeats', reason: 'decode_truncated' })).toBe(1)
    })
    await vi.waitFor(async () => { expect(await value(metrics, 'heartbeat_age_seconds', { flow: 'B->A' })).toBeLessThan(5) }, { timeout: 3000 })
  })

  it('writes nothing before every followed topic was read to its end once, then catches up on what it read', async () => {
    const { daemon, a, b, metrics } = await start((_config, a, b) => {
      b.holdCatchUp = true
      a.append(A_TO_B_SYNCS, 0, goodSync(100n, 90n))
      b.append('__consumer_offsets', 0, commit('early', 'A.orders', 0, 90n))
    }, false)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(daemon.isReady).toBe(false)
    expect((await metrics.registry.metrics()).split('\n')).toContain('mm2_failback_ready 0')
    expect(daemon.readinessDetail()).toEqual({ A: 'read to end', B: 'reading' })
    expect([a.commits, b.commits, b.reverseSyncWriters, a.historyWriters, b.historyWriters]).toEqual([[], [], [], [], []])
    b.holdCatchUp = false
    await vi.waitFor(() => { expect(a.commits).toMatchObject([{ group: 'early', topic: 'orders', offset: 100n }]) })
    expect(daemon.isReady).toBe(true)
  })

  it('goes ready the moment its last follower was read to its end, not at a later check', async () => {
    // Rechecked every minute only: the follower's news is what makes it ready.
    const { daemon, b } = await start((_config, _a, b) => { b.holdCatchUp = true }, false, { readinessRecheckMs: 60_000 })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(daemon.isReady).toBe(false)
    b.releaseCatchUp()
    await new Promise((resolve) => setImmediate(resolve))
    expect(daemon.isReady).toBe(true)
  })

  it('goes ready without a cluster that never answers, after the grace, and says so', async () => {
    const { daemon, logs } = await start((config, _a, b) => {
      config.follow.unreachableGraceMs = 300
      b.down = true
    })
    expect(daemon.readinessDetail()).toEqual({ A: 'read to end', B: 'not answering' })
    expect(logs.some((line) => line.includes('ready without cluster(s) B'))).toBe(true)
  })

  it('stays not ready while neither cluster has ever answered, long after the grace', async () => {
    const { daemon, metrics, a, b } = await start((config, a, b) => {
      config.follow.unreachableGraceMs = 100
      a.down = true
      b.down = true
    }, false)
    await new Promise((resolve) => setTimeout(resolve, 800))
    expect(daemon.isReady).toBe(false)
    expect((await metrics.registry.metrics()).split('\n')).toContain('mm2_failback_ready 0')
    expect(daemon.readinessDetail()).toEqual({ A: 'not answering', B: 'not answering' })
    expect([a.commits, b.commits, b.reverseSyncWriters, a.historyWriters, b.historyWriters]).toEqual([[], [], [], [], []])
  })

  it('polls group offsets through the admin API where __consumer_offsets may not be read', async () => {
    const { a, b } = await start((config, _a, b) => {
      config.follow.commitPollMs = 20
      b.unauthorized.add('__consumer_offsets')
    })
    a.append(A_TO_B_SYNCS, 0, goodSync(100n, 90n))
    b.offsets.set(JSON.stringify(['polled', 'A.orders', 0]), { offset: 90n, metadata: '' })
    await vi.waitFor(() => { expect(a.commits).toMatchObject([{ group: 'polled', topic: 'orders', offset: 100n }]) })
    // Our own write, polled back from A, stays where it is.
    expect(b.commits).toEqual([])
    expect(provenanceMetadata({ fromCluster: 'B', fromOffset: 90n })).toBe(a.commits[0]!.metadata)
  })
})
