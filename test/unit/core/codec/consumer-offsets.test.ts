import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  MAX_CONSUMER_OFFSETS_RECORD_TYPE,
  decodeConsumerOffsetsKey,
  decodeConsumerOffsetsRecord,
  decodeOffsetCommitValue,
  encodeConsumerOffsetsKey,
  encodeConsumerOffsetsRecord,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue
} from '../../../../sidecar/src/core/codec/consumer-offsets.ts'
import type {
  ConsumerOffsetsKey, GroupRecordKey, OffsetCommitKey, OffsetCommitValue, OffsetCommitValueVersion
} from '../../../../sidecar/src/core/codec/consumer-offsets.ts'
import {
  OFFSET_COMMIT_VALUE_VERSIONS, anyInt32, anyOffsetCommitValue, kafkaString, maybeBytes, mutated, offsetCommitValue, returnsOrThrowsDecodeError
} from './arbitraries.ts'
import { catchMm2Error, describeFixtures, hexToBytes } from './fixtures.ts'

// Record types and the second key field, as listed in the 4.1 JSON schemas (and 9, 18, 24 from 3.9/4.0/trunk).
const GROUP_RECORD_TYPES: ReadonlyArray<[number, GroupRecordKey['kind'], string, 'memberId' | 'regularExpression' | null]> = [
  [2, 'group-metadata', 'GroupMetadata', null],
  [3, 'consumer-group-record', 'ConsumerGroupMetadata', null],
  [4, 'consumer-group-record', 'ConsumerGroupPartitionMetadata', null],
  [5, 'consumer-group-record', 'ConsumerGroupMemberMetadata', 'memberId'],
  [6, 'consumer-group-record', 'ConsumerGroupTargetAssignmentMetadata', null],
  [7, 'consumer-group-record', 'ConsumerGroupTargetAssignmentMember', 'memberId'],
  [8, 'consumer-group-record', 'ConsumerGroupCurrentMemberAssignment', 'memberId'],
  [9, 'share-group-record', 'ShareGroupPartitionMetadata', null],
  [10, 'share-group-record', 'ShareGroupMemberMetadata', 'memberId'],
  [11, 'share-group-record', 'ShareGroupMetadata', null],
  [12, 'share-group-record', 'ShareGroupTargetAssignmentMetadata', null],
  [13, 'share-group-record', 'ShareGroupTargetAssignmentMember', 'memberId'],
  [14, 'share-group-record', 'ShareGroupCurrentMemberAssignment', 'memberId'],
  [15, 'share-group-record', 'ShareGroupStatePartitionMetadata', null],
  [16, 'consumer-group-record', 'ConsumerGroupRegularExpression', 'regularExpression'],
  [17, 'streams-group-record', 'StreamsGroupMetadata', null],
  [18, 'streams-group-record', 'StreamsGroupPartitionMetadata', null],
  [19, 'streams-group-record', 'StreamsGroupMemberMetadata', 'memberId'],
  [20, 'streams-group-record', 'StreamsGroupTargetAssignmentMetadata', null],
  [21, 'streams-group-record', 'StreamsGroupTargetAssignmentMember', 'memberId'],
  [22, 'streams-group-record', 'StreamsGroupCurrentMemberAssignment', 'memberId'],
  [23, 'streams-group-record', 'StreamsGroupTopology', null],
  [24, 'streams-group-record', 'StreamsGroupTargetAssignmentResolvedTopicIds', null]
]

const offsetCommitKey: fc.Arbitrary<OffsetCommitKey> = fc.record({
  kind: fc.constant('offset-commit' as const),
  type: fc.constantFrom(0 as const, 1 as const),
  group: kafkaString,
  topic: kafkaString,
  partition: anyInt32
})

const groupRecordKey: fc.Arbitrary<GroupRecordKey> = fc.tuple(fc.constantFrom(...GROUP_RECORD_TYPES), kafkaString, kafkaString)
  .map(([[type, kind, name, second], group, extra]) => {
    const key: GroupRecordKey = { kind, type, name, group }
    if (second !== null) key[second] = extra
    return key
  })

