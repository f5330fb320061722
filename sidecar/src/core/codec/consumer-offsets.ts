// Records of Kafka's `__consumer_offsets` topic, as written by brokers from Kafka 2.4 to 4.1.
// Mirrors the group coordinator's JSON message schemas (apache/kafka
// group-coordinator/src/main/resources/common/message/*.json, 3.9 and 4.1 branches) and, for 2.4,
// the Scala schemas of kafka.coordinator.group.GroupMetadataManager. Keys are written by
// MessageUtil.toCoordinatorTypePrefixedBytes (4.x) / toVersionPrefixedBytes (3.x): the INT16 prefix
// is the record type (called the key "version" before Kafka 4.0, "apiKey" since), then the key struct.
// Values are an INT16 version, then the value struct at that version; a null value is a tombstone.
//
//   key    = type           INT16    0 LegacyOffsetCommitKey, 1 OffsetCommitKey (both the same struct)
//            group          STRING
//            topic          STRING
//            partition      INT32
//   key    = type           INT16    2..24: group records (GroupMetadataKey, KIP-848 ConsumerGroup*,
//            GroupId        STRING   KIP-932 ShareGroup*, KIP-1071 StreamsGroup*); see RECORD_TYPES
//            [MemberId | RegularExpression  STRING]   for member and regular-expression records
//
//   OffsetCommitValue (header INT16 version):
//     v0: offset INT64, metadata STRING, commitTimestamp INT64 ("timestamp" in 2.4's Scala schema)
//     v1: offset INT64, metadata STRING, commitTimestamp INT64, expireTimestamp INT64
//     v2: offset INT64, metadata STRING, commitTimestamp INT64
//     v3: offset INT64, leaderEpoch INT32, metadata STRING, commitTimestamp INT64
//     v4: offset INT64, leaderEpoch INT32, metadata COMPACT_STRING, commitTimestamp INT64,
//         TAGGED_FIELDS (tag 0 = topicId UUID, Kafka 4.1+); first flexible version
//
// Which versions brokers write: 2.4..3.9 write v3 (v1 when the commit carries an expire timestamp, v1/v2
// below inter.broker.protocol.version 2.1); 4.0 writes v3; 4.1 writes v4 (v1 with an expire timestamp).
// An offset-commit key with a null value means the offset was deleted (expiry, DeleteConsumerGroupOffsets,
// group deletion): the sidecar needs that, so it is a record kind of its own. Every other record type is
// recognised, its key decoded (group id, member id), and returned as skippable; its value is never
// decoded, so it cannot be mistaken for an offset commit. Unknown record types and value versions raise
// MM2_DECODE_UNSUPPORTED_VERSION. Trailing bytes are ignored, as Kafka's readers do. Offsets are not
// range-checked here: this is Kafka's own topic, and judging a commit is the planner's business.

import { Mm2FailbackError } from '../../errors.ts'
import { MAX_STRING_BYTES, Reader, decodeUtf8, readSafeInt64At, requireAtMost } from './reader.ts'
import { Writer, uuidFromString } from './writer.ts'

/** What a `__consumer_offsets` key is about; every kind but 'offset-commit' is skipped by the sidecar. */
export type ConsumerOffsetsKeyKind = 'offset-commit' | 'group-metadata' | 'consumer-group-record' | 'share-group-record' | 'streams-group-record'

/** Key of a committed offset (record types 0 and 1). */
export interface OffsetCommitKey {
  kind: 'offset-commit'
  /** 1 (OffsetCommitKey) as written since Kafka 0.10, or 0 (LegacyOffsetCommitKey) from older brokers. */
  type: 0 | 1
  group: string
  topic: string
  partition: number
}

/** Key of any other group coordinator record: recognised, decoded for logging, then skipped. */
export interface GroupRecordKey {
  kind: Exclude<ConsumerOffsetsKeyKind, 'offset-commit'>
  /** The record type (INT16 key prefix), 2..24. */
  type: number
  /** The JSON schema name without "Key", e.g. "ConsumerGroupMemberMetadata". */
  name: string
  group: string
  /** Present for member records (ConsumerGroupMemberMetadata, ...TargetAssignmentMember, ...CurrentMemberAssignment). */
  memberId?: string
  /** Present for ConsumerGroupRegularExpression records. */
  regularExpression?: string
}

/** A decoded `__consumer_offsets` key. */
export type ConsumerOffsetsKey = OffsetCommitKey | GroupRecordKey

/** OffsetCommitValue versions 0..4. */
export type OffsetCommitValueVersion = 0 | 1 | 2 | 3 | 4

