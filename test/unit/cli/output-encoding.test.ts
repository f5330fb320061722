// The CLI's output encodings: terminal escapes shown, never sent; CSV per RFC 4180 with formula cells
// neutralised but numbers left as numbers; JSON inert in a terminal and parsed back to the same values.
import { describe, expect, it } from 'vitest'
import { csvField, escapeLogLine, escapeText, formatCsv, formatJson, formatTable } from '../../../sidecar/src/cli/output-encoding.ts'

// Any C0 control, DEL, C1 control or bidi override/isolate: none of these may reach a terminal raw.
// eslint-disable-next-line no-control-regex -- the test looks for exactly these characters
const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

describe('escapeText', () => {
  it('shows C0, DEL and C1 controls as \\xNN and bidi controls as \\uNNNN', () => {
    expect(escapeText('\u001b]0;pwned\u0007')).toBe('\\x1b]0;pwned\\x07')
    expect(escapeText('a\rb\nc\td\u0000')).toBe('a\\x0db\\x0ac\\x09d\\x00')
    expect(escapeText('\u007f\u0080\u009b[2J')).toBe('\\x7f\\x80\\x9b[2J')
    expect(escapeText('\u202aa\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069')).toBe('\\u202aa\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069')
  })

  it('leaves printable text alone, backslashes and non-ASCII names included, so escaping twice changes nothing', () => {
    for (const text of ['orders', 'A.orders', 'C:\\mm2\\mm2.properties', 'commandes-été', '注文', 'emoji-🙂', '\u200e-not-an-override']) {
      expect(escapeText(text)).toBe(text)
    }
    const once = escapeText('g\u001b\u202e')
    expect(escapeText(once)).toBe(once)
  })
})

describe('escapeLogLine', () => {
  it('keeps a JSON log line valid JSON with the same values', () => {
    const line = JSON.stringify({ msg: 'group commit', group: 'g\u001b\u009b\u202e\u007f' })
    const escaped = escapeLogLine(line)
    expect(escaped).not.toMatch(RAW_CONTROL)
    expect(JSON.parse(escaped)).toEqual({ msg: 'group commit', group: 'g\u001b\u009b\u202e\u007f' })
  })

  it('shows controls in a text log line', () => {
    expect(escapeLogLine('INFO group g\u001b[31m\r\n')).toBe('INFO group g\\u001b[31m\\u000d\\u000a')
  })
})

describe('formatTable', () => {
  it('pads columns to the escaped width and never pads the last column', () => {
    const lines = formatTable(['GROUP', 'TOPIC', 'NOTE'], [['g\u001b', 'orders', 'x'], ['longer-group', 't', 'y ']], '  ')
    expect(lines).toEqual([
      '  GROUP         TOPIC   NOTE',
      '  g\\x1b         orders  x',
      '  longer-group  t       y'
    ])
  })
})

describe('csvField', () => {
  it('quotes a comma, a quote, a lone CR, a lone LF and CRLF, doubling quotes (RFC 4180)', () => {
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('a\rb')).toBe('"a\rb"')
    expect(csvField('a\nb')).toBe('"a\nb"')
    expect(csvField('a\r\nb')).toBe('"a\r\nb"')
    expect(csvField('a;b')).toBe('"a;b"')
    expect(csvField('plain')).toBe('plain')
    expect(csvField('')).toBe('')
  })

  it.each([
    ['=HYPERLINK("http://evil.example","click")', '"\'=HYPERLINK(""http://evil.example"",""click"")"'],
    ['+1+1', "'+1+1"],
    ['-1+1', "'-1+1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['\r=1', '"\'\r=1"'],
    ['-1', "'-1"]
  ])('neutralises the text cell %j', (cell, expected) => {
    expect(csvField(cell)).toBe(expected)
  })

  it('writes numbers as numbers: negative offsets and lags are not touched', () => {
    expect(csvField(-1n)).toBe('-1')
    expect(csvField(-1)).toBe('-1')
    expect(csvField(9223372036854775807n)).toBe('9223372036854775807')
    expect(csvField(0)).toBe('0')
    expect(csvField(true)).toBe('true')
    expect(csvField(null)).toBe('')
    expect(csvField(undefined)).toBe('')
  })
})

describe('formatCsv', () => {
  it('writes a header and one LF-terminated record per row', () => {
    const csv = formatCsv(['group', 'partition', 'delta', 'note'], [['=cmd|calc', 0, -1n, 'a\rb'], ['g,1', 1, null, 'say "x"']])
    expect(csv).toBe('group,partition,delta,note\n\'=cmd|calc,0,-1,"a\rb"\n"g,1",1,,"say ""x"""\n')
  })
})

describe('formatJson', () => {
  it('escapes DEL, C1 and bidi controls, writes bigints as strings, and parses back to the same strings', () => {
    const value = { group: 'g\u001b\u007f\u009b\u202e\u2066', offset: 12345678901234567890n, partition: 0 }
    const text = formatJson(value)
    // Its own line breaks are the indentation; no other control is left.
    expect(text.replace(/\n/g, '')).not.toMatch(RAW_CONTROL)
    expect(text).toContain('\\u001b\\u007f\\u009b\\u202e\\u2066')
    expect(text.endsWith('}\n')).toBe(true)
    expect(JSON.parse(text)).toEqual({ group: value.group, offset: '12345678901234567890', partition: 0 })
  })
})
