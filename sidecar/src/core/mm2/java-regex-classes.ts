// Character classes of java.util.regex.Pattern, in Pattern's order (clazz, range, family): classes nest
// (`[a-d[m-p]]` is a union), intersect (`[a-z&&[^aeiou]]`), take a `]` right after `[` as a literal, and
// under CASE_INSENSITIVE gain the other case of ASCII letters only.
import { JavaRegexError, type CharSet } from './java-regex-ast.ts'
import { CASE_INSENSITIVE } from './java-regex-cursor.ts'
import { JavaEscapeReader } from './java-regex-escapes.ts'
import { javaPropertySet } from './java-regex-properties.ts'
import { ALL, andSet, caseInsensitiveRange, notSet, otherAsciiCase, rangeSet, rangesSet, unionSet } from './java-regex-sets.ts'

export class JavaClassReader extends JavaEscapeReader {
  /** \p or \P with the cursor on the `p`: Pattern.family. */
  property (complement: boolean): CharSet {
    const start = this.cursor - 1
    const oneLetter = this.next() !== 0x7b
    if (oneLetter) this.unread()
    this.next()
    let name: string
    if (oneLetter) {
      name = String.fromCodePoint(this.at(this.cursor))
      this.read()
    } else {
      const from = this.cursor
      this.temp[this.patternLength] = 0x7d
      while (this.read() !== 0x7d);
      this.temp[this.patternLength] = 0
      if (this.cursor > this.patternLength) throw this.error('Unclosed character family')
      if (from + 1 >= this.cursor) throw this.error('Empty character family')
      name = String.fromCodePoint(...this.temp.slice(from, this.cursor - 1))
    }
    let found: CharSet
    try {
      found = javaPropertySet(name, this.has(CASE_INSENSITIVE), start, this.cursor - 1)
    } catch (error) {
      if (!(error instanceof JavaRegexError) || error.kind === 'syntax') throw error
      this.unsupported ??= error
      found = ALL
    }
    return complement ? notSet(found) : found
  }

  /** Pattern.clazz, with the cursor on the `[` (or, for the right side of `&&` without brackets, before it). */
  clazz (consume: boolean): CharSet {
    let prev: CharSet | null = null
    let curr: CharSet | null = null
    // Single characters below 256 gather in one set (Pattern's BitClass), which is never emptied.
    const bits: number[] = []
    const bitSet = (): CharSet => rangesSet(bits.map((ch) => [ch, ch] as const))
    const union = (left: CharSet | null, right: CharSet): CharSet => left === null ? right : unionSet(left, right)
    let hasBits = false
    let isNegated = false
    let ch = this.next()
    if (ch === 0x5e && this.at(this.cursor - 1) === 0x5b) {
      ch = this.next()
      isNegated = true
    }
    for (;;) {
      if (ch === 0x5b) {
        curr = this.clazz(true)
        prev = union(prev, curr)
        ch = this.peek()
        continue
      }
      if (ch === 0x26) {
        ch = this.next()
        if (ch === 0x26) {
          ch = this.next()
          let right: CharSet | null = null
          while (ch !== 0x5d && ch !== 0x26) {
            if (ch === 0x5b) {
              right = union(right, this.clazz(true))
            } else {
              this.unread()
              right = union(right, this.clazz(false))
            }
            ch = this.peek()
          }
          if (hasBits) {
            if (prev === null) prev = curr = bitSet()
            else prev = unionSet(prev, bitSet())
            hasBits = false
          }
          if (right !== null) curr = right
          if (prev === null) {
            if (right === null) throw this.error('Bad class syntax')
            prev = right
          } else {
            if (curr === null) throw this.error('Bad intersection syntax')
            prev = andSet(prev, curr)
          }
          continue
        }
        // A lone `&` is a literal.
        this.unread()
      } else if (ch === 0 && this.cursor >= this.patternLength) {
        throw this.error('Unclosed character class')
      } else if (ch === 0x5d && (prev !== null || hasBits)) {
        if (consume) this.next()
        if (prev === null) prev = bitSet()
        else if (hasBits) prev = unionSet(prev, bitSet())
        return isNegated ? notSet(prev) : prev
      }
      curr = this.range(bits)
      if (curr === null) hasBits = true
      else if (prev === null) prev = curr
      else if (prev !== curr) prev = unionSet(prev, curr)
      ch = this.peek()
    }
  }

  /** Pattern.range: one class member, a range `a-z`, or a predefined class; null when it went into `bits`. */
  range (bits: number[]): CharSet | null {
    let ch = this.peek()
    if (ch === 0x5c) {
      ch = this.nextEscaped()
      if (ch === 0x70 || ch === 0x50) return this.property(ch === 0x50)
      const isRange = this.at(this.cursor + 1) === 0x2d
      this.unread()
      const escaped = this.escape(true, isRange)
      if (typeof escaped !== 'number') return escaped.type === 'set' ? escaped.set : ALL
      ch = escaped
    } else {
      this.next()
    }
    if (this.peek() === 0x2d) {
      const end = this.at(this.cursor + 1)
      if (end !== 0x5b && end !== 0x5d) {
        this.next()
        let m = this.peek()
        if (m === 0x5c) {
          const escaped = this.escape(true, true)
          m = typeof escaped === 'number' ? escaped : -1
        } else {
          this.next()
        }
        if (m < ch) throw this.error('Illegal character range')
        return this.has(CASE_INSENSITIVE) ? caseInsensitiveRange(ch, m) : rangeSet(ch, m)
      }
    }
    if (ch >= 256) return rangeSet(ch)
    bits.push(ch)
    if (this.has(CASE_INSENSITIVE) && otherAsciiCase(ch) !== ch) bits.push(otherAsciiCase(ch))
    return null
  }
}
