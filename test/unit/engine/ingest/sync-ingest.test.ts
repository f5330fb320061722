// The index-building ingest the daemon and reconcile share: history snapshots first, MM2's syncs
// replayed on top, reverse syncs kept out of the index, live syncs appended or (after an outage)
// replayed, proven-pair snapshots seeded where there are proven pairs (and left alone where there are
// none), and every bad record counted without stopping its batch.
import { describe, expect, it } from 'vitest'
import { parseMm2Properties } from '../../../../sidecar/src/config/mm2-properties.ts'
import { encodeProvenPairs, encodeSyncHistory } from '../../../../sidecar/src/core/codec/sync-history.ts'
import { ProvenPairs } from '../../../../sidecar/src/core/exact/proven-pairs.ts'
import { SyncIndex } from '../../../../sidecar/src/core/translation/sync-index.ts'
import { RecordIngest } from '../../../../sidecar/src/engine/ingest/record-ingest.ts'
import { SyncIngest } from '../../../../sidecar/src/engine/ingest/sync-ingest.ts'
import { BAD_OFFSET_SYNCS, goodSync } from './malformed-records.ts'

const mm2 = parseMm2Properties([
  'clusters = A, B', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092', 'A->B.enabled = true', 'B->A.enabled = true'
].join('\n'))
const aToB = mm2.flows.find((flow) => flow.source === 'A' && flow.target === 'B')!
const bToA = mm2.flows.find((flow) => flow.source === 'B' && flow.target === 'A')!
const SYNCS = { cluster: 'A', topic: 'mm2-offset-syncs.B.internal', partition: 0 }

const records = (
  list: ReadonlyArray<{ key: Uint8Array | null, value: Uint8Array | null }>, from = 0
): Array<{ key: Uint8Array | null, value: Uint8Array | null, offset: bigint }> =>
  list.map((record, index) => ({ ...record, offset: BigInt(from + index) }))

interface Setup {
  index: SyncIndex
  ingest: RecordIngest
  syncs: SyncIngest
  reverse: Array<[string, bigint]>
  /** Records decoded so far (skipped ones are not). */
  decoded: () => number
}

function setup (provenPairs?: ProvenPairs): Setup {
  const index = new SyncIndex()
  const counts = { decoded: 0 }
  const ingest = new RecordIngest({ decoded: (_source, count) => { counts.decoded += count }, skipped: () => {} })
  const reverse: Array<[string, bigint]> = []
  const syncs = new SyncIngest({
    index,
    ingest,
    flows: [aToB, bToA],
    onReverseSync: (flow, sync) => { reverse.push([`${flow.source}->${flow.target}`, sync.upstreamOffset]) },
    provenPairs
  })
  return { index, ingest, syncs, reverse, decoded: () => counts.decoded }
}

const HISTORY = 'mm2-failback.history.internal'
const ORDERS_0 = { sourceClusterAlias: 'A', targetClusterAlias: 'B', topic: 'orders', partition: 0 }
const pairs = (...list: Array<[number, number]>): Array<{ upstreamOffset: bigint, downstreamOffset: bigint }> =>
  list.map(([u, d]) => ({ upstreamOffset: BigInt(u), downstreamOffset: BigInt(d) }))

const latest = (index: SyncIndex): { upstreamOffset: bigint, downstreamOffset: bigint } | undefined => index.findFlow('A', 'B')?.find('orders', 0)?.latest()

