// The CA certificates of a Java truststore, for Node's TLS options (`ca`), which take PEM only: Node
// cannot load a PKCS12 file that holds no private key (a truststore), and it does not read JKS. So this
// reads both formats itself, with node:crypto:
// - PKCS12 (RFC 7292): certificate bags, plain or encrypted with PBES2 (PBKDF2 with HMAC-SHA1/-224/
//   -256/-384/-512, AES-128/-192/-256-CBC or DES-EDE3-CBC: Java 17+ and OpenSSL 3 defaults) or with the
//   PKCS#12 PBE schemes (SHA-1 with 3-key triple DES, or with 40/128-bit RC2: older JDKs and OpenSSL);
//   the integrity MAC (HMAC with the PKCS#12 key derivation, SHA-1 to SHA-512) is checked when a
//   password is given, as Java does;
// - JKS: trusted certificate entries (private key entries' chains too), with the keyed SHA-1 digest
//   checked when a password is given. A file whose type says JKS but which is PKCS12 is read as PKCS12,
//   as Java's keystore.type.compat does (and the other way around).
// Pure: bytes in, PEM strings out. Errors are plain Errors with a reason and never include the password.
import { createDecipheriv, createHash, createHmac, pbkdf2Sync, X509Certificate } from 'node:crypto'

export type TruststoreFormat = 'PKCS12' | 'JKS'

/** The certificates of a truststore file as PEM, in file order. `password` may be undefined (no integrity check; encrypted bags then cannot be read). */
export function truststoreCertificates (bytes: Uint8Array, password: string | undefined): string[] {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const ders = data.length >= 4 && data.readUInt32BE(0) === JKS_MAGIC ? readJks(data, password) : readPkcs12(data, password)
  if (ders.length === 0) throw new Error('it holds no certificate')
  return ders.map(toPem)
}

/** The format of a truststore file, by its first bytes (null when it is neither). */
export function detectTruststoreFormat (bytes: Uint8Array): TruststoreFormat | null {
  if (bytes.length >= 4 && Buffer.from(bytes.buffer, bytes.byteOffset, 4).readUInt32BE(0) === JKS_MAGIC) return 'JKS'
  if (bytes.length >= 2 && bytes[0] === 0x30) return 'PKCS12'
  return null
}

function toPem (der: Buffer): string {
  // Fails on bytes that are not a certificate, so a corrupt store is reported here rather than by TLS.
  try {
    return new X509Certificate(der).toString()
  } catch {
    throw new Error('it holds a certificate that cannot be parsed')
  }
}

// ---------------------------------------------------------------------------------------------
// DER (with BER's constructed OCTET STRINGs and indefinite lengths, which some PKCS12 writers use)

interface Tlv {
  tag: number
  constructed: boolean
  /** The content bytes (for an indefinite length: up to, not including, the end-of-contents octets). */
  content: Buffer
  /** Offset just past this element in the buffer it was read from. */
  next: number
}

function readTlv (buffer: Buffer, offset: number): Tlv {
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

function children (tlv: Tlv): Tlv[] {
  const out: Tlv[] = []
  let at = 0
  while (at < tlv.content.length) {
    const child = readTlv(tlv.content, at)
    out.push(child)
    at = child.next
  }
  return out
}

function expect (tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (tlv === undefined || tlv.tag !== tag) throw new Error(`it is not a valid PKCS12 file (${what})`)
  return tlv
}

const SEQUENCE = 0x30
const OCTET_STRING = 0x04
const INTEGER = 0x02
const OID = 0x06
const CONTEXT_0 = 0xa0

function octets (tlv: Tlv): Buffer {
  // A constructed OCTET STRING (BER) is the concatenation of its parts.
  if (tlv.constructed) return Buffer.concat(children(tlv).map(octets))
  return tlv.content
}

function integer (tlv: Tlv): number {
  let value = 0
  for (const byte of tlv.content) value = value * 256 + byte
  return value
}

function oid (tlv: Tlv): string {
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

// ---------------------------------------------------------------------------------------------
// PKCS12

const OIDS = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  certBag: '1.2.840.113549.1.12.10.1.3',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12'
}

const PKCS12_PBE: Record<string, { cipher: 'des-ede3-cbc' | 'rc2', keyLength: number, effectiveBits?: number, ivLength: number }> = {
  '1.2.840.113549.1.12.1.3': { cipher: 'des-ede3-cbc', keyLength: 24, ivLength: 8 },
  '1.2.840.113549.1.12.1.4': { cipher: 'des-ede3-cbc', keyLength: 16, ivLength: 8 },
  '1.2.840.113549.1.12.1.5': { cipher: 'rc2', keyLength: 16, effectiveBits: 128, ivLength: 8 },
  '1.2.840.113549.1.12.1.6': { cipher: 'rc2', keyLength: 5, effectiveBits: 40, ivLength: 8 }
}

const PBES2_CIPHERS: Record<string, { name: string, keyLength: number }> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyLength: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyLength: 32 },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', keyLength: 24 }
}

