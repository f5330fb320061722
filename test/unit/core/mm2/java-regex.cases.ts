// The Java regex table: for each construct, a Java pattern, names java.util.regex.Pattern's
// Matcher.matches() accepts and names it refuses; then patterns that are refused, by Java itself
// (`syntax`) or by the translator (`untranslatable`, Java accepts them). Every expectation was produced
// by the JVM: `node test/fixtures/java-regex/check-oracle.ts` runs this table through OpenJDK 17 and 25
// and reports any row whose expectation Java does not share.
// Inputs use \u escapes for invisible characters: \u0085 NEL, \u2028 LINE SEPARATOR, \u00a0 NO-BREAK SPACE. They must be
// well-formed UTF-16 (no lone surrogates), since they travel to the JVM as UTF-8.

export interface MatchCase {
  readonly construct: string
  readonly pattern: string
  readonly match: readonly string[]
  readonly noMatch: readonly string[]
}

export interface RejectCase {
  readonly construct: string
  readonly pattern: string
  readonly kind: 'syntax' | 'untranslatable'
  /** JavaRegexError.reason, exactly. */
  readonly reason: string
  /** Some JVMs accept the pattern and others reject it, which is why it is refused. */
  readonly jvmDependent?: boolean
}

export const MATCH_CASES: readonly MatchCase[] = [
  // MM2's own defaults and the shapes operators write.
  {
    construct: 'MM2 topics.exclude default',
    pattern: '.*[\\-\\.]internal',
    match: ['mm2-offsets.A.internal', 'my-internal'],
    noMatch: ['internal', 'my_internal', 'a.internal.x']
  },
  { construct: 'MM2 topics.exclude default', pattern: '.*\\.replica', match: ['orders.replica'], noMatch: ['orders.replica2', 'replica'] },
  { construct: 'MM2 groups.exclude default', pattern: 'console-consumer-.*', match: ['console-consumer-4711'], noMatch: ['my-console-consumer-1'] },
  { construct: 'whole-name match', pattern: 'orders', match: ['orders'], noMatch: ['orders-v2', 'x.orders', 'Orders'] },
  { construct: 'alternation', pattern: 'orders|payments', match: ['orders', 'payments'], noMatch: ['orderspayments', 'orders|payments'] },
  { construct: 'empty alternative', pattern: 'a|', match: ['a', ''], noMatch: ['b'] },
  { construct: 'lazy quantifier', pattern: 'a+?b', match: ['ab', 'aaab'], noMatch: ['b'] },
  { construct: 'counted repetition', pattern: 'p-\\d{2,3}', match: ['p-12', 'p-123'], noMatch: ['p-1', 'p-1234'] },
  { construct: 'named group (same syntax in JavaScript)', pattern: '(?<env>prod|dev)-orders', match: ['prod-orders', 'dev-orders'], noMatch: ['qa-orders'] },
  // \Q...\E quoting, removed before parsing as Java does, also inside classes.
  { construct: '\\Q...\\E', pattern: '\\Qorders.v1\\E', match: ['orders.v1'], noMatch: ['ordersXv1'] },
  { construct: '\\Q without \\E quotes to the end', pattern: 'x\\Q.*', match: ['x.*'], noMatch: ['xyz'] },
  { construct: '\\Q...\\E with a backslash inside', pattern: '\\Qa\\b\\E', match: ['a\\b'], noMatch: ['ab'] },
  { construct: '\\Q...\\E starting with a digit', pattern: '\\Q1.5\\E', match: ['1.5'], noMatch: ['125'] },
  { construct: '\\Q...\\E inside a class', pattern: '[\\Q]-\\E]', match: [']', '-'], noMatch: ['\\', 'a'] },
  // Possessive quantifiers and atomic groups: emulated with a lookahead and a backreference.
  { construct: 'possessive *+', pattern: 'a*+a', match: [], noMatch: ['a', 'aa', 'aaa'] },
  { construct: 'possessive *+', pattern: 'a*+b', match: ['b', 'aab'], noMatch: ['aa'] },
  { construct: 'possessive ?+', pattern: 'a?+a', match: ['aa'], noMatch: ['a'] },
  { construct: 'possessive ++ on a group', pattern: '(?:ab)++c', match: ['abc', 'ababc'], noMatch: ['c', 'abab'] },
  { construct: 'possessive {n,m}+', pattern: '.{1,3}+x', match: ['abcx'], noMatch: ['abx', 'ax'] },
  { construct: 'atomic group', pattern: '(?>a|ab)c', match: ['ac'], noMatch: ['abc'] },
  { construct: 'nested atomic groups', pattern: '(?>(?>a+)b|a)a', match: ['aaba', 'aa'], noMatch: ['ab', 'a'] },
  // Anchors. Java's $ (and \Z) also match before a final line terminator, never between \r and \n.
  { construct: '\\A and \\z', pattern: '\\Aorders\\z', match: ['orders'], noMatch: ['orders\n'] },
  { construct: '\\Z', pattern: 'orders\\Z\\n?', match: ['orders', 'orders\n'], noMatch: ['orders\n\n'] },
  { construct: '$ before a final line terminator', pattern: 'a$\\r\\n', match: ['a\r\n'], noMatch: ['a\n'] },
  { construct: '$ never between \\r and \\n', pattern: 'a\\r$\\n', match: [], noMatch: ['a\r\n'] },
  { construct: '$ before NEL (JavaScript does not see NEL as a line end)', pattern: 'a$.?', match: ['a'], noMatch: ['a\u0085'] },
  { construct: '$ before NEL (JavaScript does not see NEL as a line end)', pattern: 'a$\\u0085', match: ['a\u0085'], noMatch: ['a\n'] },
  { construct: '^ and $', pattern: '^orders$', match: ['orders'], noMatch: ['orders\n'] },
  { construct: '\\G is the start: MM2 uses a fresh Matcher per name', pattern: '\\Gorders', match: ['orders'], noMatch: ['xorders'] },
  { construct: '\\G is the start: MM2 uses a fresh Matcher per name', pattern: 'a\\Gb', match: [], noMatch: ['ab'] },
  { construct: '(?m) ^ and $', pattern: '(?m)a$\\n^b', match: ['a\nb'], noMatch: ['ab'] },
  { construct: '(?m) ^ never at the very end', pattern: '(?m)a\\n^', match: [], noMatch: ['a\n'] },
  { construct: '(?m) ^ not between \\r and \\n', pattern: '(?m)a\\r^\\n', match: [], noMatch: ['a\r\n'] },
  { construct: '(?d) only \\n ends a line', pattern: '(?d)a$\\r', match: [], noMatch: ['a\r'] },
  { construct: '(?d) only \\n ends a line', pattern: '(?d).', match: ['\r', '\u0085'], noMatch: ['\n'] },
  // Dot and code points.
  { construct: '. excludes Java\'s line terminators', pattern: '.', match: ['a', '\u00a0', '😀'], noMatch: ['\n', '\r', '\u0085', '\u2028', ''] },
  { construct: '. matches a code point, not a UTF-16 unit', pattern: '..', match: ['😀😀'], noMatch: ['😀'] },
  { construct: '(?s) DOTALL', pattern: '(?s).', match: ['\n', '\u0085'], noMatch: [''] },
  // Inline flags: (?i) folds ASCII letters only and lasts to the end of its group, across |.
  { construct: '(?i) at the start', pattern: '(?i)orders', match: ['ORDERS', 'Orders'], noMatch: ['ordersx'] },
  { construct: '(?i) folds ASCII only', pattern: '(?i)é', match: ['é'], noMatch: ['É'] },
  { construct: '(?i:...) group', pattern: '(?i:a)b', match: ['Ab'], noMatch: ['AB'] },
  { construct: '(?i) in the middle lasts across |', pattern: 'a(?i)b|c', match: ['aB', 'C'], noMatch: ['AB'] },
  { construct: '(?i) ends with its group', pattern: '(a(?i)b)c', match: ['aBc'], noMatch: ['aBC'] },
  { construct: '(?i) then (?-i)', pattern: '(?i)a(?-i)b', match: ['Ab'], noMatch: ['AB'] },
  { construct: '(?i) on a class', pattern: '(?i)[a-c]', match: ['B'], noMatch: ['d'] },
  { construct: '(?i) on a negated class', pattern: '(?i)[^a]', match: ['b'], noMatch: ['A', 'a'] },
  { construct: '(?i) on a range across cases', pattern: '(?i)[Z-a]', match: ['z', 'A', '_'], noMatch: ['b'] },
  { construct: '(?i) widens \\p{Lower}', pattern: '(?i)\\p{Lower}', match: ['A'], noMatch: ['1'] },
  { construct: '(?i) widens \\p{Lu}', pattern: '(?i)\\p{Lu}', match: ['a', 'é'], noMatch: ['1'] },
  { construct: '(?x) comments mode', pattern: '(?x) orders # a comment\n -v1', match: ['orders-v1'], noMatch: ['orders -v1'] },
  { construct: '(?x) skips blanks inside classes', pattern: '(?x)[a b]', match: ['a'], noMatch: [' '] },
  { construct: '(?x) keeps an escaped blank', pattern: '(?x)a\\ b', match: ['a b'], noMatch: ['ab'] },
  // POSIX classes: ASCII-only in Java.
  { construct: '\\p{Lower}', pattern: '\\p{Lower}', match: ['a'], noMatch: ['A', 'é'] },
  { construct: '\\p{Upper}', pattern: '\\p{Upper}', match: ['A'], noMatch: ['a', 'É'] },
  { construct: '\\p{Alpha}', pattern: '\\p{Alpha}+', match: ['Orders'], noMatch: ['é', '1'] },
  { construct: '\\p{Digit}', pattern: '\\p{Digit}', match: ['7'], noMatch: ['٣'] },
  { construct: '\\p{Alnum}', pattern: '\\p{Alnum}', match: ['a', '7'], noMatch: ['_'] },
  { construct: '\\p{Punct}', pattern: '\\p{Punct}', match: ['_', '-', '.', '~'], noMatch: ['¿', 'a'] },
  { construct: '\\p{Space}', pattern: '\\p{Space}', match: [' ', '\u000b'], noMatch: ['\u00a0'] },
  { construct: '\\p{XDigit}', pattern: '\\p{XDigit}', match: ['f', 'F'], noMatch: ['g', '０'] },
  { construct: '\\p{Graph} and \\p{Print}', pattern: '\\p{Graph}\\p{Print}', match: ['a '], noMatch: ['  ', 'é '] },
  { construct: '\\p{Blank} and \\p{Cntrl}', pattern: '\\p{Blank}\\p{Cntrl}', match: ['\t\u007f'], noMatch: ['\n\u0085'] },
  { construct: '\\p{ASCII}', pattern: '\\p{ASCII}', match: ['\u007f'], noMatch: ['\u0080'] },
  // java.lang.Character classes and Unicode properties.
  { construct: '\\p{javaLowerCase}', pattern: '\\p{javaLowerCase}', match: ['a', 'é', 'ª'], noMatch: ['A'] },
  { construct: '\\p{javaUpperCase}', pattern: '\\p{javaUpperCase}', match: ['É'], noMatch: ['é'] },
  { construct: '\\p{javaWhitespace}', pattern: '\\p{javaWhitespace}', match: ['\u001c', '\u2028'], noMatch: ['\u00a0'] },
  { construct: '\\p{javaDigit}', pattern: '\\p{javaDigit}', match: ['٣'], noMatch: ['x'] },
  { construct: '\\p{javaLetterOrDigit}', pattern: '\\p{javaLetterOrDigit}+', match: ['é٣'], noMatch: ['_'] },
  { construct: '\\p{L} and \\pL', pattern: '\\p{L}\\pL', match: ['éa'], noMatch: ['é1'] },
  { construct: '\\pL takes one letter', pattern: '\\pLu', match: ['au'], noMatch: ['a'] },
  { construct: '\\p{Lu} and \\P{L}', pattern: '\\p{Lu}\\P{L}', match: ['É1'], noMatch: ['éa'] },
  { construct: '\\p{IsLatin} script', pattern: '\\p{IsLatin}', match: ['é'], noMatch: ['α'] },
  { construct: '\\p{sc=...} script', pattern: '\\p{sc=Greek}\\p{script=latn}', match: ['αa'], noMatch: ['aa'] },
  { construct: '\\p{IsAlphabetic}', pattern: '\\p{IsAlphabetic}', match: ['é'], noMatch: ['1'] },
  { construct: '\\p{IsLower} is Unicode, \\p{Lower} is not', pattern: '\\p{IsLower}', match: ['é'], noMatch: ['É'] },
  { construct: '\\p{gc=...} category', pattern: '\\p{gc=Nd}', match: ['٣'], noMatch: ['x'] },
  { construct: '\\p{LD} letter or digit', pattern: '\\p{LD}', match: ['é', '1'], noMatch: ['_'] },
  // Predefined classes: \d \s \w are ASCII-only in Java; \h \v \R are Java 8+.
  { construct: '\\d', pattern: '\\d', match: ['7'], noMatch: ['٣'] },
  { construct: '\\w', pattern: '\\w+', match: ['a_1'], noMatch: ['é'] },
  { construct: '\\s', pattern: '\\s', match: [' ', '\u000b'], noMatch: ['\u00a0', '\u2028'] },
  { construct: '\\h', pattern: '\\h', match: ['\t', '\u00a0'], noMatch: ['\n'] },
  { construct: '\\v (vertical whitespace, not \\x0B alone)', pattern: '\\v', match: ['\n', '\u000b', '\u2028'], noMatch: [' '] },
  { construct: '\\H \\V \\S \\D \\W', pattern: '\\H\\V\\S\\D\\W', match: ['aaaa-'], noMatch: ['\taaa-', 'aaaa_'] },
  { construct: '\\R', pattern: 'a\\Rb', match: ['a\r\nb', 'a\nb', 'a\u2028b'], noMatch: ['a\n\nb'] },
  { construct: '\\R backtracks into \\r alone', pattern: '\\R\\n', match: ['\r\n'], noMatch: ['\n'] },
  // Classes: nesting is union, && is intersection, ] first is a literal.
  { construct: 'class intersection', pattern: '[a-z&&[^aeiou]]', match: ['b'], noMatch: ['e', 'B'] },
  { construct: 'class union', pattern: '[a-d[m-p]]', match: ['b', 'n'], noMatch: ['e'] },
  { construct: 'negated union', pattern: '[^a[b]]', match: ['c'], noMatch: ['a', 'b'] },
  { construct: 'negated nested negation', pattern: '[^a[^b]]', match: ['b'], noMatch: ['a', 'c'] },
  { construct: 'intersection with a union on the right', pattern: '[a-z&&[def]xyz]', match: ['e', 'x'], noMatch: ['a'] },
  { construct: 'empty intersection', pattern: '[a&&b]', match: [], noMatch: ['a', 'b', '&'] },
  { construct: 'a lone & is a literal', pattern: '[a&b]', match: ['&', 'b'], noMatch: ['c'] },
  { construct: '] first in a class', pattern: '[]a]', match: [']', 'a'], noMatch: ['['] },
  { construct: '] first in a negated class', pattern: '[^]a]', match: ['b'], noMatch: [']', 'a'] },
  { construct: '- at the end of a class', pattern: '[a-]', match: ['-'], noMatch: ['b'] },
  { construct: '- after a predefined class', pattern: '[\\d-z]', match: ['-', 'z', '5'], noMatch: ['y'] },
  { construct: 'range of supplementary characters', pattern: '[\\x{1F600}-\\x{1F64F}]', match: ['😃'], noMatch: ['😀😀', '🚀'] },
  // Escapes.
  { construct: 'escapes', pattern: '\\x41\\u00e9\\x{1F600}\\0101\\t\\e\\a\\cA', match: ['Aé😀A\t\u001b\u0007\u0001'], noMatch: ['x'] },
  { construct: 'escaped surrogate pair', pattern: '\\uD83D\\uDE00', match: ['😀'], noMatch: ['😁'] },
  { construct: 'escaped punctuation', pattern: '\\-\\_\\.\\#', match: ['-_.#'], noMatch: ['-_x#'] },
  // Literal ] and }, and Java's quantified empty slice.
  { construct: '] and } outside a class', pattern: 'a]}', match: ['a]}'], noMatch: ['a'] },
  { construct: 'x{2}{3}: the second quantifier repeats nothing', pattern: 'x{2}{3}', match: ['xx'], noMatch: ['xxxxxx'] },
  { construct: 'a{0}', pattern: 'a{0}b', match: ['b'], noMatch: ['ab'] },
  // Lookarounds.
  { construct: 'negative lookahead', pattern: '(?!test-).*', match: ['prod-1', 'test'], noMatch: ['test-1'] },
  { construct: 'negative lookbehind', pattern: '.*(?<!\\.internal)', match: ['orders', 'internal'], noMatch: ['orders.internal'] },
  { construct: 'bounded lookbehind with alternatives', pattern: '.*(?<=-v(?:1|22))', match: ['x-v1', 'x-v22'], noMatch: ['x-v2'] },
  { construct: 'quantified lookahead', pattern: '(?=a)*a', match: ['a'], noMatch: ['b'] },
  // Java parsing details a port has to get right.
  { construct: '(?x) comment inside a class', pattern: '(?x)[a#b\n]', match: ['a'], noMatch: ['b', '#'] },
  { construct: '(?x) blanks inside an escape and a quantifier', pattern: '(?x)\\x4 1{2, 3}', match: ['AA', 'AAA'], noMatch: ['A'] },
  { construct: '(?x)(?d): only \\n ends a comment', pattern: '(?d)(?x)a#c\rb\nc', match: ['ac'], noMatch: ['abc'] },
  { construct: '\\Q...\\E twice', pattern: '\\Qa.\\Eb*\\Q+', match: ['a.bb+', 'a.+'], noMatch: ['axb+'] },
  { construct: 'an escaped high surrogate without its pair', pattern: '(?:\\uD83D\\u0041)?b', match: ['b'], noMatch: ['Ab', '😀b'] },
  { construct: 'control and octal escapes', pattern: '\\c?\\0777\\x{41}', match: ['\u007f?7A'], noMatch: ['\u007f\u01ffA'] },
  { construct: 'stale class bits after an intersection', pattern: '[a&&[b]&x]', match: ['a', '&', 'x'], noMatch: ['b'] },
  { construct: 'empty right side of &&', pattern: '[ab&&]', match: ['a', 'b'], noMatch: ['&'] },
  { construct: 'predefined classes in a class', pattern: '[\\w&&\\W][^\\d]', match: [], noMatch: ['aa', '_b'] },
  { construct: 'property minus a range', pattern: '[\\p{L}&&[^a-z]]', match: ['A', 'é'], noMatch: ['a', '1'] },
  { construct: '\\v as a range end point is \\x0B', pattern: '[\\v-\\x0d]', match: ['\u000b', '\r'], noMatch: ['\n'] },
  { construct: 'escaped range end point', pattern: '[a-\\x{63}]', match: ['b', 'c'], noMatch: ['d'] },
  { construct: 'negated property', pattern: '\\P{IsLatin}\\P{gc=Lu}', match: ['1a'], noMatch: ['aa', '1A'] },
  { construct: 'empty iterations', pattern: '(a?){3}b', match: ['b', 'ab', 'aaab'], noMatch: ['aaaab'] },
  { construct: 'empty alternative in a loop', pattern: '(a|)*b', match: ['b', 'aab'], noMatch: ['ba'] },
  { construct: 'nested loops', pattern: '(?:a*)*b', match: ['b', 'aab'], noMatch: ['aa'] },
  { construct: 'possessive group with {n}', pattern: '(?:a|b){2}+c', match: ['abc'], noMatch: ['ac'] },
  { construct: 'lazy counted repetition', pattern: 'a{2,3}?a', match: ['aaa', 'aaaa'], noMatch: ['aa'] },
  { construct: '(?m)(?d) ^ and $', pattern: '(?md)a$\\r?\\n^b', match: ['a\nb'], noMatch: ['a\r\nb'] },
  { construct: 'lookbehind of a bounded repetition', pattern: 'a+(?<=a{1,3})b', match: ['ab', 'aaaab'], noMatch: ['b'] },
  { construct: 'lookbehind of alternatives of different lengths', pattern: '.x(?<=ax|bbx|^x)', match: ['ax'], noMatch: ['cx'] },
  { construct: 'lookbehind of a repeated group', pattern: '.*(?<=(?:ab){2})', match: ['abab', 'xabab'], noMatch: ['ab'] },
  { construct: 'lookbehind with an optional part', pattern: '.*(?<!a?b)', match: ['', 'ba'], noMatch: ['b', 'ab'] },
  { construct: 'lookbehind containing \\R and a lookahead', pattern: '.*\\n(?<=\\R(?=x)).*', match: ['a\nx'], noMatch: ['a\ny'] },
  { construct: 'nested lookbehinds', pattern: '.*(?<=b(?<=ab))c', match: ['abc'], noMatch: ['bc'] }
]

