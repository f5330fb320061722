// The records of one partition in a Fetch response, read straight from the bytes the broker sent
// (record batch format v2, the only one since Kafka 0.11): a catch-up of __consumer_offsets reads a
// million records, and turning each into objects (a record, key and value buffers, headers, an offset)
// made garbage that grew the heap by hundreds of MB (docs/design.md §2.7). So a record set hands its
// records to a visitor through one reused view of their bytes; only a reader that keeps records asks
// for objects (toRecord()). Control batches are left out, and so are aborted transactions unless the
// reader asks to see them flagged (the exact proofs do; transaction-filter.ts); compressed batches are
// inflated first. A batch that cannot be read is reported with its offset and
// skipped, and never stops the batches after it: the position moves past it all the same.
import { compressionsAlgorithmsByBitmask } from '@platformatic/kafka'
import { Mm2FailbackError } from '../errors.ts'
import { TransactionFilter, type AbortedTransaction } from './transaction-filter.ts'

/** A record as an object: absolute offset and timestamp. */
export interface FetchedRecord {
  offset: bigint
  timestamp: bigint
  key: Uint8Array | null
  value: Uint8Array | null
  headers: Array<[Uint8Array | null, Uint8Array | null]>
  /** Set on a record of an aborted transaction, for a reader that keeps those (RawRecordSet's keepAborted). */
  aborted?: boolean
}

/** One record's bytes, valid only during the visit: the view is reused for the next record. */
export interface RecordView {
  /** The bytes the key lies in, [keyStart, keyEnd); null for a null key. */
  keyBytes: Uint8Array | null
  keyStart: number
  keyEnd: number
  /** The bytes the value lies in, [valueStart, valueEnd); null for a null value (a tombstone). */
  valueBytes: Uint8Array | null
  valueStart: number
  valueEnd: number
  /** True for a record of an aborted transaction (visited only when the set keeps those). */
  aborted: boolean
  offset: () => bigint
  /** The record as an object (key and value are views of the response, not copies). */
  toRecord: () => FetchedRecord
}

/** Reports a batch (or the rest of one) that could not be read, with the offset it starts at. */
export type OnMalformed = (offset: bigint, error: Mm2FailbackError) => void

export interface RecordSet {
  /** Where the next fetch of the partition starts: one past the last whole batch, whatever it held. */
  readonly nextOffset: bigint
  /** Visits each data record at or after the fetch offset, in offset order. */
  forEach: (visit: (record: RecordView) => void, onMalformed: OnMalformed) => void
}

/** The records of a set as objects. */
export function recordsOf (set: RecordSet, onMalformed: OnMalformed): FetchedRecord[] {
  const records: FetchedRecord[] = []
  set.forEach((view) => { records.push(view.toRecord()) }, onMalformed)
  return records
}

// Record batch v2 header, positions from the batch's first byte (DefaultRecordBatch.java).
const LENGTH_AT = 8
const LOG_OVERHEAD = 12
const MAGIC_AT = 16
const ATTRIBUTES_AT = 21
const LAST_OFFSET_DELTA_AT = 23
const BASE_TIMESTAMP_AT = 27
const PRODUCER_ID_AT = 43
const RECORD_COUNT_AT = 57
const RECORDS_AT = 61
const COMPRESSION_MASK = 0x07

/** The records of one partition's record set bytes (COMPACT_RECORDS of a Fetch response), read from `fromOffset`. */
export class RawRecordSet implements RecordSet {
  readonly nextOffset: bigint
  private readonly bytes: Buffer
  private readonly fromOffset: bigint
  private readonly aborted: readonly AbortedTransaction[] | null
  private readonly keepAborted: boolean

  /** `keepAborted`: visit the records of aborted transactions too, with `aborted` set. */
  constructor (bytes: Buffer, fromOffset: bigint, aborted: readonly AbortedTransaction[] | null, keepAborted = false) {
    this.bytes = bytes
    this.fromOffset = fromOffset
    this.aborted = aborted
    this.keepAborted = keepAborted
    this.nextOffset = this.scanNextOffset()
  }

