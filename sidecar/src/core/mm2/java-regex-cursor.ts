// The reading position of the Java regex parser, with java.util.regex.Pattern's own moves (peek, read,
// next, skip, unread, accept) so the parser can follow Pattern's order exactly: in comments mode these
// skip blanks and `#` comments, as Pattern's do. Like Pattern, the pattern is first turned into code
// points ending in two zeros, and \Q...\E quoting is replaced by escapes before anything is parsed.
import { JavaRegexError } from './java-regex-ast.ts'

// java.util.regex.Pattern's flag bits.
export const UNIX_LINES = 0x01
export const CASE_INSENSITIVE = 0x02
export const COMMENTS = 0x04
export const MULTILINE = 0x08
export const DOTALL = 0x20
export const UNICODE_CASE = 0x40
export const CANON_EQ = 0x80
export const UNICODE_CHARACTER_CLASS = 0x100

export const isAsciiDigit = (ch: number): boolean => ch >= 0x30 && ch <= 0x39
export const isAsciiAlpha = (ch: number): boolean => (ch >= 0x41 && ch <= 0x5a) || (ch >= 0x61 && ch <= 0x7a)
export const isAsciiHexDigit = (ch: number): boolean => isAsciiDigit(ch) || (ch >= 0x41 && ch <= 0x46) || (ch >= 0x61 && ch <= 0x66)
// ASCII.isSpace: what comments mode skips.
const isAsciiSpace = (ch: number): boolean => (ch >= 0x09 && ch <= 0x0d) || ch === 0x20

export class JavaPatternCursor {
  temp: number[]
  patternLength: number
  cursor = 0
  flags = 0

  constructor (pattern: string) {
    this.temp = Array.from(pattern, (char) => char.codePointAt(0) as number)
    this.patternLength = this.temp.length
    this.temp.push(0, 0)
    this.removeQuoting()
  }

  /** The code point at `index`; 0 past the end, where Java's array holds its terminating zeros. */
  at (index: number): number {
    return this.temp[index] ?? 0
  }

  has (flag: number): boolean {
    return (this.flags & flag) !== 0
  }

  error (description: string): JavaRegexError {
    return new JavaRegexError('syntax', description, Math.max(this.cursor - 1, 0))
  }

  untranslatable (description: string, index: number = this.cursor - 1): JavaRegexError {
    return new JavaRegexError('untranslatable', description, Math.max(index, 0))
  }

  peek (): number {
    const ch = this.at(this.cursor)
    return this.has(COMMENTS) ? this.peekPastWhitespace(ch) : ch
  }

  read (): number {
    const ch = this.at(this.cursor++)
    return this.has(COMMENTS) ? this.parsePastWhitespace(ch) : ch
  }

  readEscaped (): number {
    return this.at(this.cursor++)
  }

  next (): number {
    const ch = this.at(++this.cursor)
    return this.has(COMMENTS) ? this.peekPastWhitespace(ch) : ch
  }

  nextEscaped (): number {
    return this.at(++this.cursor)
  }

  /** The character after the next one; moves past both. */
  skip (): number {
    const ch = this.at(this.cursor + 1)
    this.cursor += 2
    return ch
  }

  unread (): void {
    this.cursor--
  }

  accept (expected: number, description: string): void {
    let ch = this.at(this.cursor++)
    if (this.has(COMMENTS)) ch = this.parsePastWhitespace(ch)
    if (ch !== expected) throw this.error(description)
  }

  isLineSeparator (ch: number): boolean {
    return this.has(UNIX_LINES) ? ch === 0x0a : ch === 0x0a || ch === 0x0d || ch === 0x85 || ch === 0x2028 || ch === 0x2029
  }

  peekPastWhitespace (first: number): number {
    let ch = first
    while (isAsciiSpace(ch) || ch === 0x23) {
      while (isAsciiSpace(ch)) ch = this.at(++this.cursor)
      if (ch === 0x23) {
        ch = this.at(++this.cursor)
        while (ch !== 0 && !this.isLineSeparator(ch)) ch = this.at(++this.cursor)
        if (ch === 0 && this.cursor > this.patternLength) {
          this.cursor = this.patternLength
          ch = this.at(this.cursor)
        }
      }
    }
    return ch
  }

  parsePastWhitespace (first: number): number {
    let ch = first
    while (isAsciiSpace(ch) || ch === 0x23) {
      while (isAsciiSpace(ch)) ch = this.at(this.cursor++)
      if (ch === 0x23) {
        ch = this.at(this.cursor++)
        while (ch !== 0 && !this.isLineSeparator(ch)) ch = this.at(this.cursor++)
        if (ch === 0 && this.cursor > this.patternLength) {
          this.cursor = this.patternLength
          ch = this.at(this.cursor++)
        }
      }
    }
    return ch
  }

  /**
   * Pattern.RemoveQEQuoting: inside \Q...\E every character except letters and non-ASCII ones is
   * escaped, and a digit right after \Q becomes \x3n so that it cannot extend an escape before it.
   */
  removeQuoting (): void {
    const source = this.temp
    const length = this.patternLength
    let i = 0
    while (i < length - 1) {
      if (source[i] !== 0x5c) i += 1
      else if (source[i + 1] !== 0x51) i += 2
      else break
    }
    if (i >= length - 1) return
    const out = source.slice(0, i)
    i += 2
    let inQuote = true
    let beginQuote = true
    while (i < length) {
      const ch = source[i++] as number
      if (ch >= 0x80 || isAsciiAlpha(ch)) {
        out.push(ch)
      } else if (isAsciiDigit(ch)) {
        if (beginQuote) out.push(0x5c, 0x78, 0x33)
        out.push(ch)
      } else if (ch !== 0x5c) {
        if (inQuote) out.push(0x5c)
        out.push(ch)
      } else if (inQuote) {
        if (source[i] === 0x45) {
          i++
          inQuote = false
        } else {
          out.push(0x5c, 0x5c)
        }
      } else if (source[i] === 0x51) {
        i++
        inQuote = true
        beginQuote = true
        continue
      } else {
        out.push(ch)
        if (i !== length) out.push(source[i++] as number)
      }
      beginQuote = false
    }
    this.patternLength = out.length
    this.temp = [...out, 0, 0]
  }
}