/** A committed offset. Fields a version lacks hold Kafka's defaults: leaderEpoch -1, expireTimestamp -1n, topicId undefined. */
export interface OffsetCommitValue {
  version: OffsetCommitValueVersion
  offset: bigint
  /** Leader epoch of the last consumed record (v3+), -1 when unknown. */
  leaderEpoch: number
  metadata: string
  commitTimestamp: bigint
  /** Only version 1 carries it; -1n otherwise. */
  expireTimestamp: bigint
  /** Tagged field 0 of version 4 (Kafka 4.1+), in Kafka's Uuid string form; absent when not written. */
  topicId?: string
}

/** A decoded `__consumer_offsets` record: a commit, a deletion, or something the sidecar skips. */
export type ConsumerOffsetsRecord =
  | { kind: 'offset-commit', key: OffsetCommitKey, value: OffsetCommitValue }
  | { kind: 'offset-deletion', key: OffsetCommitKey }
  | { kind: 'skipped', key: GroupRecordKey, tombstone: boolean }

interface RecordType {
  name: string
  kind: ConsumerOffsetsKeyKind
  /** The key's second STRING after the group id, if any. */
  second?: 'memberId' | 'regularExpression'
}

// Index = record type. Names and numbers from the `apiKey` (4.1) / `validVersions` (3.9, 4.0) of
// group-coordinator/src/main/resources/common/message/<name>Key.json.
const RECORD_TYPES: ReadonlyArray<RecordType> = [
  /* 0 */ { name: 'LegacyOffsetCommit', kind: 'offset-commit' }, // key version 0, pre-0.10 brokers
  /* 1 */ { name: 'OffsetCommit', kind: 'offset-commit' },
  /* 2 */ { name: 'GroupMetadata', kind: 'group-metadata' }, // classic groups, all versions
  /* 3 */ { name: 'ConsumerGroupMetadata', kind: 'consumer-group-record' }, // KIP-848, 3.7+ (GA in 4.0)
  /* 4 */ { name: 'ConsumerGroupPartitionMetadata', kind: 'consumer-group-record' },
  /* 5 */ { name: 'ConsumerGroupMemberMetadata', kind: 'consumer-group-record', second: 'memberId' },
  /* 6 */ { name: 'ConsumerGroupTargetAssignmentMetadata', kind: 'consumer-group-record' },
  /* 7 */ { name: 'ConsumerGroupTargetAssignmentMember', kind: 'consumer-group-record', second: 'memberId' },
  /* 8 */ { name: 'ConsumerGroupCurrentMemberAssignment', kind: 'consumer-group-record', second: 'memberId' },
  /* 9 */ { name: 'ShareGroupPartitionMetadata', kind: 'share-group-record' }, // KIP-932, 3.9 and 4.0; gone in 4.1
  /* 10 */ { name: 'ShareGroupMemberMetadata', kind: 'share-group-record', second: 'memberId' },
  /* 11 */ { name: 'ShareGroupMetadata', kind: 'share-group-record' },
  /* 12 */ { name: 'ShareGroupTargetAssignmentMetadata', kind: 'share-group-record' }, // 4.0+
  /* 13 */ { name: 'ShareGroupTargetAssignmentMember', kind: 'share-group-record', second: 'memberId' },
  /* 14 */ { name: 'ShareGroupCurrentMemberAssignment', kind: 'share-group-record', second: 'memberId' },
  /* 15 */ { name: 'ShareGroupStatePartitionMetadata', kind: 'share-group-record' },
  /* 16 */ { name: 'ConsumerGroupRegularExpression', kind: 'consumer-group-record', second: 'regularExpression' }, // 4.0+
  /* 17 */ { name: 'StreamsGroupMetadata', kind: 'streams-group-record' }, // KIP-1071, 4.1+
  /* 18 */ { name: 'StreamsGroupPartitionMetadata', kind: 'streams-group-record' }, // trunk only, removed before 4.1.0
  /* 19 */ { name: 'StreamsGroupMemberMetadata', kind: 'streams-group-record', second: 'memberId' },
  /* 20 */ { name: 'StreamsGroupTargetAssignmentMetadata', kind: 'streams-group-record' },
  /* 21 */ { name: 'StreamsGroupTargetAssignmentMember', kind: 'streams-group-record', second: 'memberId' },
  /* 22 */ { name: 'StreamsGroupCurrentMemberAssignment', kind: 'streams-group-record', second: 'memberId' },
  /* 23 */ { name: 'StreamsGroupTopology', kind: 'streams-group-record' },
  /* 24 */ { name: 'StreamsGroupTargetAssignmentResolvedTopicIds', kind: 'streams-group-record' } // apache/kafka trunk after 4.1
]

