// FlowSyncIndex.ingestEncoded (the ingest hot path) against the general path it replaces,
// appendSync(decodeOffsetSync(key, value)); ByteKeyMap, its key cache; and the lazily replayed MM2
// shadows against the reference store after every append.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeOffsetSync, encodeOffsetSync, readOffsetSyncOffsets } from '../../../../sidecar/src/core/codec/offset-sync.ts'
import { ByteKeyMap } from '../../../../sidecar/src/core/translation/byte-key-map.ts'
import { FlowSyncIndex } from '../../../../sidecar/src/core/translation/flow-sync-index.ts'
import { PartitionSyncHistory } from '../../../../sidecar/src/core/translation/partition-sync-history.ts'
import { isMm2FailbackError } from '../../../../sidecar/src/errors.ts'
import { Mm2OffsetSyncStore } from './mm2-offset-sync-store.ts'

type Result = { outcome: string } | { code: string, message: string, context: unknown }

function run (call: () => string): Result {
  try {
    return { outcome: call() }
  } catch (error) {
    if (!isMm2FailbackError(error)) throw error
    return { code: error.code, message: error.message, context: error.context }
  }
}

const KEYS = [
  encodeOffsetSync({ topic: 'orders', partition: 0, upstreamOffset: 0n, downstreamOffset: 0n }).key,
  encodeOffsetSync({ topic: 'orders', partition: 1, upstreamOffset: 0n, downstreamOffset: 0n }).key,
  encodeOffsetSync({ topic: 'payments', partition: 0, upstreamOffset: 0n, downstreamOffset: 0n }).key
]

function int64 (value: bigint): Uint8Array {
  const bytes = new Uint8Array(8)
  new DataView(bytes.buffer).setBigInt64(0, value)
  return bytes
}

const offset = fc.oneof(
  { weight: 8, arbitrary: fc.bigInt({ min: 0n, max: 5000n }) },
  { weight: 1, arbitrary: fc.constantFrom(-1n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 63n - 1n, -(2n ** 63n)) }
)

// Mostly good keys (also copied, with trailing bytes, or as fresh buffers), sometimes broken bytes.
const key: fc.Arbitrary<Uint8Array | null> = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...KEYS).map((k) => k.slice()) },
  { weight: 1, arbitrary: fc.constantFrom(...KEYS).map((k) => Uint8Array.of(...k, 7)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constant(null) }
)

const value: fc.Arbitrary<Uint8Array | null> = fc.oneof(
  { weight: 12, arbitrary: fc.tuple(offset, offset).map(([u, d]) => Uint8Array.of(...int64(u), ...int64(d))) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constant(null) }
)

describe('FlowSyncIndex.ingestEncoded', () => {
  it('gives the same outcomes, errors and state as appendSync(decodeOffsetSync(key, value))', () => {
    fc.assert(fc.property(fc.array(fc.tuple(key, value), { maxLength: 400 }), (records) => {
      const fast = new FlowSyncIndex('A', 'B', { denseSyncs: 4 })
      const general = new FlowSyncIndex('A', 'B', { denseSyncs: 4 })
      for (const [k, v] of records) {
        expect(run(() => fast.ingestEncoded(k, v))).toEqual(run(() => general.appendSync(decodeOffsetSync(k, v))))
      }
      const state = (flow: FlowSyncIndex): unknown[] => [...flow.histories()].map((h) =>
        [h.topic, h.partition, h.epoch, [...h.syncs()], h.mm2Slots('forward'), h.mm2Slots('reverse'), { ...h.stats }])
      expect(state(fast)).toEqual(state(general))
    }), { numRuns: 300 })
  })

  it('does not depend on the caller keeping the key buffer: it keeps a copy', () => {
    const flow = new FlowSyncIndex('A', 'B')
    const buffer = KEYS[0]!.slice()
    const sync = (u: bigint): Uint8Array => encodeOffsetSync({ topic: 'orders', partition: 0, upstreamOffset: u, downstreamOffset: u }).value
    expect(flow.ingestEncoded(buffer, sync(1n))).toBe('appended')
    buffer.set(KEYS[1]!)
    expect(flow.ingestEncoded(buffer, sync(1n))).toBe('appended')
    expect(flow.find('orders', 0)?.size).toBe(1)
    expect(flow.find('orders', 1)?.size).toBe(1)
  })
})