const HMAC_PRFS: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512'
}

const DIGESTS: Record<string, { name: string, blockSize: number, size: number }> = {
  '1.3.14.3.2.26': { name: 'sha1', blockSize: 64, size: 20 },
  '2.16.840.1.101.3.4.2.4': { name: 'sha224', blockSize: 64, size: 28 },
  '2.16.840.1.101.3.4.2.1': { name: 'sha256', blockSize: 64, size: 32 },
  '2.16.840.1.101.3.4.2.2': { name: 'sha384', blockSize: 128, size: 48 },
  '2.16.840.1.101.3.4.2.3': { name: 'sha512', blockSize: 128, size: 64 }
}

function readPkcs12 (data: Buffer, password: string | undefined): Buffer[] {
  const pfx = readTlv(data, 0)
  const [version, authSafe, macData] = children(expect(pfx, SEQUENCE, 'PFX'))
  if (version === undefined || integer(expect(version, INTEGER, 'version')) !== 3) throw new Error('it is not a PKCS12 version 3 file')
  const [contentType, content] = children(expect(authSafe, SEQUENCE, 'authSafe'))
  if (oid(contentType!) !== OIDS.data) throw new Error('it uses public-key integrity mode, which is not supported (only password integrity)')
  const authSafeBytes = octets(children(expect(content, CONTEXT_0, 'authSafe content'))[0]!)
  if (password !== undefined && macData !== undefined) verifyMac(macData, authSafeBytes, password)
  const certificates: Buffer[] = []
  for (const contentInfo of children(readTlv(authSafeBytes, 0))) {
    const [type, explicit] = children(expect(contentInfo, SEQUENCE, 'ContentInfo'))
    const kind = oid(type!)
    let safeContents: Buffer
    if (kind === OIDS.data) {
      safeContents = octets(children(expect(explicit, CONTEXT_0, 'data'))[0]!)
    } else if (kind === OIDS.encryptedData) {
      const encryptedData = children(expect(explicit, CONTEXT_0, 'encryptedData'))[0]!
      const [, encryptedContentInfo] = children(expect(encryptedData, SEQUENCE, 'EncryptedData'))
      const [, algorithm, encrypted] = children(expect(encryptedContentInfo, SEQUENCE, 'EncryptedContentInfo'))
      if (encrypted === undefined) continue
      if (password === undefined) throw new Error('its certificates are encrypted and no password was given')
      // [0] IMPLICIT OCTET STRING: primitive (0x80) or constructed (0xa0, BER).
      const ciphertext = encrypted.constructed ? Buffer.concat(children(encrypted).map(octets)) : encrypted.content
      safeContents = decrypt(expect(algorithm, SEQUENCE, 'algorithm'), ciphertext, password)
    } else {
      continue // enveloped data (public-key privacy mode): no certificates we can read
    }
    let parsed: Tlv
    try {
      parsed = expect(readTlv(safeContents, 0), SEQUENCE, 'SafeContents')
    } catch {
      // Decrypted with the wrong key (a file without MAC, or a MAC left unchecked): garbage.
      throw new Error('its certificates cannot be decrypted: wrong password?')
    }
    collectCertificates(parsed, certificates)
  }
  return certificates
}