/** The highest record type this build recognises. */
export const MAX_CONSUMER_OFFSETS_RECORD_TYPE = RECORD_TYPES.length - 1

const KEY = '__consumer_offsets key'
const VALUE = 'OffsetCommitValue'
const TOPIC_ID_TAG = 0

// Index = value version.
const VALUE_READERS: ReadonlyArray<(reader: Reader) => OffsetCommitValue> = [
  (r) => ({
    version: 0,
    offset: r.readInt64('offset'),
    leaderEpoch: -1,
    metadata: r.readString('metadata'),
    commitTimestamp: r.readInt64('commitTimestamp'),
    expireTimestamp: -1n
  }),
  (r) => ({
    version: 1,
    offset: r.readInt64('offset'),
    leaderEpoch: -1,
    metadata: r.readString('metadata'),
    commitTimestamp: r.readInt64('commitTimestamp'),
    expireTimestamp: r.readInt64('expireTimestamp')
  }),
  (r) => ({
    version: 2,
    offset: r.readInt64('offset'),
    leaderEpoch: -1,
    metadata: r.readString('metadata'),
    commitTimestamp: r.readInt64('commitTimestamp'),
    expireTimestamp: -1n
  }),
  (r) => ({
    version: 3,
    offset: r.readInt64('offset'),
    leaderEpoch: r.readInt32('leaderEpoch'),
    metadata: r.readString('metadata'),
    commitTimestamp: r.readInt64('commitTimestamp'),
    expireTimestamp: -1n
  }),
  readValueV4
]

function readValueV4 (r: Reader): OffsetCommitValue {
  const value: OffsetCommitValue = {
    version: 4,
    offset: r.readInt64('offset'),
    leaderEpoch: r.readInt32('leaderEpoch'),
    metadata: r.readCompactString('metadata'),
    commitTimestamp: r.readInt64('commitTimestamp'),
    expireTimestamp: -1n
  }
  r.readTaggedFields('tagged fields', (tag, size) => {
    if (tag !== TOPIC_ID_TAG) return false
    if (size !== 16) r.fail('MM2_DECODE_INVALID', `${VALUE} has tagged field 0 (topicId) of size ${size} at position ${r.position}; a UUID takes 16 bytes.`, 'topicId')
    value.topicId = r.readUuid('topicId')
    return true
  })
  return value
}

// The most a key can hold (INT16 type, at most three STRINGs and an INT32), and an offset-commit value
// (at most: version, INT64 offset, INT32 epoch, STRING metadata, two INT64 timestamps), each plus room
// for tagged fields. Other values (group metadata) are never decoded, so never limited.
const KEY_MAX_BYTES = 2 + 3 * (2 + MAX_STRING_BYTES) + 4 + 1024
const OFFSET_COMMIT_VALUE_MAX_BYTES = 2 + 8 + 4 + 2 + MAX_STRING_BYTES + 8 + 8 + 1024

/**
 * Decodes a `__consumer_offsets` key: an offset-commit key, or a recognised group record key to skip;
 * throws MM2_DECODE_UNSUPPORTED_VERSION for an unknown record type.
 */
export function decodeConsumerOffsetsKey (key: Uint8Array | null): ConsumerOffsetsKey {
  if (key === null) {
    throw new Mm2FailbackError('MM2_DECODE_INVALID', `${KEY} is null; every group coordinator record has a key.`, { record: KEY })
  }
  requireAtMost(key, KEY_MAX_BYTES, KEY)
  const reader = new Reader(key, KEY)
  const type = reader.readInt16('type')
  const recordType = RECORD_TYPES[type]
  if (recordType === undefined) {
    throw reader.error('MM2_DECODE_UNSUPPORTED_VERSION', `${KEY} has record type ${type} at position 0; this build knows types 0..${MAX_CONSUMER_OFFSETS_RECORD_TYPE} (Kafka 2.4 to 4.1).`, 'type', 0)
  }
  if (recordType.kind === 'offset-commit') {
    const group = reader.readString('group')
    const topic = reader.readString('topic')
    const partition = reader.readInt32('partition')
    return { kind: 'offset-commit', type: type as 0 | 1, group, topic, partition }
  }
  const result: GroupRecordKey = { kind: recordType.kind, type, name: recordType.name, group: reader.readString('GroupId') }
  if (recordType.second === 'memberId') result.memberId = reader.readString('MemberId')
  if (recordType.second === 'regularExpression') result.regularExpression = reader.readString('RegularExpression')
  return result
}

