import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeCheckpoint, encodeCheckpoint } from '../../../../sidecar/src/core/codec/checkpoint.ts'
import type { Checkpoint } from '../../../../sidecar/src/core/codec/checkpoint.ts'
import { kafkaString, maybeBytes, mutated, offset, partition, returnsOrThrowsDecodeError } from './arbitraries.ts'
import { catchMm2Error, describeFixtures, hexToBytes } from './fixtures.ts'

const checkpoint: fc.Arbitrary<Checkpoint> = fc.record({
  consumerGroupId: kafkaString,
  topic: kafkaString,
  partition,
  upstreamOffset: offset,
  downstreamOffset: offset,
  metadata: kafkaString
})
const KEY = hexToBytes('0002 6731 0008 412e6f7264657273 00000000')

describeFixtures('checkpoint', {
  decode: decodeCheckpoint,
  encode: encodeCheckpoint
})

describe('Checkpoint round trip', () => {
  it('decode(encode(checkpoint)) == checkpoint, with version header 0', () => {
    fc.assert(fc.property(checkpoint, (cp) => {
      const { key, value } = encodeCheckpoint(cp)
      expect([value[0], value[1]]).toEqual([0, 0])
      expect(decodeCheckpoint(key, value)).toEqual(cp)
    }))
  })

  it('encode(decode(bytes)) == bytes for every encoded checkpoint', () => {
    fc.assert(fc.property(checkpoint, (cp) => {
      const encoded = encodeCheckpoint(cp)
      expect(encodeCheckpoint(decodeCheckpoint(encoded.key, encoded.value))).toEqual(encoded)
    }))
  })
})

describe('Checkpoint malformed input', () => {
  it('never lets an untyped exception escape on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), maybeBytes,
      (key, value) => returnsOrThrowsDecodeError(() => decodeCheckpoint(key, value))), { numRuns: 2000 })
  })

  it('never lets an untyped exception escape on mutations of valid records', () => {
    const cases = checkpoint.chain((cp) => {
      const { key, value } = encodeCheckpoint(cp)
      return fc.tuple(mutated(key), mutated(value))
    })
    fc.assert(fc.property(cases, ([key, value]) => returnsOrThrowsDecodeError(() => decodeCheckpoint(key, value))), { numRuns: 1000 })
  })

  it('rejects every version but 0, with the version and its position', () => {
    fc.assert(fc.property(fc.integer({ min: -0x8000, max: 0x7fff }).filter((v) => v !== 0), (version) => {
      const value = hexToBytes('0000 0000000000000001 0000000000000001 0000')
      value[0] = (version >> 8) & 0xff
      value[1] = version & 0xff
      const error = catchMm2Error(() => decodeCheckpoint(KEY, value))
      expect(error.code).toBe('MM2_DECODE_UNSUPPORTED_VERSION')
      expect(error.message).toBe(`Checkpoint value has version ${version} at position 0; this build reads versions 0..0.`)
      expect(error.context).toMatchObject({ group: 'g1', topic: 'A.orders', partition: 0, position: 0 })
    }))
  })

  it('rejects a null key and reports a tombstone with its key', () => {
    expect(catchMm2Error(() => decodeCheckpoint(null, null)).code).toBe('MM2_DECODE_INVALID')
    const error = catchMm2Error(() => decodeCheckpoint(KEY, null))
    expect(error.code).toBe('MM2_DECODE_TOMBSTONE')
    expect(error.context).toMatchObject({ group: 'g1', topic: 'A.orders', partition: 0 })
  })

  it.each([
    ['group', '8001', 0],
    ['topic', '0002 6731 ffff', 4],
    ['metadata', null, 18]
  ])('rejects a negative STRING length for %s at its position', (field, keyHex, position) => {
    const key = keyHex === null ? KEY : hexToBytes(keyHex)
    const value = hexToBytes('0000 0000000000000001 0000000000000001 ffff')
    const error = catchMm2Error(() => decodeCheckpoint(key, value))
    expect(error.code).toBe('MM2_DECODE_BAD_LENGTH')
    expect(error.message).toContain(`for ${field} at position ${position};`)
    expect(error.context).toMatchObject({ field, position })
  })

  it('rejects negative offsets and partitions', () => {
    expect(catchMm2Error(() => decodeCheckpoint(hexToBytes('0000 0000 80000000'), null)).message)
      .toBe('Checkpoint key has a negative partition -2147483648 at position 4; MM2 never writes one.')
    expect(catchMm2Error(() => decodeCheckpoint(KEY, hexToBytes('0000 fffffffffffffffe 0000000000000001 0000'))).message)
      .toBe('Checkpoint value has a negative upstreamOffset -2 at position 2 for group g1 on A.orders-0.')
    expect(catchMm2Error(() => decodeCheckpoint(KEY, hexToBytes('0000 0000000000000001 ffffffffffffffff 0000'))).code).toBe('MM2_DECODE_INVALID')
  })
})

describe('encodeCheckpoint validation', () => {
  const valid: Checkpoint = { consumerGroupId: 'g', topic: 'A.orders', partition: 0, upstreamOffset: 1n, downstreamOffset: 1n, metadata: '' }
  it.each([
    ['a negative partition', { ...valid, partition: -3 }, 'Checkpoint key cannot be encoded: partition must be non-negative (got -3).'],
    ['a negative upstream offset', { ...valid, upstreamOffset: -1n }, 'Checkpoint value cannot be encoded: upstreamOffset must be non-negative (got -1).'],
    ['a negative downstream offset', { ...valid, downstreamOffset: -1n },
      'Checkpoint value cannot be encoded: offset (downstreamOffset) must be non-negative (got -1).'],
    ['metadata over 32767 bytes', { ...valid, metadata: 'm'.repeat(32768) },
      'Checkpoint value cannot be encoded: metadata must be at most 32767 bytes of UTF-8 (got 32768).'],
    ['a group with a lone surrogate', { ...valid, consumerGroupId: '\uDC00' }, 'Checkpoint key cannot be encoded: group must be a well-formed string (it contains a lone surrogate).']
  ])('rejects %s with MM2_ENCODE_INVALID', (_name, cp, message) => {
    const error = catchMm2Error(() => encodeCheckpoint(cp))
    expect(error.code).toBe('MM2_ENCODE_INVALID')
    expect(error.message).toBe(message)
  })
})
