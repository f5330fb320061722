// Java regexes as MM2 evaluates them (Pattern.compile + Matcher.matches), translated to JavaScript.
// The table and how its expectations were obtained from real JVMs: java-regex.cases.ts.
import { describe, expect, it } from 'vitest'
import { compileJavaRegex, JavaRegexError, translateJavaRegex } from '../../../../sidecar/src/core/mm2/java-regex.ts'
import { MATCH_CASES, REJECT_CASES } from './java-regex.cases.ts'

function rejection (pattern: string): JavaRegexError {
  try {
    compileJavaRegex(pattern)
  } catch (error) {
    if (error instanceof JavaRegexError) return error
    throw error
  }
  throw new Error(`${JSON.stringify(pattern)} was not rejected`)
}

describe('compileJavaRegex: names Java matches', () => {
  it.each(MATCH_CASES.map((row) => [row.construct, row.pattern, row]))('%s: %j', (_construct, pattern, row) => {
    const regex = compileJavaRegex(pattern)
    expect(row.match.filter((name) => !regex.test(name)), 'names Java matches').toEqual([])
    expect(row.noMatch.filter((name) => regex.test(name)), 'names Java does not match').toEqual([])
  })
})

describe('compileJavaRegex: patterns it refuses', () => {
  it.each(REJECT_CASES.map((row) => [row.construct, row.pattern, row]))('%s: %j', (_construct, pattern, row) => {
    const error = rejection(pattern)
    expect({ kind: error.kind, reason: error.reason }).toEqual({ kind: row.kind, reason: row.reason })
    expect(error.message).toBe(row.reason)
  })

  it('reports a syntax error before a construct it cannot translate, as MM2 would fail on it first', () => {
    expect(rejection('\\b(').kind).toBe('syntax')
  })
})

describe('translateJavaRegex', () => {
  it.each([
    ['possessive quantifier', 'a*+', '(?=(a*))(?:\\1)'],
    ['atomic group', '(?>a|ab)c', '(?=(a|ab))(?:\\1)c'],
    ['ASCII case folding', '(?i)k', '[kK]'],
    ['Java\'s dot', '.', '[^[\\u{a}\\u{d}\\u{85}\\u{2028}\\u{2029}]]'],
    ['class intersection', '[a-z&&[^aeiou]]', '[[a-z]&&[^[aeiou]]]']
  ])('%s: %j -> %j', (_name, pattern, source) => {
    expect(translateJavaRegex(pattern)).toBe(source)
  })

  it('compiles with the v flag, matching code points as Java does', () => {
    expect(compileJavaRegex('x').flags).toBe('v')
  })
})