describe('SyncIngest', () => {
  it('holds MM2\'s syncs until seeded, then replays them over the history snapshots', () => {
    const { index, syncs } = setup()
    const snapshot = encodeSyncHistory({
      sourceClusterAlias: 'A',
      targetClusterAlias: 'B',
      topic: 'orders',
      partition: 0,
      syncs: [{ upstreamOffset: 100n, downstreamOffset: 90n }, { upstreamOffset: 200n, downstreamOffset: 190n }]
    })
    syncs.history({ cluster: 'B', topic: 'mm2-failback.history.internal', partition: 0 }, records([snapshot]))
    // MM2's compacted topic still holds an older sync (superseded by the snapshot) and a newer one.
    const read = syncs.offsetSyncs(aToB, SYNCS, records([goodSync(150n, 140n), goodSync(300n, 290n)]))
    expect(read).toEqual({ mm2Syncs: 2, accepted: [] })
    expect(latest(index)).toBeUndefined()
    expect(syncs.seed()).toEqual({ seeded: 2, replayed: 1, provenPairs: 0 })
    expect(latest(index)).toEqual({ upstreamOffset: 300n, downstreamOffset: 290n })
    expect(index.findFlow('A', 'B')!.translate('forward', 'orders', 0, 200n)).toMatchObject({ kind: 'translated', offset: 190n, method: 'exact' })
  })

  it('keeps snapshots of flows it does not know out, and ignores its own snapshots coming back after seeding', () => {
    const { index, syncs } = setup()
    const foreign = encodeSyncHistory({
      sourceClusterAlias: 'C',
      targetClusterAlias: 'D',
      topic: 'orders',
      partition: 0,
      syncs: [{ upstreamOffset: 1n, downstreamOffset: 1n }]
    })
    syncs.history({ cluster: 'A', topic: 'h', partition: 0 }, records([foreign, { key: foreign.key, value: null }]))
    syncs.seed()
    expect(index.findFlow('C', 'D')).toBeUndefined()
    const own = encodeSyncHistory({
      sourceClusterAlias: 'A',
      targetClusterAlias: 'B',
      topic: 'orders',
      partition: 0,
      syncs: [{ upstreamOffset: 5n, downstreamOffset: 5n }]
    })
    syncs.history({ cluster: 'A', topic: 'h', partition: 0 }, records([own]))
    expect(latest(index)).toBeUndefined()
  })

  it('reverse syncs in a flow\'s topic go to onReverseSync, never into its index', () => {
    const { index, syncs, reverse } = setup()
    syncs.seed()
    // B->A's offset-syncs topic (on B) holds the sidecar's inverted A->B syncs, keyed A.orders.
    const read = syncs.offsetSyncs(bToA, { cluster: 'B', topic: 'mm2-offset-syncs.A.internal', partition: 0 }, records([goodSync(7n, 9n, 'A.orders')]))
    expect(read).toEqual({ mm2Syncs: 0, accepted: [] })
    expect(reverse).toEqual([['B->A', 7n]])
    expect(index.findFlow('B', 'A')?.find('A.orders', 0)).toBeUndefined()
  })

  it('after seeding, appends live syncs; in replay mode, skips what the index already holds', () => {
    const { index, syncs } = setup()
    syncs.seed()
    expect(syncs.offsetSyncs(aToB, SYNCS, records([goodSync(10n, 10n), goodSync(20n, 20n)])).accepted).toHaveLength(2)
    // The cluster came back and its topic is read from the start again: old syncs are no rewind.
    const replayed = syncs.offsetSyncs(aToB, SYNCS, records([goodSync(10n, 10n), goodSync(20n, 20n), goodSync(30n, 30n)]), 'replay')
    expect(replayed.accepted.map((sync) => sync.upstreamOffset)).toEqual([30n])
    expect(index.findFlow('A', 'B')!.find('orders', 0)!.size).toBe(3)
  })

  it('a batch mixing every kind of bad record with good ones indexes the good ones and counts the bad ones, before and after seeding', () => {
    for (const seedFirst of [false, true]) {
      const { index, ingest, syncs } = setup()
      if (seedFirst) syncs.seed()
      const batch = [goodSync(1n, 1n), ...BAD_OFFSET_SYNCS.flatMap(({ record }, index) =>
        [record, goodSync(BigInt(10 * (index + 1)), BigInt(10 * (index + 1)))])]
      const read = syncs.offsetSyncs(aToB, SYNCS, records(batch))
      expect(read.mm2Syncs).toBe(BAD_OFFSET_SYNCS.length + 1)
      if (!seedFirst) syncs.seed()
      expect(latest(index)).toEqual({ upstreamOffset: BigInt(10 * BAD_OFFSET_SYNCS.length), downstreamOffset: BigInt(10 * BAD_OFFSET_SYNCS.length) })
      expect(ingest.skipCounts().reduce((sum, count) => sum + count.count, 0)).toBe(BAD_OFFSET_SYNCS.length)
      expect(new Set(ingest.skipCounts().map((count) => count.topic))).toEqual(new Set(['mm2-offset-syncs.B.internal']))
    }
  })

  it('a truncated or oversized history snapshot is counted; a tombstone is compaction\'s and is not', () => {
    const { ingest, syncs } = setup()
    const snapshot = encodeSyncHistory({
      sourceClusterAlias: 'A',
      targetClusterAlias: 'B',
      topic: 'orders',
      partition: 0,
      syncs: [{ upstreamOffset: 1n, downstreamOffset: 1n }]
    })
    syncs.history({ cluster: 'A', topic: 'h', partition: 0 }, records([
      { key: snapshot.key, value: null },
      { key: snapshot.key, value: snapshot.value.subarray(0, 10) },
      { key: new Uint8Array(200 * 1024), value: snapshot.value }
    ]))
    expect(ingest.skipCounts().map((count) => [count.reason, count.count]).sort()).toEqual([['decode_oversized', 1], ['decode_truncated', 1]])
  })

  describe('proven-pair snapshots (kind 1)', () => {
    const key = { source: 'A', target: 'B', topic: 'orders', partition: 0 }

    it('seed the proven pairs at readiness, beside the index\'s syncs, and count as decoded', () => {
      const provenPairs = new ProvenPairs()
      const { index, ingest, syncs, decoded } = setup(provenPairs)
      syncs.history({ cluster: 'B', topic: HISTORY, partition: 0 }, records([
        encodeSyncHistory({ ...ORDERS_0, syncs: pairs([100, 90]) }),
        encodeProvenPairs({ ...ORDERS_0, pairs: pairs([150, 140], [250, 240]) })
      ]))
      expect(provenPairs.size).toBe(0)
      expect(syncs.seed()).toEqual({ seeded: 1, replayed: 0, provenPairs: 2 })
      expect(provenPairs.pairsOf(key)).toEqual(pairs([150, 140], [250, 240]))
      expect(latest(index)).toEqual({ upstreamOffset: 100n, downstreamOffset: 90n })
      expect(decoded()).toBe(2)
      expect(ingest.skipCounts()).toEqual([])
      // Our own snapshots coming back after seeding change nothing.
      syncs.history({ cluster: 'B', topic: HISTORY, partition: 0 }, records([encodeProvenPairs({ ...ORDERS_0, pairs: pairs([300, 290]) })], 2))
      expect(provenPairs.pairsOf(key)).toEqual(pairs([150, 140], [250, 240]))
    })

    it('on one cluster the last snapshot read wins, even when it went down (a pair dropped); across clusters the furthest along', () => {
      const provenPairs = new ProvenPairs()
      const { syncs } = setup(provenPairs)
      syncs.history({ cluster: 'A', topic: HISTORY, partition: 0 }, records([
        encodeProvenPairs({ ...ORDERS_0, pairs: pairs([10, 10], [20, 20], [30, 30]) }),
        encodeProvenPairs({ ...ORDERS_0, pairs: pairs([10, 10], [20, 20]) })
      ]))
      syncs.history({ cluster: 'B', topic: HISTORY, partition: 0 }, records([
        encodeProvenPairs({ ...ORDERS_0, pairs: pairs([10, 10]) }),
        encodeProvenPairs({ ...ORDERS_0, partition: 1, pairs: pairs([5, 6]) })
      ]))
      expect(syncs.seed().provenPairs).toBe(3)
      expect(provenPairs.pairsOf(key)).toEqual(pairs([10, 10], [20, 20]))
      expect(provenPairs.pairsOf({ ...key, partition: 1 })).toEqual(pairs([5, 6]))
    })

    it('without proven pairs (reconcile, conservative mode) are well-formed records left alone: decoded, never skipped, never in the index', () => {
      const { index, ingest, syncs, decoded } = setup()
      syncs.history({ cluster: 'A', topic: HISTORY, partition: 0 }, records([encodeProvenPairs({ ...ORDERS_0, pairs: pairs([150, 140]) })]))
      expect(syncs.seed()).toEqual({ seeded: 0, replayed: 0, provenPairs: 0 })
      expect(index.findFlow('A', 'B')).toBeUndefined()
      expect(decoded()).toBe(1)
      expect(ingest.skipCounts()).toEqual([])
    })

    it('of flows it does not know stay out; bad ones are counted like any history record', () => {
      const provenPairs = new ProvenPairs()
      const { ingest, syncs } = setup(provenPairs)
      const good = encodeProvenPairs({ ...ORDERS_0, pairs: pairs([1, 1]) })
      const twice = encodeProvenPairs({ ...ORDERS_0, pairs: pairs([1, 1], [1, 2]) })
      syncs.history({ cluster: 'A', topic: HISTORY, partition: 0 }, records([
        encodeProvenPairs({ ...ORDERS_0, sourceClusterAlias: 'C', targetClusterAlias: 'D', pairs: pairs([1, 1]) }),
        { key: good.key, value: good.value.subarray(0, 10) },
        twice,
        { key: good.key, value: null }
      ]))
      syncs.seed()
      expect(provenPairs.size).toBe(0)
      expect(ingest.skipCounts().map((count) => [count.recordType, count.reason, count.count]).sort())
        .toEqual([['history', 'decode_invalid', 1], ['history', 'decode_truncated', 1]])
    })
  })
})
