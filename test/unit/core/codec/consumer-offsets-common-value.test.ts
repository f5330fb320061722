// decodeCommonOffsetCommitValue, the catch-up's object-free read of an OffsetCommitValue, against
// decodeOffsetCommitValue as the oracle: whenever it says it read a value, it read exactly what the full
// decode reads (its INT64s as numbers, so only where they are safe integers); it never reads a value the
// full decode refuses; and it does read what brokers write (the captured records of real Kafka 3.9 and
// 4.1, and every version's common shape).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  decodeCommonOffsetCommitValue,
  decodeOffsetCommitValue,
  encodeOffsetCommitValue,
  type OffsetCommitFields
} from '../../../../sidecar/src/core/codec/consumer-offsets.ts'
import { OFFSET_COMMIT_VALUE_VERSIONS, anyOffsetCommitValue, mutated, offsetCommitValue } from './arbitraries.ts'
import { loadFixtures } from './fixtures.ts'

const utf8 = new TextEncoder()

/** `bytes` inside a larger buffer, as a record's value sits in a fetch response: other bytes before and after. */
const embedded = (bytes: Uint8Array, before: Uint8Array, after: Uint8Array): { buffer: Uint8Array, start: number, end: number } => {
  const buffer = new Uint8Array(before.length + bytes.length + after.length)
  buffer.set(before)
  buffer.set(bytes, before.length)
  buffer.set(after, before.length + bytes.length)
  return { buffer, start: before.length, end: before.length + bytes.length }
}

const scratch = (): OffsetCommitFields => ({ offset: -7, metadata: 'stale', commitTimestamp: -7 })

const isSafe = (value: bigint): boolean => value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)

/**
 * The oracle's answer as the fast read gives it (INT64s as numbers): the fields, 'unsafe' when an INT64 is
 * beyond what a number holds exactly (the fast read must leave that value to the full decode), or null when
 * it throws (only the codec's typed errors are expected).
 */
function fullDecode (bytes: Uint8Array): OffsetCommitFields | 'unsafe' | null {
  try {
    const { offset, metadata, commitTimestamp } = decodeOffsetCommitValue(bytes)
    if (!isSafe(offset) || !isSafe(commitTimestamp)) return 'unsafe'
    return { offset: Number(offset), metadata, commitTimestamp: Number(commitTimestamp) }
  } catch (error) {
    expect((error as { code?: string }).code).toMatch(/^MM2_DECODE_/)
    return null
  }
}

/** The property: read means read exactly as the oracle; refused by the oracle means not read. */
function agreesWithFullDecode (bytes: Uint8Array, before: Uint8Array, after: Uint8Array): boolean {
  const { buffer, start, end } = embedded(bytes, before, after)
  const out = scratch()
  const read = decodeCommonOffsetCommitValue(buffer, start, end, out)
  const expected = fullDecode(bytes)
  if (read) expect(out).toEqual(expected)
  if (expected === 'unsafe') expect(read).toBe(false)
  return read
}

const garbage = fc.uint8Array({ maxLength: 24 })

