// Escapes and inline flags of java.util.regex.Pattern (Pattern.escape, o, x, u, c, N, ref, addFlag),
// and the assertions they stand for. Java rejects unknown letter escapes (`\y`), reads \v as vertical
// whitespace and \0 as the start of an octal escape; case-insensitivity folds ASCII letters only.
import { JavaRegexError, type CharSet, type RegexNode } from './java-regex-ast.ts'
import {
  CANON_EQ, CASE_INSENSITIVE, COMMENTS, DOTALL, JavaPatternCursor, MULTILINE, UNICODE_CASE, UNICODE_CHARACTER_CLASS, UNIX_LINES,
  isAsciiAlpha, isAsciiDigit, isAsciiHexDigit
} from './java-regex-cursor.ts'
import {
  ASCII_DIGIT, ASCII_SPACE, ASCII_WORD, HORIZONTAL_SPACE, MAX_CODE_POINT, VERTICAL_SPACE, caseInsensitiveChar, notSet, rangeSet
} from './java-regex-sets.ts'

const LT = '\\n\\r\\u{85}\\u{2028}\\u{2029}'
/**
 * Pattern's Begin, End, Dollar, UnixDollar, Caret and UnixCaret nodes as JavaScript assertions. Java's
 * `$` without MULTILINE also matches before a final line terminator (never between \r and \n); its
 * multiline `^` never matches at the very end of the input, even after a line terminator.
 */
export const ASSERTIONS = {
  begin: '^',
  end: '$',
  dollar: '(?=(?:\\r\\n|(?<!\\r)\\n|[\\r\\u{85}\\u{2028}\\u{2029}])?$)',
  multilineDollar: '(?=(?<!\\r)\\n|[\\r\\u{85}\\u{2028}\\u{2029}]|$)',
  unixDollar: '(?=\\n?$)',
  multilineUnixDollar: '(?=\\n|$)',
  caret: `(?<![^${LT}])(?!(?<=\\r)\\n)(?!$)`,
  unixCaret: '(?<![^\\n])(?!$)'
} as const

/** What an escape stands for: a character (a number), a set of them, or a zero-width node. */
export type Escape = number | { readonly type: 'set', readonly set: CharSet } | { readonly type: 'node', readonly node: RegexNode }

const FLAG_LETTERS: Readonly<Record<string, number>> = {
  i: CASE_INSENSITIVE, m: MULTILINE, s: DOTALL, d: UNIX_LINES, u: UNICODE_CASE, c: CANON_EQ, x: COMMENTS, U: UNICODE_CHARACTER_CLASS | UNICODE_CASE
}
// Letters Pattern.escape rejects (`\y`); those it accepts are handled below.
const ILLEGAL_ESCAPES = new Set('CEFIJKLMOPQTUYgijlmopqy')
const set = (chars: CharSet): Escape => ({ type: 'set', set: chars })
const node = (value: RegexNode): Escape => ({ type: 'node', node: value })
const EMPTY_NODE: Escape = node({ type: 'empty' })

export class JavaEscapeReader extends JavaPatternCursor {
  readonly groupNames = new Set<string>()
  /** Pattern.capturingGroupCount: 1 + the capturing groups opened so far. */
  capturingGroupCount = 1
  /**
   * The first construct Java accepts but JavaScript cannot reproduce. Parsing goes on, so that a later
   * syntax error (which MM2 would hit too) is what gets reported.
   */
  unsupported: JavaRegexError | undefined

  markUnsupported (description: string, index: number = this.cursor - 1): void {
    this.unsupported ??= this.untranslatable(description, index)
  }

  /** A literal character, with its other ASCII case under CASE_INSENSITIVE. */
  literal (ch: number): CharSet {
    return this.has(CASE_INSENSITIVE) ? caseInsensitiveChar(ch) : rangeSet(ch)
  }

