import { describe, expect, it } from 'vitest'
import { compositeKey, partitionKey } from '../../../sidecar/src/core/keys.ts'

describe('composite keys', () => {
  it('joins the parts with U+0000, numbers and bigints as decimal', () => {
    expect(compositeKey('A', 'orders', 3)).toBe('A\u0000orders\u00003')
    expect(compositeKey(10n, '')).toBe('10\u0000')
    expect(partitionKey('orders', 0)).toBe('orders\u00000')
  })

  it('keeps tuples apart that plain concatenation would merge', () => {
    expect(compositeKey('ab', 'c')).not.toBe(compositeKey('a', 'bc'))
    expect(partitionKey('orders-1', 2)).not.toBe(partitionKey('orders', 12))
  })
})