describe('decodeCommonOffsetCommitValue', () => {
  for (const version of OFFSET_COMMIT_VALUE_VERSIONS) {
    it(`reads every version ${version} value the full decode reads, the same, wherever it sits in the buffer`, () => {
      fc.assert(fc.property(offsetCommitValue(version), garbage, garbage, (value, before, after) => {
        const read = agreesWithFullDecode(encodeOffsetCommitValue(value), before, after)
        // The common shape is read (v4: metadata shorter than 127 bytes, its varint one byte; offset and commit
        // timestamp within 2^53); the rest goes to the full decode.
        const common = (version < 4 || utf8.encode(value.metadata).length < 127) && isSafe(value.offset) && isSafe(value.commitTimestamp)
        expect(read).toBe(common)
      }))
    })
  }

  it('never reads a mutation of a valid value differently from the full decode, nor one it refuses', () => {
    const mutation = anyOffsetCommitValue.chain((value) => mutated(encodeOffsetCommitValue(value)))
    fc.assert(fc.property(mutation, garbage, garbage, (bytes, before, after) => { agreesWithFullDecode(bytes, before, after) }), { numRuns: 2000 })
  })

  it('never reads random bytes differently from the full decode, nor ones it refuses', () => {
    const versioned = fc.tuple(fc.integer({ min: 0, max: 5 }), fc.uint8Array({ maxLength: 64 }))
      .map(([version, rest]) => Uint8Array.of(0, version, ...rest))
    fc.assert(fc.property(fc.oneof(versioned, fc.uint8Array({ maxLength: 64 })), garbage, garbage, (bytes, before, after) => {
      agreesWithFullDecode(bytes, before, after)
    }), { numRuns: 2000 })
  })

  it('reads v4 tagged fields as the full decode does: a topicId, unknown tags skipped, a topicId of another size refused', () => {
    const base = encodeOffsetCommitValue({ version: 4, offset: 42n, leaderEpoch: 3, metadata: 'm', commitTimestamp: 1700000000000n, expireTimestamp: -1n })
    const withTags = (tags: number[]): Uint8Array => Uint8Array.of(...base.subarray(0, base.length - 1), ...tags)
    const empty = new Uint8Array(0)
    expect(agreesWithFullDecode(withTags([1, 0, 16, ...new Array<number>(16).fill(9)]), empty, empty)).toBe(true)
    expect(agreesWithFullDecode(withTags([2, 5, 2, 1, 2, 0, 16, ...new Array<number>(16).fill(1)]), empty, empty)).toBe(true)
    expect(agreesWithFullDecode(withTags([1, 0, 4, 1, 2, 3, 4]), empty, empty)).toBe(false)
    expect(fullDecode(withTags([1, 0, 4, 1, 2, 3, 4]))).toBeNull()
    expect(agreesWithFullDecode(withTags([1, 7, 3, 1, 2]), empty, empty)).toBe(false) // runs past the end
  })

  it('reads an INT64 up to the edge of the safe integers and leaves the ones past it to the full decode', () => {
    const empty = new Uint8Array(0)
    const at = (offset: bigint, commitTimestamp: bigint): Uint8Array =>
      encodeOffsetCommitValue({ version: 3, offset, leaderEpoch: 0, metadata: '', commitTimestamp, expireTimestamp: -1n })
    const edge = BigInt(Number.MAX_SAFE_INTEGER)
    for (const safe of [edge, -edge, 0n, -1n, 2n ** 32n - 1n, 2n ** 32n, -(2n ** 32n)]) {
      expect(agreesWithFullDecode(at(safe, safe), empty, empty), String(safe)).toBe(true)
    }
    for (const unsafe of [edge + 1n, -edge - 1n, 2n ** 63n - 1n, -(2n ** 63n)]) {
      expect(agreesWithFullDecode(at(unsafe, 0n), empty, empty), `offset ${unsafe}`).toBe(false)
      expect(agreesWithFullDecode(at(0n, unsafe), empty, empty), `commitTimestamp ${unsafe}`).toBe(false)
    }
  })

  it('reads every offset commit captured from real brokers exactly as the full decode does', () => {
    const captured = loadFixtures('consumer-offsets').filter((fixture) => fixture.valueBytes !== null && fixture.expected !== undefined &&
      (fixture.expected as { kind?: string }).kind === 'offset-commit')
    expect(captured.length).toBeGreaterThan(0)
    for (const fixture of captured) {
      const value = fixture.valueBytes!
      const out = scratch()
      expect(decodeCommonOffsetCommitValue(value, 0, value.length, out), `${fixture.file}[${fixture.index}] ${fixture.description}`).toBe(true)
      expect(out).toEqual(fullDecode(value))
    }
  })
})
