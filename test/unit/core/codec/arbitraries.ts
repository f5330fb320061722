// fast-check arbitraries shared by the codec property tests.

import fc from 'fast-check'
import type { OffsetCommitValue, OffsetCommitValueVersion } from '../../../../sidecar/src/core/codec/consumer-offsets.ts'
import { MAX_STRING_BYTES, uuidToString } from '../../../../sidecar/src/core/codec/reader.ts'
import { Mm2FailbackError } from '../../../../sidecar/src/errors.ts'

const utf8 = new TextEncoder()

/** Strings Kafka can carry: ASCII, Latin-1, any code point, some longer than the 64-byte ASCII fast path; never over 32767 UTF-8 bytes. */
export const kafkaString = fc.oneof(
  fc.string({ unit: 'grapheme-ascii', maxLength: 20 }),
  fc.string({ unit: 'binary-ascii', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: 'binary-ascii', minLength: 60, maxLength: 300 })
).filter((text) => utf8.encode(text).length <= MAX_STRING_BYTES)

export const partition = fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 0x7fffffff }))
export const anyInt32 = fc.integer({ min: -0x80000000, max: 0x7fffffff })

/** Non-negative INT64 offsets: mostly small, sometimes anywhere up to 2^63-1 (beyond 2^53 exercises the exact path). */
export const offset = fc.oneof(
  fc.bigInt({ min: 0n, max: 100_000n }),
  fc.bigInt({ min: 0n, max: 2n ** 53n }),
  fc.bigInt({ min: 0n, max: 2n ** 63n - 1n })
)

/** Any INT64. */
export const anyInt64 = fc.oneof(
  fc.bigInt({ min: -100_000n, max: 100_000n }),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
)

/** Random bytes, or null for a tombstone. */
export const maybeBytes = fc.option(fc.uint8Array({ maxLength: 64 }), { nil: null, freq: 8 })

/** A mutation of valid bytes: truncate, flip one byte, or append garbage. */
export function mutated (bytes: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.nat({ max: bytes.length }).map((length) => bytes.slice(0, length)),
    fc.tuple(fc.nat({ max: Math.max(0, bytes.length - 1) }), fc.integer({ min: 0, max: 255 })).map(([index, byte]) => {
      const copy = bytes.slice()
      if (copy.length > 0) copy[index] = byte
      return copy
    }),
    fc.uint8Array({ maxLength: 8 }).map((tail) => {
      const copy = new Uint8Array(bytes.length + tail.length)
      copy.set(bytes)
      copy.set(tail, bytes.length)
      return copy
    })
  )
}

/** Runs a decode: true if it returned, or threw an Mm2FailbackError with an MM2_DECODE_* code; anything else is rethrown. */
export function returnsOrThrowsDecodeError (decode: () => unknown): true {
  try {
    decode()
  } catch (error) {
    if (!(error instanceof Mm2FailbackError) || !error.code.startsWith('MM2_DECODE_')) throw error
    // Every message names where it went wrong: a position, or the null key/value itself.
    if (/ is null[ ;]/.test(error.message)) return true
    if (/at position \d+/.test(error.message) && typeof error.context.position === 'number') return true
    throw new Error(`decode error does not name a position: ${error.message}`, { cause: error })
  }
  return true
}

const topicId = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => uuidToString(bytes, 0))

/** An OffsetCommitValue of the given version, with Kafka's defaults in the fields that version lacks. */
export function offsetCommitValue (version: OffsetCommitValueVersion): fc.Arbitrary<OffsetCommitValue> {
  return fc.record({
    offset: anyInt64,
    leaderEpoch: version >= 3 ? anyInt32 : fc.constant(-1),
    metadata: kafkaString,
    commitTimestamp: anyInt64,
    expireTimestamp: version === 1 ? anyInt64 : fc.constant(-1n),
    topicId: version === 4 ? fc.option(topicId, { nil: undefined }) : fc.constant(undefined)
  }).map(({ topicId: id, ...fields }) => id === undefined ? { version, ...fields } : { version, ...fields, topicId: id })
}

/** Every OffsetCommitValue version this build reads. */
export const OFFSET_COMMIT_VALUE_VERSIONS: readonly OffsetCommitValueVersion[] = [0, 1, 2, 3, 4]

/** An OffsetCommitValue of any version. */
export const anyOffsetCommitValue = fc.constantFrom(...OFFSET_COMMIT_VALUE_VERSIONS).chain(offsetCommitValue)
