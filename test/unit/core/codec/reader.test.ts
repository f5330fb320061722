import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Reader, decodeUtf8, readSafeInt64At, uuidToString } from '../../../../sidecar/src/core/codec/reader.ts'
import { Writer, uuidFromString } from '../../../../sidecar/src/core/codec/writer.ts'
import { anyInt32, anyInt64 } from './arbitraries.ts'
import { catchMm2Error, hexToBytes } from './fixtures.ts'

const utf8 = new TextEncoder()

describe('Reader primitives', () => {
  it('reads big-endian signed INT16, INT32 and INT64', () => {
    const reader = new Reader(hexToBytes('8000 7fff ffffffff 80000000 ffffffffffffffff 8000000000000000 7fffffffffffffff 0020000000000001 ffdfffffffffffff'), 'test')
    expect(reader.readInt16('a')).toBe(-32768)
    expect(reader.readInt16('b')).toBe(32767)
    expect(reader.readInt32('c')).toBe(-1)
    expect(reader.readInt32('d')).toBe(-2147483648)
    expect(reader.readInt64('e')).toBe(-1n)
    expect(reader.readInt64('f')).toBe(-(2n ** 63n))
    expect(reader.readInt64('g')).toBe(2n ** 63n - 1n)
    expect(reader.readInt64('h')).toBe(2n ** 53n + 1n)
    expect(reader.readInt64('i')).toBe(-(2n ** 53n) - 1n)
    expect(reader.remaining).toBe(0)
  })

  it('reads every INT32 and INT64 the writer writes (fast and exact paths)', () => {
    fc.assert(fc.property(anyInt32, anyInt64, (int32, int64) => {
      const bytes = new Writer('test').writeInt32(int32, 'a').writeInt64(int64, 'b').finish()
      const reader = new Reader(bytes, 'test')
      expect(reader.readInt32('a')).toBe(int32)
      expect(reader.readInt64('b')).toBe(int64)
    }))
  })

  it('reads INT64 values around the 2^53 boundary of the fast path exactly', () => {
    for (const value of [2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 52n * 3n, -(2n ** 53n), -(2n ** 53n) - 1n, 2n ** 32n - 1n, 2n ** 32n, -(2n ** 32n)]) {
      const bytes = new Writer('test').writeInt64(value, 'v').finish()
      expect(new Reader(bytes, 'test').readInt64('v')).toBe(value)
    }
  })

  it('reads an INT64 as a number exactly when it is a safe integer, and as NaN when it is not', () => {
    const safe = (value: bigint): boolean => value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    const near53 = fc.bigInt({ min: -(2n ** 54n), max: 2n ** 54n })
    fc.assert(fc.property(fc.oneof(anyInt64, near53), fc.nat({ max: 5 }), (value, at) => {
      const int64 = new Writer('test').writeInt64(value, 'v').finish()
      const bytes = new Uint8Array(at + 8)
      bytes.set(int64, at)
      const read = readSafeInt64At(bytes, at)
      if (safe(value)) expect(read).toBe(Number(value))
      else expect(read).toBeNaN()
    }), { numRuns: 2000 })
    for (const value of [2n ** 53n - 1n, -(2n ** 53n) + 1n, 0n, -1n, 2n ** 32n, -(2n ** 32n)]) {
      expect(readSafeInt64At(new Writer('test').writeInt64(value, 'v').finish(), 0)).toBe(Number(value))
    }
    for (const value of [2n ** 53n, -(2n ** 53n), 2n ** 63n - 1n, -(2n ** 63n)]) {
      expect(readSafeInt64At(new Writer('test').writeInt64(value, 'v').finish(), 0)).toBeNaN()
    }
  })

  it('reports truncation with the record part, field, needed bytes, position and remainder', () => {
    const reader = new Reader(hexToBytes('0000 0000 00'), 'Checkpoint value')
    reader.readInt16('version')
    reader.readInt16('x')
    const error = catchMm2Error(() => reader.readInt64('upstreamOffset'))
    expect(error.code).toBe('MM2_DECODE_TRUNCATED')
    expect(error.message).toBe('Checkpoint value is truncated: needed 8 bytes for upstreamOffset at position 4, 1 remain.')
    expect(error.context).toEqual({ record: 'Checkpoint value', field: 'upstreamOffset', position: 4 })
  })

  it('carries the reader context into every error', () => {
    const error = catchMm2Error(() => new Reader(new Uint8Array(0), 'v', { topic: 't', partition: 1 }).readInt32('p'))
    expect(error.context).toEqual({ topic: 't', partition: 1, record: 'v', field: 'p', position: 0 })
  })

  it('reports a truncated STRING length prefix', () => {
    expect(catchMm2Error(() => new Reader(hexToBytes('00'), 'k').readString('topic')).message)
      .toBe('k is truncated: needed 2 bytes for topic (STRING length) at position 0, 1 remain.')
  })
})

