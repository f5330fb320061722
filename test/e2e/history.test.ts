// Durable history (docs/design.md §2.2): the sidecar keeps its translation index in a compacted
// topic on every cluster, so failback works after a restart even while the cluster holding MM2's
// A->B offset syncs (A, with the default offset-syncs.topic.location=source) is down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeHistoryRecord } from '../../sidecar/src/core/codec/sync-history.ts'
import { GroupAdmin } from '../../sidecar/src/kafka/group-admin.ts'
import { readWholeTopic } from '../integration/helpers/topic-reader.ts'
import { startLab, type Lab } from '../../lab/lab.ts'
import { waitFor } from '../../lab/wait.ts'
import { startSidecarProcess, type SidecarProcess } from '../../lab/process/sidecar-process.ts'
import { produceSequence } from '../../lab/drill/workload.ts'
import { testedKafkaLines } from '../kafka-lines.ts'

const VERSIONS = testedKafkaLines()
const HISTORY_TOPIC = 'mm2-failback.history.internal'

describe.each(VERSIONS)('durable translation history on Kafka %s', (kafka) => {
  let lab: Lab
  const sidecars: SidecarProcess[] = []
  const admins: GroupAdmin[] = []

  beforeAll(async () => { lab = await startLab({ kafka }) })

  afterAll(async () => {
    for (const sidecar of sidecars) await sidecar.stop('SIGKILL')
    for (const admin of admins) await admin.close().catch(() => {})
    await lab?.stop()
  })

  it('a sidecar restarted while A is down translates B commits back to A from the history on B', async () => {
    const settings = ['follow.unreachableGraceMs=3000', 'history.flushIntervalMs=200']
    const first = await startSidecarProcess({ mm2Config: lab.mm2PropertiesPath!, logDir: lab.logDir, name: 'sidecar-history-1', sets: settings })
    sidecars.push(first)
    await lab.createTopic('A', 'orders', 3)
    await produceSequence(lab.bootstrap('A'), 'orders', 'A', 0, 600, 3)
    // The index holds A->B syncs for every partition and they reached the history topic on B.
    const snapshotsOnB = await waitFor(async () => {
      const all = await readWholeTopic(lab, 'B', HISTORY_TOPIC, (record) => decodeHistoryRecord(record.key, record.value))
      // The index's syncs (the topic also holds exact mode's proven pairs).
      const snapshots = all.flatMap((snapshot) =>
        snapshot.kind === 'syncs' && snapshot.sourceClusterAlias === 'A' && snapshot.topic === 'orders' ? [snapshot] : [])
      return new Set(snapshots.map((snapshot) => snapshot.partition)).size === 3 ? snapshots : null
    }, { timeoutMs: 90_000, description: 'index snapshots of orders on B' })
    expect(snapshotsOnB.every((snapshot) => snapshot.syncs.length > 0)).toBe(true)
    // The topic holds every snapshot written so far (compaction keeps only the last per key later on): the last one per partition counts.
    const newest = new Map<number, { upstreamOffset: bigint, downstreamOffset: bigint }>()
    for (const snapshot of snapshotsOnB) newest.set(snapshot.partition, snapshot.syncs.at(-1)!)

    // A (holding MM2's A->B syncs) goes down; the sidecar restarts without it.
    await first.stop('SIGKILL')
    await lab.stopCluster('A')
    const second = await startSidecarProcess({ mm2Config: lab.mm2PropertiesPath!, logDir: lab.logDir, name: 'sidecar-history-2', sets: settings })
    sidecars.push(second)
    await waitFor(async () => await second.ready(), { timeoutMs: 60_000, description: 'the restarted sidecar to be ready without A' })
    // The gauges are refreshed every second: wait for the index seeded from B's history to show.
    const metrics = await waitFor(async () => {
      const text = await second.scrape()
      return /mm2_failback_translation_index_entries\{flow="A->B"\} [1-9]/.test(text) ? text : null
    }, { timeoutMs: 15_000, description: 'the seeded index in the metrics' })
    expect(metrics).toMatch(/mm2_failback_up\{kafka_cluster="A"\} 0/)

    // The group consumed A.orders on B up to each partition's newest synced record: exact positions.
    const adminB = new GroupAdmin({ alias: 'B', bootstrapServers: [lab.bootstrap('B')] })
    admins.push(adminB)
    const commits = [...newest].map(([partition, sync]) => ({ topic: 'A.orders', partition, offset: sync.downstreamOffset, metadata: '' }))
    await adminB.commit('failback-group', commits)

    // A returns: the sidecar mirrors the B commits to `orders` on A, translated from history alone.
    await lab.restartCluster('A')
    const adminA = new GroupAdmin({ alias: 'A', bootstrapServers: [lab.bootstrap('A')] })
    admins.push(adminA)
    const onA = await waitFor(async () => {
      const offsets = (await adminA.committedOffsets('failback-group').catch(() => [])).filter((entry) => entry.topic === 'orders')
      return offsets.length === 3 ? offsets : null
    }, { timeoutMs: 90_000, description: 'failback-group offsets on orders on A' })
    for (const entry of onA) {
      const sync = newest.get(entry.partition)!
      // The committed downstream offset sits exactly on the newest sync: the answer is its upstream offset.
      expect(entry.offset, `orders-${entry.partition} on A`).toBe(sync.upstreamOffset)
      expect(entry.metadata).toMatch(/^mm2-failback\/v1 from=B offset=\d+$/)
    }
  })
})
