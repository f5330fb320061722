import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  decodeHistoryRecord, encodeHistoryRecord, encodeProvenPairs, encodeSyncHistory, type ProvenPairsSnapshot, type SyncHistorySnapshot
} from '../../../../sidecar/src/core/codec/sync-history.ts'
import { Mm2FailbackError } from '../../../../sidecar/src/errors.ts'

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'))

const snapshot: SyncHistorySnapshot = {
  sourceClusterAlias: 'A',
  targetClusterAlias: 'B',
  topic: 'orders',
  partition: 3,
  syncs: [{ upstreamOffset: 10n, downstreamOffset: 7n }, { upstreamOffset: 20n, downstreamOffset: 17n }]
}

const proven: ProvenPairsSnapshot = {
  sourceClusterAlias: 'A',
  targetClusterAlias: 'B',
  topic: 'orders',
  partition: 3,
  pairs: [{ upstreamOffset: 10n, downstreamOffset: 7n }, { upstreamOffset: 20n, downstreamOffset: 17n }]
}

function codeOf (fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(Mm2FailbackError)
    return (error as Mm2FailbackError).code
  }
  throw new Error('expected an error')
}

/** Pairs increasing by the given steps from 0 (strictly on a side whose steps are at least 1). */
const increasing = (steps: ReadonlyArray<[bigint, bigint]>): Array<{ upstreamOffset: bigint, downstreamOffset: bigint }> => {
  let u = 0n
  let d = 0n
  return steps.map(([du, dd]) => { u += du; d += dd; return { upstreamOffset: u, downstreamOffset: d } })
}

describe('SyncHistory snapshot codec (kind 0: the index\'s syncs)', () => {
  it('encodes the documented grammar (golden bytes)', () => {
    const { key, value } = encodeSyncHistory(snapshot)
    // version 0 | "A" | "B" | "orders" | partition 3
    expect(hex(key)).toBe('0000' + '000141' + '000142' + '00066f7264657273' + '00000003')
    // version 0 | count 2 | (10, 7) | (20, 17)
    expect(hex(value)).toBe('0000' + '00000002' + '000000000000000a' + '0000000000000007' + '0000000000000014' + '0000000000000011')
    expect(decodeHistoryRecord(key, value)).toEqual({ kind: 'syncs', ...snapshot })
    expect(encodeHistoryRecord({ kind: 'syncs', ...snapshot })).toEqual({ key, value })
  })

  it('round-trips any increasing history (property)', () => {
    fc.assert(fc.property(
      fc.string({ minLength: 1, maxLength: 20 }), fc.nat(1000),
      fc.array(fc.tuple(fc.bigInt({ min: 0n, max: 1000n }), fc.bigInt({ min: 1n, max: 1000n })), { maxLength: 50 }),
      (topic, partition, steps) => {
        const value = { sourceClusterAlias: 'east', targetClusterAlias: 'west', topic, partition, syncs: increasing(steps) }
        const encoded = encodeSyncHistory(value)
        expect(decodeHistoryRecord(encoded.key, encoded.value)).toEqual({ kind: 'syncs', ...value })
      }))
  })

  it('rejects tombstones, unknown versions, truncation, lying counts and non-increasing syncs with typed errors', () => {
    const { key, value } = encodeSyncHistory(snapshot)
    expect(codeOf(() => decodeHistoryRecord(key, null))).toBe('MM2_DECODE_TOMBSTONE')
    expect(codeOf(() => decodeHistoryRecord(null, value))).toBe('MM2_DECODE_INVALID')
    expect(codeOf(() => decodeHistoryRecord(bytes('0002'), value))).toBe('MM2_DECODE_UNSUPPORTED_VERSION')
    expect(codeOf(() => decodeHistoryRecord(bytes('ffff'), value))).toBe('MM2_DECODE_UNSUPPORTED_VERSION')
    expect(codeOf(() => decodeHistoryRecord(key, bytes('0001 00000000')))).toBe('MM2_DECODE_UNSUPPORTED_VERSION')
    expect(codeOf(() => decodeHistoryRecord(key, value.slice(0, value.length - 1)))).toBe('MM2_DECODE_TRUNCATED')
    expect(codeOf(() => decodeHistoryRecord(key, bytes('0000 7fffffff')))).toBe('MM2_DECODE_TRUNCATED')
    const syncs = [{ upstreamOffset: 20n, downstreamOffset: 17n }, { upstreamOffset: 10n, downstreamOffset: 18n }]
    const backwards = encodeSyncHistory({ ...snapshot, syncs })
    expect(codeOf(() => decodeHistoryRecord(backwards.key, backwards.value))).toBe('MM2_DECODE_INVALID')
    for (let cut = 0; cut < key.length; cut++) expect(codeOf(() => decodeHistoryRecord(key.slice(0, cut), value))).toBe('MM2_DECODE_TRUNCATED')
  })

  it('accepts a repeated upstream offset (MM2 re-delivered), not a repeated downstream one', () => {
    const syncs = (...list: Array<[bigint, bigint]>): SyncHistorySnapshot['syncs'] => list.map(([u, d]) => ({ upstreamOffset: u, downstreamOffset: d }))
    const repeatedUp = encodeSyncHistory({ ...snapshot, syncs: syncs([10n, 7n], [10n, 8n]) })
    expect(decodeHistoryRecord(repeatedUp.key, repeatedUp.value)).toMatchObject({ kind: 'syncs', syncs: [{ upstreamOffset: 10n }, { upstreamOffset: 10n }] })
    const repeatedDown = encodeSyncHistory({ ...snapshot, syncs: syncs([10n, 7n], [11n, 7n]) })
    expect(codeOf(() => decodeHistoryRecord(repeatedDown.key, repeatedDown.value))).toBe('MM2_DECODE_INVALID')
  })
})

