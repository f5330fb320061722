// The certificates of a JKS file (sun.security.provider.JavaKeyStore), Java's own keystore format: keytool's
// default before Java 9, so many truststores still are JKS, and Node cannot read it. Grammar (big-endian;
// UTF is Java's writeUTF, a u16 length and the bytes):
//   magic u32 0xfeedfeed, version u32 (1 or 2), count u32, then count entries:
//     tag u32, alias UTF, creation date u64, and
//       tag 1 (private key): key length u32, key bytes, chain length u32, that many certificates;
//       tag 2 (trusted certificate): one certificate;
//     certificate: type UTF ("X.509", version 2 only), length u32, DER
//   digest: SHA-1 of (password as UTF-16BE, "Mighty Aphrodite", every byte before the digest), 20 bytes
// Private key entries' chains are returned too, so a keystore given as truststore still yields certificates.
import { createHash } from 'node:crypto'

export const JKS_MAGIC = 0xfeedfeed

/** The DER of every certificate in a JKS file, in file order; the digest is checked only when `password` is given. */
export function readJks (data: Buffer, password: string | undefined): Buffer[] {
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