  /** Pattern.escape, with the cursor on the backslash. */
  escape (inClass: boolean, isRange: boolean): Escape {
    const start = this.cursor
    const ch = this.skip()
    const c = String.fromCodePoint(ch)
    const illegal = (): JavaRegexError => this.error('Illegal/unsupported escape sequence')
    if (ILLEGAL_ESCAPES.has(c)) throw illegal()
    if (inClass && 'ABGRXZbkz123456789'.includes(c)) throw illegal()
    switch (c) {
      case '0': return this.octal()
      case 'A': case 'G':
        // MM2 matches each name with a fresh Matcher, so \G (the end of the previous match) is the start.
        return node({ type: 'assertion', js: ASSERTIONS.begin })
      case 'z': return node({ type: 'assertion', js: ASSERTIONS.end })
      case 'Z': return node({ type: 'assertion', js: this.has(UNIX_LINES) ? ASSERTIONS.unixDollar : ASSERTIONS.dollar })
      case 'R': return node({ type: 'linebreak' })
      case 'B':
        this.markUnsupported('\\B (not a word boundary) changed meaning for non-ASCII letters in Java 19, so it depends on the JVM running MM2', start)
        return EMPTY_NODE
      case 'X':
        this.markUnsupported('\\X (a grapheme cluster) has no JavaScript equivalent', start)
        return EMPTY_NODE
      case 'b':
        if (this.peek() === 0x7b) {
          if (this.skip() === 0x67) {
            if (this.read() !== 0x7d) throw illegal()
            this.markUnsupported('\\b{g} (a grapheme cluster boundary) has no JavaScript equivalent', start)
            return EMPTY_NODE
          }
          this.unread()
          this.unread()
        }
        this.markUnsupported('\\b (a word boundary) changed meaning for non-ASCII letters in Java 19, so it depends on the JVM running MM2', start)
        return EMPTY_NODE
      case 'k': {
        if (this.read() !== 0x3c) throw this.error("\\k is not followed by '<' for named capturing group")
        const name = this.groupName(this.read())
        if (!this.groupNames.has(name)) throw this.error(`named capturing group <${name}> does not exist`)
        this.markUnsupported(`\\k<${name}> is a backreference; ${BACKREFERENCES}`, start)
        return EMPTY_NODE
      }
      case 'D': return set(notSet(ASCII_DIGIT))
      case 'H': return set(notSet(HORIZONTAL_SPACE))
      case 'S': return set(notSet(ASCII_SPACE))
      case 'V': return set(notSet(VERTICAL_SPACE))
      case 'W': return set(notSet(ASCII_WORD))
      case 'd': return set(ASCII_DIGIT)
      case 'h': return set(HORIZONTAL_SPACE)
      case 's': return set(ASCII_SPACE)
      case 'w': return set(ASCII_WORD)
      // Java 8+ reads \v as vertical whitespace, except as a range end point, where it is \x0B.
      case 'v': return isRange ? 0x0b : set(VERTICAL_SPACE)
      case 'N': return this.characterName(start)
      case 'a': return 0x07
      case 'e': return 0x1b
      case 'f': return 0x0c
      case 'n': return 0x0a
      case 'r': return 0x0d
      case 't': return 0x09
      case 'c':
        if (this.cursor < this.patternLength) return this.read() ^ 64
        throw this.error('Illegal control escape sequence')
      case 'u': return this.unicode()
      case 'x': return this.hex()
      default:
        if (isAsciiDigit(ch)) return this.backreference(ch, start)
        return ch
    }
  }

  /** Pattern.ref: more digits belong to the number only while that many groups exist. */
  backreference (first: number, start: number): Escape {
    let number = first - 0x30
    for (;;) {
      const ch = this.peek()
      if (!isAsciiDigit(ch) || this.capturingGroupCount - 1 < number * 10 + ch - 0x30) break
      number = number * 10 + ch - 0x30
      this.read()
    }
    this.markUnsupported(`\\${number} is a backreference; ${BACKREFERENCES}`, start)
    return EMPTY_NODE
  }

  /** \0n, \0nn, \0mnn (m <= 3). */
  octal (): number {
    const n = this.read()
    if (n < 0x30 || n > 0x37) throw this.error('Illegal octal escape sequence')
    const m = this.read()
    if (m < 0x30 || m > 0x37) {
      this.unread()
      return n - 0x30
    }
    const o = this.read()
    if (o >= 0x30 && o <= 0x37 && n <= 0x33) return (n - 0x30) * 64 + (m - 0x30) * 8 + (o - 0x30)
    this.unread()
    return (n - 0x30) * 8 + (m - 0x30)
  }