function collectCertificates (safeContents: Tlv, into: Buffer[]): void {
  for (const bag of children(safeContents)) {
    const [bagId, bagValue] = children(expect(bag, SEQUENCE, 'SafeBag'))
    const id = oid(bagId!)
    if (id === OIDS.safeContentsBag) {
      const nested = children(expect(bagValue, CONTEXT_0, 'safeContentsBag'))[0]
      if (nested !== undefined) collectCertificates(expect(nested, SEQUENCE, 'nested SafeContents'), into)
      continue
    }
    if (id !== OIDS.certBag) continue // key bags: a keystore given as truststore still yields its certificates
    const certBag = children(expect(bagValue, CONTEXT_0, 'certBag'))[0]!
    const [certId, certValue] = children(expect(certBag, SEQUENCE, 'CertBag'))
    if (oid(certId!) !== OIDS.x509Certificate) continue
    into.push(octets(children(expect(certValue, CONTEXT_0, 'certValue'))[0]!))
  }
}

function verifyMac (macData: Tlv, authSafe: Buffer, password: string): void {
  const [digestInfo, saltTlv, iterationsTlv] = children(expect(macData, SEQUENCE, 'MacData'))
  const [algorithm, digest] = children(expect(digestInfo, SEQUENCE, 'DigestInfo'))
  const algorithmOid = oid(children(expect(algorithm, SEQUENCE, 'digest algorithm'))[0]!)
  const hash = DIGESTS[algorithmOid]
  if (hash === undefined) throw new Error(`its integrity MAC uses an unsupported algorithm (${algorithmOid})`)
  const salt = expect(saltTlv, OCTET_STRING, 'MAC salt').content
  const iterations = iterationsTlv === undefined ? 1 : integer(iterationsTlv)
  const key = pkcs12Kdf(hash, bmpPassword(password), salt, 3, iterations, hash.size)
  const actual = createHmac(hash.name, key).update(authSafe).digest()
  if (!actual.equals(expect(digest, OCTET_STRING, 'MAC digest').content)) {
    throw new Error('its integrity check failed: wrong password (or a corrupt file)')
  }
}

function decrypt (algorithm: Tlv, ciphertext: Buffer, password: string): Buffer {
  const [idTlv, params] = children(algorithm)
  const id = oid(idTlv!)
  if (id === OIDS.pbes2) {
    const [kdf, scheme] = children(expect(params, SEQUENCE, 'PBES2 parameters'))
    const [kdfId, kdfParams] = children(expect(kdf, SEQUENCE, 'key derivation function'))
    if (oid(kdfId!) !== OIDS.pbkdf2) throw new Error(`its certificates are encrypted with an unsupported key derivation (${oid(kdfId!)})`)
    const kdfFields = children(expect(kdfParams, SEQUENCE, 'PBKDF2 parameters'))
    const salt = expect(kdfFields[0], OCTET_STRING, 'PBKDF2 salt').content
    const iterations = integer(expect(kdfFields[1], INTEGER, 'PBKDF2 iterations'))
    let prf = 'sha1'
    for (const field of kdfFields.slice(2)) {
      if (field.tag !== SEQUENCE) continue
      const prfOid = oid(children(field)[0]!)
      const name = HMAC_PRFS[prfOid]
      if (name === undefined) throw new Error(`its certificates are encrypted with an unsupported PBKDF2 PRF (${prfOid})`)
      prf = name
    }
    const [schemeId, ivTlv] = children(expect(scheme, SEQUENCE, 'encryption scheme'))
    const cipher = PBES2_CIPHERS[oid(schemeId!)]
    if (cipher === undefined) throw new Error(`its certificates are encrypted with an unsupported cipher (${oid(schemeId!)})`)
    const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, cipher.keyLength, prf)
    return decipher(cipher.name, key, expect(ivTlv, OCTET_STRING, 'IV').content, ciphertext)
  }
  const pbe = PKCS12_PBE[id]
  if (pbe === undefined) throw new Error(`its certificates are encrypted with an unsupported algorithm (${id})`)
  const [saltTlv, iterationsTlv] = children(expect(params, SEQUENCE, 'PBE parameters'))
  const salt = expect(saltTlv, OCTET_STRING, 'PBE salt').content
  const iterations = integer(expect(iterationsTlv, INTEGER, 'PBE iterations'))
  const sha1 = DIGESTS['1.3.14.3.2.26']!
  const bmp = bmpPassword(password)
  const key = pkcs12Kdf(sha1, bmp, salt, 1, iterations, pbe.keyLength)
  const iv = pkcs12Kdf(sha1, bmp, salt, 2, iterations, pbe.ivLength)
  if (pbe.cipher === 'rc2') return rc2CbcDecrypt(key, pbe.effectiveBits!, iv, ciphertext)
  // Two-key triple DES: K3 = K1.
  const desKey = pbe.keyLength === 16 ? Buffer.concat([key, key.subarray(0, 8)]) : key
  return decipher('des-ede3-cbc', desKey, iv, ciphertext)
}

