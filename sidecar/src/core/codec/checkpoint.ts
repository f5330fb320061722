// MirrorMaker 2 Checkpoint, as written to `<source>.checkpoints.internal` on the target cluster.
// Mirrors org.apache.kafka.connect.mirror.Checkpoint (connect/mirror-client): KEY_SCHEMA, HEADER_SCHEMA
// and VALUE_SCHEMA_V0, unchanged from Kafka 2.4 to 4.1.
//
//   key    = group          STRING   consumer group id (our `consumerGroupId`)
//            topic          STRING   topic as named on the target cluster (already renamed, "A.orders")
//            partition      INT32
//   header = version        INT16    always 0 (Checkpoint.VERSION)
//   value  = upstreamOffset INT64    the group's committed offset on the source cluster
//  (V0)      offset         INT64    the translated offset on the target cluster (our `downstreamOffset`)
//            metadata       STRING   the commit's metadata, "" when there was none
//
// The value's version header is dispatched through VALUE_READERS. Up to Kafka 4.3 Java only `assert`s
// the version (disabled in production) and would parse any version as V0; from 4.4 it throws, as we
// do (MM2_DECODE_UNSUPPORTED_VERSION): a new layout read as V0 would produce wrong offsets silently. Trailing bytes are
// ignored as Schema.read does. A null value is a tombstone: MM2 never writes one, we raise
// MM2_DECODE_TOMBSTONE. Negative offsets or partitions cannot come from MM2 (OffsetAndMetadata
// rejects negative offsets) and raise MM2_DECODE_INVALID.

import { Mm2FailbackError } from '../../errors.ts'
import { MAX_STRING_BYTES, Reader, requireAtMost } from './reader.ts'
import { Writer } from './writer.ts'

/** One checkpoint: group `consumerGroupId` at `upstreamOffset` upstream corresponds to `downstreamOffset` on `topic` downstream. */
export interface Checkpoint {
  consumerGroupId: string
  topic: string
  partition: number
  upstreamOffset: bigint
  downstreamOffset: bigint
  metadata: string
}

const KEY = 'Checkpoint key'
const VALUE = 'Checkpoint value'

/** The version Checkpoint.VERSION that encodeCheckpoint writes. */
export const CHECKPOINT_VERSION = 0

type ValueFields = Pick<Checkpoint, 'upstreamOffset' | 'downstreamOffset' | 'metadata'>

// Index = version header. Only VALUE_SCHEMA_V0 exists.
const VALUE_READERS: ReadonlyArray<(reader: Reader) => ValueFields> = [
  (reader) => ({
    upstreamOffset: reader.readInt64('upstreamOffset'),
    downstreamOffset: reader.readInt64('offset'),
    metadata: reader.readString('metadata')
  })
]

// The most a key (two STRINGs, an INT32) or value (INT16 version, two INT64s, a STRING) can hold, plus room for appended fields.
const KEY_MAX_BYTES = 2 * (2 + MAX_STRING_BYTES) + 4 + 1024
const VALUE_MAX_BYTES = 2 + 8 + 8 + 2 + MAX_STRING_BYTES + 1024

/**
 * Decodes a Checkpoint record; throws Mm2FailbackError (MM2_DECODE_*) on a null key, tombstone,
 * oversized record, unknown version, truncation or negative field.
 */
export function decodeCheckpoint (key: Uint8Array | null, value: Uint8Array | null): Checkpoint {
  if (key === null) {
    throw new Mm2FailbackError('MM2_DECODE_INVALID', `${KEY} is null; expected group STRING, topic STRING and partition INT32.`, { record: KEY })
  }
  requireAtMost(key, KEY_MAX_BYTES, KEY)
  const keyReader = new Reader(key, KEY)
  const consumerGroupId = keyReader.readString('group')
  const topic = keyReader.readString('topic')
  const partition = keyReader.readInt32('partition')
  if (partition < 0) keyReader.fail('MM2_DECODE_INVALID', `${KEY} has a negative partition ${partition} at position ${keyReader.position - 4}; MM2 never writes one.`, 'partition', keyReader.position - 4)

  const context = { group: consumerGroupId, topic, partition }
  if (value === null) {
    throw new Mm2FailbackError('MM2_DECODE_TOMBSTONE', `${VALUE} is null (a tombstone) for group ${consumerGroupId} on ${topic}-${partition}; MM2 never writes one.`, { record: VALUE, ...context })
  }
  requireAtMost(value, VALUE_MAX_BYTES, VALUE, context)
  const reader = new Reader(value, VALUE, context)
  const version = reader.readInt16('version')
  const readValue = VALUE_READERS[version]
  if (readValue === undefined) {
    throw reader.error('MM2_DECODE_UNSUPPORTED_VERSION', `${VALUE} has version ${version} at position 0; this build reads versions 0..${VALUE_READERS.length - 1}.`, 'version', 0)
  }
  const fields = readValue(reader)
  if (fields.upstreamOffset < 0n) reader.fail('MM2_DECODE_INVALID', `${VALUE} has a negative upstreamOffset ${fields.upstreamOffset} at position 2 for group ${consumerGroupId} on ${topic}-${partition}.`, 'upstreamOffset', 2)
  if (fields.downstreamOffset < 0n) reader.fail('MM2_DECODE_INVALID', `${VALUE} has a negative offset ${fields.downstreamOffset} at position 10 for group ${consumerGroupId} on ${topic}-${partition}.`, 'offset', 10)
  return { consumerGroupId, topic, partition, ...fields }
}

/** Encodes a Checkpoint exactly as MM2's Checkpoint.recordKey()/recordValue() do (version 0); throws MM2_ENCODE_INVALID on impossible fields. */
export function encodeCheckpoint (checkpoint: Checkpoint): { key: Uint8Array, value: Uint8Array } {
  const key = new Writer(KEY)
  key.writeString(checkpoint.consumerGroupId, 'group').writeString(checkpoint.topic, 'topic').writeInt32(checkpoint.partition, 'partition')
  if (checkpoint.partition < 0) key.invalid('partition', `non-negative (got ${checkpoint.partition})`)

  const value = new Writer(VALUE)
  value.writeInt16(CHECKPOINT_VERSION, 'version')
    .writeInt64(checkpoint.upstreamOffset, 'upstreamOffset')
    .writeInt64(checkpoint.downstreamOffset, 'offset')
    .writeString(checkpoint.metadata, 'metadata')
  if (checkpoint.upstreamOffset < 0n) value.invalid('upstreamOffset', `non-negative (got ${checkpoint.upstreamOffset})`)
  if (checkpoint.downstreamOffset < 0n) value.invalid('offset (downstreamOffset)', `non-negative (got ${checkpoint.downstreamOffset})`)
  return { key: key.finish(), value: value.finish() }
}