  /** \xhh and \x{h...h}. */
  hex (): number {
    let n = this.read()
    if (isAsciiHexDigit(n)) {
      const m = this.read()
      if (isAsciiHexDigit(m)) return parseInt(String.fromCodePoint(n, m), 16)
    } else if (n === 0x7b && isAsciiHexDigit(this.peek())) {
      let value = 0
      while (isAsciiHexDigit(n = this.read())) {
        value = value * 16 + parseInt(String.fromCodePoint(n), 16)
        if (value > MAX_CODE_POINT) throw this.error('Hexadecimal codepoint is too big')
      }
      if (n !== 0x7d) throw this.error('Unclosed hexadecimal escape sequence')
      return value
    }
    throw this.error('Illegal hexadecimal escape sequence')
  }

  /** \uhhhh, joining an escaped surrogate pair into one code point. */
  unicode (): number {
    const high = this.fourHexDigits()
    if (high < 0xd800 || high > 0xdbff) return high
    const resume = this.cursor
    if (this.read() === 0x5c && this.read() === 0x75) {
      const low = this.fourHexDigits()
      if (low >= 0xdc00 && low <= 0xdfff) return (high - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000
    }
    this.cursor = resume
    return high
  }

  fourHexDigits (): number {
    let value = 0
    for (let i = 0; i < 4; i++) {
      const ch = this.read()
      if (!isAsciiHexDigit(ch)) throw this.error('Illegal Unicode escape sequence')
      value = value * 16 + parseInt(String.fromCodePoint(ch), 16)
    }
    return value
  }

  /** \N{name}: checked for shape only, since JavaScript has no table of character names. */
  characterName (start: number): never {
    if (this.read() !== 0x7b) throw this.error('Illegal character name escape sequence')
    while (this.read() !== 0x7d) {
      if (this.cursor >= this.patternLength) throw this.error('Unclosed character name escape sequence')
    }
    throw this.untranslatable('\\N{...} names a character by its Unicode name, which JavaScript regular expressions cannot look up', start)
  }

  /** Pattern.groupname: an ASCII letter, then ASCII letters and digits, then `>`. */
  groupName (first: number): string {
    if (!isAsciiAlpha(first)) throw this.error('capturing group name does not start with a Latin letter')
    let name = ''
    let ch = first
    do {
      name += String.fromCodePoint(ch)
      ch = this.read()
    } while (isAsciiAlpha(ch) || isAsciiDigit(ch))
    if (ch !== 0x3e) throw this.error("named capturing group is missing trailing '>'")
    return name
  }

  /** Pattern.addFlag and subFlag: the letters of `(?idmsuxU-idmsuxU)`, with the cursor on the first. */
  addFlags (): void {
    let ch = this.peek()
    let adding = true
    for (;;) {
      const letter = String.fromCodePoint(ch)
      if (adding && letter === '-') {
        adding = false
      } else if (Object.hasOwn(FLAG_LETTERS, letter)) {
        const flag = FLAG_LETTERS[letter] as number
        this.flags = adding ? this.flags | flag : this.flags & ~flag
      } else {
        return
      }
      ch = this.next()
    }
  }

  /** Flags whose matching JavaScript cannot reproduce; checked once a flag group is complete. */
  checkFlags (start: number): void {
    if (this.has(UNICODE_CHARACTER_CLASS)) {
      const reason = '(?U) makes \\w, \\d and the POSIX classes Unicode-aware and folds case by Unicode rules, which mm2-failback does not reproduce'
      throw this.untranslatable(reason, start)
    }
    if (this.has(CANON_EQ)) throw this.untranslatable('(?c) matches by canonical equivalence, which JavaScript regular expressions cannot do', start)
    if (this.has(CASE_INSENSITIVE) && this.has(UNICODE_CASE)) {
      throw this.untranslatable('(?iu) folds case by Java\'s Unicode rules, which differ from JavaScript\'s; (?i) alone (ASCII letters) is supported', start)
    }
  }
}

const BACKREFERENCES = 'Java fails it when the group did not take part in the match, where JavaScript matches the empty string'
