// A small ASN.1 reader for PKCS12 files: DER, plus the two BER forms some PKCS12 writers use (constructed
// OCTET STRINGs and indefinite lengths). The truststore readers use node:crypto alone, and node:crypto
// parses certificates but exposes no ASN.1 reader, so the few forms PKCS12 needs are read here.
// PKCS12 is its only user, which is why its errors say "not a PKCS12 file": they reach the user as the
// reason a truststore cannot be read.

export interface Tlv {
  tag: number
  constructed: boolean
  /** The content bytes (for an indefinite length: up to, not including, the end-of-contents octets). */
  content: Buffer
  /** Offset just past this element in the buffer it was read from. */
  next: number
}

export const SEQUENCE = 0x30
export const OCTET_STRING = 0x04
export const INTEGER = 0x02
const OID = 0x06
export const CONTEXT_0 = 0xa0

/** The element that starts at `offset`, bounds-checked against `buffer`. */
export function readTlv (buffer: Buffer, offset: number): Tlv {
  if (offset + 2 > buffer.length) throw new Error('it is truncated or not a PKCS12 file')
  const tag = buffer[offset]!
  const constructed = (tag & 0x20) !== 0
  if ((tag & 0x1f) === 0x1f) throw new Error('it uses an ASN.1 tag this reader does not know')
  const first = buffer[offset + 1]!
  let at = offset + 2
  if (first === 0x80) {
    if (!constructed) throw new Error('it is not valid DER/BER (indefinite length on a primitive element)')
    let cursor = at
    while (!(buffer[cursor] === 0 && buffer[cursor + 1] === 0)) {
      if (cursor >= buffer.length) throw new Error('it is truncated (no end of an indefinite length)')
      cursor = readTlv(buffer, cursor).next
    }
    return { tag, constructed, content: buffer.subarray(at, cursor), next: cursor + 2 }
  }
  let length = first
  if (first > 0x80) {
    const count = first & 0x7f
    if (count > 4 || at + count > buffer.length) throw new Error('it is not valid DER (bad length)')
    length = 0
    for (let i = 0; i < count; i++) length = length * 256 + buffer[at + i]!
    at += count
  }
  if (at + length > buffer.length) throw new Error('it is truncated or not a PKCS12 file')
  return { tag, constructed, content: buffer.subarray(at, at + length), next: at + length }
}

/** The elements inside a constructed element, in order. */
export function children (tlv: Tlv): Tlv[] {
  const out: Tlv[] = []
  let at = 0
  while (at < tlv.content.length) {
    const child = readTlv(tlv.content, at)
    out.push(child)
    at = child.next
  }
  return out
}

/** `tlv` if it is present and has `tag`; otherwise an error naming `what` was expected. */
export function expect (tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (tlv === undefined || tlv.tag !== tag) throw new Error(`it is not a valid PKCS12 file (${what})`)
  return tlv
}

export function octets (tlv: Tlv): Buffer {
  // A constructed OCTET STRING (BER) is the concatenation of its parts.
  if (tlv.constructed) return Buffer.concat(children(tlv).map(octets))
  return tlv.content
}

export function integer (tlv: Tlv): number {
  let value = 0
  for (const byte of tlv.content) value = value * 256 + byte
  return value
}

/** An OBJECT IDENTIFIER in dotted form, e.g. '1.2.840.113549.1.7.1'. */
export function oid (tlv: Tlv): string {
  const bytes = expect(tlv, OID, 'object identifier').content
  const parts: number[] = []
  let value = 0
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f)
    if ((byte & 0x80) === 0) {
      if (parts.length === 0) parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80)
      else parts.push(value)
      value = 0
    }
  }
  return parts.join('.')
}
