// A recursive-descent parser for java.util.regex.Pattern syntax that follows the order and the quirks
// of Pattern's own (JDK 17 to 25: expr, sequence, atom, group0, closure), so that a pattern means here
// what it means to MM2: `]` and `}` alone are literals, `x{2}{3}` repeats an empty string after `xx`,
// `(?i)` lasts to the end of the enclosing group (across `|`), and a dangling `*` is an error.
// Escapes and flags are in java-regex-escapes.ts, classes in java-regex-classes.ts; the result is a tree
// (java-regex-ast.ts).
import { EMPTY, type QuantifierMode, type RegexNode } from './java-regex-ast.ts'
import { DOTALL, MULTILINE, UNIX_LINES, isAsciiDigit } from './java-regex-cursor.ts'
import { JavaClassReader } from './java-regex-classes.ts'
import { ASSERTIONS } from './java-regex-escapes.ts'
import { checkLookbehind } from './java-regex-lookbehind.ts'
import { ALL, DOT, UNIX_DOT } from './java-regex-sets.ts'

// Pattern.MAX_REPS: an upper bound this large is "unbounded" to Java.
const MAX_REPS = 0x7fffffff

/** Parses a Java pattern into a flag-free tree; throws JavaRegexError. */
export function parseJavaPattern (pattern: string): RegexNode {
  return new JavaPatternParser(pattern).parse()
}

class JavaPatternParser extends JavaClassReader {
  parse (): RegexNode {
    const root = this.expr()
    if (this.patternLength !== this.cursor) {
      if (this.peek() === 0x29) throw this.error("Unmatched closing ')'")
      if (this.cursor === this.patternLength + 1 && this.at(this.patternLength - 1) === 0x5c) throw this.error('Unescaped trailing backslash')
      throw this.error('Unexpected internal error')
    }
    if (this.unsupported !== undefined) throw this.unsupported
    return root
  }

  /** Alternatives separated by `|`; an empty one matches the empty string. */
  expr (): RegexNode {
    const branches: RegexNode[] = []
    for (;;) {
      branches.push(this.sequence())
      if (this.peek() !== 0x7c) break
      this.next()
    }
    return branches.length === 1 ? branches[0] as RegexNode : { type: 'alternation', items: branches }
  }

  sequence (): RegexNode {
    const items: RegexNode[] = []
    for (;;) {
      const ch = this.peek()
      if (ch === 0x28) {
        // A group reads its own quantifier; a flag-only group `(?i)` yields nothing.
        const group = this.group0()
        if (group !== null) items.push(group)
        continue
      }
      if (ch === 0x7c || ch === 0x29 || (ch === 0 && this.cursor >= this.patternLength)) break
      items.push(this.closure(this.term(ch)))
    }
    if (items.length === 0) return EMPTY
    return items.length === 1 ? items[0] as RegexNode : { type: 'sequence', items }
  }

  /** One element of a sequence before its quantifier, with the cursor on its first character `ch`. */
  term (ch: number): RegexNode {
    switch (String.fromCodePoint(ch)) {
      case '[':
        return { type: 'set', set: this.clazz(true) }
      case '\\': {
        const escaped = this.nextEscaped()
        if (escaped === 0x70 || escaped === 0x50) return { type: 'set', set: this.property(escaped === 0x50) }
        this.unread()
        return this.atom()
      }
      case '^':
        this.next()
        if (!this.has(MULTILINE)) return { type: 'assertion', js: ASSERTIONS.begin }
        return { type: 'assertion', js: this.has(UNIX_LINES) ? ASSERTIONS.unixCaret : ASSERTIONS.caret }
      case '$': {
        this.next()
        const multiline = this.has(MULTILINE)
        if (this.has(UNIX_LINES)) return { type: 'assertion', js: multiline ? ASSERTIONS.multilineUnixDollar : ASSERTIONS.unixDollar }
        return { type: 'assertion', js: multiline ? ASSERTIONS.multilineDollar : ASSERTIONS.dollar }
      }
      case '.':
        this.next()
        return { type: 'set', set: this.has(DOTALL) ? ALL : this.has(UNIX_LINES) ? UNIX_DOT : DOT }
      case '?': case '*': case '+':
        this.next()
        throw this.error(`Dangling meta character '${String.fromCodePoint(ch)}'`)
      default:
        return this.atom()
    }
  }

