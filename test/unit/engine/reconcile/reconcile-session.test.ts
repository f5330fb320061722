// reconcile against fake clusters (no Kafka): the plan from MM2's syncs and the groups' offsets,
// exact proofs over the two logs, --execute with the read-back, the live-group refusal, and bad
// records in MM2's topic counted and reported instead of swallowed.
import { describe, expect, it } from 'vitest'
import { parseMm2Properties } from '../../../../sidecar/src/config/mm2-properties.ts'
import { encodeProvenPairs, encodeSyncHistory } from '../../../../sidecar/src/core/codec/sync-history.ts'
import { reconcile, translateOne, type ReconcileOptions } from '../../../../sidecar/src/engine/reconcile/reconcile-session.ts'
import { fakeClusters, type FakeCluster } from '../fakes.ts'
import { BAD_OFFSET_SYNCS, goodSync } from '../ingest/malformed-records.ts'

const mm2 = parseMm2Properties([
  'clusters = A, B', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092', 'A->B.enabled = true', 'B->A.enabled = true'
].join('\n'))
const encoder = new TextEncoder()

/** A on A.orders... : `orders` on A with 120 records; MM2 copied them from offset 10 on, so B's A.orders offset d is A's d + 10. */
function lab (): { a: FakeCluster, b: FakeCluster, options: (overrides: Partial<ReconcileOptions>) => ReconcileOptions } {
  const { clusters, factory } = fakeClusters('A', 'B')
  const a = clusters.get('A')!
  const b = clusters.get('B')!
  const record = (index: number): { key: Uint8Array, value: Uint8Array, timestamp: bigint } =>
    ({ key: encoder.encode(`k${index}`), value: encoder.encode(`v${index}`), timestamp: 1_700_000_000_000n + BigInt(index) })
  a.append('orders', 0, ...Array.from({ length: 120 }, (_, index) => record(index)))
  b.append('A.orders', 0, ...Array.from({ length: 110 }, (_, index) => record(index + 10)))
  // MM2's syncs: sparse, as MM2 writes them.
  a.append('mm2-offset-syncs.B.internal', 0, goodSync(10n, 0n), goodSync(60n, 50n))
  const options = (overrides: Partial<ReconcileOptions>): ReconcileOptions =>
    ({ mm2, from: 'B', to: 'A', groups: ['g'], mode: 'exact', execute: false, allowRewind: false, timeoutMs: 5000, adapters: factory, ...overrides })
  return { a, b, options }
}

