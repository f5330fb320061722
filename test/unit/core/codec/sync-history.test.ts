import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeSyncHistory, encodeSyncHistory, type SyncHistorySnapshot } from '../../../../sidecar/src/core/codec/sync-history.ts'
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

function codeOf (fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(Mm2FailbackError)
    return (error as Mm2FailbackError).code
  }
  throw new Error('expected an error')
}

describe('SyncHistory snapshot codec', () => {
  it('encodes the documented grammar (golden bytes)', () => {
    const { key, value } = encodeSyncHistory(snapshot)
    // version 0 | "A" | "B" | "orders" | partition 3
    expect(hex(key)).toBe('0000' + '000141' + '000142' + '00066f7264657273' + '00000003')
    // version 0 | count 2 | (10, 7) | (20, 17)
    expect(hex(value)).toBe('0000' + '00000002' + '000000000000000a' + '0000000000000007' + '0000000000000014' + '0000000000000011')
    expect(decodeSyncHistory(key, value)).toEqual(snapshot)
  })

  it('round-trips any increasing history (property)', () => {
    fc.assert(fc.property(
      fc.string({ minLength: 1, maxLength: 20 }), fc.nat(1000),
      fc.array(fc.tuple(fc.bigInt({ min: 0n, max: 1000n }), fc.bigInt({ min: 1n, max: 1000n })), { maxLength: 50 }),
      (topic, partition, steps) => {
        let u = 0n
        let d = 0n
        const syncs = steps.map(([du, dd]) => { u += du; d += dd; return { upstreamOffset: u, downstreamOffset: d } })
        const value = { sourceClusterAlias: 'east', targetClusterAlias: 'west', topic, partition, syncs }
        const encoded = encodeSyncHistory(value)
        expect(decodeSyncHistory(encoded.key, encoded.value)).toEqual(value)
      }))
  })

  it('rejects tombstones, unknown versions, truncation, lying counts and non-increasing syncs with typed errors', () => {
    const { key, value } = encodeSyncHistory(snapshot)
    expect(codeOf(() => decodeSyncHistory(key, null))).toBe('MM2_DECODE_TOMBSTONE')
    expect(codeOf(() => decodeSyncHistory(null, value))).toBe('MM2_DECODE_INVALID')
    expect(codeOf(() => decodeSyncHistory(bytes('0001'), value))).toBe('MM2_DECODE_UNSUPPORTED_VERSION')
    expect(codeOf(() => decodeSyncHistory(key, bytes('0001 00000000')))).toBe('MM2_DECODE_UNSUPPORTED_VERSION')
    expect(codeOf(() => decodeSyncHistory(key, value.slice(0, value.length - 1)))).toBe('MM2_DECODE_TRUNCATED')
    expect(codeOf(() => decodeSyncHistory(key, bytes('0000 7fffffff')))).toBe('MM2_DECODE_TRUNCATED')
    const syncs = [{ upstreamOffset: 20n, downstreamOffset: 17n }, { upstreamOffset: 10n, downstreamOffset: 18n }]
    const backwards = encodeSyncHistory({ ...snapshot, syncs })
    expect(codeOf(() => decodeSyncHistory(backwards.key, backwards.value))).toBe('MM2_DECODE_INVALID')
    for (let cut = 0; cut < key.length; cut++) expect(codeOf(() => decodeSyncHistory(key.slice(0, cut), value))).toBe('MM2_DECODE_TRUNCATED')
  })

  it('decoding random bytes never throws anything but a typed error (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }), (key, value) => {
      try {
        decodeSyncHistory(key, value)
      } catch (error) {
        expect(error).toBeInstanceOf(Mm2FailbackError)
        expect((error as Mm2FailbackError).code).toMatch(/^MM2_DECODE_/)
      }
    }))
  })
})
