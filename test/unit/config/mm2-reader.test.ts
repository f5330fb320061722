import { describe, expect, it } from 'vitest'
import { javaTrim, parseJavaList } from '../../../sidecar/src/config/mm2-reader.ts'

describe('Java values', () => {
  it.each([
    ['', []],
    ['   ', []],
    ['a', ['a']],
    [' a , b,c ', ['a', 'b', 'c']],
    ['a,,b', ['a', '', 'b']],
    ['a, ', ['a', '']]
  ])('parseJavaList(%j) = %j (ConfigDef Type.LIST)', (value, expected) => {
    expect(parseJavaList(value)).toEqual(expected)
  })

  it('trims like String.trim: every character up to U+0020, nothing else', () => {
    expect(javaTrim('\u0000\t a b \r\n\u001f')).toBe('a b')
    expect(javaTrim('\u00a0a\u00a0')).toBe('\u00a0a\u00a0')
  })
})
