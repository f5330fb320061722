// The certificates of a PKCS12 file (RFC 7292), in file order. A truststore is a PFX whose
// AuthenticatedSafe holds ContentInfos, plain or password-encrypted, each a SafeContents of SafeBags; the
// certificates are the X.509 certificate bags, at any depth of nested SafeContents. Key bags are skipped,
// so a keystore given as truststore still yields its certificates. Only password integrity and privacy
// are read: public-key integrity is rejected and enveloped (public-key privacy) content skipped.
import { children, CONTEXT_0, expect, integer, INTEGER, octets, oid, readTlv, SEQUENCE, type Tlv } from './der.ts'
import { decrypt } from './pkcs12-ciphers.ts'
import { verifyMac } from './pkcs12-kdf.ts'

const OIDS = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  certBag: '1.2.840.113549.1.12.10.1.3',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1'
}

/** The DER of every certificate in a PKCS12 file; the MAC is checked and encrypted bags read only when `password` is given. */
export function readPkcs12 (data: Buffer, password: string | undefined): Buffer[] {
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
