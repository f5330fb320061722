// Java's \p{...} names (java.util.regex.Pattern.family and CharPredicates) as JavaScript sets.
// The POSIX names (\p{Lower}, \p{Alpha}, ...) are ASCII-only in Java and become explicit ranges; the
// Unicode ones become JavaScript property escapes. Those use the JavaScript engine's Unicode data,
// which may be a newer Unicode version than the JVM's: the two differ only on characters assigned in
// between. Under CASE_INSENSITIVE Java widens the case properties (\p{Lower} matches "A"); so do we.
import { JavaRegexError, type CharSet } from './java-regex-ast.ts'
import { ALL, andSet, charsSet, notSet, propertySet, rangeSet, rangesSet, unionSet } from './java-regex-sets.ts'

type Property = (caseInsensitive: boolean) => CharSet

// Own keys only: a name such as "constructor" must not find Object.prototype's.
const lookup = (table: Readonly<Record<string, Property>>, name: string, caseInsensitive: boolean): CharSet | null =>
  Object.hasOwn(table, name) ? (table[name] as Property)(caseInsensitive) : null

const p = propertySet
const ASCII_ALPHA = rangesSet([[0x41, 0x5a], [0x61, 0x7a]])
/** Character.isLowerCase, isUpperCase or isTitleCase: what the case properties match under CASE_INSENSITIVE. */
const ANY_CASE = unionSet(p('Lowercase'), p('Uppercase'), p('Lt'))
const CASED_LETTER = p('LC')
const cased = (plain: CharSet, widened: CharSet = ANY_CASE): Property => (caseInsensitive) => caseInsensitive ? widened : plain
const always = (set: CharSet): Property => () => set

// CharPredicates.WHITE_SPACE, HEX_DIGIT, GRAPH, BLANK: Java's definitions, not Unicode's namesakes.
const WHITE_SPACE = unionSet(p('Z'), rangesSet([[0x09, 0x0d], [0x85, 0x85]]))
const HEX_DIGIT = unionSet(p('Nd'), rangesSet([[0x30, 0x39], [0x41, 0x46], [0x61, 0x66], [0xff10, 0xff19], [0xff21, 0xff26], [0xff41, 0xff46]]))
const GRAPH = notSet(unionSet(p('Z'), p('Cc'), p('Cs'), p('Cn')))
const BLANK = unionSet(p('Zs'), rangeSet(0x09))
const IDENTIFIER_IGNORABLE = unionSet(rangesSet([[0x00, 0x08], [0x0e, 0x1b], [0x7f, 0x9f]]), p('Cf'))

/** CharPredicates.forProperty: general categories, ASCII POSIX classes and java.lang.Character methods; names are case-sensitive. */
const PROPERTIES: Readonly<Record<string, Property>> = {
  ...Object.fromEntries(['Cn', 'Lm', 'Lo', 'Mn', 'Me', 'Mc', 'Nd', 'Nl', 'No', 'Zs', 'Zl', 'Zp', 'Cc', 'Cf', 'Co', 'Cs', 'Pd', 'Ps',
    'Pe', 'Pc', 'Po', 'Sm', 'Sc', 'Sk', 'So', 'Pi', 'Pf', 'L', 'M', 'N', 'Z', 'C', 'P', 'S', 'LC'].map((name) => [name, always(p(name))])),
  Lu: cased(p('Lu'), CASED_LETTER),
  Ll: cased(p('Ll'), CASED_LETTER),
  Lt: cased(p('Lt'), CASED_LETTER),
  LD: always(unionSet(p('L'), p('Nd'))),
  L1: always(rangeSet(0x00, 0xff)),
  all: always(ALL),
  ASCII: always(rangeSet(0x00, 0x7f)),
  Alnum: always(rangesSet([[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]])),
  Alpha: always(ASCII_ALPHA),
  Blank: always(charsSet(' \t')),
  Cntrl: always(rangesSet([[0x00, 0x1f], [0x7f, 0x7f]])),
  Digit: always(rangeSet(0x30, 0x39)),
  Graph: always(rangeSet(0x21, 0x7e)),
  Lower: cased(rangeSet(0x61, 0x7a), ASCII_ALPHA),
  Print: always(rangeSet(0x20, 0x7e)),
  Punct: always(rangesSet([[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]])),
  Space: always(rangesSet([[0x09, 0x0d], [0x20, 0x20]])),
  Upper: cased(rangeSet(0x41, 0x5a), ASCII_ALPHA),
  XDigit: always(rangesSet([[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]])),
  javaLowerCase: cased(p('Lowercase')),
  javaUpperCase: cased(p('Uppercase')),
  javaTitleCase: cased(p('Lt')),
  javaAlphabetic: always(p('Alphabetic')),
  javaIdeographic: always(p('Ideographic')),
  javaDigit: always(p('Nd')),
  javaDefined: always(notSet(p('Cn'))),
  javaLetter: always(p('L')),
  javaLetterOrDigit: always(unionSet(p('L'), p('Nd'))),
  javaJavaIdentifierStart: always(unionSet(p('L'), p('Nl'), p('Sc'), p('Pc'))),
  javaJavaIdentifierPart: always(unionSet(p('L'), p('Sc'), p('Pc'), p('Nd'), p('Nl'), p('Mc'), p('Mn'), IDENTIFIER_IGNORABLE)),
  javaIdentifierIgnorable: always(IDENTIFIER_IGNORABLE),
  javaSpaceChar: always(p('Z')),
  // Character.isWhitespace: space separators except the no-break ones, plus \t-\r and \x1C-\x1F.
  javaWhitespace: always(unionSet(andSet(p('Z'), notSet(charsSet('\u00a0\u2007\u202f'))), rangesSet([[0x09, 0x0d], [0x1c, 0x1f]]))),
  javaISOControl: always(rangesSet([[0x00, 0x1f], [0x7f, 0x9f]])),
  javaMirrored: always(p('Bidi_Mirrored'))
}