describe('readOffsetSyncOffsets', () => {
  it('reads exactly what decodeOffsetSync reads, or declines', () => {
    fc.assert(fc.property(value, (v) => {
      const out = new Float64Array(2)
      let decoded
      try {
        decoded = decodeOffsetSync(KEYS[0]!, v)
      } catch {
        decoded = undefined
      }
      const safe = decoded !== undefined && decoded.upstreamOffset < 2n ** 53n && decoded.downstreamOffset < 2n ** 53n
      expect(readOffsetSyncOffsets(v, out)).toBe(safe)
      if (safe) expect([BigInt(out[0]!), BigInt(out[1]!)]).toEqual([decoded!.upstreamOffset, decoded!.downstreamOffset])
    }), { numRuns: 500 })
  })
})

describe('ByteKeyMap', () => {
  it('behaves as a Map keyed by the bytes', () => {
    const bytes = fc.uint8Array({ maxLength: 24 })
    fc.assert(fc.property(fc.array(fc.tuple(fc.boolean(), bytes, fc.nat()), { maxLength: 300 }), (operations) => {
      const map = new ByteKeyMap<number>()
      const reference = new Map<string, number>()
      for (const [isSet, key, v] of operations) {
        const name = Buffer.from(key).toString('hex')
        if (isSet) {
          map.set(key, v)
          reference.set(name, v)
        }
        expect(map.get(key)).toBe(reference.get(name))
        expect(map.size).toBe(reference.size)
      }
      map.clear()
      for (const [, key] of operations) expect(map.get(key)).toBeUndefined()
    }), { numRuns: 200 })
  })
})

describe('lazily replayed MM2 shadows', () => {
  it('match the reference store after every append, with thinning and pruning in between', () => {
    const step = fc.tuple(fc.nat({ max: 300 }), fc.integer({ min: 1, max: 300 }), fc.nat({ max: 9 }))
    fc.assert(fc.property(fc.array(step, { minLength: 1, maxLength: 300 }), fc.integer({ min: 1, max: 8 }), (steps, denseSyncs) => {
      const history = new PartitionSyncHistory('t', 0, { denseSyncs })
      const forward = new Mm2OffsetSyncStore()
      const reverse = new Mm2OffsetSyncStore()
      let u = 0
      let d = 0
      for (const [du, dd, action] of steps) {
        u += du
        d += dd
        history.appendOffsets(u, d)
        forward.sync(BigInt(u), BigInt(d))
        reverse.sync(BigInt(d), BigInt(u))
        if (action === 0) history.thin()
        if (action === 1 || action === 2) {
          expect(history.mm2Slots('forward')).toEqual(forward.slots())
          expect(history.mm2Slots('reverse')).toEqual(reverse.slots().map((s) => ({ upstreamOffset: s.downstreamOffset, downstreamOffset: s.upstreamOffset })))
        }
      }
      expect(history.mm2Slots('forward')).toEqual(forward.slots())
    }), { numRuns: 200 })
  })

  it('appendOffsets rejects numbers that are not offsets, as an invalid record', () => {
    const history = new PartitionSyncHistory('t', 0)
    for (const bad of [-1, 0.5, Number.NaN, 2 ** 53]) {
      expect(() => history.appendOffsets(bad, 1)).toThrow(expect.objectContaining({ code: 'MM2_DECODE_INVALID' }))
      expect(() => history.appendOffsets(1, bad)).toThrow(expect.objectContaining({ code: 'MM2_DECODE_INVALID' }))
    }
    expect(history.size).toBe(0)
  })
})
