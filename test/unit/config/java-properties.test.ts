// The table's expected results come from java.util.Properties.load(InputStream) of OpenJDK 17.0.15: each input was
// written to a file, loaded by the JDK, and dumped. The same harness also agreed on 4,000 random inputs built
// from "a b = : \t \\ \n \r # ! u 0 4 1 f é" (not committed; it needs a JDK).
import { describe, expect, it } from 'vitest'
import { parseJavaProperties } from '../../../sidecar/src/config/java-properties.ts'

const asObject = (text: string): Record<string, string> | 'ERROR' => {
  const parsed = parseJavaProperties(text)
  if (parsed.problems.length > 0) return 'ERROR'
  return Object.fromEntries([...parsed.properties.values()].map((entry) => [entry.key, entry.value]))
}

describe('parseJavaProperties agrees with the JDK', () => {
  it.each([
    ['a=b', { a: 'b' }],
    ['a = b', { a: 'b' }],
    ['a:b', { a: 'b' }],
    ['a : b', { a: 'b' }],
    ['a b', { a: 'b' }],
    ['a   b', { a: 'b' }],
    ['a\tb', { a: 'b' }],
    ['a', { a: '' }],
    ['a=', { a: '' }],
    ['  a=b', { a: 'b' }],
    ['# c\n! c\n   # c\na=1', { a: '1' }],
    ['a=b # not a comment', { a: 'b # not a comment' }],
    ['a=b\\\n   c', { a: 'bc' }],
    ['a=b\\\\', { a: 'b\\' }],
    ['a\\=b=c', { 'a=b': 'c' }],
    ['a\\ b=c', { 'a b': 'c' }],
    ['a=\\u0041', { a: 'A' }],
    ['a=\\u00e9x', { a: 'éx' }],
    ['a=\\t\\n\\r\\f|', { a: '\t\n\r\f|' }],
    ['a=\\q', { a: 'q' }],
    ['key==value', { key: '=value' }],
    ['key = = value', { key: '= value' }],
    ['key  :  value', { key: 'value' }],
    ['a=b\\', { a: 'b' }],
    ['a=1\r\nb=2\r\n', { a: '1', b: '2' }],
    ['a=1\rb=2\r', { a: '1', b: '2' }],
    ['# c \\\na=b', { a: 'b' }],
    ['a=b\\\n\nc=d', { a: 'b', c: 'd' }],
    ['a=b\\\n#c', { a: 'b#c' }],
    ['a=1\na=2', { a: '2' }],
    ['a=\\u12', 'ERROR'],
    ['\\uZZZZ=b', 'ERROR'],
    ['a=b  ', { a: 'b  ' }],
    ['a\\:b=c', { 'a:b': 'c' }],
    ['\\#x=1', { '#x': '1' }],
    ['', {}],
    ['   \n\t\n', {}],
    ['a\fb', { a: 'b' }],
    ['a=b\\\r\n  c\\\r\n  d', { a: 'bcd' }],
    ['a=b\\\\\\\nc', { a: 'b\\c' }],
    ['\\\n#x=1', {}],
    ['a = b\\\n\\\n c', { a: 'bc' }],
    ['k\\\n v', { kv: '' }],
    ['x=\\\\u0041', { x: '\\u0041' }],
    ['a=\\\n', { a: '' }],
    ['a\\\n=b', { a: 'b' }],
    ['a\\=', { 'a=': '' }],
    [':b', { '': 'b' }],
    ['=b', { '': 'b' }],
    [' = b', { '': 'b' }],
  ] as Array<[string, Record<string, string> | 'ERROR']>)('%j', (text, expected) => {
    expect(asObject(text)).toEqual(expected)
  })
})

describe('line numbers', () => {
  it('gives each entry the line where its logical line starts', () => {
    const text = [
      '# MirrorMaker 2',         // 1
      '',                        // 2
      'clusters = A, \\',        // 3
      '           B',            // 4
      '! a comment',             // 5
      '   A.bootstrap.servers = a:9092', // 6
      'B.bootstrap.servers: b:9092'      // 7
    ].join('\n')
    const { entries } = parseJavaProperties(text)
    expect(entries).toEqual([
      { key: 'clusters', value: 'A, B', line: 3 },
      { key: 'A.bootstrap.servers', value: 'a:9092', line: 6 },
      { key: 'B.bootstrap.servers', value: 'b:9092', line: 7 }
    ])
  })

  it.each([
    ['\n', 'a=1\n\nb=2\n'],
    ['\r\n', 'a=1\r\n\r\nb=2\r\n'],
    ['\r', 'a=1\r\rb=2\r']
  ])('counts %j line breaks once each', (_eol, text) => {
    expect(parseJavaProperties(text).entries.map((entry) => entry.line)).toEqual([1, 3])
  })

  it('counts continuation lines and comments', () => {
    const { entries } = parseJavaProperties('a=1\\\n  2\\\r\n  3\n# x\r\nb=2')
    expect(entries).toEqual([{ key: 'a', value: '123', line: 1 }, { key: 'b', value: '2', line: 5 }])
  })

  it('keeps every occurrence of a duplicate key, the last one wins', () => {
    const parsed = parseJavaProperties('a=1\nb=x\na=2\n')
    expect(parsed.entries.map((entry) => [entry.key, entry.value, entry.line])).toEqual([['a', '1', 1], ['b', 'x', 2], ['a', '2', 3]])
    expect(parsed.properties.get('a')).toEqual({ key: 'a', value: '2', line: 3 })
  })
})

describe('problems', () => {
  it('reports every malformed \\uXXXX escape with its line and never the value', () => {
    const parsed = parseJavaProperties('ok=1\nA.ssl.key.password=se\\u12cret\n\\uZZ=2\nalso=fine\n')
    expect(parsed.problems).toEqual([
      { line: 2, key: 'A.ssl.key.password', message: 'A.ssl.key.password has a malformed \\uxxxx escape in its value (expected four hex digits).' },
      { line: 3, key: undefined, message: 'the key has a malformed \\uxxxx escape (expected four hex digits).' }
    ])
    expect(JSON.stringify(parsed.problems)).not.toContain('se')
    expect(parsed.entries.map((entry) => entry.key)).toEqual(['ok', 'also'])
  })
})

describe('MM2-style content', () => {
  it('reads a JAAS line continued over three lines, with quotes and semicolons kept', () => {
    const text = 'A.sasl.jaas.config = org.apache.kafka.common.security.scram.ScramLoginModule required \\\n' +
      '    username="mm2" \\\n    password="p@ss=word:1";\n'
    expect(asObject(text)).toEqual({
      'A.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required username="mm2" password="p@ss=word:1";'
    })
  })

  it('keeps "->" in flow keys and regex backslashes only when doubled', () => {
    expect(asObject('A->B.enabled = true\ntopics.exclude = .*[\\\\-\\\\.]internal, __.*\nsingle = .*\\.replica')).toEqual({
      'A->B.enabled': 'true',
      'topics.exclude': '.*[\\-\\.]internal, __.*',
      single: '.*.replica'
    })
  })

  it('keeps Windows paths only with doubled backslashes', () => {
    expect(asObject('A.ssl.truststore.location=C:\\\\certs\\\\truststore.jks')).toEqual({ 'A.ssl.truststore.location': 'C:\\certs\\truststore.jks' })
  })
})