describe('reconcile (fake clusters)', () => {
  it('plans a failback per partition: exact where a sync sits at the offset or the walk proves it, conservative otherwise', async () => {
    const { b, options } = lab()
    b.offsets.set(JSON.stringify(['g', 'A.orders', 0]), { offset: 75n, metadata: '' })
    const exact = await reconcile(options({}))
    expect(exact.plan.groups[0]!.rows).toMatchObject([{
      sourceTopic: 'A.orders',
      targetTopic: 'orders',
      sourceOffset: 75n,
      translatedOffset: 85n,
      method: 'exact',
      rereadWindow: 0n,
      action: 'commit'
    }])
    const conservative = await reconcile(options({ mode: 'conservative' }))
    expect(conservative.plan.groups[0]!.rows).toMatchObject([{ translatedOffset: 61n, method: 'conservative', rereadWindow: 24n }])
    expect(exact.skipped).toEqual([])
  })

  it('--execute commits on A, reads the offsets back, and leaves a group that is already there alone', async () => {
    const { a, b, options } = lab()
    b.offsets.set(JSON.stringify(['g', 'A.orders', 0]), { offset: 50n, metadata: '' })
    const result = await reconcile(options({ execute: true }))
    expect(result.executions).toMatchObject([{ group: 'g', status: 'committed', committed: 1 }])
    expect(a.commits).toMatchObject([{ group: 'g', topic: 'orders', partition: 0, offset: 60n }])
    const again = await reconcile(options({ execute: true }))
    expect(again.plan.groups[0]!.rows[0]).toMatchObject({ action: 'skip', reason: 'in-sync' })
    expect(again.executions).toMatchObject([{ status: 'nothing-to-do' }])
    expect(a.commits).toHaveLength(1)
  })

  it('refuses a group with live members on the target, and never moves one backwards', async () => {
    const { a, b, options } = lab()
    b.offsets.set(JSON.stringify(['g', 'A.orders', 0]), { offset: 50n, metadata: '' })
    a.members.set('g', 3)
    const live = await reconcile(options({ execute: true }))
    expect(live.executions).toMatchObject([{ status: 'refused' }])
    expect(live.executions[0]!.message).toContain('refusing to commit group g on cluster A: it has 3 live member(s)')
    a.members.delete('g')
    a.offsets.set(JSON.stringify(['g', 'orders', 0]), { offset: 90n, metadata: '' })
    const ahead = await reconcile(options({ execute: true }))
    expect(ahead.plan.groups[0]!.rows[0]).toMatchObject({ action: 'skip', reason: 'would-rewind', translatedOffset: 60n })
    expect(a.commits).toEqual([])
  })

  it('counts bad records of MM2\'s offset-syncs topic per topic and reason, and still uses the good ones', async () => {
    const { a, b, options } = lab()
    a.append('mm2-offset-syncs.B.internal', 0, ...BAD_OFFSET_SYNCS.map(({ record }) => record), goodSync(80n, 70n))
    b.offsets.set(JSON.stringify(['g', 'A.orders', 0]), { offset: 70n, metadata: '' })
    const result = await reconcile(options({ mode: 'conservative' }))
    expect(result.plan.groups[0]!.rows[0]).toMatchObject({ translatedOffset: 80n, method: 'exact' })
    const total = result.skipped.reduce((sum, skip) => sum + skip.count, 0)
    expect(total).toBe(BAD_OFFSET_SYNCS.length)
    expect(new Set(result.skipped.map((skip) => `${skip.cluster} ${skip.topic}`))).toEqual(new Set(['A mm2-offset-syncs.B.internal']))
  })

  it('reads the history topic\'s sync snapshots and leaves its proven-pair snapshots alone, neither failing nor counting them as skipped', async () => {
    const { b, options } = lab()
    const key = { sourceClusterAlias: 'A', targetClusterAlias: 'B', topic: 'orders', partition: 0 }
    b.append('mm2-failback.history.internal', 0,
      encodeProvenPairs({ ...key, pairs: [{ upstreamOffset: 85n, downstreamOffset: 75n }] }),
      encodeSyncHistory({ ...key, syncs: [{ upstreamOffset: 10n, downstreamOffset: 0n }, { upstreamOffset: 70n, downstreamOffset: 60n }] }))
    b.offsets.set(JSON.stringify(['g', 'A.orders', 0]), { offset: 60n, metadata: '' })
    const result = await reconcile(options({ mode: 'conservative' }))
    // The snapshot's sync (70, 60) translates the group; the proven pair is not used.
    expect(result.plan.groups[0]!.rows[0]).toMatchObject({ translatedOffset: 70n, method: 'exact' })
    expect(result.skipped).toEqual([])
  })

  it('translate: one offset; an unreachable cluster is named', async () => {
    const { options } = lab()
    const { mm2: config, adapters } = options({})
    const one = await translateOne({ mm2: config, adapters, from: 'B', to: 'A', topic: 'A.orders', partition: 0, offset: 0n, exact: true, timeoutMs: 5000 })
    expect(one.translation).toMatchObject({ kind: 'translated', offset: 10n, method: 'exact' })
    const unreachable = lab()
    unreachable.b.down = true
    await expect(reconcile(unreachable.options({}))).rejects.toThrow(/cluster B .* is unreachable/)
  })
})
