// Code point sets for the Java regex translator: building them the way java.util.regex.Pattern's
// predicates combine, and writing them as JavaScript `v`-mode classes, whose nesting, `&&` and `[^...]`
// have the same meaning as Java's union, intersection and negation of classes.
import type { CharSet } from './java-regex-ast.ts'

export const MAX_CODE_POINT = 0x10ffff

/** One code point or an inclusive range of them. */
export function rangeSet (low: number, high: number = low): CharSet {
  return { type: 'ranges', ranges: [[low, high]] }
}

/** The code points of `text`, each one a member. */
export function charsSet (text: string): CharSet {
  return { type: 'ranges', ranges: Array.from(text, (char) => [char.codePointAt(0) as number, char.codePointAt(0) as number] as const) }
}

export function rangesSet (ranges: ReadonlyArray<readonly [number, number]>): CharSet {
  return { type: 'ranges', ranges }
}

/** A JavaScript property escape; `name` is what goes between the braces of `\p{...}`. */
export function propertySet (name: string): CharSet {
  return { type: 'property', js: `\\p{${name}}` }
}

export function unionSet (...items: CharSet[]): CharSet {
  return { type: 'union', items }
}

export function andSet (left: CharSet, right: CharSet): CharSet {
  return { type: 'and', left, right }
}

export function notSet (item: CharSet): CharSet {
  return { type: 'not', item }
}

export const ALL: CharSet = rangeSet(0, MAX_CODE_POINT)
/** Java's `.` without DOTALL: anything but \n, \r, \u0085, \u2028 and \u2029 (JavaScript's `.` accepts \u0085). */
export const DOT: CharSet = notSet(charsSet('\n\r\u0085\u2028\u2029'))
/** `.` with UNIX_LINES: only \n ends a line. */
export const UNIX_DOT: CharSet = notSet(charsSet('\n'))
// Java's \d, \s and \w are ASCII-only unless UNICODE_CHARACTER_CLASS is on; JavaScript's \s is not.
export const ASCII_DIGIT: CharSet = rangeSet(0x30, 0x39)
export const ASCII_SPACE: CharSet = rangesSet([[0x09, 0x0d], [0x20, 0x20]])
export const ASCII_WORD: CharSet = rangesSet([[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]])
/** \h: Pattern.HorizWS. */
export const HORIZONTAL_SPACE: CharSet = rangesSet([[0x09, 0x09], [0x20, 0x20], [0xa0, 0xa0], [0x1680, 0x1680], [0x180e, 0x180e],
  [0x2000, 0x200a], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000]])
/** \v: Pattern.VertWS (JavaScript's \v is \x0B alone). */
export const VERTICAL_SPACE: CharSet = rangesSet([[0x0a, 0x0d], [0x85, 0x85], [0x2028, 0x2029]])

const isAsciiUpper = (ch: number): boolean => ch >= 0x41 && ch <= 0x5a
const isAsciiLower = (ch: number): boolean => ch >= 0x61 && ch <= 0x7a

/** ASCII.toUpper/toLower: the other case of an ASCII letter, or the character itself. */
export function otherAsciiCase (ch: number): number {
  if (isAsciiUpper(ch)) return ch + 0x20
  if (isAsciiLower(ch)) return ch - 0x20
  return ch
}

/** Pattern.single under CASE_INSENSITIVE without UNICODE_CASE: only ASCII letters gain their other case. */
export function caseInsensitiveChar (ch: number): CharSet {
  const other = otherAsciiCase(ch)
  return other === ch ? rangeSet(ch) : rangesSet([[ch, ch], [other, other]])
}

/**
 * Pattern.CIRange: a character matches when it, or the other ASCII case of it, is in [low, high];
 * so the range gains every ASCII letter whose other case falls inside it.
 */
export function caseInsensitiveRange (low: number, high: number): CharSet {
  const ranges: Array<readonly [number, number]> = [[low, high]]
  for (let ch = 0x41; ch <= 0x7a; ch++) {
    const other = otherAsciiCase(ch)
    if (other !== ch && other >= low && other <= high && (ch < low || ch > high)) ranges.push([ch, ch])
  }
  return rangesSet(ranges)
}

/** A code point as a JavaScript pattern character, valid inside and outside a `v`-mode class. */
export function writeCodePoint (ch: number): string {
  // Inside a v-mode class only letters and digits are safe unescaped (punctuators may be reserved there).
  const safe = (ch >= 0x30 && ch <= 0x39) || isAsciiUpper(ch) || isAsciiLower(ch)
  return safe ? String.fromCodePoint(ch) : `\\u{${ch.toString(16)}}`
}

/** The set as a `v`-mode class operand: a bracketed class or a property escape. */
export function writeSet (set: CharSet): string {
  switch (set.type) {
    case 'ranges':
      return '[' + set.ranges.map(([low, high]) => low === high ? writeCodePoint(low) : `${writeCodePoint(low)}-${writeCodePoint(high)}`).join('') + ']'
    case 'property':
      return set.js
    case 'union':
      return '[' + set.items.map(writeSet).join('') + ']'
    case 'and':
      return `[${writeSet(set.left)}&&${writeSet(set.right)}]`
    case 'not':
      return `[^${writeSet(set.item)}]`
  }
}

/** The set as one pattern atom: a lone character stays a plain character. */
export function writeSetAtom (set: CharSet): string {
  const only = set.type === 'ranges' && set.ranges.length === 1 ? set.ranges[0] : undefined
  return only !== undefined && only[0] === only[1] ? writeCodePoint(only[0]) : writeSet(set)
}