  /**
   * One literal character or one escape. Java gathers literals into slices but gives a quantifier
   * only the last one, which is the same as one atom per character. A `{` here is Java's empty slice.
   */
  atom (): RegexNode {
    const ch = this.peek()
    if (ch === 0x7b) return EMPTY
    if (ch === 0x5c) {
      const escaped = this.escape(false, false)
      if (typeof escaped === 'number') return { type: 'set', set: this.literal(escaped) }
      return escaped.type === 'set' ? { type: 'set', set: escaped.set } : escaped.node
    }
    this.next()
    return { type: 'set', set: this.literal(ch) }
  }

  /** Pattern.group0, with the cursor on the `(`: the group, its quantifier, and the flags restored at its end. */
  group0 (): RegexNode | null {
    const saved = this.flags
    const start = this.cursor
    let node: RegexNode
    let ch = this.next()
    if (ch === 0x3f) {
      ch = this.skip()
      const c = String.fromCodePoint(ch)
      if (c === ':') {
        node = { type: 'group', body: this.expr() }
      } else if (c === '=' || c === '!') {
        node = { type: 'look', behind: false, negate: c === '!', body: this.expr() }
      } else if (c === '>') {
        node = { type: 'atomic', body: this.expr() }
      } else if (c === '<') {
        node = this.namedGroupOrLookbehind(start)
      } else if (c === '$' || c === '@') {
        throw this.error('Unknown group type')
      } else {
        this.unread()
        this.addFlags()
        ch = this.read()
        if (ch !== 0x29 && ch !== 0x3a) throw this.error('Unknown inline modifier')
        this.checkFlags(start)
        // `(?i)` alone changes the flags up to the end of the enclosing group: they are not restored.
        if (ch === 0x29) return null
        node = { type: 'group', body: this.expr() }
      }
    } else {
      this.capturingGroupCount++
      node = { type: 'group', body: this.expr() }
    }
    this.accept(0x29, 'Unclosed group')
    this.flags = saved
    return this.closure(node)
  }

  namedGroupOrLookbehind (start: number): RegexNode {
    const ch = this.read()
    if (ch === 0x3d || ch === 0x21) {
      const body = this.expr()
      const problem = checkLookbehind(body, start, this.cursor - 1)
      if (problem?.kind === 'syntax') throw problem
      this.unsupported ??= problem
      return { type: 'look', behind: true, negate: ch === 0x21, body }
    }
    const name = this.groupName(ch)
    if (this.groupNames.has(name)) throw this.error(`Named capturing group <${name}> is already defined`)
    this.groupNames.add(name)
    this.capturingGroupCount++
    return { type: 'group', body: this.expr() }
  }

  /** Pattern.closure: `?`, `*`, `+` and `{n}`, `{n,}`, `{n,m}`, each optionally lazy (`?`) or possessive (`+`). */
  closure (prev: RegexNode): RegexNode {
    const c = String.fromCodePoint(this.peek())
    if (c === '?') return this.repeat(prev, 0, 1)
    if (c === '*') return this.repeat(prev, 0, Infinity)
    if (c === '+') return this.repeat(prev, 1, Infinity)
    if (c !== '{') return prev
    let ch = this.skip()
    if (!isAsciiDigit(ch)) throw this.error('Illegal repetition')
    let min = 0
    let max = 0
    do {
      min = min * 10 + ch - 0x30
      if (min > MAX_REPS) throw this.error('Illegal repetition range')
    } while (isAsciiDigit(ch = this.read()))
    if (ch === 0x2c) {
      ch = this.read()
      if (ch === 0x7d) {
        this.unread()
        return this.repeat(prev, min, Infinity)
      }
      while (isAsciiDigit(ch)) {
        max = max * 10 + ch - 0x30
        if (max > MAX_REPS) throw this.error('Illegal repetition range')
        ch = this.read()
      }
    } else {
      max = min
    }
    if (ch !== 0x7d) throw this.error('Unclosed counted closure')
    if (max < min) throw this.error('Illegal repetition range')
    this.unread()
    return this.repeat(prev, min, max === MAX_REPS ? Infinity : max)
  }

  /** With the cursor on the quantifier's last character; a following `?` or `+` makes it lazy or possessive. */
  repeat (body: RegexNode, min: number, max: number): RegexNode {
    let mode: QuantifierMode = 'greedy'
    const ch = this.next()
    if (ch === 0x3f || ch === 0x2b) {
      this.next()
      mode = ch === 0x3f ? 'lazy' : 'possessive'
    }
    return { type: 'repeat', body, min, max, mode }
  }
}