/** Decodes an OffsetCommitValue (versions 0..4); a null value raises MM2_DECODE_TOMBSTONE, an unknown version MM2_DECODE_UNSUPPORTED_VERSION. */
export function decodeOffsetCommitValue (value: Uint8Array | null, context: Record<string, unknown> = {}): OffsetCommitValue {
  if (value === null) {
    throw new Mm2FailbackError('MM2_DECODE_TOMBSTONE', `${VALUE} is null (a tombstone: the offset was deleted).`, { record: VALUE, ...context })
  }
  requireAtMost(value, OFFSET_COMMIT_VALUE_MAX_BYTES, VALUE, context)
  const reader = new Reader(value, VALUE, context)
  const version = reader.readInt16('version')
  const readValue = VALUE_READERS[version]
  if (readValue === undefined) {
    throw reader.error('MM2_DECODE_UNSUPPORTED_VERSION', `${VALUE} has version ${version} at position 0; this build reads versions 0..${VALUE_READERS.length - 1}.`, 'version', 0)
  }
  return readValue(reader)
}

/**
 * What a catch-up keeps of an OffsetCommitValue; one object, written over by every record
 * (decodeCommonOffsetCommitValue). The INT64s as numbers: exact, since values beyond 2^53 are left to the full decode.
 */
export interface OffsetCommitFields {
  offset: number
  metadata: string
  commitTimestamp: number
}

/**
 * decodeOffsetCommitValue without its objects, for the values brokers write: bytes[start, end) at any
 * version whose lengths fit one byte where they are varints (v4's metadata under 127 bytes, tagged fields
 * small, a topicId of 16 bytes, offset and commit timestamp safe integers). Writes the offset, metadata and
 * commit timestamp into `out` and returns true, with exactly what decodeOffsetCommitValue would return (its
 * INT64s as numbers); returns false for anything else (a longer varint, an INT64 beyond 2^53, a malformed,
 * truncated or oversized value, an unknown version), `out` then unspecified, and decodeOffsetCommitValue gives
 * the answer or the error with its position. A catch-up reads millions of commits: the reader, value and view
 * objects of the full decode were most of its garbage, and a bigint per INT64 the rest (docs/design.md §2.7).
 */
export function decodeCommonOffsetCommitValue (bytes: Uint8Array, start: number, end: number, out: OffsetCommitFields): boolean {
  if (end - start < 2 || end - start > OFFSET_COMMIT_VALUE_MAX_BYTES || end > bytes.length) return false
  const version = (bytes[start]! << 8) | bytes[start + 1]!
  if (version > 4) return false
  let position = start + 2
  if (end - position < 8) return false
  const offset = readSafeInt64At(bytes, position)
  if (Number.isNaN(offset)) return false
  position += version >= 3 ? 12 : 8 // the leader epoch (v3+) is not kept
  let length: number
  if (version < 4) {
    if (end - position < 2) return false
    length = (bytes[position]! << 8) | bytes[position + 1]!
    if (length > MAX_STRING_BYTES) return false // negative as an INT16
    position += 2
  } else {
    if (end - position < 1) return false
    const lengthPlusOne = bytes[position]!
    if (lengthPlusOne === 0 || lengthPlusOne >= 0x80) return false
    length = lengthPlusOne - 1
    position += 1
  }
  if (end - position < length + 8) return false
  const metadata = decodeUtf8(bytes, position, position + length)
  position += length
  const commitTimestamp = readSafeInt64At(bytes, position)
  if (Number.isNaN(commitTimestamp)) return false
  position += 8
  if (version === 1 && end - position < 8) return false // expireTimestamp, read and not kept
  if (version === 4 && !commonTaggedFields(bytes, position, end)) return false
  out.offset = offset
  out.metadata = metadata
  out.commitTimestamp = commitTimestamp
  return true
}

/** Whether v4's tagged fields at bytes[position, end) read as readValueV4 reads them, every varint one byte. */
function commonTaggedFields (bytes: Uint8Array, position: number, end: number): boolean {
  if (end - position < 1) return false
  const count = bytes[position]!
  if (count >= 0x80) return false
  position += 1
  for (let field = 0; field < count; field++) {
    if (end - position < 2) return false
    const tag = bytes[position]!
    const size = bytes[position + 1]!
    if (tag >= 0x80 || size >= 0x80 || (tag === TOPIC_ID_TAG && size !== 16)) return false
    position += 2
    if (end - position < size) return false
    position += size
  }
  return true
}