const COMMIT_KEY = encodeOffsetCommitKey({ group: 'G', topic: 'orders', partition: 0 })

describeFixtures('consumer-offsets', {
  decode: decodeConsumerOffsetsRecord,
  encode: encodeConsumerOffsetsRecord,
  decodesValue: (record) => record.kind !== 'skipped'
})

describe('__consumer_offsets round trip', () => {
  it('offset-commit keys (types 0 and 1)', () => {
    fc.assert(fc.property(offsetCommitKey, (key) => {
      const bytes = encodeConsumerOffsetsKey(key)
      expect(decodeConsumerOffsetsKey(bytes)).toEqual(key)
      expect(encodeConsumerOffsetsKey(decodeConsumerOffsetsKey(bytes))).toEqual(bytes)
    }))
  })

  it('every recognised group record key (types 2..24)', () => {
    fc.assert(fc.property(groupRecordKey, (key) => {
      const bytes = encodeConsumerOffsetsKey(key)
      expect(decodeConsumerOffsetsKey(bytes)).toEqual(key)
    }))
  })

  for (const version of OFFSET_COMMIT_VALUE_VERSIONS) {
    it(`OffsetCommitValue version ${version}`, () => {
      fc.assert(fc.property(offsetCommitValue(version), (value) => {
        const bytes = encodeOffsetCommitValue(value)
        expect([bytes[0], bytes[1]]).toEqual([0, version])
        expect(decodeOffsetCommitValue(bytes)).toEqual(value)
        expect(encodeOffsetCommitValue(decodeOffsetCommitValue(bytes))).toEqual(bytes)
      }))
    })
  }

  it('whole records: commits, deletions and skipped records', () => {
    const record = fc.oneof(
      fc.tuple(offsetCommitKey, anyOffsetCommitValue).map(([key, value]) => ({ kind: 'offset-commit' as const, key, value })),
      offsetCommitKey.map((key) => ({ kind: 'offset-deletion' as const, key })),
      groupRecordKey.map((key) => ({ kind: 'skipped' as const, key, tombstone: true }))
    )
    fc.assert(fc.property(record, (rec) => {
      const { key, value } = encodeConsumerOffsetsRecord(rec)
      expect(decodeConsumerOffsetsRecord(key, value ?? null)).toEqual(rec)
    }))
  })

  it('every group record is skipped whatever its value, never decoded as an offset commit', () => {
    fc.assert(fc.property(groupRecordKey, maybeBytes, (key, value) => {
      const record = decodeConsumerOffsetsRecord(encodeConsumerOffsetsKey(key), value)
      expect(record).toEqual({ kind: 'skipped', key, tombstone: value === null })
    }))
  })
})

describe('__consumer_offsets record types', () => {
  it('recognises exactly types 0..24 and rejects every other INT16 with MM2_DECODE_UNSUPPORTED_VERSION', () => {
    expect(MAX_CONSUMER_OFFSETS_RECORD_TYPE).toBe(24)
    for (let type = -0x8000; type <= 0x7fff; type++) {
      const key = new Uint8Array([(type >> 8) & 0xff, type & 0xff, 0, 1, 0x47, 0, 1, 0x47, 0, 1, 0x47, 0, 0, 0, 0])
      if (type >= 0 && type <= 24) {
        expect(decodeConsumerOffsetsKey(key).type).toBe(type)
      } else {
        const error = catchMm2Error(() => decodeConsumerOffsetsKey(key))
        expect(error.code).toBe('MM2_DECODE_UNSUPPORTED_VERSION')
        expect(error.message).toBe(`__consumer_offsets key has record type ${type} at position 0; this build knows types 0..24 (Kafka 2.4 to 4.1).`)
      }
    }
  })

  it.each(GROUP_RECORD_TYPES)('type %i is a %s key named %s', (type, kind, name, second) => {
    const key = second === null
      ? hexToBytes(`${type.toString(16).padStart(4, '0')} 0001 47`)
      : hexToBytes(`${type.toString(16).padStart(4, '0')} 0001 47 0002 7878`)
    expect(decodeConsumerOffsetsKey(key)).toEqual(second === null ? { kind, type, name, group: 'G' } : { kind, type, name, group: 'G', [second]: 'xx' })
  })

  it('reads key type 0 and 1 as the same offset-commit struct', () => {
    const legacy = decodeConsumerOffsetsKey(encodeOffsetCommitKey({ type: 0, group: 'G', topic: 't', partition: 3 }))
    const current = decodeConsumerOffsetsKey(encodeOffsetCommitKey({ group: 'G', topic: 't', partition: 3 }))
    expect(legacy).toEqual({ ...current, type: 0 })
    expect(current.type).toBe(1)
  })
})

