// Every record that cannot be used is counted by cluster, topic and reason and logged once per
// partition and reason, whatever batch it sits in: alone, or mixed with good records.
import { describe, expect, it } from 'vitest'
import { decodeCheckpoint, encodeCheckpoint } from '../../../../sidecar/src/core/codec/checkpoint.ts'
import { decodeOffsetSync } from '../../../../sidecar/src/core/codec/offset-sync.ts'
import { RecordIngest, type SkippedRecord } from '../../../../sidecar/src/engine/ingest/record-ingest.ts'
import { BAD_OFFSET_SYNCS, goodSync } from './malformed-records.ts'

function recording (): { ingest: RecordIngest, decoded: number[], skipped: Array<SkippedRecord & { first: boolean }> } {
  const decoded: number[] = []
  const skipped: Array<SkippedRecord & { first: boolean }> = []
  const ingest = new RecordIngest({ decoded: (_source, count) => { decoded.push(count) }, skipped: (record, first) => { skipped.push({ ...record, first }) } })
  return { ingest, decoded, skipped }
}

const at = (partition = 0): { cluster: string, topic: string, partition: number, recordType: string } =>
  ({ cluster: 'A', topic: 'mm2-offset-syncs.B.internal', partition, recordType: 'offset-sync' })

const withOffsets = <T extends object>(records: readonly T[]): Array<T & { offset: bigint }> =>
  records.map((record, index) => ({ ...record, offset: BigInt(index) }))

describe('RecordIngest', () => {
  it.each(BAD_OFFSET_SYNCS)('a batch of one $kind record: counted as $reason, logged once, nothing used', ({ record, reason }) => {
    const { ingest, decoded, skipped } = recording()
    const used: unknown[] = []
    ingest.each(at(), withOffsets([record]), (r) => decodeOffsetSync(r.key, r.value), (sync) => { used.push(sync) })
    expect(used).toEqual([])
    expect(decoded).toEqual([])
    expect(skipped).toHaveLength(1)
    expect(skipped[0]).toMatchObject({ cluster: 'A', topic: 'mm2-offset-syncs.B.internal', partition: 0, offset: 0n, reason, first: true })
    expect(ingest.skipCounts()).toEqual([{ cluster: 'A', topic: 'mm2-offset-syncs.B.internal', recordType: 'offset-sync', reason, count: 1 }])
  })

  it('a batch mixing every bad kind with good records: the good ones are all used, in order, and every bad one is counted', () => {
    const { ingest, decoded, skipped } = recording()
    const batch = withOffsets([goodSync(1n, 1n), ...BAD_OFFSET_SYNCS.flatMap(({ record }, index) => [record, goodSync(BigInt(index + 2), BigInt(index + 2))])])
    const used: bigint[] = []
    ingest.each(at(), batch, (r) => decodeOffsetSync(r.key, r.value), (sync) => { used.push(sync.upstreamOffset) })
    expect(used).toEqual([1n, ...BAD_OFFSET_SYNCS.map((_bad, index) => BigInt(index + 2))])
    expect(decoded).toEqual([BAD_OFFSET_SYNCS.length + 1])
    expect(skipped.map((record) => record.offset)).toEqual(BAD_OFFSET_SYNCS.map((_bad, index) => BigInt(2 * index + 1)))
    const expected = new Map<string, number>()
    for (const { reason } of BAD_OFFSET_SYNCS) expected.set(reason, (expected.get(reason) ?? 0) + 1)
    expect(Object.fromEntries(ingest.skipCounts().map((count) => [count.reason, count.count]))).toEqual(Object.fromEntries(expected))
    // Logged once per (partition, reason): decode_invalid and decode_truncated occur twice each.
    expect(skipped.filter((record) => record.first).map((record) => record.reason).sort()).toEqual([...expected.keys()].sort())
  })

  it('counts per topic and logs again for another partition, but not for the same one', () => {
    const { ingest, skipped } = recording()
    const truncated = BAD_OFFSET_SYNCS.find((bad) => bad.kind === 'truncated value')!.record
    const decode = (r: { key: Uint8Array | null, value: Uint8Array | null }): unknown => decodeOffsetSync(r.key, r.value)
    ingest.each(at(0), withOffsets([truncated, truncated]), decode, () => {})
    ingest.each(at(1), withOffsets([truncated]), decode, () => {})
    ingest.each({ ...at(0), topic: 'other' }, withOffsets([truncated]), decode, () => {})
    expect(skipped.map((record) => record.first)).toEqual([true, false, true, true])
    expect(ingest.skipCounts().map((count) => [count.topic, count.count])).toEqual([['mm2-offset-syncs.B.internal', 3], ['other', 1]])
  })

  it('an unknown version and a record its user cannot take are skipped too; undefined means "not for us" and is neither', () => {
    const { ingest, decoded, skipped } = recording()
    const checkpoint = encodeCheckpoint({ consumerGroupId: 'g', topic: 't', partition: 0, upstreamOffset: 5n, downstreamOffset: 4n, metadata: '' })
    const futureVersion = Uint8Array.from(checkpoint.value)
    futureVersion[1] = 9
    const source = { cluster: 'B', topic: 'A.checkpoints.internal', partition: 0, recordType: 'checkpoint' }
    const batch = withOffsets([checkpoint, { key: checkpoint.key, value: futureVersion }, checkpoint, checkpoint])
    let calls = 0
    ingest.each(source, batch, (r) => r.offset === 3n ? undefined : decodeCheckpoint(r.key, r.value), () => {
      calls++
      if (calls === 2) throw new Error('the index cannot take it')
    })
    expect(calls).toBe(2)
    expect(decoded).toEqual([2])
    expect(skipped.map((record) => [record.offset, record.reason])).toEqual([[1n, 'decode_unsupported_version'], [2n, 'internal']])
  })
})
