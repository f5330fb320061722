// A bounds-checked, big-endian reader over one record key or value, mirroring the primitive types of
// Kafka's protocol type system (clients/.../common/protocol/types/Type.java) and of the generated
// flexible messages (ByteBufferAccessor, ByteUtils):
//
//   INT16 / INT32 / INT64   2 / 4 / 8 bytes, signed, big-endian; INT64 is returned as a bigint
//   STRING                  INT16 byte length N (0..32767; negative is rejected), then N bytes of UTF-8
//   UNSIGNED_VARINT         7 bits per byte, least significant group first, high bit = "more", at most 5 bytes
//   COMPACT_STRING          UNSIGNED_VARINT N+1 (0 would be null), then N bytes of UTF-8
//   UUID                    16 bytes, shown as Kafka's Uuid.toString(): URL-safe base64 without padding
//   TAGGED_FIELDS           UNSIGNED_VARINT count, then per field: UNSIGNED_VARINT tag, UNSIGNED_VARINT size, bytes
//
// Why it reads bytes by hand instead of through a DataView: the sync index decodes millions of
// OffsetSync records per second, and creating a DataView per record and BigInt arithmetic cost more
// than the decode itself. INT64 values inside +-2^53 (every real offset and timestamp) become a
// bigint with one BigInt() call; others take the exact slow path.
//
// Every failure is an Mm2FailbackError that names the record part, the field and the position, e.g.
// "Checkpoint value is truncated: needed 8 bytes for upstreamOffset at position 14, 6 remain."
// Positions count from the first byte of the key or value being read.

import { Mm2FailbackError } from '../../errors.ts'
import type { ErrorCode } from '../../errors.ts'

/** Longest STRING Kafka writes or reads (Type.STRING rejects more than Short.MAX_VALUE bytes). */
export const MAX_STRING_BYTES = 0x7fff

const TWO_POW_32 = 4294967296
// INT64 values whose high word lies in [-2^21, 2^21) are exactly representable as doubles.
const SAFE_HIGH_WORD = 0x200000

// ignoreBOM: Java's UTF-8 decoder keeps a leading U+FEFF, so we must too.
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true })

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** Decodes UTF-8 bytes the way Java's `new String(bytes, UTF_8)` does (malformed input becomes U+FFFD), with a fast path for short ASCII. */
export function decodeUtf8 (bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= 64) {
    let result = ''
    for (let i = start; i < end; i++) {
      const byte = bytes[i]!
      if (byte >= 0x80) return utf8Decoder.decode(bytes.subarray(start, end))
      result += String.fromCharCode(byte)
    }
    return result
  }
  return utf8Decoder.decode(bytes.subarray(start, end))
}

/** The big-endian INT32 at `position` (the caller checks that 4 bytes remain). */
function int32At (bytes: Uint8Array, position: number): number {
  return (bytes[position]! << 24) | (bytes[position + 1]! << 16) | (bytes[position + 2]! << 8) | bytes[position + 3]!
}

/**
 * Reads the big-endian INT64 at `position` (the caller checks that 8 bytes remain) as a number when it
 * lies in 0..2^53-1, and returns -1 otherwise (negative, or too large for a double to hold exactly).
 * For hot paths that keep offsets as doubles; `Reader.readInt64` is the exact, checked read.
 */
export function readSafeNonNegativeInt64 (bytes: Uint8Array, position: number): number {
  const value = readSafeInt64At(bytes, position)
  return value >= 0 ? value : -1 // NaN (unsafe) compares false too
}

/**
 * Reads the big-endian INT64 at `position` (the caller checks that 8 bytes remain) as a number when it is a
 * safe integer (within +-(2^53 - 1)), or NaN when it is not: a value a number holds exactly, read without
 * allocating (a bigint is a heap object).
 */
export function readSafeInt64At (bytes: Uint8Array, position: number): number {
  const high = int32At(bytes, position)
  if (high < -SAFE_HIGH_WORD || high >= SAFE_HIGH_WORD) return Number.NaN
  const value = high * TWO_POW_32 + (int32At(bytes, position + 4) >>> 0)
  // -2^53 itself (high word -2^21, low word 0) is one past the safe range.
  return value < Number.MIN_SAFE_INTEGER ? Number.NaN : value
}

