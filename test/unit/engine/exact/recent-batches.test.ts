// Recent reads shared between proofs: what a cached read answers (a record, a known gap, unknown),
// for how long, and that the quick proofs of groups at nearby positions share one fetch.
import { describe, expect, it } from 'vitest'
import { parseMm2Properties } from '../../../../sidecar/src/config/mm2-properties.ts'
import type { MatchRecord } from '../../../../sidecar/src/core/exact/exact-walk.ts'
import { enabledFlows } from '../../../../sidecar/src/core/mm2/flows.ts'
import { routeCommit } from '../../../../sidecar/src/core/sync/route.ts'
import { ExactProver } from '../../../../sidecar/src/engine/exact/exact-prover.ts'
import { RecentBatches } from '../../../../sidecar/src/engine/exact/recent-batches.ts'
import { FakeCluster, type FakeRecord } from '../fakes.ts'

const text = new TextEncoder()
const match = (offset: bigint): MatchRecord => ({ offset, timestamp: offset, key: null, value: text.encode(`v${offset}`), headers: [] })

describe('RecentBatches', () => {
  it('answers a record, a known gap (null) or unknown (undefined), for ttlMs', () => {
    const clock = { now: 0 }
    const recent = new RecentBatches({ ttlMs: 1000, now: () => clock.now })
    recent.put('A', 'orders', 0, [match(10n), match(11n), match(13n)])
    expect(recent.get('A', 'orders', 0, 11n)).toEqual(match(11n))
    expect(recent.get('A', 'orders', 0, 12n)).toBeNull()
    expect(recent.get('A', 'orders', 0, 14n)).toBeUndefined()
    expect(recent.get('A', 'orders', 1, 11n)).toBeUndefined()
    expect(recent.get('B', 'orders', 0, 11n)).toBeUndefined()
    clock.now = 1000
    expect(recent.get('A', 'orders', 0, 11n)).toBeUndefined()
  })

  it('keeps perPartition reads per partition, newest first', () => {
    const recent = new RecentBatches({ perPartition: 2 })
    recent.put('A', 'orders', 0, [match(1n)])
    recent.put('A', 'orders', 0, [match(2n)])
    recent.put('A', 'orders', 0, [match(3n)])
    expect(recent.get('A', 'orders', 0, 1n)).toBeUndefined()
    expect(recent.get('A', 'orders', 0, 3n)).toEqual(match(3n))
    recent.put('A', 'orders', 0, [])
    expect(recent.size).toBe(1)
  })

  it('lets the quick proofs of groups at nearby positions share one fetch a side', async () => {
    const properties = ['clusters = A, B', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092', 'A->B.enabled = true']
    const flows = enabledFlows(parseMm2Properties(properties.join('\n')))
    const route = routeCommit(flows, 'A', 'orders', 'g').find((candidate) => candidate.direction === 'forward')!
    const record = (n: number): FakeRecord => ({ key: text.encode(`k${n}`), value: text.encode(`v${n}`), timestamp: BigInt(n) })
    const a = new FakeCluster('A')
    const b = new FakeCluster('B')
    a.append('orders', 0, ...Array.from({ length: 300 }, (_, n) => record(n)))
    b.append('A.orders', 0, ...Array.from({ length: 290 }, (_, n) => record(n + 10)))
    const readers = { A: a.adapters().reader(), B: b.adapters().reader() }
    const prover = new ExactProver((alias) => readers[alias as 'A' | 'B'], undefined, new RecentBatches())
    const sync = { upstreamOffset: 50n, downstreamOffset: 40n }
    const first = await prover.proveFrom(route, 0, 250n, sync)
    expect(first).toMatchObject({ kind: 'exact', offset: 240n, method: 'quick', fetches: 2 })
    for (const offset of [251n, 255n, 270n]) {
      expect(await prover.proveFrom(route, 0, offset, sync)).toMatchObject({ kind: 'exact', offset: offset - 10n, method: 'quick', fetches: 0, recordsRead: 0 })
    }
    expect(readers.A.requests + readers.B.requests).toBe(2)
  })
})