describe('__consumer_offsets malformed input', () => {
  it('never lets an untyped exception escape on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), maybeBytes,
      (key, value) => returnsOrThrowsDecodeError(() => decodeConsumerOffsetsRecord(key, value))), { numRuns: 2000 })
  })

  it('never lets an untyped exception escape on random values behind a valid offset-commit key', () => {
    const value = fc.tuple(fc.integer({ min: 0, max: 5 }), fc.uint8Array({ maxLength: 48 })).map(([version, rest]) => {
      const bytes = new Uint8Array(2 + rest.length)
      bytes[1] = version
      bytes.set(rest, 2)
      return bytes
    })
    fc.assert(fc.property(value, (bytes) => returnsOrThrowsDecodeError(() => decodeConsumerOffsetsRecord(COMMIT_KEY, bytes))), { numRuns: 3000 })
  })

  it('never lets an untyped exception escape on mutations of valid records', () => {
    const cases = fc.tuple(fc.oneof(offsetCommitKey, groupRecordKey), anyOffsetCommitValue).chain(([key, value]) =>
      fc.tuple(mutated(encodeConsumerOffsetsKey(key)), mutated(encodeOffsetCommitValue(value))))
    fc.assert(fc.property(cases, ([key, value]) => returnsOrThrowsDecodeError(() => decodeConsumerOffsetsRecord(key, value))), { numRuns: 2000 })
  })

  it('represents a tombstone on an offset-commit key as a deletion, and decodeOffsetCommitValue(null) as a typed tombstone', () => {
    expect(decodeConsumerOffsetsRecord(COMMIT_KEY, null))
      .toEqual({ kind: 'offset-deletion', key: { kind: 'offset-commit', type: 1, group: 'G', topic: 'orders', partition: 0 } })
    const error = catchMm2Error(() => decodeOffsetCommitValue(null, { group: 'G' }))
    expect(error.code).toBe('MM2_DECODE_TOMBSTONE')
    expect(error.context).toMatchObject({ group: 'G' })
  })

  it('rejects a null key', () => {
    expect(catchMm2Error(() => decodeConsumerOffsetsRecord(null, null)).message)
      .toBe('__consumer_offsets key is null; every group coordinator record has a key.')
  })

  it('names the key in the context of value errors', () => {
    const error = catchMm2Error(() => decodeConsumerOffsetsRecord(COMMIT_KEY, hexToBytes('0003 00')))
    expect(error.code).toBe('MM2_DECODE_TRUNCATED')
    expect(error.message).toBe('OffsetCommitValue is truncated: needed 8 bytes for offset at position 2, 1 remain.')
    expect(error.context).toMatchObject({ group: 'G', topic: 'orders', partition: 0, field: 'offset', position: 2 })
  })

  it.each([
    ['group in the key', hexToBytes('0001 ffff'), null, 'for group at position 2'],
    ['topic in the key', hexToBytes('0001 0001 47 8000'), null, 'for topic at position 5'],
    ['metadata in a v3 value', COMMIT_KEY, hexToBytes('0003 0000000000000001 00000000 fff0 0000000000000000'), 'for metadata at position 14'],
    ['GroupId in a member key', hexToBytes('0005 ff00'), null, 'for GroupId at position 2']
  ])('rejects a negative STRING length for %s', (_name, key, value, where) => {
    const error = catchMm2Error(() => decodeConsumerOffsetsRecord(key, value))
    expect(error.code).toBe('MM2_DECODE_BAD_LENGTH')
    expect(error.message).toContain(where)
  })

  it('rejects a v4 COMPACT_STRING longer than 32767 bytes and a varint longer than 5 bytes', () => {
    // length+1 = 32769 = varint 81 80 02
    const tooLong = catchMm2Error(() => decodeOffsetCommitValue(hexToBytes('0004 0000000000000001 00000000 818002')))
    expect(tooLong.code).toBe('MM2_DECODE_BAD_LENGTH')
    expect(tooLong.message).toBe('OffsetCommitValue has a COMPACT_STRING length 32768 for metadata at position 14; expected 0..32767.')
    const endless = catchMm2Error(() => decodeOffsetCommitValue(hexToBytes('0004 0000000000000001 00000000 8080808080 01')))
    expect(endless.code).toBe('MM2_DECODE_INVALID')
    expect(endless.message).toBe('OffsetCommitValue has an unsigned varint longer than 5 bytes for metadata at position 14.')
  })

  it('rejects a tagged field whose size runs past the end', () => {
    const error = catchMm2Error(() => decodeOffsetCommitValue(hexToBytes('0004 0000000000000001 00000000 01 0000000000000000 01 05 04 aabb')))
    expect(error.code).toBe('MM2_DECODE_TRUNCATED')
    expect(error.message).toBe('OffsetCommitValue is truncated: needed 4 bytes for tagged fields tag 5 at position 26, 2 remain.')
  })

  it('reads leaderEpoch -1 and negative offsets as they are (the planner judges them)', () => {
    const value = decodeOffsetCommitValue(hexToBytes('0003 ffffffffffffffff ffffffff 0000 0000000000000000'))
    expect(value).toEqual({ version: 3, offset: -1n, leaderEpoch: -1, metadata: '', commitTimestamp: 0n, expireTimestamp: -1n })
  })
})