/** Reads the big-endian INT64 at `position` (the caller checks that 8 bytes remain) as a bigint. */
export function readInt64At (bytes: Uint8Array, position: number): bigint {
  const value = readSafeInt64At(bytes, position)
  if (!Number.isNaN(value)) return BigInt(value)
  return (BigInt(int32At(bytes, position)) << 32n) | BigInt(int32At(bytes, position + 4) >>> 0)
}

/** Formats 16 UUID bytes as Kafka's `Uuid.toString()` does: URL-safe base64 without padding (22 characters). */
export function uuidToString (bytes: Uint8Array, start: number): string {
  let result = ''
  let i = start
  const end = start + 15
  for (; i < end; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
    result += BASE64URL[n >>> 18]! + BASE64URL[(n >>> 12) & 63]! + BASE64URL[(n >>> 6) & 63]! + BASE64URL[n & 63]!
  }
  const last = bytes[i]!
  return result + BASE64URL[last >>> 2]! + BASE64URL[(last & 3) << 4]!
}

/**
 * Throws MM2_DECODE_OVERSIZED when a key or value is longer than `maxBytes`: the most any writer of
 * the record type produces, with room for fields a later version may append (Java's Schema.read
 * ignores trailing bytes, so a little more than today's grammar is tolerated, a lot is garbage).
 */
export function requireAtMost (bytes: Uint8Array, maxBytes: number, what: string, context: Record<string, unknown> = {}): void {
  if (bytes.length <= maxBytes) return
  const message = `${what} is ${bytes.length} bytes; a record of this type has at most ${maxBytes}.`
  throw new Mm2FailbackError('MM2_DECODE_OVERSIZED', message, { record: what, ...context })
}

/** Reads Kafka protocol primitives from one key or value, checking every bound. */
export class Reader {
  /** The bytes being read (a key or a value). */
  readonly bytes: Uint8Array
  /** What is being read, for messages: "Checkpoint value", "__consumer_offsets key". */
  readonly what: string
  /** Extra context attached to every error (e.g. the decoded key of the value being read). */
  context: Record<string, unknown>
  /** Index of the next byte to read. */
  position: number

  constructor (bytes: Uint8Array, what: string, context: Record<string, unknown> = {}) {
    this.bytes = bytes
    this.what = what
    this.context = context
    this.position = 0
  }

  /** Bytes left after the current position. */
  get remaining (): number {
    return this.bytes.length - this.position
  }

  /** Reads a signed big-endian INT16. */
  readInt16 (field: string): number {
    const pos = this.position
    if (this.bytes.length - pos < 2) this.truncated(2, field, pos)
    const b = this.bytes
    this.position = pos + 2
    return ((b[pos]! << 24) | (b[pos + 1]! << 16)) >> 16
  }

  /** Reads a signed big-endian INT32. */
  readInt32 (field: string): number {
    const pos = this.position
    if (this.bytes.length - pos < 4) this.truncated(4, field, pos)
    this.position = pos + 4
    return int32At(this.bytes, pos)
  }

  /** Reads a signed big-endian INT64 as a bigint. */
  readInt64 (field: string): bigint {
    const pos = this.position
    if (this.bytes.length - pos < 8) this.truncated(8, field, pos)
    this.position = pos + 8
    return readInt64At(this.bytes, pos)
  }

  /** Reads a STRING: INT16 length (negative is an error), then that many bytes of UTF-8. */
  readString (field: string): string {
    const pos = this.position
    const b = this.bytes
    if (b.length - pos < 2) this.truncated(2, field, pos, ' (STRING length)')
    const length = ((b[pos]! << 24) | (b[pos + 1]! << 16)) >> 16
    if (length < 0) {
      this.fail('MM2_DECODE_BAD_LENGTH', `${this.what} has a negative STRING length ${length} for ${field} at position ${pos}; expected 0..${MAX_STRING_BYTES}.`, field, pos)
    }
    const start = pos + 2
    if (b.length - start < length) this.truncated(length, field, start)
    this.position = start + length
    return decodeUtf8(b, start, start + length)
  }

