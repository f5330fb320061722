// Golden-bytes fixtures shared by the codec tests. It loads every `<record-type>.json` (and
// `<record-type>.<anything>.json`) under test/fixtures/mm2/, in any directory (annotated/ now,
// kafka-<version>/ captures from the lab later), so new captures are tested without touching a test.
// The format is documented in test/fixtures/mm2/README.md.

import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ERROR_CODES, Mm2FailbackError } from '../../../../sidecar/src/errors.ts'
import type { ErrorCode } from '../../../../sidecar/src/errors.ts'

export const FIXTURES_DIR = fileURLToPath(new URL('../../../fixtures/mm2/', import.meta.url))

/** One record of a fixture file, as written in JSON. */
export interface FixtureRecord {
  description: string
  /** Field-by-field annotation of the hex (free text). */
  grammar?: string
  /** Hex of the key; whitespace is ignored so fields can be grouped. */
  key: string
  /** Hex of the value, or null for a tombstone. */
  value: string | null
  /** The decoded record, with bigints as decimal strings; absent when expectedError is given. */
  expected?: unknown
  /** The error decoding must raise: its code and a substring of its message. */
  expectedError?: { code: ErrorCode, message?: string }
  /** False when re-encoding the decoded record cannot give the same bytes (trailing bytes, unknown tags, ...). Default true. */
  canonical?: boolean
  /** Free-form provenance for captures (cluster, topic, partition, offset, Kafka version). */
  source?: unknown
}

/** A fixture record with its file, position and bytes. */
export interface LoadedFixture extends FixtureRecord {
  file: string
  index: number
  keyBytes: Uint8Array
  valueBytes: Uint8Array | null
}

/** How a codec is driven by the fixture tests. */
export interface FixtureCodec<T> {
  decode: (key: Uint8Array | null, value: Uint8Array | null) => T
  /** Encodes a decoded record; a value of undefined means "value not re-encodable" (it is not compared). */
  encode: (decoded: T) => { key: Uint8Array, value: Uint8Array | null | undefined }
  /** False when the decoder does not read this record's value (so truncating it changes nothing). Default: always true. */
  decodesValue?: (decoded: T) => boolean
}

/** Parses hex, ignoring whitespace; throws on anything that is not an even number of hex digits. */
export function hexToBytes (hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '')
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(clean)) throw new Error(`not an even-length hex string: ${JSON.stringify(hex)}`)
  const bytes = new Uint8Array(clean.length / 2)
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(clean.slice(2 * i, 2 * i + 2), 16)
  return bytes
}

/** Lowercase hex without separators. */
export function bytesToHex (bytes: Uint8Array): string {
  let hex = ''
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0')
  return hex
}

/** The JSON view of a decoded record: bigints become decimal strings, undefined properties disappear. */
export function toJson (value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, item: unknown) => typeof item === 'bigint' ? item.toString() : item))
}

function listFixtureFiles (recordType: string, dir = FIXTURES_DIR): string[] {
  const files: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) files.push(...listFixtureFiles(recordType, path))
    else if (entry.name === `${recordType}.json` || (entry.name.startsWith(`${recordType}.`) && entry.name.endsWith('.json'))) files.push(path)
  }
  return files.sort()
}