describe('encodeOffsetCommitValue validation', () => {
  const base: OffsetCommitValue = { version: 3, offset: 1n, leaderEpoch: -1, metadata: '', commitTimestamp: 0n, expireTimestamp: -1n }
  it.each([
    ['version 5', { ...base, version: 5 as OffsetCommitValueVersion }, 'OffsetCommitValue cannot be encoded: version must be 0..4 (got 5).'],
    ['a leaderEpoch in version 2', { ...base, version: 2 as const, leaderEpoch: 3 }, 'OffsetCommitValue cannot be encoded: leaderEpoch must be -1 for version 2 (only versions 3+ carry it; got 3).'],
    ['an expireTimestamp in version 3', { ...base, expireTimestamp: 5n }, 'OffsetCommitValue cannot be encoded: expireTimestamp must be -1 for version 3 (only version 1 carries it; got 5).'],
    ['a topicId in version 3', { ...base, topicId: 'AAECAwQFBgcICQoLDA0ODw' }, 'OffsetCommitValue cannot be encoded: topicId must be absent for version 3 (only version 4 carries it).'],
    ['a malformed topicId', { ...base, version: 4 as const, topicId: 'not-a-uuid' },
      'OffsetCommitValue cannot be encoded: topicId must be a Kafka Uuid string (got "not-a-uuid").']
  ])('rejects %s with MM2_ENCODE_INVALID', (_name, value, message) => {
    const error = catchMm2Error(() => encodeOffsetCommitValue(value))
    expect(error.code).toBe('MM2_ENCODE_INVALID')
    expect(error.message).toBe(message)
  })

  it('rejects keys whose type does not match their kind or that lack their member id', () => {
    const wrongType: ConsumerOffsetsKey = { kind: 'offset-commit', type: 2 as 1, group: 'G', topic: 't', partition: 0 }
    expect(catchMm2Error(() => encodeConsumerOffsetsKey(wrongType)).message)
      .toBe('__consumer_offsets key cannot be encoded: type must be a record type of kind offset-commit (got 2).')
    const noMember: ConsumerOffsetsKey = { kind: 'consumer-group-record', type: 5, name: 'ConsumerGroupMemberMetadata', group: 'G' }
    expect(catchMm2Error(() => encodeConsumerOffsetsKey(noMember)).message)
      .toBe('__consumer_offsets key cannot be encoded: MemberId must be set for ConsumerGroupMemberMetadata.')
  })
})