  /** Reads an unsigned varint of at most 5 bytes whose value fits in 31 bits (all Kafka uses it for). */
  readUnsignedVarint (field: string): number {
    const start = this.position
    const b = this.bytes
    let value = 0
    for (let i = 0; i < 5; i++) {
      const pos = start + i
      if (pos >= b.length) this.truncated(1, field, pos, ' (varint byte)')
      const byte = b[pos]!
      value += (byte & 0x7f) * 2 ** (7 * i)
      if ((byte & 0x80) === 0) {
        this.position = pos + 1
        if (value > 0x7fffffff) {
          this.fail('MM2_DECODE_BAD_LENGTH', `${this.what} has an unsigned varint ${value} for ${field} at position ${start}; expected at most ${0x7fffffff}.`, field, start)
        }
        return value
      }
    }
    return this.fail('MM2_DECODE_INVALID', `${this.what} has an unsigned varint longer than 5 bytes for ${field} at position ${start}.`, field, start)
  }

  /** Reads a non-nullable COMPACT_STRING: varint length+1 (0 = null is an error), then UTF-8, at most 32767 bytes as in generated Kafka code. */
  readCompactString (field: string): string {
    const pos = this.position
    const lengthPlusOne = this.readUnsignedVarint(field)
    if (lengthPlusOne === 0) {
      this.fail('MM2_DECODE_BAD_LENGTH', `${this.what} has a null COMPACT_STRING for the non-nullable ${field} at position ${pos}.`, field, pos)
    }
    const length = lengthPlusOne - 1
    if (length > MAX_STRING_BYTES) {
      this.fail('MM2_DECODE_BAD_LENGTH', `${this.what} has a COMPACT_STRING length ${length} for ${field} at position ${pos}; expected 0..${MAX_STRING_BYTES}.`, field, pos)
    }
    const start = this.position
    const b = this.bytes
    if (b.length - start < length) this.truncated(length, field, start)
    this.position = start + length
    return decodeUtf8(b, start, start + length)
  }

  /** Reads a 16-byte UUID and returns it in Kafka's string form. */
  readUuid (field: string): string {
    const pos = this.position
    if (this.bytes.length - pos < 16) this.truncated(16, field, pos)
    this.position = pos + 16
    return uuidToString(this.bytes, pos)
  }

  /**
   * Reads a tagged-field section. `onField(tag, size)` reads a known tag and returns true, or returns
   * false to let the reader skip it (unknown tags are legal and ignored, as Kafka's generated code does).
   */
  readTaggedFields (field: string, onField: (tag: number, size: number) => boolean): void {
    const count = this.readUnsignedVarint(`${field} count`)
    for (let i = 0; i < count; i++) {
      const tag = this.readUnsignedVarint(`${field} tag`)
      const size = this.readUnsignedVarint(`${field} size`)
      const start = this.position
      if (this.bytes.length - start < size) this.truncated(size, `${field} tag ${tag}`, start)
      if (onField(tag, size)) {
        if (this.position !== start + size) {
          this.fail('MM2_DECODE_INVALID', `${this.what} has tagged field ${tag} of size ${size} at position ${start}, but its content takes ${this.position - start} bytes.`, `${field} tag ${tag}`, start)
        }
      } else {
        this.position = start + size
      }
    }
  }

  /** Throws the typed error for a read past the end. */
  truncated (needed: number, field: string, position: number, detail = ''): never {
    const remain = this.bytes.length - position
    return this.fail('MM2_DECODE_TRUNCATED', `${this.what} is truncated: needed ${needed} bytes for ${field}${detail} at position ${position}, ${remain < 0 ? 0 : remain} remain.`, field, position)
  }

  /** Throws the error that `error()` builds. */
  fail (code: ErrorCode, message: string, field: string, position: number = this.position): never {
    throw this.error(code, message, field, position)
  }

  /** Builds an Mm2FailbackError carrying the record part, field, position and the reader's context. */
  error (code: ErrorCode, message: string, field: string, position: number = this.position): Mm2FailbackError {
    return new Mm2FailbackError(code, message, { ...this.context, record: this.what, field, position })
  }
}
