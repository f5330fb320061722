// One record of every kind ingest must cope with, for MM2's offset-syncs topic: a good one and each
// way a record can be unusable, with the records_skipped_total reason it must be counted under.
import { encodeOffsetSync } from '../../../../sidecar/src/core/codec/offset-sync.ts'
import type { FakeRecord } from '../fakes.ts'

export const goodSync = (upstreamOffset: bigint, downstreamOffset: bigint, topic = 'orders', partition = 0): FakeRecord =>
  encodeOffsetSync({ topic, partition, upstreamOffset, downstreamOffset })

const good = goodSync(10n, 5n)

/** Bad offset-sync records, each with the reason it is skipped for. */
export const BAD_OFFSET_SYNCS: ReadonlyArray<{ kind: string, record: FakeRecord, reason: string }> = [
  { kind: 'null key', record: { key: null, value: good.value }, reason: 'decode_invalid' },
  { kind: 'null value (tombstone)', record: { key: good.key, value: null }, reason: 'decode_tombstone' },
  { kind: 'truncated value', record: { key: good.key, value: good.value!.subarray(0, 11) }, reason: 'decode_truncated' },
  { kind: 'truncated key', record: { key: good.key!.subarray(0, 3), value: good.value }, reason: 'decode_truncated' },
  { kind: 'oversized value', record: { key: good.key, value: new Uint8Array(64 * 1024) }, reason: 'decode_oversized' },
  { kind: 'negative string length', record: { key: Uint8Array.of(0xff, 0xfe, 0, 0, 0, 0), value: good.value }, reason: 'decode_bad_length' },
  {
    kind: 'negative offset',
    record: { key: good.key, value: Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 1) },
    reason: 'decode_invalid'
  }
]
