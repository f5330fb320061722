// Exact translation of group commits against fake clusters: which proof is used (quick, walk, from the
// log start, from a pair proven before), what it costs, and every reason it falls back for, counted.
import { describe, expect, it } from 'vitest'
import { parseMm2Properties } from '../../../../sidecar/src/config/mm2-properties.ts'
import { enabledFlows } from '../../../../sidecar/src/core/mm2/flows.ts'
import { routeCommit, type CommitRoute } from '../../../../sidecar/src/core/sync/route.ts'
import type { Translation } from '../../../../sidecar/src/core/translation/translation.ts'
import { ExactProver } from '../../../../sidecar/src/engine/exact/exact-prover.ts'
import { ExactTranslator } from '../../../../sidecar/src/engine/exact/exact-translator.ts'
import { createLogger } from '../../../../sidecar/src/engine/logger.ts'
import type { PartitionReaderPort } from '../../../../sidecar/src/engine/ports.ts'
import { createMetrics, type SidecarMetrics } from '../../../../sidecar/src/metrics/registry.ts'
import { FakeCluster, type FakeRecord } from '../fakes.ts'

const TWO_WAY = ['clusters = A, B', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092', 'A->B.enabled = true', 'B->A.enabled = true']
const flows = enabledFlows(parseMm2Properties(TWO_WAY.join('\n')))
const forward = routeCommit(flows, 'A', 'orders', 'g').find((route) => route.direction === 'forward')!
const reverse = routeCommit(flows, 'B', 'A.orders', 'g').find((route) => route.direction === 'reverse')!

const text = new TextEncoder()
/** Record number n: its own key, value and timestamp. */
const r = (n: number, extra: Partial<FakeRecord> = {}): FakeRecord =>
  ({ key: text.encode(`k${n}`), value: text.encode(`v${n}`), timestamp: 1_000_000n + BigInt(n), ...extra })
const range = (from: number, to: number): FakeRecord[] => Array.from({ length: to - from }, (_, i) => r(from + i))

const conservative = (offset: bigint, sync: { upstreamOffset: bigint, downstreamOffset: bigint }): Translation =>
  ({ kind: 'translated', offset, method: 'conservative', sync, rereadWindow: 10n })

interface Setup {
  readers: { A: PartitionReaderPort, B: PartitionReaderPort }
  a: FakeCluster
  b: FakeCluster
  translator: ExactTranslator
  metrics: SidecarMetrics
  proven: Array<{ route: CommitRoute, partition: number, pair: { upstreamOffset: bigint, downstreamOffset: bigint } }>
  forgotten: Array<{ partition: number, pair: { upstreamOffset: bigint, downstreamOffset: bigint } }>
  logs: string[]
}

/** A has `upstream` on orders-0, B has `downstream` on A.orders-0. */
/** A clock the tests move by hand. */
const clock = { now: 0 }

function setup (upstream: FakeRecord[], downstream: FakeRecord[], maxProofRecords?: number): Setup {
  clock.now = 0
  const a = new FakeCluster('A')
  const b = new FakeCluster('B')
  a.append('orders', 0, ...upstream)
  b.append('A.orders', 0, ...downstream)
  const readers = { A: a.adapters().reader(), B: b.adapters().reader() }
  const metrics = createMetrics()
  const logs: string[] = []
  const proven: Setup['proven'] = []
  const forgotten: Setup['forgotten'] = []
  const translator = new ExactTranslator({
    prover: new ExactProver((alias) => readers[alias as 'A' | 'B'], maxProofRecords),
    metrics,
    logger: createLogger({ level: 'debug', format: 'text', write: (line) => { logs.push(line) } }),
    onProven: (route, partition, pair) => { proven.push({ route, partition, pair }) },
    onForgotten: (_route, partition, pair) => { forgotten.push({ partition, pair }) },
    copyWaitMs: 5000,
    now: () => clock.now
  })
  return { readers, a, b, translator, metrics, proven, forgotten, logs }
}

const counter = async (metrics: SidecarMetrics, name: string, labels: Record<string, string>): Promise<number> => {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`)
  const lines = (await metrics.registry.metrics()).split('\n')
  const line = lines.find((entry) => entry.startsWith(`mm2_failback_${name}{`) && wanted.every((part) => entry.includes(part)))
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1))
}

// MM2 started copying at upstream 10 (downstream 0): upstream n is downstream n - 10.
const UPSTREAM = range(0, 300)
const COPIED = range(10, 300)
const SYNC = { upstreamOffset: 50n, downstreamOffset: 40n }

describe('ExactTranslator', () => {
  it('proves a forward commit by the constant-cost check, far above MM2\'s sync, reading a handful of records', async () => {
    const { translator, metrics, proven, readers } = setup(UPSTREAM, COPIED)
    const result = await translator.translate(forward, 0, 250n, conservative(41n, SYNC))
    expect(result).toMatchObject({ fallback: null, retry: false, translation: { kind: 'translated', offset: 240n, method: 'exact', rereadWindow: 0n } })
    expect(await counter(metrics, 'exact_proofs_total', { flow: 'A->B', direction: 'forward', method: 'quick' })).toBe(1)
    expect(proven.map((entry) => entry.pair)).toEqual([{ upstreamOffset: 250n, downstreamOffset: 240n }])
    // One read a side, whatever the 200 records between the sync and the commit (the fake returns up to 100 records a read).
    expect(readers.A.requests + readers.B.requests).toBe(2)
    expect(await counter(metrics, 'exact_proof_records_read_total', { flow: 'A->B', direction: 'forward' })).toBeLessThanOrEqual(200)
    expect(await counter(metrics, 'exact_proof_fetches_total', { flow: 'A->B', direction: 'forward' })).toBe(2)
    expect(await counter(metrics, 'exact_proof_read_records_count', { flow: 'A->B', direction: 'forward' })).toBe(1)
    expect(await counter(metrics, 'exact_proof_read_records_sum', { flow: 'A->B', direction: 'forward' }))
      .toBe(await counter(metrics, 'exact_proof_records_read_total', { flow: 'A->B', direction: 'forward' }))
  })

  it('proves the next commit of the group from the pair it proved before, not from MM2\'s sync', async () => {
    const { translator, metrics, readers } = setup(UPSTREAM, COPIED)
    await translator.translate(forward, 0, 250n, conservative(41n, SYNC))
    const before = await counter(metrics, 'exact_proof_records_read_total', { flow: 'A->B', direction: 'forward' })
    const next = await translator.translate(forward, 0, 260n, conservative(41n, SYNC))
    expect(next.translation).toMatchObject({ offset: 250n, method: 'exact', sync: { upstreamOffset: 250n, downstreamOffset: 240n } })
    // Re-evaluating the same commit costs no read at all: a proven pair sits at it.
    const requests = readers.A.requests + readers.B.requests
    const again = await translator.translate(forward, 0, 260n, conservative(41n, SYNC))
    expect(again.translation).toMatchObject({ offset: 250n, method: 'exact' })
    expect(readers.A.requests + readers.B.requests).toBe(requests)
    expect(await counter(metrics, 'exact_proofs_total', { flow: 'A->B', direction: 'forward', method: 'at-anchor' })).toBe(1)
    expect(await counter(metrics, 'exact_proof_records_read_total', { flow: 'A->B', direction: 'forward' }) - before).toBeLessThanOrEqual(200)
    // Two proofs read the logs (the first and the next commit); the at-anchor one read nothing and is not observed.
    expect(await counter(metrics, 'exact_proof_read_records_count', { flow: 'A->B', direction: 'forward' })).toBe(2)
    expect(await counter(metrics, 'exact_proof_fetches_total', { flow: 'A->B', direction: 'forward' })).toBe(requests)
  })

  it('proves a reverse commit (failback): the group on A.orders at B is placed on orders at A', async () => {
    const { translator } = setup(UPSTREAM, COPIED)
    const result = await translator.translate(reverse, 0, 240n, conservative(51n, SYNC))
    expect(result.translation).toMatchObject({ offset: 250n, method: 'exact' })
  })

  it('walks where MM2 re-delivered records (the interpolation is off), and gets past the duplicates', async () => {
    // MM2 re-sent upstream 100..104 after a task restart: downstream holds them twice.
    const downstream = [...range(10, 105), ...range(100, 300)]
    const { translator, metrics } = setup(UPSTREAM, downstream)
    const result = await translator.translate(forward, 0, 250n, conservative(41n, SYNC))
    expect(result.translation).toMatchObject({ offset: 245n, method: 'exact' })
    expect(await counter(metrics, 'exact_proofs_total', { flow: 'A->B', direction: 'forward', method: 'walk' })).toBe(1)
  })

  it('proves below MM2\'s first sync from the first records of both logs', async () => {
    // MM2 copied from the start of the log, and re-delivered upstream 15..19 once.
    const { translator, metrics } = setup(UPSTREAM, [...range(0, 20), ...range(15, 300)])
    const result = await translator.translate(forward, 0, 30n, { kind: 'untranslatable', reason: 'no-sync-at-or-below' })
    expect(result.translation).toMatchObject({ kind: 'translated', offset: 35n, method: 'exact' })
    const none = await translator.translate(reverse, 0, 5n, { kind: 'untranslatable', reason: 'no-syncs' })
    expect(none.translation).toMatchObject({ kind: 'translated', offset: 5n, method: 'exact' })
    expect(await counter(metrics, 'exact_fallbacks_total', { flow: 'A->B' })).toBe(0)
  })

  it('asks each log for its first record once for all the groups of a partition proven at the same moment', async () => {
    const { readers } = setup(UPSTREAM, range(0, 300))
    const reads = { A: 0, B: 0 }
    const counted = (alias: 'A' | 'B'): PartitionReaderPort => ({
      ...readers[alias],
      read: async (...args) => { reads[alias]++; return await readers[alias].read(...args) }
    })
    const prover = new ExactProver((alias) => counted(alias as 'A' | 'B'))
    // 200 groups on orders-0, all below MM2's first sync, proven in one pass (a restart, the periodic pass).
    const outcomes = await Promise.all(Array.from({ length: 200 }, async () => await prover.proveFromLogStart(forward, 0, 30n)))
    for (const outcome of outcomes) expect(outcome).toMatchObject({ kind: 'exact', offset: 30n })
    // Every proof needs the two first records shown to be one (a one-record walk), the same walk for all:
    // it is walked once (one read a side; 200 before), with one first-record lookup per log and one
    // quick-proof read shared by all (each proof asking the log on its own made it 201 a side).
    expect(reads).toEqual({ A: 3, B: 3 })
  })

  it('walks once for the groups proven at one position at the same moment, and apart for different positions', async () => {
    // MM2 re-sent upstream 100..104 after a task restart: downstream holds them twice, so interpolating
    // from the sync lands 5 records off, the quick check is refuted and every proof walks.
    const { readers } = setup(UPSTREAM, [...range(10, 105), ...range(100, 300)])
    const reads = { A: 0, B: 0 }
    const counted = (alias: 'A' | 'B'): PartitionReaderPort => ({
      ...readers[alias],
      read: async (...args) => { reads[alias]++; return await readers[alias].read(...args) }
    })
    const prover = new ExactProver((alias) => counted(alias as 'A' | 'B'))
    const same = await Promise.all(Array.from({ length: 100 }, async () => await prover.proveFrom(forward, 0, 250n, SYNC)))
    for (const outcome of same) expect(outcome).toMatchObject({ kind: 'exact', offset: 245n, method: 'walk' })
    // What the walk read counts once, for the proof that walked; the quick checks share their reads too.
    expect(same.filter((outcome) => outcome.recordsRead > 10).length).toBe(1)
    const once = reads.A + reads.B
    const apart = await Promise.all([251n, 252n].map(async (offset) => await prover.proveFrom(forward, 0, offset, SYNC)))
    expect(apart).toMatchObject([{ kind: 'exact', offset: 246n }, { kind: 'exact', offset: 247n }])
    // Two positions, two walks (each reads about what the one walk above read).
    expect(reads.A + reads.B - once).toBeGreaterThanOrEqual(2 * once - 4)
  })

  it('does not anchor on the first records when they differ (MM2 did not copy from the log start)', async () => {
    const { translator } = setup(UPSTREAM, COPIED)
    const result = await translator.translate(forward, 0, 30n, { kind: 'untranslatable', reason: 'no-sync-at-or-below' })
    expect(result).toMatchObject({ translation: { kind: 'untranslatable' }, fallback: 'mismatch' })
  })

  it('leaves offsets the index refuses on purpose (history reset, below the log start) alone', async () => {
    const { translator, readers } = setup(UPSTREAM, COPIED)
    const result = await translator.translate(forward, 0, 30n, { kind: 'untranslatable', reason: 'history-reset' })
    expect(result).toEqual({ translation: { kind: 'untranslatable', reason: 'history-reset' }, fallback: null, retry: false })
    expect(readers.A.requests + readers.B.requests).toBe(0)
  })

  it('drops a proven pair that no longer holds and proves from MM2\'s sync instead, and says so (for the history topic)', async () => {
    const { translator, forgotten, proven } = setup(UPSTREAM, COPIED)
    translator.pairs.add({ source: 'A', target: 'B', topic: 'orders', partition: 0 }, { upstreamOffset: 200n, downstreamOffset: 100n })
    const result = await translator.translate(forward, 0, 250n, conservative(41n, SYNC))
    expect(result.translation).toMatchObject({ offset: 240n, method: 'exact' })
    expect(translator.pairs.pairsOf({ source: 'A', target: 'B', topic: 'orders', partition: 0 })).toEqual([{ upstreamOffset: 250n, downstreamOffset: 240n }])
    expect(forgotten).toEqual([{ partition: 0, pair: { upstreamOffset: 200n, downstreamOffset: 100n } }])
    expect(proven.map((entry) => entry.pair)).toEqual([{ upstreamOffset: 250n, downstreamOffset: 240n }])
  })

  describe('falls back to the conservative answer, counted by reason', () => {
    type Result = Awaited<ReturnType<ExactTranslator['translate']>>
    const expectFallback = async (
      s: Setup, result: Result, indexed: Translation | 'waiting', reason: string, retry: boolean, extra: Partial<Result> = {}
    ): Promise<void> => {
      const translation = indexed === 'waiting' ? { kind: 'untranslatable', reason: 'not-copied-yet' } : indexed
      expect(result).toEqual({ translation, fallback: reason, retry, ...extra })
      expect(await counter(s.metrics, 'exact_fallbacks_total', { flow: 'A->B', reason })).toBe(1)
      expect(s.logs.some((line) => line.includes(`not proven exactly (${reason}`))).toBe(true)
    }

    it('not-copied: MM2 has not copied the group\'s records yet: untranslatable while it copies, retried', async () => {
      const s = setup(UPSTREAM, range(10, 200))
      const indexed = conservative(41n, SYNC)
      await expectFallback(s, await s.translator.translate(forward, 0, 250n, indexed), 'waiting', 'not-copied', true)
      // Once MM2 copied them, the retry proves it; a retry is not counted again.
      s.b.append('A.orders', 0, ...range(200, 300))
      expect((await s.translator.translate(forward, 0, 250n, indexed, false)).translation).toMatchObject({ offset: 240n, method: 'exact' })
    })

    it('not-copied for longer than translation.copyWaitMs: the conservative answer is used', async () => {
      const s = setup(UPSTREAM, range(10, 200))
      const indexed = conservative(41n, SYNC)
      expect((await s.translator.translate(forward, 0, 250n, indexed)).translation).toEqual({ kind: 'untranslatable', reason: 'not-copied-yet' })
      clock.now = 4999
      expect((await s.translator.translate(forward, 0, 250n, indexed, false)).translation).toEqual({ kind: 'untranslatable', reason: 'not-copied-yet' })
      clock.now = 5000
      expect(await s.translator.translate(forward, 0, 250n, indexed, false)).toEqual({ translation: indexed, fallback: 'not-copied', retry: true })
      expect(await counter(s.metrics, 'exact_fallbacks_total', { flow: 'A->B', reason: 'not-copied' })).toBe(1)
    })

    it('not-copied below MM2\'s first sync: the other log is still empty (a new topic MM2 has not copied yet)', async () => {
      const s = setup(UPSTREAM, [])
      const result = await s.translator.translate(forward, 0, 30n, { kind: 'untranslatable', reason: 'no-syncs' })
      expect(result).toEqual({ translation: { kind: 'untranslatable', reason: 'not-copied-yet' }, fallback: 'not-copied', retry: true })
      s.b.append('A.orders', 0, ...range(0, 300))
      expect((await s.translator.translate(forward, 0, 30n, { kind: 'untranslatable', reason: 'no-syncs' }, false)).translation)
        .toMatchObject({ kind: 'translated', offset: 30n, method: 'exact' })
    })

    it('mismatch: a record on the other side that no upstream record explains', async () => {
      const downstream = [...range(10, 120), r(9999), ...range(120, 300)]
      const s = setup(UPSTREAM, downstream)
      const indexed = conservative(41n, SYNC)
      await expectFallback(s, await s.translator.translate(forward, 0, 250n, indexed), indexed, 'mismatch', false)
    })

    it('ambiguous: a record that is both the next copy and a re-delivery of an identical one', async () => {
      const same = r(60)
      const upstream = [...range(0, 50), same, same, ...range(52, 300)]
      const downstream = [...range(10, 50), same, same, same, ...range(52, 300)]
      const s = setup(upstream, downstream)
      const indexed = conservative(41n, SYNC)
      await expectFallback(s, await s.translator.translate(forward, 0, 53n, indexed), indexed, 'ambiguous', false)
    })

    it('cap-exceeded: the walk would read more than translation.maxProofRecords', async () => {
      const downstream = [...range(10, 105), ...range(100, 300)]
      const s = setup(UPSTREAM, downstream, 50)
      const indexed = conservative(41n, SYNC)
      await expectFallback(s, await s.translator.translate(forward, 0, 250n, indexed), indexed, 'cap-exceeded', false)
    })

    it('incomplete: the other log ends before the copy, past a re-delivery (retried)', async () => {
      const s = setup(range(0, 55), [...range(10, 52), r(51), ...range(52, 54)])
      const indexed = conservative(41n, SYNC)
      await expectFallback(s, await s.translator.translate(forward, 0, 55n, indexed), 'waiting', 'incomplete', true)
    })

    it('empty-window: nothing but aborted records between the sync and the group', async () => {
      const downstream = [...range(10, 50), ...[50, 51, 52].map((n) => r(n, { aborted: true })), ...range(53, 300)]
      const s = setup(UPSTREAM, downstream)
      const indexed = conservative(51n, SYNC)
      await expectFallback(s, await s.translator.translate(reverse, 0, 43n, indexed), indexed, 'empty-window', false)
    })

    it('read-failed: the source cluster does not answer: the conservative answer, retried once it answers again, named', async () => {
      const s = setup(UPSTREAM, COPIED)
      s.a.down = true
      const indexed = conservative(41n, SYNC)
      await expectFallback(s, await s.translator.translate(forward, 0, 250n, indexed), indexed, 'read-failed', true, { failedCluster: 'A' })
    })

    it('read-failed on the target cluster: nothing to write (target-unreachable) for up to copyWaitMs, then the conservative answer', async () => {
      const s = setup(UPSTREAM, COPIED)
      s.b.down = true
      const indexed = conservative(41n, SYNC)
      const unreachable = { kind: 'untranslatable' as const, reason: 'target-unreachable' as const }
      const first = await s.translator.translate(forward, 0, 250n, indexed)
      await expectFallback(s, first, indexed, 'read-failed', true, { translation: unreachable, failedCluster: 'B' })
      expect(s.logs.some((line) => line.includes('nothing is written while it is proven again, for up to 5000 ms (translation.copyWaitMs); then using the conservative 41'))).toBe(true)
      clock.now = 4999
      expect((await s.translator.translate(forward, 0, 250n, indexed, false)).translation).toEqual(unreachable)
      clock.now = 5000
      const late = await s.translator.translate(forward, 0, 250n, indexed, false)
      expect(late).toEqual({ translation: indexed, fallback: 'read-failed', retry: true, failedCluster: 'B' })
      s.b.down = false
      expect((await s.translator.translate(forward, 0, 250n, indexed, false)).translation).toMatchObject({ offset: 240n, method: 'exact' })
    })

    it('below-mm2: a proof below MM2\'s own translation is never used', async () => {
      const s = setup(UPSTREAM, COPIED)
      const indexed = conservative(245n, SYNC)
      await expectFallback(s, await s.translator.translate(forward, 0, 250n, indexed), indexed, 'below-mm2', false)
    })
  })
})
