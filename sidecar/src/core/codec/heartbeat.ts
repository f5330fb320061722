// MirrorMaker 2 Heartbeat, as written to `heartbeats` (and replicated as `<alias>.heartbeats`).
// Mirrors org.apache.kafka.connect.mirror.Heartbeat (connect/mirror-client): KEY_SCHEMA, HEADER_SCHEMA
// and VALUE_SCHEMA_V0, unchanged from Kafka 2.4 to 4.1.
//
//   key    = sourceClusterAlias  STRING
//            targetClusterAlias  STRING
//   header = version             INT16   always 0 (Heartbeat.VERSION)
//   value  = timestamp           INT64   epoch milliseconds at emission
//  (V0)
//
// The version header is dispatched through VALUE_READERS; an unknown version raises
// MM2_DECODE_UNSUPPORTED_VERSION (as Java does from Kafka 4.4; before, it only asserted it). Trailing bytes are ignored as Schema.read
// does; a null value (tombstone) raises MM2_DECODE_TOMBSTONE. The timestamp is not range-checked:
// it is a wall clock reading, and judging its age is the caller's business.

import { Mm2FailbackError } from '../../errors.ts'
import { flowName } from '../mm2/flow-name.ts'
import { MAX_STRING_BYTES, Reader, requireAtMost } from './reader.ts'
import { Writer } from './writer.ts'

/** One heartbeat: MM2 flow source -> target was alive at `timestamp` (epoch ms). */
export interface Heartbeat {
  sourceClusterAlias: string
  targetClusterAlias: string
  timestamp: bigint
}

const KEY = 'Heartbeat key'
const VALUE = 'Heartbeat value'

/** The version Heartbeat.VERSION that encodeHeartbeat writes. */
export const HEARTBEAT_VERSION = 0

// Index = version header. Only VALUE_SCHEMA_V0 exists.
const VALUE_READERS: ReadonlyArray<(reader: Reader) => bigint> = [
  (reader) => reader.readInt64('timestamp')
]

// The most a key (two STRINGs) or value (INT16 version, INT64 timestamp) can hold, plus room for appended fields.
const KEY_MAX_BYTES = 2 * (2 + MAX_STRING_BYTES) + 1024
const VALUE_MAX_BYTES = 2 + 8 + 1024

/** Decodes a Heartbeat record; throws Mm2FailbackError (MM2_DECODE_*) on a null key, tombstone, unknown version or truncation. */
export function decodeHeartbeat (key: Uint8Array | null, value: Uint8Array | null): Heartbeat {
  if (key === null) {
    throw new Mm2FailbackError('MM2_DECODE_INVALID', `${KEY} is null; expected sourceClusterAlias STRING and targetClusterAlias STRING.`, { record: KEY })
  }
  requireAtMost(key, KEY_MAX_BYTES, KEY)
  const keyReader = new Reader(key, KEY)
  const sourceClusterAlias = keyReader.readString('sourceClusterAlias')
  const targetClusterAlias = keyReader.readString('targetClusterAlias')

  const context = { sourceClusterAlias, targetClusterAlias }
  if (value === null) {
    const flow = flowName({ source: sourceClusterAlias, target: targetClusterAlias })
    throw new Mm2FailbackError('MM2_DECODE_TOMBSTONE', `${VALUE} is null (a tombstone) for ${flow}; MM2 never writes one.`, { record: VALUE, ...context })
  }
  requireAtMost(value, VALUE_MAX_BYTES, VALUE, context)
  const reader = new Reader(value, VALUE, context)
  const version = reader.readInt16('version')
  const readValue = VALUE_READERS[version]
  if (readValue === undefined) {
    throw reader.error('MM2_DECODE_UNSUPPORTED_VERSION', `${VALUE} has version ${version} at position 0; this build reads versions 0..${VALUE_READERS.length - 1}.`, 'version', 0)
  }
  return { sourceClusterAlias, targetClusterAlias, timestamp: readValue(reader) }
}

/** Encodes a Heartbeat exactly as MM2's Heartbeat.recordKey()/recordValue() do (version 0). */
export function encodeHeartbeat (heartbeat: Heartbeat): { key: Uint8Array, value: Uint8Array } {
  const key = new Writer(KEY)
  key.writeString(heartbeat.sourceClusterAlias, 'sourceClusterAlias').writeString(heartbeat.targetClusterAlias, 'targetClusterAlias')
  const value = new Writer(VALUE, 10)
  value.writeInt16(HEARTBEAT_VERSION, 'version').writeInt64(heartbeat.timestamp, 'timestamp')
  return { key: key.finish(), value: value.finish() }
}
