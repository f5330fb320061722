import { describe, expect, it } from 'vitest'
import { floorLog2, isOffset, MAX_OFFSET, requireOffset, toOffset } from '../../../../sidecar/src/core/translation/offset-number.ts'

describe('floorLog2', () => {
  it('is exact on both sides of every power of two up to 2^52', () => {
    for (let i = 0; i <= 52; i++) {
      expect(floorLog2(2 ** i)).toBe(i)
      expect(floorLog2(2 ** i + 1)).toBe(i === 0 ? 1 : i)
      if (i > 0) expect(floorLog2(2 ** i - 1)).toBe(i - 1)
    }
    expect(floorLog2(MAX_OFFSET)).toBe(52)
  })
})

describe('offsets as numbers', () => {
  it('accepts integers in 0..2^53-1 only', () => {
    for (const n of [0, 1, 2 ** 32, MAX_OFFSET]) expect(isOffset(n)).toBe(true)
    for (const n of [-1, 0.5, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY]) expect(isOffset(n)).toBe(false)
  })

  it('rejects the others as an invalid record, naming the field and the partition', () => {
    const context = { topic: 'orders', partition: 3 }
    expect(() => requireOffset(7, 'x', context)).not.toThrow()
    expect(() => requireOffset(-1, 'OffsetSync upstreamOffset', context)).toThrow(expect.objectContaining({
      code: 'MM2_DECODE_INVALID',
      message: 'OffsetSync upstreamOffset -1 is not an integer in 0..2^53-1, which the sync index supports.',
      context: { topic: 'orders', partition: 3, value: -1 }
    }))
    expect(toOffset(2n ** 53n - 1n, 'x', context)).toBe(MAX_OFFSET)
    expect(() => toOffset(2n ** 53n, 'x', context)).toThrow(expect.objectContaining({ code: 'MM2_DECODE_INVALID' }))
    expect(() => toOffset(-1n, 'log-start offset', context, 'MM2_INTERNAL')).toThrow(expect.objectContaining({ code: 'MM2_INTERNAL' }))
  })
})
