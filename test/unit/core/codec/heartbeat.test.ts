import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeHeartbeat, encodeHeartbeat } from '../../../../sidecar/src/core/codec/heartbeat.ts'
import type { Heartbeat } from '../../../../sidecar/src/core/codec/heartbeat.ts'
import { anyInt64, kafkaString, maybeBytes, mutated, returnsOrThrowsDecodeError } from './arbitraries.ts'
import { catchMm2Error, describeFixtures, hexToBytes } from './fixtures.ts'

const heartbeat: fc.Arbitrary<Heartbeat> = fc.record({ sourceClusterAlias: kafkaString, targetClusterAlias: kafkaString, timestamp: anyInt64 })
const KEY = hexToBytes('0001 41 0001 42')

describeFixtures('heartbeat', {
  decode: decodeHeartbeat,
  encode: encodeHeartbeat
})

describe('Heartbeat round trip', () => {
  it('decode(encode(heartbeat)) == heartbeat, value always 10 bytes', () => {
    fc.assert(fc.property(heartbeat, (hb) => {
      const { key, value } = encodeHeartbeat(hb)
      expect(value.length).toBe(10)
      expect(decodeHeartbeat(key, value)).toEqual(hb)
    }))
  })

  it('encode(decode(bytes)) == bytes for every encoded heartbeat', () => {
    fc.assert(fc.property(heartbeat, (hb) => {
      const encoded = encodeHeartbeat(hb)
      expect(encodeHeartbeat(decodeHeartbeat(encoded.key, encoded.value))).toEqual(encoded)
    }))
  })
})

describe('Heartbeat malformed input', () => {
  it('never lets an untyped exception escape on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 32 }), maybeBytes,
      (key, value) => returnsOrThrowsDecodeError(() => decodeHeartbeat(key, value))), { numRuns: 2000 })
  })

  it('never lets an untyped exception escape on mutations of valid records', () => {
    const cases = heartbeat.chain((hb) => {
      const { key, value } = encodeHeartbeat(hb)
      return fc.tuple(mutated(key), mutated(value))
    })
    fc.assert(fc.property(cases, ([key, value]) => returnsOrThrowsDecodeError(() => decodeHeartbeat(key, value))), { numRuns: 1000 })
  })

  it('rejects an unknown version, a tombstone, a null key and a negative alias length', () => {
    expect(catchMm2Error(() => decodeHeartbeat(KEY, hexToBytes('ffff 0000000000000000'))).message)
      .toBe('Heartbeat value has version -1 at position 0; this build reads versions 0..0.')
    expect(catchMm2Error(() => decodeHeartbeat(KEY, null)).code).toBe('MM2_DECODE_TOMBSTONE')
    expect(catchMm2Error(() => decodeHeartbeat(null, hexToBytes('0000 0000000000000000'))).code).toBe('MM2_DECODE_INVALID')
    const error = catchMm2Error(() => decodeHeartbeat(hexToBytes('0001 41 ff00'), hexToBytes('0000 0000000000000000')))
    expect(error.code).toBe('MM2_DECODE_BAD_LENGTH')
    expect(error.message).toBe('Heartbeat key has a negative STRING length -256 for targetClusterAlias at position 3; expected 0..32767.')
  })

  it('keeps negative timestamps as they are (not range-checked)', () => {
    expect(decodeHeartbeat(KEY, hexToBytes('0000 ffffffffffffffff')).timestamp).toBe(-1n)
  })
})

describe('encodeHeartbeat validation', () => {
  it('rejects a timestamp outside INT64 and a non-bigint timestamp', () => {
    const error = catchMm2Error(() => encodeHeartbeat({ sourceClusterAlias: 'A', targetClusterAlias: 'B', timestamp: -(2n ** 63n) - 1n }))
    expect(error.code).toBe('MM2_ENCODE_INVALID')
    expect(error.message).toBe('Heartbeat value cannot be encoded: timestamp must be an INT64 bigint (got -9223372036854775809).')
    const wrongType = { sourceClusterAlias: 'A', targetClusterAlias: 'B', timestamp: 5 as unknown as bigint }
    expect(catchMm2Error(() => encodeHeartbeat(wrongType)).message).toBe('Heartbeat value cannot be encoded: timestamp must be an INT64 bigint (got 5).')
  })
})
