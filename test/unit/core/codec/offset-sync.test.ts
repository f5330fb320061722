import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeOffsetSync, encodeOffsetSync } from '../../../../sidecar/src/core/codec/offset-sync.ts'
import type { OffsetSync } from '../../../../sidecar/src/core/codec/offset-sync.ts'
import { kafkaString, maybeBytes, mutated, offset, partition, returnsOrThrowsDecodeError } from './arbitraries.ts'
import { catchMm2Error, describeFixtures, hexToBytes } from './fixtures.ts'

const offsetSync: fc.Arbitrary<OffsetSync> = fc.record({ topic: kafkaString, partition, upstreamOffset: offset, downstreamOffset: offset })
const KEY = hexToBytes('0006 6f7264657273 00000000')

describeFixtures('offset-sync', {
  decode: decodeOffsetSync,
  encode: encodeOffsetSync
})

describe('OffsetSync round trip', () => {
  it('decode(encode(sync)) == sync, and the value is always 16 bytes', () => {
    fc.assert(fc.property(offsetSync, (sync) => {
      const { key, value } = encodeOffsetSync(sync)
      expect(value.length).toBe(16)
      expect(decodeOffsetSync(key, value)).toEqual(sync)
    }))
  })

  it('encode(decode(bytes)) == bytes for every encoded sync', () => {
    fc.assert(fc.property(offsetSync, (sync) => {
      const encoded = encodeOffsetSync(sync)
      const again = encodeOffsetSync(decodeOffsetSync(encoded.key, encoded.value))
      expect(again).toEqual(encoded)
    }))
  })

  it('reads keys and values that are views into a larger buffer', () => {
    const { key, value } = encodeOffsetSync({ topic: 'orders', partition: 5, upstreamOffset: 10n, downstreamOffset: 9n })
    const big = new Uint8Array(100)
    big.set(key, 3)
    big.set(value, 50)
    expect(decodeOffsetSync(big.subarray(3, 3 + key.length), big.subarray(50, 66)))
      .toEqual({ topic: 'orders', partition: 5, upstreamOffset: 10n, downstreamOffset: 9n })
  })
})

describe('OffsetSync malformed input', () => {
  it('never lets an untyped exception escape on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), maybeBytes,
      (key, value) => returnsOrThrowsDecodeError(() => decodeOffsetSync(key, value))), { numRuns: 2000 })
  })

  it('never lets an untyped exception escape on mutations of valid records', () => {
    const cases = offsetSync.chain((sync) => {
      const { key, value } = encodeOffsetSync(sync)
      return fc.tuple(mutated(key), mutated(value))
    })
    fc.assert(fc.property(cases, ([key, value]) => returnsOrThrowsDecodeError(() => decodeOffsetSync(key, value))), { numRuns: 1000 })
  })

  it('rejects a null key', () => {
    const error = catchMm2Error(() => decodeOffsetSync(null, new Uint8Array(16)))
    expect(error.code).toBe('MM2_DECODE_INVALID')
    expect(error.message).toBe('OffsetSync key is null; expected topic STRING and partition INT32.')
  })

  it('reports a tombstone with the decoded key in context', () => {
    const error = catchMm2Error(() => decodeOffsetSync(KEY, null))
    expect(error.code).toBe('MM2_DECODE_TOMBSTONE')
    expect(error.context).toMatchObject({ topic: 'orders', partition: 0 })
  })

  it('rejects a negative STRING length with its position', () => {
    const error = catchMm2Error(() => decodeOffsetSync(hexToBytes('8000 00000000'), new Uint8Array(16)))
    expect(error.code).toBe('MM2_DECODE_BAD_LENGTH')
    expect(error.message).toBe('OffsetSync key has a negative STRING length -32768 for topic at position 0; expected 0..32767.')
    expect(error.context).toMatchObject({ field: 'topic', position: 0 })
  })

  it('rejects a negative partition and a negative downstream offset', () => {
    expect(catchMm2Error(() => decodeOffsetSync(hexToBytes('0001 78 ffffffff'), new Uint8Array(16))).message)
      .toBe('OffsetSync key has a negative partition -1 at position 3; MM2 never writes one.')
    const error = catchMm2Error(() => decodeOffsetSync(KEY, hexToBytes('0000000000000001 8000000000000000')))
    expect(error.code).toBe('MM2_DECODE_INVALID')
    expect(error.message).toContain('negative offset -9223372036854775808 at position 8 for orders-0')
  })

  it('names the field, position and remaining bytes when truncated (key and value)', () => {
    expect(catchMm2Error(() => decodeOffsetSync(hexToBytes('0006 6f72'), new Uint8Array(16))).message)
      .toBe('OffsetSync key is truncated: needed 6 bytes for topic at position 2, 2 remain.')
    expect(catchMm2Error(() => decodeOffsetSync(hexToBytes('0006 6f7264657273 0000'), new Uint8Array(16))).message)
      .toBe('OffsetSync key is truncated: needed 4 bytes for partition at position 8, 2 remain.')
    expect(catchMm2Error(() => decodeOffsetSync(KEY, new Uint8Array(3))).message)
      .toBe('OffsetSync value is truncated: needed 8 bytes for upstreamOffset at position 0, 3 remain.')
  })
})

describe('encodeOffsetSync validation', () => {
  const valid: OffsetSync = { topic: 'orders', partition: 0, upstreamOffset: 1n, downstreamOffset: 1n }
  it.each([
    ['a negative partition', { ...valid, partition: -1 }, 'OffsetSync key cannot be encoded: partition must be non-negative (got -1).'],
    ['a fractional partition', { ...valid, partition: 1.5 }, 'OffsetSync key cannot be encoded: partition must be an INT32 (got 1.5).'],
    ['a partition beyond INT32', { ...valid, partition: 2 ** 31 }, 'OffsetSync key cannot be encoded: partition must be an INT32 (got 2147483648).'],
    ['a negative upstream offset', { ...valid, upstreamOffset: -1n }, 'OffsetSync value cannot be encoded: upstreamOffset must be non-negative (got -1).'],
    ['a negative downstream offset', { ...valid, downstreamOffset: -5n },
      'OffsetSync value cannot be encoded: offset (downstreamOffset) must be non-negative (got -5).'],
    ['an offset beyond INT64', { ...valid, upstreamOffset: 2n ** 63n }, 'OffsetSync value cannot be encoded: upstreamOffset must be an INT64 bigint (got 9223372036854775808).'],
    ['a topic over 32767 bytes', { ...valid, topic: 'é'.repeat(16384) },
      'OffsetSync key cannot be encoded: topic must be at most 32767 bytes of UTF-8 (got 32768).'],
    ['a topic with a lone surrogate', { ...valid, topic: 'a\uD800b' }, 'OffsetSync key cannot be encoded: topic must be a well-formed string (it contains a lone surrogate).']
  ])('rejects %s with MM2_ENCODE_INVALID', (_name, sync, message) => {
    const error = catchMm2Error(() => encodeOffsetSync(sync))
    expect(error.code).toBe('MM2_ENCODE_INVALID')
    expect(error.message).toBe(message)
  })

  it('accepts a topic of exactly 32767 bytes', () => {
    const topic = 'x'.repeat(32767)
    const { key, value } = encodeOffsetSync({ ...valid, topic })
    expect(decodeOffsetSync(key, value).topic).toBe(topic)
  })
})
