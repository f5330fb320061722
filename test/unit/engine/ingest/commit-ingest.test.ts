import { describe, expect, it } from 'vitest'
import { encodeConsumerOffsetsKey, encodeOffsetCommitKey, encodeOffsetCommitValue } from '../../../../sidecar/src/core/codec/consumer-offsets.ts'
import { CommittedOffsets } from '../../../../sidecar/src/core/sync/committed-offsets.ts'
import { CommitIngest } from '../../../../sidecar/src/engine/ingest/commit-ingest.ts'
import { RecordIngest, type SkippedRecord } from '../../../../sidecar/src/engine/ingest/record-ingest.ts'
import { RawRecordSet } from '../../../../sidecar/src/kafka/record-set.ts'
import { batchBytes } from '../../kafka/batch-bytes.ts'

type Entry = { key: Uint8Array | null, value: Uint8Array | null }

const batch = (firstOffset: bigint, entries: Entry[]): Buffer => batchBytes({ firstOffset, records: entries })

const key = (group: string, partition: number): Uint8Array => encodeOffsetCommitKey({ group, topic: 'orders', partition })
const value = (offset: bigint, version: 3 | 4 = 3): Uint8Array =>
  encodeOffsetCommitValue({ version, offset, leaderEpoch: -1, metadata: '', commitTimestamp: 5n, expireTimestamp: -1n })

function setup () {
  const skipped: SkippedRecord[] = []
  const decoded: number[] = []
  const store = new CommittedOffsets()
  const sink = { decoded: (_source: unknown, count: number) => { decoded.push(count) }, skipped: (record: SkippedRecord) => { skipped.push(record) } }
  const ingest = new CommitIngest(new RecordIngest(sink), store)
  return { store, ingest, skipped, decoded }
}

const at = { cluster: 'A', topic: '__consumer_offsets', partition: 7 }

