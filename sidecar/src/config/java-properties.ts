// A pure parser for the java.util.Properties text format, as read by MirrorMaker 2 (Utils.loadProps ->
// Properties.load(InputStream), so the bytes are ISO-8859-1; the caller decodes them, see load-mm2.ts).
// It follows the JDK's LineReader and load0 step by step:
// - a natural line ends at \n, \r or \r\n; a logical line may span several, joined by a backslash at the end;
//   the continuation's leading whitespace (space, \t, \f) is dropped, and a blank continuation ends the line;
// - lines whose first non-blank character is # or ! are comments (and cannot be continued);
// - the key ends at the first unescaped =, : or whitespace; whitespace and one = or : after it are skipped;
// - escapes: \t \n \r \f \uXXXX; any other escaped character stands for itself ("\=" "\:" "\ " "\\" "\#");
// - a later duplicate key replaces an earlier one.
// Unlike the JDK, it keeps the line where each logical line starts, and it reports every malformed \uXXXX
// escape instead of stopping at the first. Messages never quote a value: values can be secrets.

/** One key/value pair, with the 1-based line where its logical line starts. */
export interface PropertiesEntry {
  readonly key: string
  readonly value: string
  readonly line: number
}

/** Something the JDK would refuse to load. */
export interface PropertiesProblem {
  readonly line: number
  readonly key: string | undefined
  readonly message: string
}

export interface ParsedProperties {
  /** Every pair in file order, duplicates included. */
  readonly entries: readonly PropertiesEntry[]
  /** The effective pairs: the last occurrence of each key wins, as with Properties.put. */
  readonly properties: ReadonlyMap<string, PropertiesEntry>
  readonly problems: readonly PropertiesProblem[]
}

interface LogicalLine {
  readonly text: string
  readonly line: number
}

/** Parses Java .properties text; never throws, problems are returned. */
export function parseJavaProperties (text: string): ParsedProperties {
  const entries: PropertiesEntry[] = []
  const problems: PropertiesProblem[] = []
  const properties = new Map<string, PropertiesEntry>()
  for (const logical of logicalLines(text)) {
    const { keyEnd, valueStart } = splitKeyValue(logical.text)
    const key = unescape(logical.text.slice(0, keyEnd))
    const value = unescape(logical.text.slice(valueStart))
    if (!key.ok) {
      problems.push({ line: logical.line, key: undefined, message: 'the key has a malformed \\uxxxx escape (expected four hex digits).' })
      continue
    }
    if (!value.ok) {
      problems.push({ line: logical.line, key: key.text, message: `${key.text} has a malformed \\uxxxx escape in its value (expected four hex digits).` })
      continue
    }
    const entry = { key: key.text, value: value.text, line: logical.line }
    entries.push(entry)
    properties.set(entry.key, entry)
  }
  return { entries, properties, problems }
}

const isBlank = (c: string): boolean => c === ' ' || c === '\t' || c === '\f'
const isEol = (c: string): boolean => c === '\n' || c === '\r'

// JDK Properties.LineReader.readLine, over a string. Returns logical lines with continuations joined.
function * logicalLines (text: string): Generator<LogicalLine> {
  let line = 1 // physical line of the character at `i`
  let startLine = 1
  let buffer = ''
  let skipWhiteSpace = true
  let appendedLineBegin = false
  let precedingBackslash = false
  let i = 0
  while (i < text.length) {
    const c = text[i] as string
    i++
    if (skipWhiteSpace) {
      if (isBlank(c)) continue
      if (!appendedLineBegin && isEol(c)) {
        i = endOfLine(text, i, c)
        line++
        continue
      }
      skipWhiteSpace = false
      appendedLineBegin = false
    }
    if (buffer.length === 0 && (c === '#' || c === '!')) {
      // A comment at the start of a logical line: consume it up to the end of the line.
      while (i < text.length && !isEol(text[i] as string)) i++
      skipWhiteSpace = true
      continue
    }
    if (!isEol(c)) {
      if (buffer.length === 0) startLine = line
      buffer += c
      precedingBackslash = c === '\\' ? !precedingBackslash : false
      continue
    }
    if (buffer.length === 0) {
      i = endOfLine(text, i, c)
      line++
      skipWhiteSpace = true
      continue
    }
    if (i >= text.length) {
      // The JDK checks for the end of input right at a line break, before looking at a continuation, so a
      // file ending in "\\<newline>" still yields its (possibly empty) line; "\\<CR><LF>" does not.
      yield { text: precedingBackslash ? buffer.slice(0, -1) : buffer, line: startLine }
      return
    }
    i = endOfLine(text, i, c)
    line++
    if (precedingBackslash) {
      // An odd number of backslashes: the backslash is dropped and the next line continues this one.
      buffer = buffer.slice(0, -1)
      skipWhiteSpace = true
      appendedLineBegin = true
      precedingBackslash = false
      continue
    }
    yield { text: buffer, line: startLine }
    buffer = ''
    skipWhiteSpace = true
  }
  // At the end of input a pending continuation backslash is dropped too.
  if (buffer.length > 0) yield { text: precedingBackslash ? buffer.slice(0, -1) : buffer, line: startLine }
}

// Where the next line starts: \r\n is one line break.
function endOfLine (text: string, next: number, c: string): number {
  return c === '\r' && text[next] === '\n' ? next + 1 : next
}

// JDK Properties.load0: where the key ends and the value begins.
function splitKeyValue (line: string): { keyEnd: number, valueStart: number } {
  let keyEnd = 0
  let valueStart = line.length
  let hasSeparator = false
  let precedingBackslash = false
  while (keyEnd < line.length) {
    const c = line[keyEnd] as string
    if ((c === '=' || c === ':') && !precedingBackslash) {
      valueStart = keyEnd + 1
      hasSeparator = true
      break
    } else if (isBlank(c) && !precedingBackslash) {
      valueStart = keyEnd + 1
      break
    }
    precedingBackslash = c === '\\' ? !precedingBackslash : false
    keyEnd++
  }
  while (valueStart < line.length) {
    const c = line[valueStart] as string
    if (!isBlank(c)) {
      if (!hasSeparator && (c === '=' || c === ':')) hasSeparator = true
      else break
    }
    valueStart++
  }
  return { keyEnd, valueStart }
}

// JDK Properties.loadConvert.
function unescape (raw: string): { ok: true, text: string } | { ok: false } {
  if (!raw.includes('\\')) return { ok: true, text: raw }
  let out = ''
  let i = 0
  while (i < raw.length) {
    const c = raw[i++] as string
    if (c !== '\\') {
      out += c
      continue
    }
    const escaped = raw[i++]
    if (escaped === undefined) break // unreachable: a trailing backslash was consumed as a continuation
    if (escaped === 'u') {
      const hex = raw.slice(i, i + 4)
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return { ok: false }
      out += String.fromCharCode(Number.parseInt(hex, 16))
      i += 4
    } else if (escaped === 't') out += '\t'
    else if (escaped === 'r') out += '\r'
    else if (escaped === 'n') out += '\n'
    else if (escaped === 'f') out += '\f'
    else out += escaped
  }
  return { ok: true, text: out }
}
