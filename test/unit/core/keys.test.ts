import { describe, expect, it } from 'vitest'
import { compositeKey, partitionKey } from '../../../sidecar/src/core/keys.ts'

describe('composite keys', () => {
  it('encodes the tuple as its JSON array, bigints as decimal strings', () => {
    expect(compositeKey('A', 'orders', 3)).toBe('["A","orders",3]')
    expect(compositeKey(10n, '')).toBe('["10",""]')
    expect(partitionKey('orders', 0)).toBe('["orders",0]')
  })

  it('keeps tuples apart that plain concatenation, or a separator character inside a name, would merge', () => {
    expect(compositeKey('ab', 'c')).not.toBe(compositeKey('a', 'bc'))
    expect(partitionKey('orders-1', 2)).not.toBe(partitionKey('orders', 12))
    expect(compositeKey('g\u0000x', 'y')).not.toBe(compositeKey('g', 'x\u0000y'))
    expect(compositeKey('a","b')).not.toBe(compositeKey('a', 'b'))
  })
})
