// MM2's topic and group filters. Expectations for Java's joined-list behaviour were checked with
// java.util.regex on OpenJDK 17 and 25 (see java-regex.cases.ts for the translator's own table).
import { describe, expect, it } from 'vitest'
import { compileNameFilter, compilePatternList } from '../../../../sidecar/src/core/mm2/filters.ts'

describe('compileNameFilter (DefaultTopicFilter, DefaultGroupFilter)', () => {
  it.each([
    // [include, exclude, name, expected]
    [['orders'], [], 'orders', true],
    [['orders'], [], 'orders-v2', false], // Matcher.matches: the whole name
    [['orders'], [], 'x.orders', false],
    [['orders.*', 'payments'], ['orders\\.test'], 'orders.eu', true],
    [['orders.*', 'payments'], ['orders\\.test'], 'orders.test', false], // exclusion wins
    [['orders.*', 'payments'], ['orders\\.test'], 'payments', true],
    [[], [], 'anything', false], // an empty include list matches nothing
    [['.*'], [], '__consumer_offsets', true], // an empty exclude list excludes nothing
    [['a|b'], [], 'b', true],
    [['(?:x)y'], [], 'xy', true]
  ])('compileNameFilter(%j, %j)(%j) = %j', (include, exclude, name, expected) => {
    expect(compileNameFilter(include, exclude)(name)).toBe(expected)
  })
})

describe('compilePatternList (MirrorUtils.compilePatternList)', () => {
  it('compilePatternList reports the patterns Java cannot compile; (?i) is Java syntax and compiles', () => {
    expect(compilePatternList(['ok.*', '[unclosed', '(?i)orders']).invalid)
      .toEqual([{ pattern: '[unclosed', reason: 'Java rejects it (Unclosed character class near index 8)' }])
  })

  it('still matches with the entries that compile, for a flow whose problems are not reported', () => {
    const list = compilePatternList(['ok.*', '[unclosed'])
    expect([list.matches('okay'), list.matches('[unclosed')]).toEqual([true, false])
  })

  it('joins the list with "|" as MM2 does: an inline flag reaches the entries after it', () => {
    const list = compilePatternList(['(?i)orders', 'payments'])
    expect([list.matches('ORDERS'), list.matches('PAYMENTS'), list.invalid]).toEqual([true, true, []])
  })

  it('joins the list with "|" as MM2 does: an unterminated \\Q quotes the entries after it', () => {
    const list = compilePatternList(['\\Qa', 'b'])
    expect([list.matches('a|b'), list.matches('a'), list.matches('b')]).toEqual([true, false, false])
  })

  it('names the joined list when only the join fails', () => {
    const list = compilePatternList(['(?<n>a)', '(?<n>b)'])
    expect(list.invalid).toEqual([{
      pattern: '(?<n>a)|(?<n>b)',
      reason: 'Java rejects it (Named capturing group <n> is already defined near index 12), once MM2 joins the list with "|"'
    }])
    expect([list.matches('a'), list.matches('b')]).toEqual([true, true])
  })

  it('matches nothing with an empty list, as MM2 treats a blank setting', () => {
    const list = compilePatternList([])
    expect([list.matches(''), list.matches('orders'), list.invalid]).toEqual([false, false, []])
  })
})