/** Decodes a whole `__consumer_offsets` record: an offset commit, an offset deletion (tombstone), or a recognised record to skip. */
export function decodeConsumerOffsetsRecord (key: Uint8Array | null, value: Uint8Array | null): ConsumerOffsetsRecord {
  const decodedKey = decodeConsumerOffsetsKey(key)
  if (decodedKey.kind !== 'offset-commit') return { kind: 'skipped', key: decodedKey, tombstone: value === null }
  if (value === null) return { kind: 'offset-deletion', key: decodedKey }
  const context = { group: decodedKey.group, topic: decodedKey.topic, partition: decodedKey.partition }
  return { kind: 'offset-commit', key: decodedKey, value: decodeOffsetCommitValue(value, context) }
}

/** Encodes a `__consumer_offsets` key of any recognised record type (for tests and fixtures); throws MM2_ENCODE_INVALID on a mismatch with RECORD_TYPES. */
export function encodeConsumerOffsetsKey (key: ConsumerOffsetsKey): Uint8Array {
  const writer = new Writer(KEY)
  const recordType = RECORD_TYPES[key.type]
  if (recordType === undefined || recordType.kind !== key.kind) {
    throw writer.error('type', `a record type of kind ${key.kind} (got ${key.type})`)
  }
  writer.writeInt16(key.type, 'type')
  if (key.kind === 'offset-commit') {
    return writer.writeString(key.group, 'group').writeString(key.topic, 'topic').writeInt32(key.partition, 'partition').finish()
  }
  writer.writeString(key.group, 'GroupId')
  if (recordType.second === 'memberId') {
    writer.writeString(key.memberId ?? writer.invalid('MemberId', `set for ${recordType.name}`), 'MemberId')
  }
  if (recordType.second === 'regularExpression') {
    writer.writeString(key.regularExpression ?? writer.invalid('RegularExpression', `set for ${recordType.name}`), 'RegularExpression')
  }
  return writer.finish()
}

/** Encodes an offset-commit key (type 1 unless told otherwise), as the group coordinator does. */
export function encodeOffsetCommitKey (key: { group: string, topic: string, partition: number, type?: 0 | 1 }): Uint8Array {
  return encodeConsumerOffsetsKey({ kind: 'offset-commit', type: key.type ?? 1, group: key.group, topic: key.topic, partition: key.partition })
}

/** Encodes an OffsetCommitValue at its `version`; fields that version lacks must hold their defaults, or MM2_ENCODE_INVALID is thrown. */
export function encodeOffsetCommitValue (value: OffsetCommitValue): Uint8Array {
  const writer = new Writer(VALUE)
  const { version } = value
  if (VALUE_READERS[version] === undefined) writer.invalid('version', `0..${VALUE_READERS.length - 1} (got ${version})`)
  if (version < 3 && value.leaderEpoch !== -1) writer.invalid('leaderEpoch', `-1 for version ${version} (only versions 3+ carry it; got ${value.leaderEpoch})`)
  if (version !== 1 && value.expireTimestamp !== -1n) {
    writer.invalid('expireTimestamp', `-1 for version ${version} (only version 1 carries it; got ${value.expireTimestamp})`)
  }
  if (version !== 4 && value.topicId !== undefined) writer.invalid('topicId', `absent for version ${version} (only version 4 carries it)`)

  writer.writeInt16(version, 'version').writeInt64(value.offset, 'offset')
  if (version >= 3) writer.writeInt32(value.leaderEpoch, 'leaderEpoch')
  if (version === 4) writer.writeCompactString(value.metadata, 'metadata')
  else writer.writeString(value.metadata, 'metadata')
  writer.writeInt64(value.commitTimestamp, 'commitTimestamp')
  if (version === 1) writer.writeInt64(value.expireTimestamp, 'expireTimestamp')
  if (version === 4) {
    const tagged: Array<{ tag: number, data: Uint8Array }> = []
    if (value.topicId !== undefined) {
      const topicId = uuidFromString(value.topicId) ?? writer.invalid('topicId', `a Kafka Uuid string (got ${JSON.stringify(value.topicId)})`)
      tagged.push({ tag: TOPIC_ID_TAG, data: topicId })
    }
    writer.writeTaggedFields(tagged, 'tagged fields')
  }
  return writer.finish()
}

/**
 * Encodes a whole record (for tests and fixtures): the key, and the value of a commit, null for a
 * deletion, undefined for a skipped record (its value is never decoded).
 */
export function encodeConsumerOffsetsRecord (record: ConsumerOffsetsRecord): { key: Uint8Array, value: Uint8Array | null | undefined } {
  const key = encodeConsumerOffsetsKey(record.key)
  if (record.kind === 'offset-commit') return { key, value: encodeOffsetCommitValue(record.value) }
  if (record.kind === 'offset-deletion') return { key, value: null }
  return { key, value: record.tombstone ? null : undefined }
}
