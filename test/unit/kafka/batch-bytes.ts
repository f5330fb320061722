// Record batches (format v2) written byte by byte from Kafka's DefaultRecordBatch / DefaultRecord
// layout, for the tests of the raw record walk. No CRC: the walk does not check it (the broker did).

export interface TestRecord {
  offsetDelta?: number
  timestampDelta?: number
  key: string | Uint8Array | null
  value: string | Uint8Array | null
  headers?: Array<[string, string | null]>
}

export interface TestBatch {
  firstOffset: bigint
  records: TestRecord[]
  lastOffsetDelta?: number
  attributes?: number
  producerId?: bigint
  firstTimestamp?: bigint
  magic?: number
}

/** Zig-zag varint / varlong, as ByteUtils.writeVarint and writeVarlong. */
export function varint (value: number): number[] {
  let raw = value >= 0 ? value * 2 : -value * 2 - 1
  const bytes: number[] = []
  while (raw >= 0x80) {
    bytes.push((raw % 0x80) | 0x80)
    raw = Math.floor(raw / 0x80)
  }
  bytes.push(raw)
  return bytes
}

const text = (value: string | Uint8Array | null): number[] => {
  if (value === null) return varint(-1)
  const bytes = typeof value === 'string' ? Buffer.from(value) : value
  return [...varint(bytes.length), ...bytes]
}

export function recordBytes (record: TestRecord, index: number): number[] {
  const body = [
    0, // attributes
    ...varint(record.timestampDelta ?? index),
    ...varint(record.offsetDelta ?? index),
    ...text(record.key),
    ...text(record.value),
    ...varint(record.headers?.length ?? 0),
    ...(record.headers ?? []).flatMap(([key, value]) => [...text(key), ...text(value)])
  ]
  return [...varint(body.length), ...body]
}

/** One batch; `recordsBytes` replaces the encoded records (e.g. compressed or damaged ones). */
export function batchBytes (batch: TestBatch, recordsBytes?: Buffer): Buffer {
  const records = recordsBytes ?? Buffer.from(batch.records.flatMap((record, index) => recordBytes(record, index)))
  const header = Buffer.alloc(61)
  header.writeBigInt64BE(batch.firstOffset, 0)
  header.writeInt32BE(49 + records.length, 8)
  header.writeInt32BE(0, 12) // partition leader epoch
  header.writeInt8(batch.magic ?? 2, 16)
  header.writeUInt32BE(0, 17) // crc
  header.writeInt16BE(batch.attributes ?? 0, 21)
  header.writeInt32BE(batch.lastOffsetDelta ?? Math.max(0, batch.records.length - 1), 23)
  header.writeBigInt64BE(batch.firstTimestamp ?? 1000n, 27)
  header.writeBigInt64BE(batch.firstTimestamp ?? 1000n, 35)
  header.writeBigInt64BE(batch.producerId ?? -1n, 43)
  header.writeInt16BE(0, 51)
  header.writeInt32BE(-1, 53)
  header.writeInt32BE(batch.records.length, 57)
  return Buffer.concat([header, records])
}