describe('SyncHistory proven-pair codec (kind 1: the pairs the sidecar proved)', () => {
  it('encodes the documented grammar: key version 1, the value layout of kind 0 (golden bytes)', () => {
    const { key, value } = encodeProvenPairs(proven)
    // version 1 | "A" | "B" | "orders" | partition 3
    expect(hex(key)).toBe('0001' + '000141' + '000142' + '00066f7264657273' + '00000003')
    // version 0 | count 2 | (10, 7) | (20, 17)
    expect(hex(value)).toBe('0000' + '00000002' + '000000000000000a' + '0000000000000007' + '0000000000000014' + '0000000000000011')
    expect(decodeHistoryRecord(key, value)).toEqual({ kind: 'proven-pairs', ...proven })
    expect(encodeHistoryRecord({ kind: 'proven-pairs', ...proven })).toEqual({ key, value })
    // Only the key's version tells the kinds apart: the same key fields, a different compacted key.
    expect(hex(key)).not.toBe(hex(encodeSyncHistory(snapshot).key))
  })

  it('an empty snapshot (every pair of the partition dropped) is one too', () => {
    const { key, value } = encodeProvenPairs({ ...proven, pairs: [] })
    expect(hex(value)).toBe('0000' + '00000000')
    expect(decodeHistoryRecord(key, value)).toEqual({ kind: 'proven-pairs', ...proven, pairs: [] })
  })

  it('round-trips any pairs strictly increasing on both sides (property)', () => {
    fc.assert(fc.property(
      fc.string({ minLength: 1, maxLength: 20 }), fc.nat(1000),
      fc.array(fc.tuple(fc.bigInt({ min: 1n, max: 1000n }), fc.bigInt({ min: 1n, max: 1000n })), { maxLength: 64 }),
      (topic, partition, steps) => {
        const value = { sourceClusterAlias: 'east', targetClusterAlias: 'west', topic, partition, pairs: increasing(steps) }
        const encoded = encodeProvenPairs(value)
        expect(decodeHistoryRecord(encoded.key, encoded.value)).toEqual({ kind: 'proven-pairs', ...value })
      }))
  })

  it('rejects tombstones, unknown value versions, truncation, lying counts, negative and non-increasing pairs with typed errors', () => {
    const { key, value } = encodeProvenPairs(proven)
    expect(codeOf(() => decodeHistoryRecord(key, null))).toBe('MM2_DECODE_TOMBSTONE')
    expect(codeOf(() => decodeHistoryRecord(key, bytes('0001 00000000')))).toBe('MM2_DECODE_UNSUPPORTED_VERSION')
    expect(codeOf(() => decodeHistoryRecord(key, value.slice(0, value.length - 1)))).toBe('MM2_DECODE_TRUNCATED')
    expect(codeOf(() => decodeHistoryRecord(key, value.slice(0, 4)))).toBe('MM2_DECODE_TRUNCATED')
    expect(codeOf(() => decodeHistoryRecord(key, bytes('0000 00000003' + hex(value).slice(12))))).toBe('MM2_DECODE_TRUNCATED')
    expect(codeOf(() => decodeHistoryRecord(key, bytes('0000 ffffffff')))).toBe('MM2_DECODE_TRUNCATED')
    expect(codeOf(() => decodeHistoryRecord(key, new Uint8Array(6 + 16 * 1_000_000 + 1)))).toBe('MM2_DECODE_OVERSIZED')
    for (let cut = 0; cut < key.length; cut++) expect(codeOf(() => decodeHistoryRecord(key.slice(0, cut), value))).toBe('MM2_DECODE_TRUNCATED')
    const invalid: Array<ProvenPairsSnapshot['pairs']> = [
      // The same upstream offset twice: a sync may, a proven pair may not.
      [{ upstreamOffset: 10n, downstreamOffset: 7n }, { upstreamOffset: 10n, downstreamOffset: 8n }],
      [{ upstreamOffset: 10n, downstreamOffset: 7n }, { upstreamOffset: 11n, downstreamOffset: 7n }],
      [{ upstreamOffset: 20n, downstreamOffset: 17n }, { upstreamOffset: 10n, downstreamOffset: 18n }],
      [{ upstreamOffset: 10n, downstreamOffset: 17n }, { upstreamOffset: 20n, downstreamOffset: 7n }],
      [{ upstreamOffset: -1n, downstreamOffset: 7n }],
      [{ upstreamOffset: 1n, downstreamOffset: -7n }]
    ]
    for (const pairs of invalid) {
      const encoded = encodeProvenPairs({ ...proven, pairs })
      expect(codeOf(() => decodeHistoryRecord(encoded.key, encoded.value)), JSON.stringify(pairs, (_k, v: unknown) => typeof v === 'bigint' ? `${v}` : v))
        .toBe('MM2_DECODE_INVALID')
    }
  })

  it('names the kind in its errors', () => {
    const { key } = encodeProvenPairs(proven)
    expect(() => decodeHistoryRecord(key, null)).toThrow(/ProvenPairs value is null \(a tombstone\) for A->B orders-3/)
    const repeated = encodeProvenPairs({ ...proven, pairs: [{ upstreamOffset: 10n, downstreamOffset: 7n }, { upstreamOffset: 10n, downstreamOffset: 8n }] })
    expect(() => decodeHistoryRecord(repeated.key, repeated.value)).toThrow(/ProvenPairs value pair 1 \(10 -> 8\).*strictly increasing on both sides/)
  })
})

describe('History records, either kind', () => {
  it('decoding random bytes never throws anything but a typed error (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }), (key, value) => {
      try {
        decodeHistoryRecord(key, value)
      } catch (error) {
        expect(error).toBeInstanceOf(Mm2FailbackError)
        expect((error as Mm2FailbackError).code).toMatch(/^MM2_DECODE_/)
      }
    }))
  })

  it('random bytes behind either key version never throw anything but a typed error (property)', () => {
    const keys = [encodeSyncHistory(snapshot).key, encodeProvenPairs(proven).key]
    fc.assert(fc.property(fc.constantFrom(...keys), fc.uint8Array({ maxLength: 80 }), (key, value) => {
      try {
        decodeHistoryRecord(key, value)
      } catch (error) {
        expect(error).toBeInstanceOf(Mm2FailbackError)
        expect((error as Mm2FailbackError).code).toMatch(/^MM2_DECODE_/)
      }
    }))
  })
})
