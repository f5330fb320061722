import { gzipSync } from 'node:zlib'
import { createRecordsBatch, readRecordsBatches, Reader } from '@platformatic/kafka'
import { describe, expect, it } from 'vitest'
import type { Mm2FailbackError } from '../../../sidecar/src/errors.ts'
import { RawRecordSet, recordsOf, type RecordSet } from '../../../sidecar/src/kafka/record-set.ts'
import { batchBytes, recordBytes, type TestBatch } from './batch-bytes.ts'

const text = (bytes: Uint8Array | null): string | null => bytes === null ? null : Buffer.from(bytes).toString()

function read (set: RecordSet): { records: Array<{ offset: bigint, key: string | null, value: string | null }>, malformed: Array<[bigint, Mm2FailbackError]> } {
  const malformed: Array<[bigint, Mm2FailbackError]> = []
  const records = recordsOf(set, (offset, error) => { malformed.push([offset, error]) })
    .map((record) => ({ offset: record.offset, key: text(record.key), value: text(record.value) }))
  return { records, malformed }
}

const set = (batches: TestBatch[], from: bigint, aborted: Array<{ producerId: bigint, firstOffset: bigint }> | null = null): RawRecordSet =>
  new RawRecordSet(Buffer.concat(batches.map((batch) => batchBytes(batch))), from, aborted)

