// The writing half of reader.ts: Kafka protocol primitives, big-endian, into a growable buffer.
//
//   INT16 / INT32 / INT64   2 / 4 / 8 bytes, signed, big-endian (INT64 from a bigint)
//   STRING                  INT16 byte length N (0..32767), then N bytes of UTF-8
//   UNSIGNED_VARINT         7 bits per byte, least significant group first, high bit = "more"
//   COMPACT_STRING          UNSIGNED_VARINT N+1, then N bytes of UTF-8
//   UUID                    16 bytes, from Kafka's string form (URL-safe base64, 22 characters)
//   TAGGED_FIELDS           UNSIGNED_VARINT count, then per field: tag, size, bytes
//
// Every value is checked before it is written, so an encoder can never produce bytes that Kafka's
// reader would reject or read differently; a bad value raises MM2_ENCODE_INVALID naming the field.
// Strings must be well-formed UTF-16: Java would turn a lone surrogate into '?' and TextEncoder into
// U+FFFD, so neither would read back as written.

import { Mm2FailbackError } from '../../errors.ts'
import { MAX_STRING_BYTES } from './reader.ts'

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const utf8Encoder = new TextEncoder()
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const BASE64URL_VALUES = new Map<string, number>([...BASE64URL].map((char, index) => [char, index]))

/** Writes Kafka protocol primitives into a buffer that grows as needed; `finish()` returns the bytes. */
export class Writer {
  /** What is being written, for messages: "Checkpoint value". */
  readonly what: string
  #buffer: Uint8Array
  #position: number

  constructor (what: string, initialSize = 64) {
    this.what = what
    this.#buffer = new Uint8Array(initialSize)
    this.#position = 0
  }

  /** Writes a signed INT16. */
  writeInt16 (value: number, field: string): this {
    if (!Number.isInteger(value) || value < -0x8000 || value > 0x7fff) this.invalid(field, `an INT16 (got ${value})`)
    const pos = this.#reserve(2)
    this.#buffer[pos] = value >> 8
    this.#buffer[pos + 1] = value
    return this
  }

