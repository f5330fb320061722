// JKS (sun.security.provider.JavaKeyStore), Java's own keystore format: keytool's default before Java 9,
// so many key and trust stores still are JKS, and neither Node nor OpenSSL reads it. Read here rather than
// with an npm package: the format is small, and the JKS packages on npm bring RSA and int64 libraries
// along for what node:crypto does. Grammar (big-endian; UTF is Java's writeUTF, a u16 length and the bytes):
//   magic u32 0xfeedfeed, version u32 (1 or 2), count u32, then count entries:
//     tag u32, alias UTF, creation date u64, and
//       tag 1 (private key): key length u32, key bytes (see recoverJksKey), chain length u32, that many certificates;
//       tag 2 (trusted certificate): one certificate;
//     certificate: type UTF ("X.509", version 2 only), length u32, DER
//   digest: SHA-1 of (store password as UTF-16BE, "Mighty Aphrodite", every byte before the digest), 20 bytes
import { createHash } from 'node:crypto'
import forge, { type Asn1 } from 'node-forge'
import { StoreError } from './store-error.ts'

export const JKS_MAGIC = 0xfeedfeed
/** JCEKS (com.sun.crypto.provider.JceKeyStore), recognized only to say it is not read. */
export const JCEKS_MAGIC = 0xcececece

export interface JksKeyEntry {
  alias: string
  /** The EncryptedPrivateKeyInfo DER, protected by the key password. */
  protectedKey: Buffer
  /** The certificate chain's DER, the key's own certificate first. */
  chain: Buffer[]
}

export interface JksContents {
  /** Every certificate's DER in file order: trusted certificates and the chains of private key entries. */
  certificates: Buffer[]
  keys: JksKeyEntry[]
}

/** The entries of a JKS file; the digest is checked only when `password` is given (as Java does). */
export function readJks (data: Buffer, password: string | undefined): JksContents {
  let at = 4
  const need = (n: number): void => { if (at + n > data.length) throw new StoreError('it is corrupt or not a JKS file (truncated)') }
  const u32 = (): number => { need(4); const value = data.readUInt32BE(at); at += 4; return value }
  const utf = (): string => {
    need(2)
    const length = data.readUInt16BE(at)
    at += 2
    need(length)
    at += length
    return data.subarray(at - length, at).toString('utf8')
  }
  const bytes = (): Buffer => { const length = u32(); need(length); at += length; return data.subarray(at - length, at) }
  const version = u32()
  if (version !== 1 && version !== 2) throw new StoreError(`it is a JKS file of unknown version ${version}`)
  const certificate = (): Buffer => {
    if (version === 2) utf() // certificate type, "X.509"
    return bytes()
  }
  const contents: JksContents = { certificates: [], keys: [] }
  const count = u32()
  for (let entry = 0; entry < count; entry++) {
    const tag = u32()
    const alias = utf()
    need(8)
    at += 8 // creation date
    if (tag === 1) {
      const protectedKey = bytes()
      const chain: Buffer[] = []
      for (let i = u32(); i > 0; i--) chain.push(certificate())
      contents.keys.push({ alias, protectedKey, chain })
      contents.certificates.push(...chain)
    } else if (tag === 2) {
      contents.certificates.push(certificate())
    } else {
      throw new StoreError(`it holds a JKS entry of unknown kind ${tag}`)
    }
  }
  need(20)
  if (password !== undefined) {
    const digest = createHash('sha1').update(utf16be(password)).update('Mighty Aphrodite', 'utf8').update(data.subarray(0, at)).digest()
    if (!digest.equals(data.subarray(at, at + 20))) throw new StoreError('wrong password', 'store')
  }
  return contents
}

const KEY_PROTECTOR = '1.3.6.1.4.1.42.2.17.1.1'

/**
 * The PKCS#8 PrivateKeyInfo DER of a JKS key entry. JKS keys are protected by Sun's KeyProtector
 * (sun.security.provider.KeyProtector), not by a standard cipher: an EncryptedPrivateKeyInfo whose data is
 * salt (20 bytes), the key XOR a keystream, and SHA-1(password, key) (20 bytes); the keystream is the
 * chain of SHA-1(password, previous block), starting from the salt; the password is UTF-16BE.
 */
export function recoverJksKey (entry: JksKeyEntry, password: string): Buffer {
  const corrupt = new StoreError(`its private key entry ${entry.alias} is corrupt`)
  let algorithm: string
  let data: Buffer
  try {
    const [algorithmId, encrypted] = forge.asn1.fromDer(entry.protectedKey.toString('binary')).value as Asn1[]
    algorithm = forge.asn1.derToOid((algorithmId!.value as Asn1[])[0]!.value as string)
    data = Buffer.from(encrypted!.value as string, 'binary')
  } catch {
    throw corrupt
  }
  if (algorithm !== KEY_PROTECTOR) throw new StoreError(`its private key ${entry.alias} is protected by an algorithm mm2-failback does not read (${algorithm})`)
  if (data.length <= 40) throw corrupt
  const passwordBytes = utf16be(password)
  const encrypted = data.subarray(20, data.length - 20)
  const plain = Buffer.alloc(encrypted.length)
  let block = data.subarray(0, 20)
  for (let offset = 0; offset < encrypted.length; offset += 20) {
    block = createHash('sha1').update(passwordBytes).update(block).digest()
    for (let i = 0; i < 20 && offset + i < encrypted.length; i++) plain[offset + i] = encrypted[offset + i]! ^ block[i]!
  }
  const check = createHash('sha1').update(passwordBytes).update(plain).digest()
  if (!check.equals(data.subarray(data.length - 20))) throw new StoreError(`wrong key password: the private key ${entry.alias} cannot be decrypted`, 'key')
  return plain
}

function utf16be (text: string): Buffer {
  const bytes = Buffer.alloc(text.length * 2)
  for (let i = 0; i < text.length; i++) bytes.writeUInt16BE(text.charCodeAt(i), i * 2)
  return bytes
}