describe('RawRecordSet', () => {
  it('reads keys, values, offsets, timestamps and headers of consecutive batches, and the next offset', () => {
    const records = set([
      {
        firstOffset: 10n,
        firstTimestamp: 5000n,
        records: [{ key: 'k1', value: 'v1', headers: [['h', 'x'], ['n', null]] }, { key: null, value: 'v2', timestampDelta: 7 }]
      },
      { firstOffset: 12n, records: [{ key: 'k3', value: null, headers: [['after-null', 'y']] }] }
    ], 10n)
    const list = recordsOf(records, () => { throw new Error('nothing is malformed') })
    expect(list.map((record) => [record.offset, record.timestamp, text(record.key), text(record.value)])).toEqual([
      [10n, 5000n, 'k1', 'v1'], [11n, 5007n, null, 'v2'], [12n, 1000n, 'k3', null]
    ])
    expect(list.map((record) => record.headers.map(([key, value]) => [text(key), text(value)]))).toEqual([[['h', 'x'], ['n', null]], [], [['after-null', 'y']]])
    expect(records.nextOffset).toBe(13n)
  })

  it('leaves out records before the fetch offset, and moves past compacted-away and partial batches', () => {
    const whole = Buffer.concat([
      batchBytes({ firstOffset: 0n, records: [{ key: 'a', value: '0' }, { key: 'b', value: '1' }, { key: 'c', value: '2' }] }),
      batchBytes({ firstOffset: 3n, lastOffsetDelta: 4, records: [] })
    ])
    const partial = batchBytes({ firstOffset: 8n, records: [{ key: 'd', value: '8' }] }).subarray(0, 30)
    const records = new RawRecordSet(Buffer.concat([whole, partial]), 1n, null)
    expect(read(records).records.map((record) => record.value)).toEqual(['1', '2'])
    // The partial batch comes whole in the next fetch, from its first offset.
    expect(records.nextOffset).toBe(8n)
    expect(new RawRecordSet(Buffer.alloc(0), 42n, null).nextOffset).toBe(42n)
  })

  it('drops transaction markers and aborted transactions, keeping the producer\'s later committed records', () => {
    const records = set([
      { firstOffset: 0n, attributes: 0x10, producerId: 7n, records: [{ key: null, value: 'aborted-1' }, { key: null, value: 'aborted-2' }] },
      { firstOffset: 2n, producerId: 8n, records: [{ key: null, value: 'other' }] },
      { firstOffset: 3n, attributes: 0x30, producerId: 7n, records: [{ key: '\u0000\u0000\u0000\u0000', value: 'marker' }] },
      { firstOffset: 4n, attributes: 0x10, producerId: 7n, records: [{ key: null, value: 'committed' }] }
    ], 0n, [{ producerId: 7n, firstOffset: 0n }])
    expect(read(records).records.map((record) => record.value)).toEqual(['other', 'committed'])
    expect(records.nextOffset).toBe(5n)
  })

  it('keeps the records of aborted transactions flagged when asked (the exact proofs), still without markers', () => {
    const batches: TestBatch[] = [
      { firstOffset: 0n, attributes: 0x10, producerId: 7n, records: [{ key: null, value: 'aborted-1' }, { key: null, value: 'aborted-2' }] },
      { firstOffset: 2n, producerId: 8n, records: [{ key: null, value: 'other' }] },
      { firstOffset: 3n, attributes: 0x30, producerId: 7n, records: [{ key: '\u0000\u0000\u0000\u0000', value: 'marker' }] },
      { firstOffset: 4n, attributes: 0x10, producerId: 7n, records: [{ key: null, value: 'committed' }] }
    ]
    const records = new RawRecordSet(Buffer.concat(batches.map((batch) => batchBytes(batch))), 1n, [{ producerId: 7n, firstOffset: 0n }], true)
    const seen: Array<[bigint, boolean]> = []
    records.forEach((view) => { seen.push([view.offset(), view.aborted]) }, () => { throw new Error('nothing is malformed') })
    expect(seen).toEqual([[1n, true], [2n, false], [4n, false]])
    expect(recordsOf(records, () => {}).map((record) => [text(record.value), record.aborted])).toEqual([
      ['aborted-2', true], ['other', undefined], ['committed', undefined]
    ])
  })

  it('inflates batches compressed by the client with every codec Kafka has', () => {
    for (const compression of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
      const messages = [
        { topic: 't', key: Buffer.from('k'), value: Buffer.from(`one ${compression}`) },
        { topic: 't', value: Buffer.from(`two ${compression}`) }
      ]
      const bytes = createRecordsBatch(messages, { compression }).buffer
      const records = read(new RawRecordSet(bytes, 0n, null))
      const expected = [{ offset: 0n, key: 'k', value: `one ${compression}` }, { offset: 1n, key: null, value: `two ${compression}` }]
      expect(records, compression).toEqual({ records: expected, malformed: [] })
      // The client's own reader agrees.
      expect(readRecordsBatches(Reader.from(bytes))[0]!.records.map((record) => text(record.value))).toEqual([`one ${compression}`, `two ${compression}`])
    }
    const gzipped = gzipSync(Buffer.from([...recordBytes({ key: 'k', value: 'v' }, 0)]))
    const ours = batchBytes({ firstOffset: 5n, attributes: 1, records: [{ key: 'k', value: 'v' }] }, gzipped)
    expect(read(new RawRecordSet(ours, 5n, null)).records).toEqual([{ offset: 5n, key: 'k', value: 'v' }])
  })

  it('reports a damaged batch at the offset it breaks at, and reads the batches after it', () => {
    const good = batchBytes({ firstOffset: 0n, records: [{ key: 'a', value: 'ok' }] })
    const damagedRecords = Buffer.from([...recordBytes({ key: 'b', value: 'fine' }, 0), ...recordBytes({ key: 'c', value: 'cut' }, 1)].slice(0, -3))
    const damaged = batchBytes({ firstOffset: 1n, records: [{ key: 'b', value: 'fine' }, { key: 'c', value: 'cut' }] }, damagedRecords)
    const notInflating = batchBytes({ firstOffset: 3n, attributes: 1, records: [{ key: 'd', value: 'x' }] }, Buffer.from('not gzip'))
    const unknownCodec = batchBytes({ firstOffset: 4n, attributes: 6, records: [{ key: 'e', value: 'x' }] })
    const oldFormat = batchBytes({ firstOffset: 5n, magic: 1, records: [{ key: 'f', value: 'x' }] })
    const after = batchBytes({ firstOffset: 6n, records: [{ key: 'g', value: 'after' }] })
    const records = new RawRecordSet(Buffer.concat([good, damaged, notInflating, unknownCodec, oldFormat, after]), 0n, null)
    const { records: list, malformed } = read(records)
    expect(list.map((record) => [record.offset, record.value])).toEqual([[0n, 'ok'], [1n, 'fine'], [6n, 'after']])
    expect(malformed.map(([offset, error]) => [offset, error.code])).toEqual([
      [2n, 'MM2_DECODE_TRUNCATED'], [3n, 'MM2_DECODE_INVALID'], [4n, 'MM2_DECODE_UNSUPPORTED_VERSION'], [5n, 'MM2_DECODE_UNSUPPORTED_VERSION']
    ])
    expect(malformed[0]![1].message).toMatch(/record batch/)
    expect(records.nextOffset).toBe(7n)
  })

  it('visits through one reused view, whose bytes are the response\'s own', () => {
    const bytes = batchBytes({ firstOffset: 0n, records: [{ key: 'k1', value: 'v1' }, { key: 'k2', value: 'v2' }] })
    const seen: Array<{ view: unknown, key: string }> = []
    new RawRecordSet(bytes, 0n, null).forEach((view) => {
      expect(view.keyBytes).toBe(bytes)
      seen.push({ view, key: bytes.subarray(view.keyStart, view.keyEnd).toString() })
    }, () => {})
    expect(seen.map((entry) => entry.key)).toEqual(['k1', 'k2'])
    expect(seen[0]!.view).toBe(seen[1]!.view)
  })
})
