// Decoded __consumer_offsets keys by their bytes. A catch-up reads each group-partition's commit key
// many times over (every commit of it repeats the same bytes), so an offset-commit key is decoded
// once, and later records with the same bytes get the same decoded key: no strings made again, and a
// group, topic and partition shared by every record of them. Other keys (group metadata, member
// records) are decoded each time and not kept: they are few, and a member id is seldom seen twice.
// The cache holds the keys of live commits only: a deletion (tombstone) forgets its key.
//
// An entry keeps its key's bytes as a one-byte string (each character one byte): a cached key is held
// for as long as its group-partition has a commit, and a string of 40 bytes costs 56 bytes of heap where
// a Uint8Array copy cost ~190 (the typed array and its ArrayBuffer objects). The keys of one group share
// its group and topic strings (counted, so a name no key uses any more is let go).
import { decodeConsumerOffsetsKey, type ConsumerOffsetsKey, type OffsetCommitKey } from './consumer-offsets.ts'

interface CachedKey {
  /** The key's bytes, one character a byte (latin1). */
  bytes: string
  key: OffsetCommitKey
  /** The next key whose bytes hash alike. */
  next: CachedKey | null
}

const OFFSET_COMMIT_TYPES = new Set([0, 1])

export class ConsumerOffsetsKeyCache {
  private readonly byHash = new Map<number, CachedKey>()
  /** Group and topic names of the cached keys, with how many keys use each. */
  private readonly names = new Map<string, { text: string, uses: number }>()
  private count = 0

  /** The decoded key of bytes[start, end); throws what decodeConsumerOffsetsKey throws. */
  decode (bytes: Uint8Array, start: number, end: number): ConsumerOffsetsKey {
    if (end - start < 2 || !OFFSET_COMMIT_TYPES.has((bytes[start]! << 8) | bytes[start + 1]!)) return decodeConsumerOffsetsKey(bytes.subarray(start, end))
    const hash = hashOf(bytes, start, end)
    for (let cached = this.byHash.get(hash) ?? null; cached !== null; cached = cached.next) {
      if (sameBytes(cached.bytes, bytes, start, end)) return cached.key
    }
    // A copy: a view (Buffer#slice is one) would keep the whole fetch response alive for each key.
    const own = oneByteString(bytes, start, end)
    const key = decodeConsumerOffsetsKey(bytes.subarray(start, end)) as OffsetCommitKey
    key.group = this.use(key.group)
    key.topic = this.use(key.topic)
    this.byHash.set(hash, { bytes: own, key, next: this.byHash.get(hash) ?? null })
    this.count++
    return key
  }

  /** Drops the key of bytes[start, end) (its offset was deleted). */
  forget (bytes: Uint8Array, start: number, end: number): void {
    const hash = hashOf(bytes, start, end)
    let previous: CachedKey | null = null
    for (let cached = this.byHash.get(hash) ?? null; cached !== null; previous = cached, cached = cached.next) {
      if (!sameBytes(cached.bytes, bytes, start, end)) continue
      if (previous === null) {
        if (cached.next === null) this.byHash.delete(hash)
        else this.byHash.set(hash, cached.next)
      } else previous.next = cached.next
      this.release(cached.key.group)
      this.release(cached.key.topic)
      this.count--
      return
    }
  }

  /** Keys held. */
  get size (): number {
    return this.count
  }

  /** Group and topic names held. */
  get nameCount (): number {
    return this.names.size
  }

  private use (text: string): string {
    const name = this.names.get(text)
    if (name === undefined) {
      this.names.set(text, { text, uses: 1 })
      return text
    }
    name.uses++
    return name.text
  }

  private release (text: string): void {
    const name = this.names.get(text)
    if (name !== undefined && --name.uses === 0) this.names.delete(text)
  }
}

/** FNV-1a, 32 bits, as a signed integer (a small integer to V8, where an unsigned one above 2^31 is a heap number). */
function hashOf (bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193)
  return hash | 0
}

/** bytes[start, end) as a string of one character a byte. */
function oneByteString (bytes: Uint8Array, start: number, end: number): string {
  const pieces: string[] = []
  // In slices: a call takes its arguments on the stack, and a key may be as long as a group id (32 KiB).
  for (let at = start; at < end; at += 4096) pieces.push(String.fromCharCode(...bytes.subarray(at, Math.min(end, at + 4096))))
  return pieces.join('')
}

function sameBytes (own: string, bytes: Uint8Array, start: number, end: number): boolean {
  if (own.length !== end - start) return false
  for (let i = 0; i < own.length; i++) if (own.charCodeAt(i) !== bytes[start + i]) return false
  return true
}