  forEach (visit: (record: RecordView) => void, onMalformed: OnMalformed): void {
    const { bytes, fromOffset } = this
    const filter = new TransactionFilter(this.aborted)
    const view = new RawRecordView()
    for (let at = 0, end = batchEnd(bytes, at); end > 0; at = end, end = batchEnd(bytes, at)) {
      const firstOffset = bytes.readBigInt64BE(at)
      if (bytes[at + MAGIC_AT] !== 2 || end < at + RECORDS_AT) {
        const magic = bytes[at + MAGIC_AT]!
        const error = magic !== 2
          ? malformed(`message format v${magic} (this reader knows record batches v2, Kafka 0.11+)`, 'MM2_DECODE_UNSUPPORTED_VERSION')
          : malformed('a header cut short', 'MM2_DECODE_TRUNCATED')
        if (firstOffset >= fromOffset) onMalformed(firstOffset, error)
        continue
      }
      const lastOffsetDelta = bytes.readInt32BE(at + LAST_OFFSET_DELTA_AT)
      if (firstOffset + BigInt(lastOffsetDelta) < fromOffset) continue
      const attributes = bytes.readInt16BE(at + ATTRIBUTES_AT)
      const holds = filter.classify({ firstOffset, lastOffsetDelta, attributes, producerId: bytes.readBigInt64BE(at + PRODUCER_ID_AT) })
      if (holds === 'marker' || (holds === 'aborted' && !this.keepAborted)) continue
      view.aborted = holds === 'aborted'
      view.batch(firstOffset, bytes.readBigInt64BE(at + BASE_TIMESTAMP_AT), firstOffset < fromOffset ? Number(fromOffset - firstOffset) : 0)
      try {
        const compression = attributes & COMPRESSION_MASK
        if (compression === 0) walkRecords(bytes, at + RECORDS_AT, end, bytes.readInt32BE(at + RECORD_COUNT_AT), view, visit)
        else {
          const records = inflate(compression, bytes.subarray(at + RECORDS_AT, end))
          walkRecords(records, 0, records.length, bytes.readInt32BE(at + RECORD_COUNT_AT), view, visit)
        }
      } catch (error) {
        if (!(error instanceof Mm2FailbackError)) throw error
        onMalformed(view.nextOffsetOfBatch(), error)
      }
    }
  }

  /** One past the last whole batch, from the batch headers alone. */
  private scanNextOffset (): bigint {
    const { bytes } = this
    let next = this.fromOffset
    for (let at = 0, end = batchEnd(bytes, at); end > 0; at = end, end = batchEnd(bytes, at)) {
      const firstOffset = bytes.readBigInt64BE(at)
      // Message sets v0/v1 (before Kafka 0.11): a (wrapper) message's offset is its last one.
      const last = bytes[at + MAGIC_AT] === 2 && end >= at + RECORDS_AT ? firstOffset + BigInt(bytes.readInt32BE(at + LAST_OFFSET_DELTA_AT)) : firstOffset
      if (last + 1n > next) next = last + 1n
    }
    return next
  }
}

/**
 * Where the batch starting at `at` ends, or 0 when no whole batch starts there: the end of the bytes, or a
 * partial batch (the fetch's byte limit cut it; it comes whole in the next fetch), or a length too short to
 * reach the magic byte.
 */
function batchEnd (bytes: Buffer, at: number): number {
  if (at + LOG_OVERHEAD > bytes.length) return 0
  const end = at + LOG_OVERHEAD + bytes.readInt32BE(at + LENGTH_AT)
  return end > bytes.length || end <= at + MAGIC_AT ? 0 : end
}

function inflate (compression: number, compressed: Buffer): Buffer {
  const algorithm = (compressionsAlgorithmsByBitmask as Record<number, { decompressSync: (data: Buffer) => Buffer } | undefined>)[compression]
  if (algorithm === undefined) throw malformed(`compression codec ${compression}, which Kafka does not define`, 'MM2_DECODE_UNSUPPORTED_VERSION')
  try {
    return algorithm.decompressSync(compressed)
  } catch (error) {
    throw malformed(`compressed records that do not inflate (${error instanceof Error ? error.message : String(error)})`, 'MM2_DECODE_INVALID')
  }
}

