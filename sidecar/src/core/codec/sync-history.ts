// The sidecar's own records, kept in the compacted history topic on every cluster (docs/design.md §2.2).
// MM2's offset-syncs topic is compacted to the last sync per partition and lives on one cluster; these
// snapshots keep the whole retained (thinned) history on both, so a restart, or the loss of the cluster
// holding MM2's syncs, loses nothing. Compaction keeps the newest snapshot per key. Two kinds of record
// share the topic, told apart by the key's version, each one per (flow, upstream topic, partition):
//
//   kind 0, syncs         a snapshot of the translation index's retained syncs (MM2's)
//   kind 1, proven pairs  a snapshot of the pairs the sidecar proved itself (§6.1, core/exact/proven-pairs.ts)
//
//   key    = version             INT16   0 (syncs) or 1 (proven pairs)
//            sourceClusterAlias  STRING
//            targetClusterAlias  STRING
//            topic               STRING  upstream topic name, as in MM2's OffsetSync key
//            partition           INT32
//   value  = version             INT16   0 (the layout of both kinds)
//            count               INT32   number of pairs that follow, oldest first
//            count x (upstreamOffset INT64, downstreamOffset INT64)
//
// Syncs never go down upstream and strictly increase downstream (an index epoch); proven pairs
// strictly increase on both sides. A reader that predates kind 1 treats its keys as an unknown version.
// Unknown versions raise MM2_DECODE_UNSUPPORTED_VERSION; a null value (tombstone) raises
// MM2_DECODE_TOMBSTONE; pairs out of order, or negative, raise MM2_DECODE_INVALID.

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

export interface ProvenPairsSnapshot extends SyncHistoryKey {
  /** Proven pairs, oldest first, strictly increasing on both sides. */
  pairs: Array<{ upstreamOffset: bigint, downstreamOffset: bigint }>
}

/** One record of the history topic, either kind. */
export type HistoryRecord = ({ kind: 'syncs' } & SyncHistorySnapshot) | ({ kind: 'proven-pairs' } & ProvenPairsSnapshot)

/** The key version of a snapshot of the index's syncs (kind 0). */
export const SYNC_HISTORY_VERSION = 0
/** The key version of a snapshot of proven pairs (kind 1). */
export const PROVEN_PAIRS_VERSION = 1
/** The value version, the same layout for both kinds. */
export const HISTORY_VALUE_VERSION = 0
const KEY = 'SyncHistory key'
const VALUE: Record<HistoryRecord['kind'], string> = { syncs: 'SyncHistory value', 'proven-pairs': 'ProvenPairs value' }
/** Bounds a corrupt count before allocating: 16 bytes a pair must be present. */
const BYTES_PER_PAIR = 16

function encode (
  version: number,
  key: SyncHistoryKey,
  what: string,
  pairs: ReadonlyArray<{ upstreamOffset: bigint, downstreamOffset: bigint }>
): { key: Uint8Array, value: Uint8Array } {
  const keyWriter = new Writer(KEY)
  keyWriter.writeInt16(version, 'version')
  keyWriter.writeString(key.sourceClusterAlias, 'sourceClusterAlias')
  keyWriter.writeString(key.targetClusterAlias, 'targetClusterAlias')
  keyWriter.writeString(key.topic, 'topic')
  if (!Number.isInteger(key.partition) || key.partition < 0 || key.partition > 0x7fffffff) {
    keyWriter.invalid('partition', `a partition number 0..2147483647 (got ${key.partition})`)
  }
  keyWriter.writeInt32(key.partition, 'partition')
  const value = new Writer(what, 6 + pairs.length * BYTES_PER_PAIR)
  value.writeInt16(HISTORY_VALUE_VERSION, 'version')
  value.writeInt32(pairs.length, 'count')
  for (const pair of pairs) {
    value.writeInt64(pair.upstreamOffset, 'upstreamOffset')
    value.writeInt64(pair.downstreamOffset, 'downstreamOffset')
  }
  return { key: keyWriter.finish(), value: value.finish() }
}

/** Encodes a snapshot of the index's syncs (kind 0) as the history topic's key and value. */
export function encodeSyncHistory (snapshot: SyncHistorySnapshot): { key: Uint8Array, value: Uint8Array } {
  return encode(SYNC_HISTORY_VERSION, snapshot, VALUE.syncs, snapshot.syncs)
}

/** Encodes a snapshot of proven pairs (kind 1) as the history topic's key and value. */
export function encodeProvenPairs (snapshot: ProvenPairsSnapshot): { key: Uint8Array, value: Uint8Array } {
  return encode(PROVEN_PAIRS_VERSION, snapshot, VALUE['proven-pairs'], snapshot.pairs)
}

/** Encodes a history record of either kind. */
export function encodeHistoryRecord (record: HistoryRecord): { key: Uint8Array, value: Uint8Array } {
  return record.kind === 'syncs' ? encodeSyncHistory(record) : encodeProvenPairs(record)
}

