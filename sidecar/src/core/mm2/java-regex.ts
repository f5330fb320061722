// Java regular expressions for MM2's topic and group filters. MirrorMaker 2 compiles them with
// java.util.regex.Pattern and tests each name with Matcher.matches(), i.e. against the whole name; this
// module translates a Java pattern into a JavaScript RegExp that accepts exactly the same names, or
// refuses it. The RegExp uses the `v` flag: like Java it matches code points (not UTF-16 units), and its
// classes nest and intersect as Java's do. Java constructs JavaScript lacks are emulated where the
// emulation is exact: atomic groups and possessive quantifiers through a lookahead and a backreference,
// case-insensitivity (ASCII only in Java) through explicit classes, `.`, `$`, `\Z` and multiline `^`
// through their Java definitions. What cannot be reproduced (backreferences, word boundaries, which
// changed meaning in Java 19, Unicode blocks, (?u) case folding...) is refused with the reason.
import { JavaRegexError, type RegexNode } from './java-regex-ast.ts'
import { parseJavaPattern } from './java-regex-parser.ts'
import { writeSet, writeSetAtom } from './java-regex-sets.ts'

export { JavaRegexError } from './java-regex-ast.ts'

/** The JavaScript source (for the `v` flag) of a Java pattern, without anchors; throws JavaRegexError. */
export function translateJavaRegex (pattern: string): string {
  const writer = new Writer()
  return writer.write(parseJavaPattern(pattern))
}

/** A RegExp that matches a whole name exactly when Java's `Pattern.compile(pattern).matcher(name).matches()` does. */
export function compileJavaRegex (pattern: string): RegExp {
  const source = translateJavaRegex(pattern)
  try {
    return new RegExp(`^(?:${source})$`, 'v')
  } catch (error) {
    // A translation JavaScript refuses is a bug here; report it like any other refusal rather than crash.
    throw new JavaRegexError('untranslatable', `the translation was rejected by JavaScript (${(error as Error).message})`, 0)
  }
}

class Writer {
  /** Capturing groups written so far: only the emulation of atomic groups uses them. */
  #groups = 0

  write (node: RegexNode): string {
    switch (node.type) {
      case 'empty':
        return ''
      case 'set':
        return writeSetAtom(node.set)
      case 'sequence':
        return node.items.map((item) => this.write(item)).join('')
      case 'alternation':
        return node.items.map((item) => this.write(item)).join('|')
      case 'group':
        return `(?:${this.write(node.body)})`
      case 'look':
        return `(?${node.behind ? '<' : ''}${node.negate ? '!' : '='}${this.write(node.body)})`
      case 'atomic':
        return this.atomic(node.body)
      case 'assertion':
        return node.js
      case 'linebreak':
        // Java 9+ \R: \r\n first, but it may backtrack to \r alone (it is not atomic).
        return `(?:\\r\\n|${writeSet({ type: 'ranges', ranges: [[0x0a, 0x0d], [0x85, 0x85], [0x2028, 0x2029]] })})`
      case 'repeat':
        return this.repeat(node)
    }
  }

  /**
   * `(?>X)` as `(?=(X))\n`: a lookahead is atomic in JavaScript (it keeps the first way X matches),
   * and the backreference then consumes exactly what it matched, so nothing inside X is retried.
   */
  atomic (body: RegexNode): string {
    const group = ++this.#groups
    return `(?=(${this.write(body)}))(?:\\${group})`
  }

  repeat (node: Extract<RegexNode, { type: 'repeat' }>): string {
    if (node.mode === 'possessive') {
      // X*+ is (?>X*).
      return this.atomic({ ...node, mode: 'greedy' })
    }
    const body = node.body.type === 'set' ? writeSetAtom(node.body.set) : `(?:${this.write(node.body)})`
    const { min, max } = node
    let quantifier: string
    if (min === 0 && max === Infinity) quantifier = '*'
    else if (min === 1 && max === Infinity) quantifier = '+'
    else if (min === 0 && max === 1) quantifier = '?'
    else if (max === Infinity) quantifier = `{${min},}`
    else quantifier = min === max ? `{${min}}` : `{${min},${max}}`
    return body + quantifier + (node.mode === 'lazy' ? '?' : '')
  }
}
