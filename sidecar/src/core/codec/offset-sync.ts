// MirrorMaker 2 OffsetSync, as written to `mm2-offset-syncs.<alias>.internal`.
// Mirrors org.apache.kafka.connect.mirror.OffsetSync (connect/mirror), KEY_SCHEMA and VALUE_SCHEMA,
// unchanged from Kafka 2.4 to 4.1.
//
//   key   = topic          STRING   upstream (source-cluster) topic name, e.g. "orders", not "A.orders"
//           partition      INT32
//   value = upstreamOffset INT64    offset of the record in the source topic-partition
//           offset         INT64    offset the same record got downstream (our `downstreamOffset`)
//
// There is no version header on either side. Like Java's Schema.read, trailing bytes are ignored.
// A null value (tombstone) is never written by MM2 and raises MM2_DECODE_TOMBSTONE so that callers
// count and skip it. Negative offsets and partitions are impossible in MM2 (it syncs real record
// offsets of real partitions) and would poison the translation index, so we reject them on decode
// (MM2_DECODE_INVALID) and on encode (MM2_ENCODE_INVALID) rather than index them.

import { Mm2FailbackError } from '../../errors.ts'
import { MAX_STRING_BYTES, Reader, readSafeNonNegativeInt64, requireAtMost } from './reader.ts'
import { Writer } from './writer.ts'

/** One offset sync: the record at `upstreamOffset` of topic-partition upstream is at `downstreamOffset` downstream. */
export interface OffsetSync {
  topic: string
  partition: number
  upstreamOffset: bigint
  downstreamOffset: bigint
}

const KEY = 'OffsetSync key'
const VALUE = 'OffsetSync value'

// Byte positions of the two INT64 fields of VALUE_SCHEMA.
const UPSTREAM_OFFSET_AT = 0
const DOWNSTREAM_OFFSET_AT = 8
const VALUE_BYTES = 16
// The most a key or value can hold (a STRING and an INT32; two INT64s), plus room for appended fields.
const KEY_MAX_BYTES = 2 + MAX_STRING_BYTES + 4 + 1024
const VALUE_MAX_BYTES = VALUE_BYTES + 1024

/** Decodes an OffsetSync record; throws Mm2FailbackError (MM2_DECODE_*) on a null key, tombstone, truncation or negative field. */
export function decodeOffsetSync (key: Uint8Array | null, value: Uint8Array | null): OffsetSync {
  if (key === null) {
    throw new Mm2FailbackError('MM2_DECODE_INVALID', `${KEY} is null; expected topic STRING and partition INT32.`, { record: KEY })
  }
  requireAtMost(key, KEY_MAX_BYTES, KEY)
  const keyReader = new Reader(key, KEY)
  const topic = keyReader.readString('topic')
  const partition = keyReader.readInt32('partition')
  if (partition < 0) keyReader.fail('MM2_DECODE_INVALID', `${KEY} has a negative partition ${partition} at position ${keyReader.position - 4}; MM2 never writes one.`, 'partition', keyReader.position - 4)

  if (value === null) {
    const message = `${VALUE} is null (a tombstone) for ${topic}-${partition}; MM2 never writes one.`
    throw new Mm2FailbackError('MM2_DECODE_TOMBSTONE', message, { record: VALUE, topic, partition })
  }
  requireAtMost(value, VALUE_MAX_BYTES, VALUE, { topic, partition })
  const valueReader = new Reader(value, VALUE, { topic, partition })
  const upstreamOffset = valueReader.readInt64('upstreamOffset')
  const downstreamOffset = valueReader.readInt64('offset')
  if (upstreamOffset < 0n) valueReader.fail('MM2_DECODE_INVALID', `${VALUE} has a negative upstreamOffset ${upstreamOffset} at position ${UPSTREAM_OFFSET_AT} for ${topic}-${partition}; MM2 never writes one.`, 'upstreamOffset', UPSTREAM_OFFSET_AT)
  if (downstreamOffset < 0n) valueReader.fail('MM2_DECODE_INVALID', `${VALUE} has a negative offset ${downstreamOffset} at position ${DOWNSTREAM_OFFSET_AT} for ${topic}-${partition}; MM2 never writes one.`, 'offset', DOWNSTREAM_OFFSET_AT)
  return { topic, partition, upstreamOffset, downstreamOffset }
}

/**
 * The value half of decodeOffsetSync without objects or bigints, for the sync index's ingest loop.
 * When `value` is a well-formed OffsetSync value (trailing bytes ignored) whose offsets both lie in
 * 0..2^53-1, writes upstreamOffset to out[0] and downstreamOffset to out[1] and returns true.
 * Otherwise returns false and writes nothing: the caller then runs decodeOffsetSync, which raises
 * the typed error (or returns the exact bigints of offsets beyond 2^53).
 */
export function readOffsetSyncOffsets (value: Uint8Array | null, out: Float64Array): boolean {
  if (value === null || value.length < VALUE_BYTES) return false
  const upstreamOffset = readSafeNonNegativeInt64(value, UPSTREAM_OFFSET_AT)
  const downstreamOffset = readSafeNonNegativeInt64(value, DOWNSTREAM_OFFSET_AT)
  if (upstreamOffset < 0 || downstreamOffset < 0) return false
  out[0] = upstreamOffset
  out[1] = downstreamOffset
  return true
}

/** Encodes an OffsetSync exactly as MM2's OffsetSync.recordKey()/recordValue() do; throws MM2_ENCODE_INVALID on impossible fields. */
export function encodeOffsetSync (sync: OffsetSync): { key: Uint8Array, value: Uint8Array } {
  const key = new Writer(KEY, 8 + sync.topic.length * 3)
  key.writeString(sync.topic, 'topic').writeInt32(sync.partition, 'partition')
  if (sync.partition < 0) key.invalid('partition', `non-negative (got ${sync.partition})`)

  const value = new Writer(VALUE, 16)
  value.writeInt64(sync.upstreamOffset, 'upstreamOffset').writeInt64(sync.downstreamOffset, 'offset')
  if (sync.upstreamOffset < 0n) value.invalid('upstreamOffset', `non-negative (got ${sync.upstreamOffset})`)
  if (sync.downstreamOffset < 0n) value.invalid('offset (downstreamOffset)', `non-negative (got ${sync.downstreamOffset})`)
  return { key: key.finish(), value: value.finish() }
}
