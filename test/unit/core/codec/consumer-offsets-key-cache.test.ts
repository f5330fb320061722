import { describe, expect, it } from 'vitest'
import { ConsumerOffsetsKeyCache } from '../../../../sidecar/src/core/codec/consumer-offsets-key-cache.ts'
import { encodeConsumerOffsetsKey, encodeOffsetCommitKey } from '../../../../sidecar/src/core/codec/consumer-offsets.ts'

/** `bytes` inside a larger buffer, as a record key lies in a fetch response. */
const embedded = (bytes: Uint8Array): { buffer: Uint8Array, start: number, end: number } => {
  const buffer = new Uint8Array(bytes.length + 7)
  buffer.set(bytes, 3)
  return { buffer, start: 3, end: 3 + bytes.length }
}

describe('ConsumerOffsetsKeyCache', () => {
  it('decodes an offset-commit key once and hands the same decoded key to later records with its bytes', () => {
    const cache = new ConsumerOffsetsKeyCache()
    const first = embedded(encodeOffsetCommitKey({ group: 'g', topic: 'orders', partition: 3 }))
    const again = embedded(encodeOffsetCommitKey({ group: 'g', topic: 'orders', partition: 3 }))
    const key = cache.decode(first.buffer, first.start, first.end)
    expect(key).toEqual({ kind: 'offset-commit', type: 1, group: 'g', topic: 'orders', partition: 3 })
    expect(cache.decode(again.buffer, again.start, again.end)).toBe(key)
    const other = embedded(encodeOffsetCommitKey({ group: 'g', topic: 'orders', partition: 4 }))
    expect(cache.decode(other.buffer, other.start, other.end)).toMatchObject({ partition: 4 })
    expect(cache.size).toBe(2)
    // The cache keeps its own copy: the response's bytes may be reused.
    first.buffer.fill(0)
    expect(cache.decode(again.buffer, again.start, again.end)).toBe(key)
  })

  it('matches keys byte for byte beyond ASCII and past 4 KiB, and keeps keys that differ in one high byte apart', () => {
    const cache = new ConsumerOffsetsKeyCache()
    const long = 'g'.repeat(9000) + 'ü'
    const groups = ['zürich-ä', 'zürich-ö', long, `${long}x`]
    const keys = groups.map((group) => {
      const bytes = encodeOffsetCommitKey({ group, topic: 'tøpic', partition: 1 })
      return cache.decode(bytes, 0, bytes.length)
    })
    expect(keys.map((key) => key.group)).toEqual(groups)
    for (const [index, group] of groups.entries()) {
      const bytes = embedded(encodeOffsetCommitKey({ group, topic: 'tøpic', partition: 1 }))
      expect(cache.decode(bytes.buffer, bytes.start, bytes.end)).toBe(keys[index])
    }
    expect(cache.size).toBe(4)
  })

  it('the keys of a group share its group and topic strings; a name no key uses is let go', () => {
    const cache = new ConsumerOffsetsKeyCache()
    const encoded = [0, 1, 2].map((partition) => encodeOffsetCommitKey({ group: 'payments', topic: 'orders', partition }))
    const keys = encoded.map((bytes) => cache.decode(bytes, 0, bytes.length))
    // Two names held for three keys (string identity itself is not observable from JavaScript).
    expect(cache.nameCount).toBe(2)
    expect(keys.map((key) => key.group)).toEqual(['payments', 'payments', 'payments'])
    for (const bytes of encoded.slice(0, 2)) cache.forget(bytes, 0, bytes.length)
    expect(cache.nameCount).toBe(2)
    cache.forget(encoded[2]!, 0, encoded[2]!.length)
    expect(cache.nameCount).toBe(0)
    expect(cache.size).toBe(0)
  })

  it('keeps keys apart whose bytes hash alike', () => {
    // Two group ids whose offset-commit keys collide under the cache's 32-bit FNV-1a hash (found by search).
    const [one, two] = ['grp-1tm6uje-4', 'grp-1uev8ee-328'].map((group) => encodeOffsetCommitKey({ group, topic: 't', partition: 0 }))
    const cache = new ConsumerOffsetsKeyCache()
    const first = cache.decode(one!, 0, one!.length)
    const second = cache.decode(two!, 0, two!.length)
    expect([first.group, second.group]).toEqual(['grp-1tm6uje-4', 'grp-1uev8ee-328'])
    expect(cache.decode(one!, 0, one!.length)).toBe(first)
    expect(cache.decode(two!, 0, two!.length)).toBe(second)
    // Forgetting either one of the chain keeps the other.
    cache.forget(one!, 0, one!.length)
    expect(cache.decode(two!, 0, two!.length)).toBe(second)
    expect(cache.size).toBe(1)
  })

  it('forgets a deleted key, and does not keep other record types', () => {
    const cache = new ConsumerOffsetsKeyCache()
    const bytes = encodeOffsetCommitKey({ group: 'g', topic: 't', partition: 0 })
    const key = cache.decode(bytes, 0, bytes.length)
    cache.forget(bytes, 0, bytes.length)
    expect(cache.size).toBe(0)
    expect(cache.decode(bytes, 0, bytes.length)).not.toBe(key)
    const metadata = encodeConsumerOffsetsKey({ kind: 'group-metadata', type: 2, name: 'GroupMetadata', group: 'g' })
    expect(cache.decode(metadata, 0, metadata.length)).toMatchObject({ kind: 'group-metadata', group: 'g' })
    expect(cache.size).toBe(1)
  })

  it('throws what the codec throws for a bad key, and caches nothing for it', () => {
    const cache = new ConsumerOffsetsKeyCache()
    const bytes = encodeOffsetCommitKey({ group: 'g', topic: 't', partition: 0 }).subarray(0, 6)
    expect(() => cache.decode(bytes, 0, bytes.length)).toThrow(expect.objectContaining({ code: 'MM2_DECODE_TRUNCATED' }))
    expect(() => cache.decode(Uint8Array.of(0, 99), 0, 2)).toThrow(expect.objectContaining({ code: 'MM2_DECODE_UNSUPPORTED_VERSION' }))
    expect(cache.size).toBe(0)
  })
})
