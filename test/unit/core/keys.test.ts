import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { compositeKey, partitionKey } from '../../../sidecar/src/core/keys.ts'

describe('composite keys', () => {
  it('writes numbers as n<digits>| and strings (bigints as their digits) length-prefixed', () => {
    expect(compositeKey('A', 'orders', 3)).toBe('s1:As6:ordersn3|')
    expect(compositeKey(10n, '')).toBe('s2:10s0:')
    expect(partitionKey('orders', 0)).toBe('s6:ordersn0|')
  })

  it('keeps tuples apart that plain concatenation, or a separator character inside a name, would merge', () => {
    expect(compositeKey('ab', 'c')).not.toBe(compositeKey('a', 'bc'))
    expect(partitionKey('orders-1', 2)).not.toBe(partitionKey('orders', 12))
    expect(compositeKey('g\u0000x', 'y')).not.toBe(compositeKey('g', 'x\u0000y'))
    expect(compositeKey('a","b')).not.toBe(compositeKey('a', 'b'))
    expect(compositeKey('s1:a')).not.toBe(compositeKey('a', ''))
    expect(compositeKey(1, 2)).not.toBe(compositeKey(12))
  })

  it('gives two tuples the same key only when they are the same tuple', () => {
    const part = fc.oneof(fc.string({ unit: 'binary' }), fc.integer(), fc.constantFrom(':', '|', 's1:', 'n1|'))
    fc.assert(fc.property(fc.array(part, { maxLength: 4 }), fc.array(part, { maxLength: 4 }), (a, b) => {
      const same = a.length === b.length && a.every((value, index) => value === b[index])
      expect(compositeKey(...a) === compositeKey(...b)).toBe(same)
    }), { numRuns: 2000 })
  })
})