describe('CommitIngest', () => {
  it('stores the last commit of each group-partition in log order, and a later deletion takes a commit back', () => {
    const { store, ingest, decoded } = setup()
    const records = new RawRecordSet(batch(0n, [
      { key: key('g', 0), value: value(10n) },
      { key: key('g', 1), value: value(20n, 4) },
      { key: key('g', 0), value: value(11n) },
      { key: key('h', 0), value: value(30n) },
      { key: key('h', 0), value: null },
      { key: encodeConsumerOffsetsKey({ kind: 'group-metadata', type: 2, name: 'GroupMetadata', group: 'g' }), value: Uint8Array.of(0, 3) }
    ]), 0n, null)
    const fresh = ingest.apply(at, records, true)
    expect(fresh.map((commit) => [commit.group, commit.partition, commit.offset])).toEqual([['g', 1, 20n], ['g', 0, 11n]])
    const stored = { cluster: 'A', group: 'g', topic: 'orders', partition: 0, offset: 11n, metadata: '', commitTimestamp: 5n }
    expect(store.get('A', 'g', 'orders', 0)).toEqual(stored)
    expect(store.get('A', 'h', 'orders', 0)).toBeUndefined()
    // Group metadata is well-formed and not for us: neither decoded nor skipped.
    expect(decoded).toEqual([5])
  })

  it('stores a commit whose value only the full decoder reads (v4 metadata of 200 bytes) like any other', () => {
    const { store, ingest, skipped } = setup()
    const metadata = 'm'.repeat(200)
    const long = encodeOffsetCommitValue({ version: 4, offset: 77n, leaderEpoch: 2, metadata, commitTimestamp: 6n, expireTimestamp: -1n })
    ingest.apply(at, new RawRecordSet(batch(0n, [{ key: key('g', 0), value: value(1n) }, { key: key('g', 0), value: long }]), 0n, null), false)
    expect(store.get('A', 'g', 'orders', 0)).toEqual({ cluster: 'A', group: 'g', topic: 'orders', partition: 0, offset: 77n, metadata, commitTimestamp: 6n })
    expect(skipped).toEqual([])
  })

  it('stores offsets and commit timestamps beyond 2^53 exactly, and the safe ones after them too', () => {
    const { store, ingest, skipped } = setup()
    const wide = (offset: bigint, commitTimestamp: bigint): Uint8Array =>
      encodeOffsetCommitValue({ version: 3, offset, leaderEpoch: -1, metadata: '', commitTimestamp, expireTimestamp: -1n })
    const stored = (group: string) => store.get('A', group, 'orders', 0)
    ingest.apply(at, new RawRecordSet(batch(0n, [
      { key: key('g', 0), value: wide(2n ** 63n - 1n, -(2n ** 63n)) },
      { key: key('h', 0), value: wide(2n ** 53n + 1n, 7n) },
      { key: key('h', 0), value: wide(9_007_199_254_740_991n, 2n ** 53n) }
    ]), 0n, null), false)
    expect([stored('g')?.offset, stored('g')?.commitTimestamp]).toEqual([2n ** 63n - 1n, -(2n ** 63n)])
    expect([stored('h')?.offset, stored('h')?.commitTimestamp]).toEqual([9_007_199_254_740_991n, 2n ** 53n])
    expect(store.offsetOf('A', 'g', 'orders', 0)).toBe(2n ** 63n - 1n)
    ingest.apply(at, new RawRecordSet(batch(3n, [{ key: key('g', 0), value: value(12n) }]), 3n, null), false)
    expect([stored('g')?.offset, stored('g')?.commitTimestamp]).toEqual([12n, 5n])
    expect(skipped).toEqual([])
  })

  it('returns nothing during a catch-up, and the stored commits are what the log says', () => {
    const { store, ingest } = setup()
    const records = new RawRecordSet(batch(0n, [{ key: key('g', 0), value: value(1n) }, { key: key('g', 0), value: value(2n) }]), 0n, null)
    expect(ingest.apply(at, records, false)).toEqual([])
    expect(store.offsetOf('A', 'g', 'orders', 0)).toBe(2n)
  })

  it('counts bad records with their offsets and keeps the good ones around them, whatever comes after', () => {
    const { store, ingest, skipped } = setup()
    const good = { key: key('g', 0), value: value(90n) }
    const records = new RawRecordSet(batch(100n, [
      { key: key('g', 0), value: value(90n).subarray(0, 5) },
      { key: null, value: value(1n) },
      good,
      { key: key('g', 0), value: value(91n).subarray(0, 7) },
      { key: Uint8Array.of(0, 99, 1), value: value(1n) }
    ]), 100n, null)
    const fresh = ingest.apply(at, records, true)
    expect(fresh.map((commit) => commit.offset)).toEqual([90n])
    expect(store.offsetOf('A', 'g', 'orders', 0)).toBe(90n)
    expect(skipped.map((record) => [record.offset, record.reason])).toEqual([
      [100n, 'decode_truncated'], [101n, 'decode_invalid'], [103n, 'decode_truncated'], [104n, 'decode_unsupported_version']
    ])
    expect(skipped[0]).toMatchObject({ cluster: 'A', topic: '__consumer_offsets', partition: 7, recordType: 'consumer-offsets' })
  })

  it('counts a damaged batch as a skip at the offset it breaks at', () => {
    const { ingest, skipped } = setup()
    const whole = batch(0n, [{ key: key('g', 0), value: value(1n) }, { key: key('g', 1), value: value(2n) }])
    // The second record cut short inside a batch whose length agrees: the batch is whole, its record is not.
    const damaged = Buffer.from(whole.subarray(0, whole.length - 3))
    damaged.writeInt32BE(damaged.length - 12, 8)
    expect(ingest.apply(at, new RawRecordSet(damaged, 0n, null), true).map((commit) => commit.offset)).toEqual([1n])
    expect(skipped.map((record) => [record.offset, record.reason])).toEqual([[1n, 'decode_truncated']])
  })
})
