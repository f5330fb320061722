// A small hash map from byte strings to values, for the ingest hot path: an OffsetSync key (topic
// STRING + partition INT32) maps straight to its partition history, so the topic is decoded into a
// string, and looked up by string, only the first time a key is seen. Keys are compared byte for
// byte (never by hash alone) and copied into one arena, because the caller's buffers belong to a
// fetch response that is reused or freed. Open addressing with linear probing over Int32Arrays:
// no object and no string per lookup. The map grows without bound; its owner bounds it (clear()).

const EMPTY = 0
const MIN_SLOTS = 64
const MIN_ARENA = 1024

/**
 * A 32-bit hash of bytes[start, end): four bytes per multiply (keys are short, and this runs once per
 * record), then murmur3's finaliser so that every input bit reaches the low bits used as slot index.
 */
export function hashBytes (bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5 ^ (end - start)
  let i = start
  for (; i + 4 <= end; i += 4) {
    const word = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)
    hash = Math.imul(hash ^ word, 0x9e3779b1)
    hash = (hash << 13) | (hash >>> 19)
  }
  for (; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193)
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b)
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35)
  return hash ^ (hash >>> 16)
}

/** Byte strings -> values (see the file comment). */
export class ByteKeyMap<V> {
  // slot -> entry index + 1 (EMPTY when free); its length is a power of two, at least 2x the entries
  private slots: Int32Array
  // per entry: its hash, and its bytes at arena[starts[e], starts[e + 1])
  private hashes: Int32Array
  private starts: Int32Array
  private arena: Uint8Array
  private values: V[]
  private count: number

  constructor () {
    this.slots = new Int32Array(MIN_SLOTS)
    this.hashes = new Int32Array(MIN_SLOTS / 2)
    this.starts = new Int32Array(MIN_SLOTS / 2 + 1)
    this.arena = new Uint8Array(MIN_ARENA)
    this.values = []
    this.count = 0
  }

  /** Number of keys held. */
  get size (): number {
    return this.count
  }

  /** The value stored for exactly these bytes, or undefined. */
  get (key: Uint8Array): V | undefined {
    const entry = this.find(key, hashBytes(key, 0, key.length))
    return entry < 0 ? undefined : this.values[entry]
  }

  /** Stores `value` for a copy of `key`'s bytes (replacing any value already stored for them). */
  set (key: Uint8Array, value: V): void {
    const hash = hashBytes(key, 0, key.length)
    const existing = this.find(key, hash)
    if (existing >= 0) {
      this.values[existing] = value
      return
    }
    if (2 * (this.count + 1) > this.slots.length) this.growSlots()
    this.addEntry(key, hash, value)
  }

  /** Forgets every key. */
  clear (): void {
    this.slots = new Int32Array(MIN_SLOTS)
    this.hashes = new Int32Array(MIN_SLOTS / 2)
    this.starts = new Int32Array(MIN_SLOTS / 2 + 1)
    this.arena = new Uint8Array(MIN_ARENA)
    this.values = []
    this.count = 0
  }

  // The entry holding exactly `key`'s bytes, or -1.
  private find (key: Uint8Array, hash: number): number {
    const slots = this.slots
    const mask = slots.length - 1
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot]! - 1
      if (entry < 0) return -1
      if (this.hashes[entry] === hash && this.holds(entry, key)) return entry
    }
  }

  private holds (entry: number, key: Uint8Array): boolean {
    const start = this.starts[entry]!
    const length = key.length
    if (this.starts[entry + 1]! - start !== length) return false
    const arena = this.arena
    for (let i = 0; i < length; i++) if (arena[start + i] !== key[i]) return false
    return true
  }

  private addEntry (key: Uint8Array, hash: number, value: V): void {
    const entry = this.count
    if (entry === this.hashes.length) {
      this.hashes = grown(this.hashes, 2 * entry)
      this.starts = grown(this.starts, 2 * entry + 1)
    }
    const start = this.starts[entry]!
    if (start + key.length > this.arena.length) {
      const arena = new Uint8Array(Math.max(2 * this.arena.length, start + key.length))
      arena.set(this.arena.subarray(0, start))
      this.arena = arena
    }
    this.arena.set(key, start)
    this.starts[entry + 1] = start + key.length
    this.hashes[entry] = hash
    this.values.push(value)
    this.count++
    this.place(entry, hash)
  }

  private place (entry: number, hash: number): void {
    const slots = this.slots
    const mask = slots.length - 1
    let slot = hash & mask
    while (slots[slot] !== EMPTY) slot = (slot + 1) & mask
    slots[slot] = entry + 1
  }

  private growSlots (): void {
    this.slots = new Int32Array(2 * this.slots.length)
    for (let entry = 0; entry < this.count; entry++) this.place(entry, this.hashes[entry]!)
  }
}

function grown (array: Int32Array, length: number): Int32Array {
  const copy = new Int32Array(length)
  copy.set(array)
  return copy
}