function decipher (name: string, key: Buffer, iv: Buffer, ciphertext: Buffer): Buffer {
  try {
    const d = createDecipheriv(name, key, iv)
    return Buffer.concat([d.update(ciphertext), d.final()])
  } catch {
    throw new Error('its certificates cannot be decrypted: wrong password?')
  }
}

/** The password as PKCS#12 wants it for its own key derivation: UTF-16BE with a two-byte terminator. */
function bmpPassword (password: string): Buffer {
  const out = Buffer.alloc((password.length + 1) * 2)
  for (let i = 0; i < password.length; i++) out.writeUInt16BE(password.charCodeAt(i), i * 2)
  return out
}

/** RFC 7292 appendix B.2: the PKCS#12 key derivation (id 1 key, 2 IV, 3 MAC key). */
export function pkcs12Kdf (hash: { name: string, blockSize: number, size: number }, password: Buffer, salt: Buffer, id: 1 | 2 | 3, iterations: number, length: number): Buffer {
  const v = hash.blockSize
  const fill = (source: Buffer): Buffer => {
    if (source.length === 0) return Buffer.alloc(0)
    const out = Buffer.alloc(v * Math.ceil(source.length / v))
    for (let i = 0; i < out.length; i++) out[i] = source[i % source.length]!
    return out
  }
  const D = Buffer.alloc(v, id)
  const I = Buffer.concat([fill(salt), fill(password)])
  const blocks: Buffer[] = []
  for (let produced = 0; produced < length; produced += hash.size) {
    let A = createHash(hash.name).update(D).update(I).digest()
    for (let round = 1; round < iterations; round++) A = createHash(hash.name).update(A).digest()
    blocks.push(A)
    const B = Buffer.alloc(v)
    for (let i = 0; i < v; i++) B[i] = A[i % A.length]!
    // I_j = (I_j + B + 1) mod 2^(8v), for every v-byte block of I.
    for (let j = 0; j < I.length; j += v) {
      let carry = 1
      for (let k = v - 1; k >= 0; k--) {
        const sum = I[j + k]! + B[k]! + carry
        I[j + k] = sum & 0xff
        carry = sum >> 8
      }
    }
  }
  return Buffer.concat(blocks).subarray(0, length)
}

// RC2 (RFC 2268), decryption only: OpenSSL 3 (and so Node) no longer ships it, but truststores made by
// JDKs before 8u301/11.0.12 encrypt their certificates with RC2-40.
const PITABLE = Buffer.from(
  'd978f9c419ddb5ed28e9fd794aa0d89dc67e37832b76538e624c6488448bfba2179a59f587b34f1361456d8d09817d32bd8f40eb86b77b0bf09521225c6b4e82' +
  '54d66593ce60b21c7356c014a78cf1dc1275ca1f3bbee4d1423dd430a33cb6266fbf0eda4669075727f21d9bbc944303f811c7f690ef3ee706c3d52fc8661ed7' +
  '08e8eade8052eef784aa72ac354d6a2a961ad2715a1549744b9fd05e0418a4ecc2e0416e0f51cbcc2491af50a1f47039997c3a8523b8b47afc02365b25559731' +
  '2d5dfa98e38a92ae05df2910676cbac9d300e6cfe19ea82c6316013f58e289a90d38341bab33ffb0bb480c5fb9b1cd2ec5f3db47e5a59c770aa62068fe7fc1ad', 'hex')

function rc2KeySchedule (key: Buffer, effectiveBits: number): Uint16Array {
  const L = Buffer.alloc(128)
  key.copy(L)
  const T = key.length
  for (let i = T; i < 128; i++) L[i] = PITABLE[(L[i - 1]! + L[i - T]!) & 0xff]!
  const T8 = Math.ceil(effectiveBits / 8)
  const TM = 0xff >> (8 * T8 - effectiveBits)
  L[128 - T8] = PITABLE[L[128 - T8]! & TM]!
  for (let i = 127 - T8; i >= 0; i--) L[i] = PITABLE[L[i + 1]! ^ L[i + T8]!]!
  const K = new Uint16Array(64)
  for (let i = 0; i < 64; i++) K[i] = L[2 * i]! | (L[2 * i + 1]! << 8)
  return K
}

