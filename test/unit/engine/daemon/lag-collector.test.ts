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
    expect(text).toContain('mm2_failback_consumer_lag_records{cluster="A",group="g",topic="orders",partition="0"} 80')
    expect(text).toContain('mm2_failback_consumer_committed_offset{cluster="A",group="g",topic="orders",partition="0"} 120')
    // The record at 120 existed at the first sample (end 150), 10 s before the second: 10 s behind, at least.
    expect(text).toContain('mm2_failback_consumer_lag_seconds{cluster="A",group="g",topic="orders",partition="0"} 10')
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
    expect(await metrics.registry.metrics()).toContain('mm2_failback_sync_failures_total{cluster="A",operation="lag",code="MM2_CLUSTER_UNREACHABLE"} 1')
  })
})