export const REJECT_CASES: readonly RejectCase[] = [
  {
    construct: '\\0 needs an octal digit, and \\Q1 does not give it one',
    pattern: '\\0\\Q1\\E',
    kind: 'syntax',
    reason: 'Java rejects it (Illegal octal escape sequence near index 2)'
  },
  { construct: 'control escape at the end', pattern: 'a\\c', kind: 'syntax', reason: 'Java rejects it (Illegal control escape sequence near index 2)' },
  { construct: 'short hexadecimal escape', pattern: '\\x4', kind: 'syntax', reason: 'Java rejects it (Illegal hexadecimal escape sequence near index 3)' },
  { construct: 'unclosed \\x{...}', pattern: '\\x{41', kind: 'syntax', reason: 'Java rejects it (Unclosed hexadecimal escape sequence near index 5)' },
  { construct: 'short Unicode escape', pattern: '\\u12', kind: 'syntax', reason: 'Java rejects it (Illegal Unicode escape sequence near index 4)' },
  {
    construct: '\\k without <',
    pattern: '(a)\\kx',
    kind: 'syntax',
    reason: 'Java rejects it (\\k is not followed by \'<\' for named capturing group near index 5)'
  },
  {
    construct: '\\k of an unknown group',
    pattern: '\\k<x>',
    kind: 'syntax',
    reason: 'Java rejects it (named capturing group <x> does not exist near index 4)'
  },
  {
    construct: 'group name starting with a digit',
    pattern: '(?<1n>a)',
    kind: 'syntax',
    reason: 'Java rejects it (capturing group name does not start with a Latin letter near index 3)'
  },
  {
    construct: 'group name without >',
    pattern: '(?<n-a)',
    kind: 'syntax',
    reason: 'Java rejects it (named capturing group is missing trailing \'>\' near index 4)'
  },
  { construct: 'empty \\p{}', pattern: '\\p{}', kind: 'syntax', reason: 'Java rejects it (Empty character family near index 3)' },
  { construct: 'unclosed \\p{', pattern: '\\p{L', kind: 'syntax', reason: 'Java rejects it (Unclosed character family near index 4)' },
  {
    construct: 'unknown property key',
    pattern: '\\p{foo=bar}',
    kind: 'syntax',
    reason: 'Java rejects it (Unknown Unicode property {name=<foo>, value=<bar>} near index 10)'
  },
  { construct: 'unknown group type', pattern: '(?$a)', kind: 'syntax', reason: 'Java rejects it (Unknown group type near index 2)' },
  { construct: '&& with nothing on either side', pattern: '[&&]', kind: 'syntax', reason: 'Java rejects it (Bad class syntax near index 2)' },
  { construct: '\\N without braces', pattern: '\\Nx', kind: 'syntax', reason: 'Java rejects it (Illegal character name escape sequence near index 2)' },
  { construct: 'unclosed counted repetition', pattern: 'a{2', kind: 'syntax', reason: 'Java rejects it (Unclosed counted closure near index 3)' },
  { construct: 'repetition count too large', pattern: 'a{99999999999}', kind: 'syntax', reason: 'Java rejects it (Illegal repetition range near index 11)' },
  { construct: 'reversed repetition bounds', pattern: 'a{3,2}', kind: 'syntax', reason: 'Java rejects it (Illegal repetition range near index 5)' },
  { construct: '\\b{ without g}', pattern: '\\b{gx', kind: 'syntax', reason: 'Java rejects it (Illegal/unsupported escape sequence near index 4)' },
  { construct: 'unclosed class', pattern: '[bad', kind: 'syntax', reason: 'Java rejects it (Unclosed character class near index 3)' },
  { construct: 'dangling quantifier', pattern: 'a**', kind: 'syntax', reason: 'Java rejects it (Dangling meta character \'*\' near index 2)' },
  { construct: '{ that is no quantifier', pattern: 'a{,3}', kind: 'syntax', reason: 'Java rejects it (Illegal repetition near index 2)' },
  {
    construct: 'group name defined twice',
    pattern: '(?<n>a)(?<n>b)',
    kind: 'syntax',
    reason: 'Java rejects it (Named capturing group <n> is already defined near index 11)'
  },
  { construct: 'unknown escape', pattern: '\\y', kind: 'syntax', reason: 'Java rejects it (Illegal/unsupported escape sequence near index 1)' },
  { construct: 'reversed range', pattern: '[b-a]', kind: 'syntax', reason: 'Java rejects it (Illegal character range near index 3)' },
  {
    construct: '"Is" is case-sensitive',
    pattern: '\\p{isLatin}',
    kind: 'syntax',
    reason: 'Java rejects it (Unknown character property name {isLatin} near index 10)'
  },
  { construct: 'unknown inline flag', pattern: '(?iX)a', kind: 'syntax', reason: 'Java rejects it (Unknown inline modifier near index 3)' },
  { construct: 'unmatched )', pattern: 'a)', kind: 'syntax', reason: 'Java rejects it (Unmatched closing \')\' near index 0)' },
  { construct: 'unclosed group', pattern: '(a', kind: 'syntax', reason: 'Java rejects it (Unclosed group near index 2)' },
  { construct: 'code point too big', pattern: '\\x{110000}', kind: 'syntax', reason: 'Java rejects it (Hexadecimal codepoint is too big near index 8)' },
  {
    construct: 'lookbehind without a maximum length',
    pattern: 'a(?<=(ab)*)b',
    kind: 'syntax',
    reason: 'Java rejects it (Look-behind group does not have an obvious maximum length near index 9)'
  },
  {
    construct: '\\b word boundary',
    pattern: '\\bword\\b',
    kind: 'untranslatable',
    reason: '\\b (a word boundary) changed meaning for non-ASCII letters in Java 19, so it depends on the JVM running MM2 (at index 0)'
  },
  {
    construct: '\\B',
    pattern: 'a\\Bb',
    kind: 'untranslatable',
    reason: '\\B (not a word boundary) changed meaning for non-ASCII letters in Java 19, so it depends on the JVM running MM2 (at index 1)'
  },
  {
    construct: 'backreference',
    pattern: '(a)\\1',
    kind: 'untranslatable',
    reason: '\\1 is a backreference; Java fails it when the group did not take part in the match, where JavaScript matches the empty string (at index 3)'
  },
  {
    construct: 'named backreference',
    pattern: '(?<n>a)\\k<n>',
    kind: 'untranslatable',
    reason: '\\k<n> is a backreference; Java fails it when the group did not take part in the match, where JavaScript matches the empty string (at index 7)'
  },
  { construct: '\\X grapheme cluster', pattern: '\\X', kind: 'untranslatable', reason: '\\X (a grapheme cluster) has no JavaScript equivalent (at index 0)' },
  {
    construct: '\\b{g}',
    pattern: 'a\\b{g}',
    kind: 'untranslatable',
    reason: '\\b{g} (a grapheme cluster boundary) has no JavaScript equivalent (at index 1)'
  },
  {
    construct: '\\N{name}',
    pattern: '\\N{LATIN SMALL LETTER A}',
    kind: 'untranslatable',
    reason: '\\N{...} names a character by its Unicode name, which JavaScript regular expressions cannot look up (at index 0)'
  },
  {
    construct: 'Unicode block',
    pattern: '\\p{InGreek}',
    kind: 'untranslatable',
    reason: '\\p{InGreek} names a Unicode block, which JavaScript regular expressions cannot test (at index 0)'
  },
  {
    construct: 'Unicode block',
    pattern: '\\p{block=Greek}',
    kind: 'untranslatable',
    reason: '\\p{block=Greek} names a Unicode block, which JavaScript regular expressions cannot test (at index 0)'
  },
  {
    construct: 'Java 21+ property',
    pattern: '\\p{IsEmoji}',
    kind: 'untranslatable',
    reason: '\\p{IsEmoji} exists only since Java 21, so it depends on the JVM running MM2 (at index 0)',
    jvmDependent: true
  },
  {
    construct: 'JVM-dependent property',
    pattern: '\\p{javaUnicodeIdentifierStart}',
    kind: 'untranslatable',
    reason: '\\p{javaUnicodeIdentifierStart} follows Character.isUnicodeIdentifier*, whose definition changed across Java versions (at index 0)'
  },
  {
    construct: '(?iu) Unicode case folding',
    pattern: '(?iu)é',
    kind: 'untranslatable',
    reason: '(?iu) folds case by Java\'s Unicode rules, which differ from JavaScript\'s; (?i) alone (ASCII letters) is supported (at index 0)'
  },
  {
    construct: '(?U) Unicode classes',
    pattern: '(?U)\\w',
    kind: 'untranslatable',
    reason: '(?U) makes \\w, \\d and the POSIX classes Unicode-aware and folds case by Unicode rules, which mm2-failback does not reproduce (at index 0)'
  },
  {
    construct: '(?c) canonical equivalence',
    pattern: '(?c)é',
    kind: 'untranslatable',
    reason: '(?c) matches by canonical equivalence, which JavaScript regular expressions cannot do (at index 0)'
  },
  {
    construct: 'possessive quantifier in a lookbehind',
    pattern: 'a(?<=a*+)b',
    kind: 'untranslatable',
    reason: 'an atomic group or possessive quantifier inside a lookbehind cannot be reproduced, because JavaScript matches lookbehinds backwards (at index 1)'
  },
  {
    construct: 'lookbehind whose Java bounds overflow',
    pattern: 'ab(?<=a*b)',
    kind: 'untranslatable',
    reason: 'Java bounds this lookbehind to 1..-2147483648 characters (its int arithmetic overflows), so it does not match what the pattern says (at index 2)'
  }
]