function rc2DecryptBlock (K: Uint16Array, block: Buffer): Buffer {
  const R = [block.readUInt16LE(0), block.readUInt16LE(2), block.readUInt16LE(4), block.readUInt16LE(6)]
  const shifts = [1, 2, 3, 5]
  let j = 63
  const rmix = (): void => {
    for (let i = 3; i >= 0; i--) {
      const s = shifts[i]!
      const r = R[i]!
      R[i] = ((r >>> s) | (r << (16 - s))) & 0xffff
      const r1 = R[(i + 3) % 4]!
      const r2 = R[(i + 2) % 4]!
      const r3 = R[(i + 1) % 4]!
      R[i] = (R[i]! - K[j--]! - (r1 & r2) - (~r1 & r3)) & 0xffff
    }
  }
  const rmash = (): void => {
    for (let i = 3; i >= 0; i--) R[i] = (R[i]! - K[R[(i + 3) % 4]! & 63]!) & 0xffff
  }
  for (let round = 0; round < 5; round++) rmix()
  rmash()
  for (let round = 0; round < 6; round++) rmix()
  rmash()
  for (let round = 0; round < 5; round++) rmix()
  const out = Buffer.alloc(8)
  R.forEach((word, i) => out.writeUInt16LE(word, i * 2))
  return out
}

function rc2CbcDecrypt (key: Buffer, effectiveBits: number, iv: Buffer, ciphertext: Buffer): Buffer {
  if (ciphertext.length === 0 || ciphertext.length % 8 !== 0) throw new Error('its certificates cannot be decrypted: wrong password?')
  const K = rc2KeySchedule(key, effectiveBits)
  const out = Buffer.alloc(ciphertext.length)
  let previous = iv
  for (let at = 0; at < ciphertext.length; at += 8) {
    const block = ciphertext.subarray(at, at + 8)
    const plain = rc2DecryptBlock(K, block)
    for (let i = 0; i < 8; i++) out[at + i] = plain[i]! ^ previous[i]!
    previous = block
  }
  const pad = out[out.length - 1]!
  if (pad < 1 || pad > 8 || !out.subarray(out.length - pad).every((byte) => byte === pad)) throw new Error('its certificates cannot be decrypted: wrong password?')
  return out.subarray(0, out.length - pad)
}

// ---------------------------------------------------------------------------------------------
// JKS (sun.security.provider.JavaKeyStore)

const JKS_MAGIC = 0xfeedfeed

function readJks (data: Buffer, password: string | undefined): Buffer[] {
  let at = 4
  const need = (n: number): void => { if (at + n > data.length) throw new Error('it is a truncated JKS file') }
  const u32 = (): number => { need(4); const value = data.readUInt32BE(at); at += 4; return value }
  const utf = (): void => { need(2); const length = data.readUInt16BE(at); at += 2; need(length); at += length }
  const version = u32()
  if (version !== 1 && version !== 2) throw new Error(`it is a JKS file of unknown version ${version}`)
  const count = u32()
  const certificates: Buffer[] = []
  const readCertificate = (): Buffer => {
    if (version === 2) utf() // certificate type, "X.509"
    const length = u32()
    need(length)
    const der = data.subarray(at, at + length)
    at += length
    return der
  }
  for (let entry = 0; entry < count; entry++) {
    const tag = u32()
    utf() // alias
    need(8)
    at += 8 // creation date
    if (tag === 1) {
      const keyLength = u32()
      need(keyLength)
      at += keyLength
      const chain = u32()
      for (let i = 0; i < chain; i++) certificates.push(readCertificate())
    } else if (tag === 2) {
      certificates.push(readCertificate())
    } else {
      throw new Error(`it holds a keystore entry of unknown kind ${tag} (JCEKS is not supported)`)
    }
  }
  need(20)
  if (password !== undefined) {
    const chars = Buffer.alloc(password.length * 2)
    for (let i = 0; i < password.length; i++) chars.writeUInt16BE(password.charCodeAt(i), i * 2)
    const digest = createHash('sha1').update(chars).update('Mighty Aphrodite', 'utf8').update(data.subarray(0, at)).digest()
    if (!digest.equals(data.subarray(at, at + 20))) throw new Error('its integrity check failed: wrong password (or a corrupt file)')
  }
  return certificates
}
