// The sidecar's own record: a snapshot of the translation index for one (flow, topic, partition),
// kept in the compacted history topic on every cluster (docs/design.md §2.2). MM2's offset-syncs topic is
// compacted to the last sync per partition and lives on one cluster; these snapshots keep the whole
// retained (thinned) history on both, so a restart, or the loss of the cluster holding MM2's syncs,
// loses nothing. Compaction keeps the newest snapshot per key.
//
//   key    = version             INT16   0
//            sourceClusterAlias  STRING
//            targetClusterAlias  STRING
//            topic               STRING  upstream topic name, as in MM2's OffsetSync key
//            partition           INT32
//   value  = version             INT16   0
//            count               INT32   number of syncs that follow, oldest first
//            count x (upstreamOffset INT64, downstreamOffset INT64)
//
// Unknown versions raise MM2_DECODE_UNSUPPORTED_VERSION; a null value (tombstone) raises
// MM2_DECODE_TOMBSTONE; syncs that are not strictly increasing on both sides raise MM2_DECODE_INVALID.

import { Mm2FailbackError } from '../../errors.ts'
import { flowName } from '../mm2/flow-name.ts'
import { MAX_STRING_BYTES, Reader, requireAtMost } from './reader.ts'
import { Writer } from './writer.ts'

export interface SyncHistoryKey {
  sourceClusterAlias: string
  targetClusterAlias: string
  topic: string
  partition: number
}

export interface SyncHistorySnapshot extends SyncHistoryKey {
  /** Retained syncs, oldest first. */
  syncs: Array<{ upstreamOffset: bigint, downstreamOffset: bigint }>
}

export const SYNC_HISTORY_VERSION = 0
const KEY = 'SyncHistory key'
const VALUE = 'SyncHistory value'
/** Bounds a corrupt count before allocating: 16 bytes a sync must be present. */
const BYTES_PER_SYNC = 16

/** Encodes a snapshot as the history topic's key and value. */
export function encodeSyncHistory (snapshot: SyncHistorySnapshot): { key: Uint8Array, value: Uint8Array } {
  const key = new Writer(KEY)
  key.writeInt16(SYNC_HISTORY_VERSION, 'version')
  key.writeString(snapshot.sourceClusterAlias, 'sourceClusterAlias')
  key.writeString(snapshot.targetClusterAlias, 'targetClusterAlias')
  key.writeString(snapshot.topic, 'topic')
  if (!Number.isInteger(snapshot.partition) || snapshot.partition < 0 || snapshot.partition > 0x7fffffff) {
    key.invalid('partition', `a partition number 0..2147483647 (got ${snapshot.partition})`)
  }
  key.writeInt32(snapshot.partition, 'partition')
  const value = new Writer(VALUE, 6 + snapshot.syncs.length * BYTES_PER_SYNC)
  value.writeInt16(SYNC_HISTORY_VERSION, 'version')
  value.writeInt32(snapshot.syncs.length, 'count')
  for (const sync of snapshot.syncs) {
    value.writeInt64(sync.upstreamOffset, 'upstreamOffset')
    value.writeInt64(sync.downstreamOffset, 'downstreamOffset')
  }
  return { key: key.finish(), value: value.finish() }
}

// The most a key can hold (version, three STRINGs, an INT32), and a value: a million syncs, far more
// than the index retains for one partition.
const KEY_MAX_BYTES = 2 + 3 * (2 + MAX_STRING_BYTES) + 4
const VALUE_MAX_BYTES = 2 + 4 + 16 * 1_000_000

/** Decodes the key of a history record. */
export function decodeSyncHistoryKey (key: Uint8Array | null): SyncHistoryKey {
  if (key === null) throw new Mm2FailbackError('MM2_DECODE_INVALID', `${KEY} is null; expected a version and the flow, topic and partition.`, { record: KEY })
  requireAtMost(key, KEY_MAX_BYTES, KEY)
  const reader = new Reader(key, KEY)
  const version = reader.readInt16('version')
  if (version !== SYNC_HISTORY_VERSION) {
    const message = `${KEY} has version ${version} at position 0; this build reads version ${SYNC_HISTORY_VERSION}.`
    throw reader.error('MM2_DECODE_UNSUPPORTED_VERSION', message, 'version', 0)
  }
  const sourceClusterAlias = reader.readString('sourceClusterAlias')
  const targetClusterAlias = reader.readString('targetClusterAlias')
  const topic = reader.readString('topic')
  const partition = reader.readInt32('partition')
  if (partition < 0) throw reader.error('MM2_DECODE_INVALID', `${KEY} has partition ${partition}; partitions are never negative.`, 'partition')
  return { sourceClusterAlias, targetClusterAlias, topic, partition }
}

/** Decodes a history record (key and value). */
export function decodeSyncHistory (key: Uint8Array | null, value: Uint8Array | null): SyncHistorySnapshot {
  const decodedKey = decodeSyncHistoryKey(key)
  const context = { topic: decodedKey.topic, partition: decodedKey.partition }
  if (value === null) {
    const flow = flowName({ source: decodedKey.sourceClusterAlias, target: decodedKey.targetClusterAlias })
    const message = `${VALUE} is null (a tombstone) for ${flow} ${decodedKey.topic}-${decodedKey.partition}.`
    throw new Mm2FailbackError('MM2_DECODE_TOMBSTONE', message, { record: VALUE, ...context })
  }
  requireAtMost(value, VALUE_MAX_BYTES, VALUE, context)
  const reader = new Reader(value, VALUE, context)
  const version = reader.readInt16('version')
  if (version !== SYNC_HISTORY_VERSION) {
    const message = `${VALUE} has version ${version} at position 0; this build reads version ${SYNC_HISTORY_VERSION}.`
    throw reader.error('MM2_DECODE_UNSUPPORTED_VERSION', message, 'version', 0)
  }
  const count = reader.readInt32('count')
  if (count < 0 || count * BYTES_PER_SYNC > reader.remaining) {
    throw reader.error('MM2_DECODE_TRUNCATED', `${VALUE} announces ${count} syncs (${count * BYTES_PER_SYNC} bytes) at position 2 but ${reader.remaining} bytes remain.`, 'count', 2)
  }
  const syncs: SyncHistorySnapshot['syncs'] = []
  for (let index = 0; index < count; index++) {
    const upstreamOffset = reader.readInt64('upstreamOffset')
    const downstreamOffset = reader.readInt64('downstreamOffset')
    const previous = syncs.at(-1)
    const outOfOrder = previous !== undefined && (upstreamOffset < previous.upstreamOffset || downstreamOffset <= previous.downstreamOffset)
    if (upstreamOffset < 0n || downstreamOffset < 0n || outOfOrder) {
      throw reader.error('MM2_DECODE_INVALID', `${VALUE} sync ${index} (${upstreamOffset} -> ${downstreamOffset}) does not follow the previous one; a snapshot holds non-negative syncs increasing on both sides.`, 'syncs')
    }
    syncs.push({ upstreamOffset, downstreamOffset })
  }
  return { ...decodedKey, syncs }
}