describe('Reader strings', () => {
  it('decodes ASCII, Latin-1, astral and long strings like TextDecoder', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ unit: 'binary-ascii', maxLength: 200 })), (text) => {
      const bytes = utf8.encode(text)
      expect(decodeUtf8(bytes, 0, bytes.length)).toBe(text)
      const withLength = new Writer('w').writeString(text, 's').finish()
      expect(new Reader(withLength, 'r').readString('s')).toBe(text)
    }))
  })

  it('keeps a leading byte-order mark as Java does', () => {
    const bytes = hexToBytes('0004 efbbbf41')
    expect(new Reader(bytes, 'r').readString('s')).toBe('\uFEFFA')
  })

  it('turns malformed UTF-8 into U+FFFD as Java does, on short and long strings', () => {
    expect(decodeUtf8(hexToBytes('41 ff 42'), 0, 3)).toBe('A\uFFFDB')
    const long = new Uint8Array(100).fill(0x61)
    long[99] = 0xc3
    expect(decodeUtf8(long, 0, 100)).toBe('a'.repeat(99) + '\uFFFD')
  })

  it('decodes a sub-range of a larger buffer', () => {
    expect(decodeUtf8(utf8.encode('xxhello-éyy'), 2, 10)).toBe('hello-é')
  })
})

describe('Reader varints, compact strings, UUIDs and tagged fields', () => {
  it.each([
    ['00', 0], ['01', 1], ['7f', 127], ['8001', 128], ['ff7f', 16383], ['808001', 16384], ['ffffffff07', 2147483647]
  ])('reads varint %s as %i', (hex, value) => {
    const reader = new Reader(hexToBytes(hex), 'r')
    expect(reader.readUnsignedVarint('v')).toBe(value)
    expect(reader.remaining).toBe(0)
  })

  it('rejects a varint above 2^31-1, one longer than 5 bytes, and one cut short', () => {
    expect(catchMm2Error(() => new Reader(hexToBytes('ffffffff0f'), 'r').readUnsignedVarint('v')).code).toBe('MM2_DECODE_BAD_LENGTH')
    expect(catchMm2Error(() => new Reader(hexToBytes('ffffffffff01'), 'r').readUnsignedVarint('v')).code).toBe('MM2_DECODE_INVALID')
    expect(catchMm2Error(() => new Reader(hexToBytes('8080'), 'r').readUnsignedVarint('v')).message)
      .toBe('r is truncated: needed 1 bytes for v (varint byte) at position 2, 0 remain.')
  })

  it('round-trips varints and compact strings', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0x7fffffff }), fc.string({ unit: 'binary', maxLength: 40 }), (n, text) => {
      const reader = new Reader(new Writer('w').writeUnsignedVarint(n, 'n').writeCompactString(text, 's').finish(), 'r')
      expect(reader.readUnsignedVarint('n')).toBe(n)
      expect(reader.readCompactString('s')).toBe(text)
    }))
  })

  it('formats UUIDs as Kafka Uuid.toString() does and parses them back', () => {
    expect(uuidToString(hexToBytes('000102030405060708090a0b0c0d0e0f'), 0)).toBe('AAECAwQFBgcICQoLDA0ODw')
    expect(uuidToString(new Uint8Array(16).fill(0xff), 0)).toBe('_____________________w')
    fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
      const text = uuidToString(bytes, 0)
      expect(text).toMatch(/^[A-Za-z0-9_-]{22}$/)
      expect(uuidFromString(text)).toEqual(bytes)
    }))
  })

  it('refuses strings that are not a canonical Kafka Uuid', () => {
    expect(uuidFromString('AAECAwQFBgcICQoLDA0ODw=')).toBeUndefined()
    expect(uuidFromString('AAECAwQFBgcICQoLDA0OD+')).toBeUndefined()
    expect(uuidFromString('AAECAwQFBgcICQoLDA0ODx')).toBeUndefined() // non-zero padding bits
  })

  it('skips unknown tagged fields and hands known ones to the callback', () => {
    const tags = [{ tag: 1, data: hexToBytes('0102') }, { tag: 9, data: hexToBytes('0000002a') }]
    const bytes = new Writer('w').writeTaggedFields(tags, 'tags').writeInt16(7, 'after').finish()
    const reader = new Reader(bytes, 'r')
    const seen: Array<[number, number]> = []
    reader.readTaggedFields('tags', (tag, size) => {
      seen.push([tag, size])
      if (tag !== 9) return false
      expect(reader.readInt32('nine')).toBe(42)
      return true
    })
    expect(seen).toEqual([[1, 2], [9, 4]])
    expect(reader.readInt16('after')).toBe(7)
  })

  it('rejects a known tagged field whose reader does not consume exactly its size', () => {
    const bytes = new Writer('w').writeTaggedFields([{ tag: 0, data: hexToBytes('00000001') }], 'tags').finish()
    const reader = new Reader(bytes, 'r')
    const error = catchMm2Error(() => reader.readTaggedFields('tags', () => { reader.readInt16('half'); return true }))
    expect(error.code).toBe('MM2_DECODE_INVALID')
    expect(error.message).toBe('r has tagged field 0 of size 4 at position 3, but its content takes 2 bytes.')
  })
})