type BatchErrorCode = 'MM2_DECODE_TRUNCATED' | 'MM2_DECODE_INVALID' | 'MM2_DECODE_UNSUPPORTED_VERSION'

function malformed (what: string, code: BatchErrorCode = 'MM2_DECODE_INVALID'): Mm2FailbackError {
  return new Mm2FailbackError(code, `a record batch holds ${what}`, { record: 'record batch' })
}

/** Reads varints of `bytes` up to `end`, Kafka's zig-zag encoding (ByteUtils.readVarint / readVarlong). */
class VarintCursor {
  bytes: Uint8Array = new Uint8Array(0)
  position = 0
  end = 0

  varint (): number {
    let raw = 0
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.position >= this.end) throw malformed('a record cut short', 'MM2_DECODE_TRUNCATED')
      const byte = this.bytes[this.position++]!
      raw |= (byte & 0x7f) << shift
      if ((byte & 0x80) === 0) return (raw >>> 1) ^ -(raw & 1)
    }
    throw malformed('a varint longer than 5 bytes')
  }

  /** A varlong as a double: exact within +-2^53, which holds every timestamp delta. */
  varlong (): number {
    let raw = 0
    for (let factor = 1; factor < 2 ** 70; factor *= 128) {
      if (this.position >= this.end) throw malformed('a record cut short', 'MM2_DECODE_TRUNCATED')
      const byte = this.bytes[this.position++]!
      raw += (byte & 0x7f) * factor
      if ((byte & 0x80) === 0) return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2
    }
    throw malformed('a varlong longer than 10 bytes')
  }
}

const cursor = new VarintCursor()

/** Visits the `count` records in bytes [start, end) of one batch (DefaultRecord.java's layout). */
function walkRecords (bytes: Uint8Array, start: number, end: number, count: number, view: RawRecordView, visit: (record: RecordView) => void): void {
  cursor.bytes = bytes
  cursor.position = start
  cursor.end = end
  for (let index = 0; index < count; index++) {
    const length = cursor.varint()
    const recordEnd = cursor.position + length
    if (length < 0 || recordEnd > end) throw malformed(`a record of ${length} bytes where ${end - cursor.position} remain`, 'MM2_DECODE_TRUNCATED')
    cursor.end = recordEnd
    cursor.position++ // attributes (unused)
    const timestampDelta = cursor.varlong()
    const offsetDelta = cursor.varint()
    const keyLength = cursor.varint()
    const keyStart = cursor.position
    cursor.position += keyLength < 0 ? 0 : keyLength
    const valueLength = cursor.varint()
    const valueStart = cursor.position
    cursor.position += valueLength < 0 ? 0 : valueLength
    if (cursor.position > recordEnd) throw malformed('a key or value longer than its record', 'MM2_DECODE_TRUNCATED')
    cursor.position = recordEnd
    cursor.end = end
    if (offsetDelta < view.skipBelowDelta) continue
    view.record(bytes, offsetDelta, timestampDelta, recordEnd)
    view.key(keyLength < 0 ? -1 : keyStart, keyStart + keyLength)
    view.value(valueLength < 0 ? -1 : valueStart, valueStart + Math.max(0, valueLength))
    visit(view)
    // The visitor may have read other record sets (the cursor is shared): put ours back.
    cursor.bytes = bytes
    cursor.end = end
    cursor.position = recordEnd
  }
}

class RawRecordView implements RecordView {
  keyBytes: Uint8Array | null = null
  keyStart = 0
  keyEnd = 0
  valueBytes: Uint8Array | null = null
  valueStart = 0
  valueEnd = 0
  aborted = false
  /** Records of the batch below this offset delta precede the fetch offset. */
  skipBelowDelta = 0
  private bytes: Uint8Array = new Uint8Array(0)
  private firstOffset = 0n
  private firstTimestamp = 0n
  private offsetDelta = -1
  private timestampDelta = 0
  private headersStart = 0
  private recordEnd = 0

