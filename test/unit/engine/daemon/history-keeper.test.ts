// HistoryKeeper against fake writers: snapshots of the partitions whose syncs or proven pairs changed,
// to every cluster, a failed cluster retried alone, and a full copy of both kinds after seeding.
import { describe, expect, it } from 'vitest'
import type { HistoryRecord } from '../../../../sidecar/src/core/codec/sync-history.ts'
import { ProvenPairs } from '../../../../sidecar/src/core/exact/proven-pairs.ts'
import { SyncIndex } from '../../../../sidecar/src/core/translation/sync-index.ts'
import { HistoryKeeper } from '../../../../sidecar/src/engine/daemon/history-keeper.ts'
import { createLogger } from '../../../../sidecar/src/engine/logger.ts'
import { createMetrics } from '../../../../sidecar/src/metrics/registry.ts'
import { FakeCluster, FakeHistoryWriter } from '../fakes.ts'

const key = { source: 'A', target: 'B', topic: 'orders', partition: 0 }
const pair = (u: bigint, d: bigint): { upstreamOffset: bigint, downstreamOffset: bigint } => ({ upstreamOffset: u, downstreamOffset: d })
const pairsOf = (written: readonly HistoryRecord[]): HistoryRecord[] => written.filter((record) => record.kind === 'proven-pairs')

class FailingWriter extends FakeHistoryWriter {
  failing = true
  override async write (snapshots: readonly HistoryRecord[]): Promise<void> {
    if (this.failing) throw new Error('fake cluster down')
    await super.write(snapshots)
  }
}

function setup (pairs: ProvenPairs | null): { keeper: HistoryKeeper, index: SyncIndex, a: FakeHistoryWriter, b: FailingWriter } {
  const index = new SyncIndex()
  const a = new FakeHistoryWriter(new FakeCluster('A'), 'h')
  const b = new FailingWriter(new FakeCluster('B'), 'h')
  const keeper = new HistoryKeeper({
    index,
    pairs,
    writers: [a, b],
    flushIntervalMs: 60_000,
    metrics: createMetrics(),
    logger: createLogger({ level: 'error', format: 'text', write: () => {} })
  })
  return { keeper, index, a, b }
}

describe('HistoryKeeper', () => {
  it('writes the proven pairs of a partition marked dirty beside its syncs; a cluster that failed gets them on a later flush', async () => {
    const pairs = new ProvenPairs()
    const { keeper, index, a, b } = setup(pairs)
    index.flow('A', 'B').appendSync({ topic: 'orders', partition: 0, upstreamOffset: 10n, downstreamOffset: 10n })
    keeper.markDirty('A', 'B', 'orders', 0)
    pairs.add(key, pair(50n, 55n))
    keeper.markPairsDirty(key)
    await keeper.flush()
    const both = [
      { kind: 'syncs', sourceClusterAlias: 'A', targetClusterAlias: 'B', topic: 'orders', partition: 0, syncs: [pair(10n, 10n)] },
      { kind: 'proven-pairs', sourceClusterAlias: 'A', targetClusterAlias: 'B', topic: 'orders', partition: 0, pairs: [pair(50n, 55n)] }
    ]
    expect(a.written).toEqual(both)
    expect(b.written).toEqual([])
    // B returns: it gets the current snapshot (a pair dropped meanwhile is gone from it too); A had nothing new.
    pairs.add(key, pair(60n, 65n))
    pairs.remove(key, pair(50n, 55n))
    keeper.markPairsDirty(key)
    b.failing = false
    await keeper.flush()
    expect(pairsOf(a.written).at(-1)).toMatchObject({ pairs: [pair(60n, 65n)] })
    expect(b.written).toEqual([both[0], { ...both[1], pairs: [pair(60n, 65n)] }])
  })

  it('after seeding, marks every partition of both kinds, so each cluster gets a full copy', async () => {
    const pairs = new ProvenPairs()
    const { keeper, index, a } = setup(pairs)
    index.flow('A', 'B').appendSync({ topic: 'orders', partition: 1, upstreamOffset: 1n, downstreamOffset: 1n })
    pairs.add(key, pair(50n, 55n))
    pairs.add({ ...key, source: 'B', target: 'A', topic: 'B.orders' }, pair(7n, 8n))
    keeper.markAllDirty()
    await keeper.flush()
    expect(a.written.map((record) => `${record.kind} ${record.sourceClusterAlias}->${record.targetClusterAlias} ${record.topic}-${record.partition}`).sort())
      .toEqual(['proven-pairs A->B orders-0', 'proven-pairs B->A B.orders-0', 'syncs A->B orders-1'])
  })

  it('without proven pairs (conservative mode) writes none', async () => {
    const { keeper, a } = setup(null)
    keeper.markPairsDirty(key)
    keeper.markAllDirty()
    await keeper.flush()
    expect(a.written).toEqual([])
  })
})