// The most a key can hold (version, three STRINGs, an INT32), and a value: a million pairs, far more
// than the index or the proven pairs retain for one partition.
const KEY_MAX_BYTES = 2 + 3 * (2 + MAX_STRING_BYTES) + 4
const VALUE_MAX_BYTES = 2 + 4 + BYTES_PER_PAIR * 1_000_000

/** Decodes the key of a history record, and the kind its version names. */
export function decodeHistoryKey (key: Uint8Array | null): SyncHistoryKey & { kind: HistoryRecord['kind'] } {
  if (key === null) throw new Mm2FailbackError('MM2_DECODE_INVALID', `${KEY} is null; expected a version and the flow, topic and partition.`, { record: KEY })
  requireAtMost(key, KEY_MAX_BYTES, KEY)
  const reader = new Reader(key, KEY)
  const version = reader.readInt16('version')
  if (version !== SYNC_HISTORY_VERSION && version !== PROVEN_PAIRS_VERSION) {
    const message = `${KEY} has version ${version} at position 0; this build reads versions ${SYNC_HISTORY_VERSION} (syncs) and ${PROVEN_PAIRS_VERSION} (proven pairs).`
    throw reader.error('MM2_DECODE_UNSUPPORTED_VERSION', message, 'version', 0)
  }
  const sourceClusterAlias = reader.readString('sourceClusterAlias')
  const targetClusterAlias = reader.readString('targetClusterAlias')
  const topic = reader.readString('topic')
  const partition = reader.readInt32('partition')
  if (partition < 0) throw reader.error('MM2_DECODE_INVALID', `${KEY} has partition ${partition}; partitions are never negative.`, 'partition')
  const kind = version === SYNC_HISTORY_VERSION ? 'syncs' : 'proven-pairs'
  return { kind, sourceClusterAlias, targetClusterAlias, topic, partition }
}

/** Decodes a history record (key and value) of either kind. */
export function decodeHistoryRecord (key: Uint8Array | null, value: Uint8Array | null): HistoryRecord {
  const { kind, ...decodedKey } = decodeHistoryKey(key)
  const what = VALUE[kind]
  const context = { topic: decodedKey.topic, partition: decodedKey.partition }
  if (value === null) {
    const flow = flowName({ source: decodedKey.sourceClusterAlias, target: decodedKey.targetClusterAlias })
    const message = `${what} is null (a tombstone) for ${flow} ${decodedKey.topic}-${decodedKey.partition}.`
    throw new Mm2FailbackError('MM2_DECODE_TOMBSTONE', message, { record: what, ...context })
  }
  requireAtMost(value, VALUE_MAX_BYTES, what, context)
  const reader = new Reader(value, what, context)
  const version = reader.readInt16('version')
  if (version !== HISTORY_VALUE_VERSION) {
    const message = `${what} has version ${version} at position 0; this build reads version ${HISTORY_VALUE_VERSION}.`
    throw reader.error('MM2_DECODE_UNSUPPORTED_VERSION', message, 'version', 0)
  }
  // Syncs may repeat an upstream offset (MM2 re-delivered); proven pairs never do.
  const strictUpstream = kind === 'proven-pairs'
  const noun = strictUpstream ? 'pair' : 'sync'
  const count = reader.readInt32('count')
  if (count < 0 || count * BYTES_PER_PAIR > reader.remaining) {
    throw reader.error('MM2_DECODE_TRUNCATED', `${what} announces ${count} ${noun}s (${count * BYTES_PER_PAIR} bytes) at position 2 but ${reader.remaining} bytes remain.`, 'count', 2)
  }
  const pairs: SyncHistorySnapshot['syncs'] = []
  for (let index = 0; index < count; index++) {
    const upstreamOffset = reader.readInt64('upstreamOffset')
    const downstreamOffset = reader.readInt64('downstreamOffset')
    const previous = pairs.at(-1)
    const upstreamBack = previous !== undefined && (strictUpstream ? upstreamOffset <= previous.upstreamOffset : upstreamOffset < previous.upstreamOffset)
    const outOfOrder = previous !== undefined && (upstreamBack || downstreamOffset <= previous.downstreamOffset)
    if (upstreamOffset < 0n || downstreamOffset < 0n || outOfOrder) {
      const order = strictUpstream ? 'strictly increasing on both sides' : 'increasing on both sides'
      const message = `${what} ${noun} ${index} (${upstreamOffset} -> ${downstreamOffset}) does not follow the previous one; a snapshot holds non-negative ${noun}s ${order}.`
      throw reader.error('MM2_DECODE_INVALID', message, `${noun}s`)
    }
    pairs.push({ upstreamOffset, downstreamOffset })
  }
  return kind === 'syncs' ? { kind, ...decodedKey, syncs: pairs } : { kind, ...decodedKey, pairs }
}
