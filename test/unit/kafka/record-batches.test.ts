import { describe, expect, it } from 'vitest'
import { recordsFromBatches, type BatchLike } from '../../../sidecar/src/kafka/record-batches.ts'

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

function batch (firstOffset: bigint, values: string[], options: { attributes?: number, producerId?: bigint, lastOffsetDelta?: number } = {}): BatchLike {
  return {
    firstOffset,
    lastOffsetDelta: options.lastOffsetDelta ?? values.length - 1,
    firstTimestamp: 1000n,
    attributes: options.attributes ?? 0,
    producerId: options.producerId ?? -1n,
    records: values.map((value, index) => ({ offsetDelta: index, timestampDelta: BigInt(index), key: null, value: bytes(value), headers: [] }))
  }
}

const values = (records: Array<{ value: Uint8Array | null }>): string[] => records.map((record) => new TextDecoder().decode(record.value!))

describe('recordsFromBatches', () => {
  it('gives absolute offsets and timestamps and the next offset', () => {
    const { records, nextOffset } = recordsFromBatches([batch(10n, ['a', 'b']), batch(12n, ['c'])], 10n)
    expect(records.map((record) => record.offset)).toEqual([10n, 11n, 12n])
    expect(records.map((record) => record.timestamp)).toEqual([1000n, 1001n, 1000n])
    expect(nextOffset).toBe(13n)
  })

  it('drops records before the fetch offset (a batch can start earlier)', () => {
    const { records, nextOffset } = recordsFromBatches([batch(10n, ['a', 'b', 'c'])], 11n)
    expect(values(records)).toEqual(['b', 'c'])
    expect(nextOffset).toBe(13n)
  })

  it('advances past batches whose records were compacted away', () => {
    const { records, nextOffset } = recordsFromBatches([batch(20n, [], { lastOffsetDelta: 4 })], 20n)
    expect(records).toEqual([])
    expect(nextOffset).toBe(25n)
  })

  it('skips control batches (transaction markers) but advances past them', () => {
    const batches = [batch(0n, ['a'], { attributes: 0x10, producerId: 7n }), batch(1n, ['marker'], { attributes: 0x30, producerId: 7n })]
    const { records, nextOffset } = recordsFromBatches(batches, 0n)
    expect(values(records)).toEqual(['a'])
    expect(nextOffset).toBe(2n)
  })

  it('drops records of aborted transactions and keeps later ones of the same producer', () => {
    const batches = [
      batch(0n, ['aborted-1', 'aborted-2'], { attributes: 0x10, producerId: 7n }),
      batch(2n, ['other'], { attributes: 0, producerId: 8n }),
      batch(3n, ['abort-marker'], { attributes: 0x30, producerId: 7n }),
      batch(4n, ['committed'], { attributes: 0x10, producerId: 7n })
    ]
    const { records } = recordsFromBatches(batches, 0n, [{ producerId: 7n, firstOffset: 0n }])
    expect(values(records)).toEqual(['other', 'committed'])
  })

  it('returns the fetch offset unchanged for an empty response', () => {
    expect(recordsFromBatches([], 42n)).toEqual({ records: [], nextOffset: 42n })
  })
})