  /** Writes a signed INT32. */
  writeInt32 (value: number, field: string): this {
    if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) this.invalid(field, `an INT32 (got ${value})`)
    const pos = this.#reserve(4)
    this.#writeWord(pos, value)
    return this
  }

  /** Writes a signed INT64 from a bigint. */
  writeInt64 (value: bigint, field: string): this {
    if (typeof value !== 'bigint' || value < INT64_MIN || value > INT64_MAX) this.invalid(field, `an INT64 bigint (got ${String(value)})`)
    const pos = this.#reserve(8)
    const unsigned = BigInt.asUintN(64, value)
    this.#writeWord(pos, Number(unsigned >> 32n))
    this.#writeWord(pos + 4, Number(unsigned & 0xffffffffn))
    return this
  }

  /** Writes a STRING: INT16 byte length, then UTF-8 (at most 32767 bytes). */
  writeString (value: string, field: string): this {
    const encoded = this.#utf8(value, field)
    this.writeInt16(encoded.length, field)
    this.#writeBytes(encoded)
    return this
  }

  /** Writes an unsigned varint (0..2^31-1). */
  writeUnsignedVarint (value: number, field: string): this {
    if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) this.invalid(field, `an unsigned varint 0..${0x7fffffff} (got ${value})`)
    let rest = value
    // Reserve before reading this.#buffer: reserving may replace the buffer.
    while (rest >= 0x80) {
      const pos = this.#reserve(1)
      this.#buffer[pos] = (rest & 0x7f) | 0x80
      rest >>>= 7
    }
    const pos = this.#reserve(1)
    this.#buffer[pos] = rest
    return this
  }

  /** Writes a non-nullable COMPACT_STRING: varint length+1, then UTF-8 (at most 32767 bytes). */
  writeCompactString (value: string, field: string): this {
    const encoded = this.#utf8(value, field)
    this.writeUnsignedVarint(encoded.length + 1, field)
    this.#writeBytes(encoded)
    return this
  }

  /** Writes a UUID given in Kafka's string form (URL-safe base64 of 16 bytes, 22 characters). */
  writeUuid (value: string, field: string): this {
    this.#writeBytes(uuidFromString(value) ?? this.invalid(field, `a Kafka Uuid string of 22 URL-safe base64 characters (got ${JSON.stringify(value)})`))
    return this
  }

  /** Writes a tagged-field section from (tag, bytes) pairs, which must be in ascending tag order. */
  writeTaggedFields (fields: ReadonlyArray<{ tag: number, data: Uint8Array }>, field: string): this {
    this.writeUnsignedVarint(fields.length, `${field} count`)
    let previous = -1
    for (const { tag, data } of fields) {
      if (tag <= previous) this.invalid(`${field} tag ${tag}`, 'in strictly ascending tag order')
      previous = tag
      this.writeUnsignedVarint(tag, `${field} tag`)
      this.writeUnsignedVarint(data.length, `${field} size`)
      this.#writeBytes(data)
    }
    return this
  }

  /** The bytes written so far, as a new array of exactly that length. */
  finish (): Uint8Array {
    return this.#buffer.slice(0, this.#position)
  }

  /** Throws MM2_ENCODE_INVALID: "<what> cannot be encoded: <field> must be <expectation>." */
  invalid (field: string, expectation: string): never {
    throw this.error(field, expectation)
  }

  /** Builds the MM2_ENCODE_INVALID error that `invalid()` throws. */
  error (field: string, expectation: string): Mm2FailbackError {
    return new Mm2FailbackError('MM2_ENCODE_INVALID', `${this.what} cannot be encoded: ${field} must be ${expectation}.`, { record: this.what, field })
  }

  #utf8 (value: string, field: string): Uint8Array {
    if (typeof value !== 'string') this.invalid(field, `a string (got ${typeof value})`)
    if (!value.isWellFormed()) this.invalid(field, 'a well-formed string (it contains a lone surrogate)')
    const encoded = utf8Encoder.encode(value)
    if (encoded.length > MAX_STRING_BYTES) this.invalid(field, `at most ${MAX_STRING_BYTES} bytes of UTF-8 (got ${encoded.length})`)
    return encoded
  }

  #writeWord (pos: number, value: number): void {
    const buffer = this.#buffer
    buffer[pos] = value >>> 24
    buffer[pos + 1] = value >>> 16
    buffer[pos + 2] = value >>> 8
    buffer[pos + 3] = value
  }

  #writeBytes (bytes: Uint8Array): void {
    const pos = this.#reserve(bytes.length)
    this.#buffer.set(bytes, pos)
  }

  /** Makes room for `size` bytes and returns the position where they start. */
  #reserve (size: number): number {
    const pos = this.#position
    const needed = pos + size
    if (needed > this.#buffer.length) {
      const grown = new Uint8Array(Math.max(needed, this.#buffer.length * 2))
      grown.set(this.#buffer.subarray(0, pos))
      this.#buffer = grown
    }
    this.#position = needed
    return pos
  }
}

/** Parses Kafka's `Uuid.toString()` form (URL-safe base64 without padding) into 16 bytes, or undefined if it is not one. */
export function uuidFromString (value: string): Uint8Array | undefined {
  if (typeof value !== 'string' || value.length !== 22) return undefined
  const bytes = new Uint8Array(16)
  let bits = 0
  let accumulator = 0
  let out = 0
  for (const char of value) {
    const sextet = BASE64URL_VALUES.get(char)
    if (sextet === undefined) return undefined
    // Only the bits not yet emitted matter (fewer than 14), so keep the accumulator small.
    accumulator = ((accumulator << 6) | sextet) & 0x3fff
    bits += 6
    if (bits >= 8) {
      bits -= 8
      if (out < 16) bytes[out++] = (accumulator >>> bits) & 0xff
    }
  }
  // 22 characters carry 132 bits; the last 4 must be zero or the string is not canonical.
  if ((accumulator & ((1 << bits) - 1)) !== 0) return undefined
  return bytes
}