  batch (firstOffset: bigint, firstTimestamp: bigint, skipBelowDelta: number): void {
    this.firstOffset = firstOffset
    this.firstTimestamp = firstTimestamp
    this.skipBelowDelta = skipBelowDelta
    this.offsetDelta = -1
  }

  record (bytes: Uint8Array, offsetDelta: number, timestampDelta: number, recordEnd: number): void {
    this.bytes = bytes
    this.offsetDelta = offsetDelta
    this.timestampDelta = timestampDelta
    this.recordEnd = recordEnd
  }

  /** The key's bytes; start -1 for a null key. */
  key (start: number, end: number): void {
    this.keyBytes = start < 0 ? null : this.bytes
    this.keyStart = start
    this.keyEnd = end
  }

  /** The value's bytes, [start, end) (start -1 for null); the headers follow at `end`. */
  value (start: number, end: number): void {
    this.valueBytes = start < 0 ? null : this.bytes
    this.valueStart = start
    this.valueEnd = end
    this.headersStart = end
  }

  offset (): bigint {
    return this.firstOffset + BigInt(this.offsetDelta)
  }

  /** Where a batch that broke off resumes being unreadable: after the last record visited. */
  nextOffsetOfBatch (): bigint {
    return this.firstOffset + BigInt(this.offsetDelta + 1)
  }

  toRecord (): FetchedRecord {
    const record: FetchedRecord = {
      offset: this.offset(),
      timestamp: this.firstTimestamp + BigInt(this.timestampDelta),
      key: this.keyBytes === null ? null : this.keyBytes.subarray(this.keyStart, this.keyEnd),
      value: this.valueBytes === null ? null : this.valueBytes.subarray(this.valueStart, this.valueEnd),
      headers: this.headers()
    }
    if (this.aborted) record.aborted = true
    return record
  }

  private headers (): Array<[Uint8Array | null, Uint8Array | null]> {
    const saved = { bytes: cursor.bytes, position: cursor.position, end: cursor.end }
    cursor.bytes = this.bytes
    cursor.position = this.headersStart
    cursor.end = this.recordEnd
    try {
      const headers: Array<[Uint8Array | null, Uint8Array | null]> = []
      for (let count = cursor.varint(); count > 0; count--) {
        const keyLength = cursor.varint()
        const key = keyLength < 0 ? null : this.bytes.subarray(cursor.position, cursor.position + keyLength)
        cursor.position += Math.max(0, keyLength)
        const valueLength = cursor.varint()
        const value = valueLength < 0 ? null : this.bytes.subarray(cursor.position, cursor.position + valueLength)
        cursor.position += Math.max(0, valueLength)
        if (cursor.position > cursor.end) throw malformed('a header longer than its record', 'MM2_DECODE_TRUNCATED')
        headers.push([key, value])
      }
      return headers
    } finally {
      Object.assign(cursor, saved)
    }
  }
}

/** A record set of records already held as objects (the engine's fakes in tests, replays). */
export class ArrayRecordSet implements RecordSet {
  readonly nextOffset: bigint
  private readonly records: readonly FetchedRecord[]

  constructor (records: readonly FetchedRecord[], nextOffset?: bigint) {
    this.records = records
    this.nextOffset = nextOffset ?? (records.length === 0 ? 0n : records[records.length - 1]!.offset + 1n)
  }

  forEach (visit: (record: RecordView) => void): void {
    for (const record of this.records) {
      const view: RecordView = {
        keyBytes: record.key,
        keyStart: 0,
        keyEnd: record.key?.length ?? 0,
        valueBytes: record.value,
        valueStart: 0,
        valueEnd: record.value?.length ?? 0,
        aborted: record.aborted === true,
        offset: () => record.offset,
        toRecord: () => record
      }
      visit(view)
    }
  }
}