/** CharPredicates.forUnicodeProperty (after "Is", upper-cased): binary properties, then the Unicode flavour of the POSIX names. */
const UNICODE_PROPERTIES: Readonly<Record<string, Property>> = {
  ALPHABETIC: always(p('Alphabetic')),
  ASSIGNED: always(notSet(p('Cn'))),
  CONTROL: always(p('Cc')),
  HEXDIGIT: always(HEX_DIGIT),
  HEX_DIGIT: always(HEX_DIGIT),
  IDEOGRAPHIC: always(p('Ideographic')),
  JOINCONTROL: always(charsSet('\u200c\u200d')),
  JOIN_CONTROL: always(charsSet('\u200c\u200d')),
  LETTER: always(p('L')),
  LOWERCASE: cased(p('Lowercase')),
  NONCHARACTERCODEPOINT: always(p('Noncharacter_Code_Point')),
  NONCHARACTER_CODE_POINT: always(p('Noncharacter_Code_Point')),
  TITLECASE: cased(p('Lt')),
  PUNCTUATION: always(p('P')),
  UPPERCASE: cased(p('Uppercase')),
  WHITESPACE: always(WHITE_SPACE),
  WHITE_SPACE: always(WHITE_SPACE),
  WORD: always(unionSet(p('Alphabetic'), p('M'), p('Nd'), p('Pc'), charsSet('\u200c\u200d'))),
  ALPHA: always(p('Alphabetic')),
  LOWER: cased(p('Lowercase')),
  UPPER: cased(p('Uppercase')),
  SPACE: always(WHITE_SPACE),
  PUNCT: always(p('P')),
  XDIGIT: always(HEX_DIGIT),
  ALNUM: always(unionSet(p('Alphabetic'), p('Nd'))),
  CNTRL: always(p('Cc')),
  DIGIT: always(p('Nd')),
  BLANK: always(BLANK),
  GRAPH: always(GRAPH),
  PRINT: always(andSet(unionSet(GRAPH, BLANK), notSet(p('Cc'))))
}

// Java knows these only since Java 21, so a pattern using them means different things on different JVMs.
const EMOJI_PROPERTIES = new Set(['EMOJI', 'EMOJI_PRESENTATION', 'EMOJI_MODIFIER', 'EMOJI_MODIFIER_BASE', 'EMOJI_COMPONENT', 'EXTENDED_PICTOGRAPHIC'])

/**
 * Character.UnicodeScript.forName: a script's enum name or ISO 15924 alias in any case. JavaScript wants
 * the Unicode spelling ("Old_Italic", "Latn"), which title-casing gives for all but SignWriting.
 */
function scriptSet (javaName: string): CharSet | null {
  const upper = javaName.toUpperCase()
  const name = upper === 'SIGNWRITING' ? 'SignWriting' : upper.split('_').map((word) => word.charAt(0) + word.slice(1).toLowerCase()).join('_')
  if (!/^[A-Za-z_]+$/.test(name)) return null
  try {
    // The engine's own table decides: a script it does not know (or a misspelling) is not translatable.
    RegExp(`\\p{Script=${name}}`, 'v')
  } catch {
    return null
  }
  return propertySet(`Script=${name}`)
}

/**
 * Pattern.family: the set named by `\p{name}` (negated by the caller for \P). Throws JavaRegexError:
 * Java's message at Java's `errorIndex` for an unknown name, `untranslatable` at `index` (the escape)
 * for blocks and JVM-dependent names.
 */
export function javaPropertySet (name: string, caseInsensitive: boolean, index: number, errorIndex: number): CharSet {
  const unknown = (message: string): JavaRegexError => new JavaRegexError('syntax', message, errorIndex)
  const equals = name.indexOf('=')
  if (equals !== -1) {
    const key = name.slice(0, equals).toLowerCase()
    const value = name.slice(equals + 1)
    let set: CharSet | null = null
    if (key === 'sc' || key === 'script') set = scriptSet(value)
    else if (key === 'blk' || key === 'block') throw blockError(name, index)
    else if (key === 'gc' || key === 'general_category') set = lookup(PROPERTIES, value, caseInsensitive)
    if (set === null) throw unknown(`Unknown Unicode property {name=<${key}>, value=<${value}>}`)
    return set
  }
  if (name.startsWith('In')) throw blockError(name, index)
  if (name.startsWith('Is')) {
    const short = name.slice(2)
    const upper = short.toUpperCase()
    if (EMOJI_PROPERTIES.has(upper)) {
      throw new JavaRegexError('untranslatable', `\\p{${name}} exists only since Java 21, so it depends on the JVM running MM2`, index)
    }
    const set = lookup(UNICODE_PROPERTIES, upper, caseInsensitive) ?? lookup(PROPERTIES, short, caseInsensitive) ?? scriptSet(short)
    if (set === null) throw unknown(`Unknown character property name {${name}}`)
    return set
  }
  if (name === 'javaUnicodeIdentifierStart' || name === 'javaUnicodeIdentifierPart') {
    throw new JavaRegexError('untranslatable', `\\p{${name}} follows Character.isUnicodeIdentifier*, whose definition changed across Java versions`, index)
  }
  const set = lookup(PROPERTIES, name, caseInsensitive)
  if (set === null) throw unknown(`Unknown character property name {${name}}`)
  return set
}

function blockError (name: string, index: number): JavaRegexError {
  return new JavaRegexError('untranslatable', `\\p{${name}} names a Unicode block, which JavaScript regular expressions cannot test`, index)
}
