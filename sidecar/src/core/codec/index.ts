// The binary codecs of MM2's internal records and of `__consumer_offsets`, re-exported in one place.

export { Reader, decodeUtf8, uuidToString, readSafeNonNegativeInt64, MAX_STRING_BYTES } from './reader.ts'
export { Writer, uuidFromString } from './writer.ts'
export { decodeOffsetSync, encodeOffsetSync, readOffsetSyncOffsets } from './offset-sync.ts'
export type { OffsetSync } from './offset-sync.ts'
export { decodeCheckpoint, encodeCheckpoint, CHECKPOINT_VERSION } from './checkpoint.ts'
export type { Checkpoint } from './checkpoint.ts'
export { decodeHeartbeat, encodeHeartbeat, HEARTBEAT_VERSION } from './heartbeat.ts'
export type { Heartbeat } from './heartbeat.ts'
export {
  decodeConsumerOffsetsKey,
  decodeOffsetCommitValue,
  decodeConsumerOffsetsRecord,
  encodeConsumerOffsetsKey,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
  encodeConsumerOffsetsRecord,
  MAX_CONSUMER_OFFSETS_RECORD_TYPE
} from './consumer-offsets.ts'
export type {
  ConsumerOffsetsKey,
  ConsumerOffsetsKeyKind,
  ConsumerOffsetsRecord,
  GroupRecordKey,
  OffsetCommitKey,
  OffsetCommitValue,
  OffsetCommitValueVersion
} from './consumer-offsets.ts'
