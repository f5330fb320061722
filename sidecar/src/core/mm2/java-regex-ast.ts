// The tree the Java regex translator builds between parsing (java-regex-parser.ts) and writing the
// JavaScript source (java-regex.ts). Every flag-dependent choice (case folding, what `.`, `^` and `$`
// mean) is resolved while parsing, so the tree itself carries no flags.

/** A set of code points, as Java's character classes combine them; written as a JavaScript `v`-mode class. */
export type CharSet =
  | { readonly type: 'ranges', readonly ranges: ReadonlyArray<readonly [number, number]> }
  /** A JavaScript property escape such as `\p{Lu}`, valid inside and outside a `v`-mode class. */
  | { readonly type: 'property', readonly js: string }
  | { readonly type: 'union', readonly items: readonly CharSet[] }
  | { readonly type: 'and', readonly left: CharSet, readonly right: CharSet }
  | { readonly type: 'not', readonly item: CharSet }

export type QuantifierMode = 'greedy' | 'lazy' | 'possessive'

export type RegexNode =
  | { readonly type: 'empty' }
  /** One code point from the set. */
  | { readonly type: 'set', readonly set: CharSet }
  | { readonly type: 'sequence', readonly items: readonly RegexNode[] }
  | { readonly type: 'alternation', readonly items: readonly RegexNode[] }
  /** `(X)`, `(?:X)`, `(?<name>X)` and `(?flags:X)`: captures are never read, so all are plain groups. */
  | { readonly type: 'group', readonly body: RegexNode }
  | { readonly type: 'look', readonly behind: boolean, readonly negate: boolean, readonly body: RegexNode }
  /** `(?>X)`. */
  | { readonly type: 'atomic', readonly body: RegexNode }
  /** `max` is Infinity for an unbounded quantifier. */
  | { readonly type: 'repeat', readonly body: RegexNode, readonly min: number, readonly max: number, readonly mode: QuantifierMode }
  /** A zero-width assertion, already written as JavaScript. */
  | { readonly type: 'assertion', readonly js: string }
  /** `\R`: `\r\n` or one vertical whitespace character, backtracking into `\r` alone as Java 9+ does. */
  | { readonly type: 'linebreak' }

export const EMPTY: RegexNode = { type: 'empty' }

/**
 * A Java pattern that cannot be used: `syntax` when java.util.regex.Pattern rejects it too, `untranslatable`
 * when Java accepts it but no JavaScript RegExp matches exactly the same names.
 */
export class JavaRegexError extends Error {
  readonly kind: 'syntax' | 'untranslatable'
  /** Index in the pattern (after \Q...\E quoting is removed, as Java counts it). */
  readonly index: number
  /** A sentence fragment to follow "which is not a regular expression mm2-failback can evaluate: ". */
  readonly reason: string

  constructor (kind: 'syntax' | 'untranslatable', description: string, index: number) {
    const reason = kind === 'syntax' ? `Java rejects it (${description} near index ${index})` : `${description} (at index ${index})`
    super(reason)
    this.name = 'JavaRegexError'
    this.kind = kind
    this.index = index
    this.reason = reason
  }
}
