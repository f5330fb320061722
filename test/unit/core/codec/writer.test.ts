import { describe, expect, it } from 'vitest'
import { Writer } from '../../../../sidecar/src/core/codec/writer.ts'
import { bytesToHex, catchMm2Error } from './fixtures.ts'

describe('Writer', () => {
  it('writes big-endian signed integers', () => {
    const bytes = new Writer('w').writeInt16(-2, 'a').writeInt32(-2147483648, 'b').writeInt64(-(2n ** 63n), 'c').writeInt64(258n, 'd').finish()
    expect(bytesToHex(bytes)).toBe('fffe' + '80000000' + '8000000000000000' + '0000000000000102')
  })

  it('grows its buffer across every kind of write, from an initial size of 1', () => {
    const writer = new Writer('w', 1)
    writer.writeUnsignedVarint(2147483647, 'v').writeString('x'.repeat(100), 's').writeCompactString('é', 'c').writeUuid('AAECAwQFBgcICQoLDA0ODw', 'u')
      .writeTaggedFields([{ tag: 300, data: new Uint8Array(200).fill(7) }], 't')
    const bytes = writer.finish()
    expect(bytesToHex(bytes.subarray(0, 5))).toBe('ffffffff07')
    expect(bytesToHex(bytes.subarray(5, 7))).toBe('0064')
    expect(bytesToHex(bytes.subarray(107, 110))).toBe('03c3a9')
    expect(bytesToHex(bytes.subarray(110, 126))).toBe('000102030405060708090a0b0c0d0e0f')
    expect(bytesToHex(bytes.subarray(126, 131))).toBe('01ac02c801')
    expect(bytes.length).toBe(131 + 200)
  })

  it('returns a fresh array from finish()', () => {
    const writer = new Writer('w').writeInt16(1, 'a')
    const first = writer.finish()
    first[0] = 9
    expect(bytesToHex(writer.finish())).toBe('0001')
  })

  it.each([
    ['INT16 out of range', (w: Writer) => w.writeInt16(32768, 'f'), 'w cannot be encoded: f must be an INT16 (got 32768).'],
    ['INT32 not an integer', (w: Writer) => w.writeInt32(Number.NaN, 'f'), 'w cannot be encoded: f must be an INT32 (got NaN).'],
    ['INT64 out of range', (w: Writer) => w.writeInt64(2n ** 63n, 'f'), 'w cannot be encoded: f must be an INT64 bigint (got 9223372036854775808).'],
    ['negative varint', (w: Writer) => w.writeUnsignedVarint(-1, 'f'), 'w cannot be encoded: f must be an unsigned varint 0..2147483647 (got -1).'],
    ['non-string', (w: Writer) => w.writeString(undefined as unknown as string, 'f'), 'w cannot be encoded: f must be a string (got undefined).'],
    ['lone surrogate', (w: Writer) => w.writeCompactString('\uD83D', 'f'),
      'w cannot be encoded: f must be a well-formed string (it contains a lone surrogate).'],
    ['too long', (w: Writer) => w.writeCompactString('ab'.repeat(16384), 'f'), 'w cannot be encoded: f must be at most 32767 bytes of UTF-8 (got 32768).'],
    ['bad uuid', (w: Writer) => w.writeUuid('x', 'f'), 'w cannot be encoded: f must be a Kafka Uuid string of 22 URL-safe base64 characters (got "x").'],
    ['unordered tags', (w: Writer) => w.writeTaggedFields([{ tag: 2, data: new Uint8Array(0) }, { tag: 1, data: new Uint8Array(0) }], 'f'),
      'w cannot be encoded: f tag 1 must be in strictly ascending tag order.']
  ])('rejects %s with MM2_ENCODE_INVALID', (_name, write, message) => {
    const error = catchMm2Error(() => write(new Writer('w')))
    expect(error.code).toBe('MM2_ENCODE_INVALID')
    expect(error.message).toBe(message)
  })
})