/** Loads and validates every fixture record of `recordType` found under test/fixtures/mm2/. */
export function loadFixtures (recordType: string): LoadedFixture[] {
  const fixtures: LoadedFixture[] = []
  for (const path of listFixtureFiles(recordType)) {
    const file = relative(FIXTURES_DIR, path)
    const records: unknown = JSON.parse(readFileSync(path, 'utf8'))
    if (!Array.isArray(records)) throw new Error(`${file}: a fixture file must hold a JSON array of records`)
    records.forEach((raw: FixtureRecord, index) => {
      const where = `${file}[${index}]`
      if (typeof raw.description !== 'string' || raw.description === '') throw new Error(`${where}: description must be a non-empty string`)
      if (typeof raw.key !== 'string') throw new Error(`${where}: key must be a hex string`)
      if (raw.value !== null && typeof raw.value !== 'string') throw new Error(`${where}: value must be a hex string or null`)
      if ((raw.expected === undefined) === (raw.expectedError === undefined)) throw new Error(`${where}: give exactly one of expected and expectedError`)
      if (raw.expectedError !== undefined && !(raw.expectedError.code in ERROR_CODES)) throw new Error(`${where}: unknown error code ${raw.expectedError.code}`)
      fixtures.push({ ...raw, file, index, keyBytes: hexToBytes(raw.key), valueBytes: raw.value === null ? null : hexToBytes(raw.value) })
    })
  }
  return fixtures
}

/** Runs `fn` and returns the Mm2FailbackError it throws; fails the test if it returns or throws anything else. */
export function catchMm2Error (fn: () => unknown): Mm2FailbackError {
  let result: unknown
  try {
    result = fn()
  } catch (error) {
    if (error instanceof Mm2FailbackError) return error
    throw new Error(`expected an Mm2FailbackError, got ${String(error)}`, { cause: error })
  }
  throw new Error(`expected an Mm2FailbackError, but decoding returned ${JSON.stringify(toJson(result))}`)
}

/** Declares the golden-bytes tests of one record type: decode == expected, encode(decoded) == bytes, and every truncation fails typed. */
export function describeFixtures<T> (recordType: string, codec: FixtureCodec<T>): void {
  const fixtures = loadFixtures(recordType)

  describe(`golden bytes: ${recordType}`, () => {
    it('has fixtures', () => {
      expect(fixtures.length).toBeGreaterThan(0)
    })

    for (const fixture of fixtures) {
      const name = `${fixture.file}[${fixture.index}] ${fixture.description}`
      const expectedError = fixture.expectedError
      if (expectedError !== undefined) {
        it(`rejects ${name}`, () => {
          const error = catchMm2Error(() => codec.decode(fixture.keyBytes, fixture.valueBytes))
          expect(error.code).toBe(expectedError.code)
          if (expectedError.message !== undefined) expect(error.message).toContain(expectedError.message)
        })
        continue
      }

      it(`decodes ${name}`, () => {
        expect(toJson(codec.decode(fixture.keyBytes, fixture.valueBytes))).toEqual(fixture.expected)
      })

      if (fixture.canonical === false) continue

      it(`re-encodes ${name} to the same bytes`, () => {
        const encoded = codec.encode(codec.decode(fixture.keyBytes, fixture.valueBytes))
        expect(bytesToHex(encoded.key)).toBe(bytesToHex(fixture.keyBytes))
        if (encoded.value !== undefined) {
          expect(encoded.value === null ? null : bytesToHex(encoded.value)).toBe(fixture.valueBytes === null ? null : bytesToHex(fixture.valueBytes))
        }
      })

      it(`rejects every truncation of ${name}`, () => {
        const decoded = codec.decode(fixture.keyBytes, fixture.valueBytes)
        const cuts: Array<[Uint8Array, Uint8Array | null]> = []
        for (let length = 0; length < fixture.keyBytes.length; length++) cuts.push([fixture.keyBytes.subarray(0, length), fixture.valueBytes])
        if (fixture.valueBytes !== null && (codec.decodesValue?.(decoded) ?? true)) {
          for (let length = 0; length < fixture.valueBytes.length; length++) cuts.push([fixture.keyBytes, fixture.valueBytes.subarray(0, length)])
        }
        for (const [key, value] of cuts) {
          const error = catchMm2Error(() => codec.decode(key, value))
          expect(error.code).toBe('MM2_DECODE_TRUNCATED')
          expect(error.message).toMatch(/is truncated: needed \d+ bytes for .+ at position \d+, \d+ remain\.$/)
          expect(error.context.position).toBeTypeOf('number')
        }
      })
    }
  })
}
