// Consumer lag and MM2's offset-sync lag from end offsets listed through the admin port.
import { describe, expect, it } from 'vitest'
import { parseMm2Properties } from '../../../../sidecar/src/config/mm2-properties.ts'
import { CommittedOffsets } from '../../../../sidecar/src/core/sync/committed-offsets.ts'
import { SyncIndex } from '../../../../sidecar/src/core/translation/sync-index.ts'
import { LagCollector } from '../../../../sidecar/src/engine/daemon/lag-collector.ts'
import { createMetrics } from '../../../../sidecar/src/metrics/registry.ts'
import { FakeAdmin, FakeCluster } from '../fakes.ts'

const mm2 = parseMm2Properties(['clusters = A, B', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092', 'A->B.enabled = true'].join('\n'))

describe('LagCollector', () => {
  it('sets lag in records and seconds per group partition, and the sync lag per target partition', async () => {
    const a = new FakeCluster('A')
    const b = new FakeCluster('B')
    const index = new SyncIndex()
    index.flow('A', 'B').appendSync({ topic: 'orders', partition: 0, upstreamOffset: 100n, downstreamOffset: 90n })
    const committed = new CommittedOffsets()
    committed.set({ cluster: 'A', group: 'g', topic: 'orders', partition: 0, offset: 120n, metadata: '', commitTimestamp: 0n })
    a.endOffsets.set('orders/0', 150n)
    b.endOffsets.set('A.orders/0', 96n)
    let now = 1_000_000
    const metrics = createMetrics()
    const collector = new LagCollector({
      flows: mm2.flows,
      index,
      committed,
      admins: new Map([['A', new FakeAdmin(a)], ['B', new FakeAdmin(b)]]),
      metrics,
      now: () => now
    })
    await collector.measure()
    a.endOffsets.set('orders/0', 200n)
    now += 10_000
    await collector.measure()
    const text = await metrics.registry.metrics()
    expect(text).toContain('mm2_failback_consumer_lag_records{kafka_cluster="A",group="g",topic="orders",partition="0"} 80')
    expect(text).toContain('mm2_failback_consumer_committed_offset{kafka_cluster="A",group="g",topic="orders",partition="0"} 120')
    // The record at 120 existed at the first sample (end 150), 10 s before the second: 10 s behind, at least.
    expect(text).toContain('mm2_failback_consumer_lag_seconds{kafka_cluster="A",group="g",topic="orders",partition="0"} 10')
    // Records on A.orders-0 after the newest sync's downstream offset 90: 96 - 90 - 1.
    expect(text).toContain('mm2_failback_offset_sync_lag_records{flow="A->B",topic="A.orders",partition="0"} 5')
  })

  it('counts a failed listing as a lag failure of that cluster', async () => {
    const a = new FakeCluster('A')
    a.down = true
    const committed = new CommittedOffsets()
    committed.set({ cluster: 'A', group: 'g', topic: 'orders', partition: 0, offset: 1n, metadata: '', commitTimestamp: 0n })
    const admin = new FakeAdmin(a)
    admin.endOffsets = async () => { throw new Error('connect ECONNREFUSED') }
    const metrics = createMetrics()
    await new LagCollector({ flows: mm2.flows, index: new SyncIndex(), committed, admins: new Map([['A', admin]]), metrics }).measure()
    expect(await metrics.registry.metrics()).toContain('mm2_failback_sync_failures_total{kafka_cluster="A",operation="lag",code="MM2_CLUSTER_UNREACHABLE"} 1')
  })

  it('exports each group\'s live members and the age of its newest commit, which tell an abandoned group from one in use', async () => {
    const a = new FakeCluster('A')
    const committed = new CommittedOffsets()
    const now = 1_000_000_000
    // In use: a member, committed a second ago. Abandoned: no member, last commit two days ago (two partitions, the newer counts).
    committed.set({ cluster: 'A', group: 'live', topic: 'orders', partition: 0, offset: 5n, metadata: '', commitTimestamp: BigInt(now - 1000) })
    committed.set({ cluster: 'A', group: 'gone', topic: 'orders', partition: 0, offset: 1n, metadata: '', commitTimestamp: BigInt(now - 3 * 86_400_000) })
    committed.set({ cluster: 'A', group: 'gone', topic: 'orders', partition: 1, offset: 1n, metadata: '', commitTimestamp: BigInt(now - 2 * 86_400_000) })
    a.members.set('live', 2)
    const metrics = createMetrics()
    const admins = new Map([['A', new FakeAdmin(a)]])
    await new LagCollector({ flows: mm2.flows, index: new SyncIndex(), committed, admins, metrics, now: () => now }).measure()
    const text = await metrics.registry.metrics()
    expect(text).toContain('mm2_failback_consumer_group_members{kafka_cluster="A",group="live"} 2')
    expect(text).toContain('mm2_failback_consumer_group_members{kafka_cluster="A",group="gone"} 0')
    expect(text).toContain('mm2_failback_consumer_group_commit_age_seconds{kafka_cluster="A",group="live"} 1')
    expect(text).toContain('mm2_failback_consumer_group_commit_age_seconds{kafka_cluster="A",group="gone"} 172800')
    expect(a.requests.filter((request) => request === 'liveness')).toHaveLength(1)
  })

  it('counts a failed liveness request as a lag failure and keeps the lag it measured', async () => {
    const a = new FakeCluster('A')
    const committed = new CommittedOffsets()
    committed.set({ cluster: 'A', group: 'g', topic: 'orders', partition: 0, offset: 1n, metadata: '', commitTimestamp: 0n })
    a.endOffsets.set('orders/0', 3n)
    const admin = new FakeAdmin(a)
    admin.liveness = async () => { throw new Error('connect ECONNREFUSED') }
    const metrics = createMetrics()
    await new LagCollector({ flows: mm2.flows, index: new SyncIndex(), committed, admins: new Map([['A', admin]]), metrics }).measure()
    const text = await metrics.registry.metrics()
    expect(text).toContain('mm2_failback_consumer_lag_records{kafka_cluster="A",group="g",topic="orders",partition="0"} 2')
    expect(text).toContain('mm2_failback_sync_failures_total{kafka_cluster="A",operation="lag",code="MM2_CLUSTER_UNREACHABLE"} 1')
    expect(text).not.toMatch(/^mm2_failback_consumer_group_members\{/m)
  })

  it('removes the series of a group whose offsets are gone (expired or deleted) instead of leaving them at their last value', async () => {
    const a = new FakeCluster('A')
    const committed = new CommittedOffsets()
    committed.set({ cluster: 'A', group: 'kept', topic: 'orders', partition: 0, offset: 1n, metadata: '', commitTimestamp: 0n })
    committed.set({ cluster: 'A', group: 'expired', topic: 'orders', partition: 0, offset: 1n, metadata: '', commitTimestamp: 0n })
    a.endOffsets.set('orders/0', 9n)
    const metrics = createMetrics()
    const admins = new Map([['A', new FakeAdmin(a)]])
    const collector = new LagCollector({ flows: mm2.flows, index: new SyncIndex(), committed, admins, metrics, now: () => 1000 })
    await collector.measure()
    expect(await metrics.registry.metrics()).toContain('group="expired"')
    committed.delete('A', 'expired', 'orders', 0)
    await collector.measure()
    const text = await metrics.registry.metrics()
    expect(text).not.toContain('group="expired"')
    expect(text).toContain('mm2_failback_consumer_lag_records{kafka_cluster="A",group="kept",topic="orders",partition="0"} 8')
    expect(text).toContain('mm2_failback_consumer_group_members{kafka_cluster="A",group="kept"} 0')
    // The last group gone too: nothing of cluster A's groups is left.
    committed.delete('A', 'kept', 'orders', 0)
    await collector.measure()
    expect(await metrics.registry.metrics()).not.toMatch(/group="/)
  })
})
