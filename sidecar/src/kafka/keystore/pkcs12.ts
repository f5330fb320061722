// The certificates and private keys of a PKCS12 file (RFC 7292), read with node-forge. Node's own
// `pfx` option goes through OpenSSL 3, which cannot decrypt the RC2-40 certificate bags that JDKs before
// 8u301/11.0.12 wrote (RC2 is in OpenSSL's legacy provider, which Node does not load), and which refuses
// a PKCS12 file without a key (a truststore). Forge reads PBES2 (PBKDF2 with HMAC-SHA1/-2, AES or 3DES,
// the defaults of Java 17 and OpenSSL 3) and the PKCS#12 PBE schemes (3DES, RC2), and checks the MAC
// (SHA-1 or SHA-2) before it decrypts anything, so a wrong password is reported as such.
import forge, { type Asn1 } from 'node-forge'
import { StoreError } from './store-error.ts'

/** The DER of the OIDs of encryptedData (1.2.840.113549.1.7.6) and pkcs8ShroudedKeyBag (1.2.840.113549.1.12.10.1.2). */
const ENCRYPTED = [Buffer.from('06092a864886f70d010706', 'hex'), Buffer.from('060b2a864886f70d010c0a0102', 'hex')]

export interface Pkcs12Contents {
  /** Every certificate's DER, in file order. */
  certificates: Buffer[]
  /** Every private key as PKCS#8 PrivateKeyInfo DER, in file order. */
  keys: Buffer[]
}

/**
 * The contents of a PKCS12 file. The store password checks the MAC and decrypts certificates and keys
 * alike: keytool and OpenSSL protect a PKCS12 key with the store password (keytool allows no other).
 * Without a password the MAC is not checked and only unencrypted content can be read, as in Java.
 */
export function readPkcs12 (data: Buffer, password: string | undefined): Pkcs12Contents {
  let pfx
  try {
    pfx = forge.asn1.fromDer(data.toString('binary'))
  } catch (error) {
    throw new StoreError(`it is corrupt or not a PKCS12 file (${detail(error)})`)
  }
  if (password === undefined && Array.isArray(pfx.value)) pfx.value = pfx.value.slice(0, 2) // drop the MAC: nothing to check it with
  let parsed
  try {
    parsed = forge.pkcs12.pkcs12FromAsn1(pfx, true, password ?? '')
  } catch (error) {
    // Without a password, encrypted content is decrypted with an empty one: whatever fails then, that is why.
    if (password === undefined && ENCRYPTED.some((oid) => data.includes(oid))) throw new StoreError('its content is encrypted and no password is set', 'store')
    throw readError(detail(error))
  }
  const contents: Pkcs12Contents = { certificates: [], keys: [] }
  for (const bag of parsed.safeContents.flatMap((safe) => safe.safeBags)) {
    if (bag.type === forge.pki.oids.certBag) {
      const asn1 = bag.cert != null ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1
      if (asn1 !== undefined) contents.certificates.push(der(asn1))
    } else if (bag.key != null) {
      // An RSA key forge parsed into its own form: back to PKCS#8 (its other keys stay ASN.1).
      contents.keys.push(der(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key))))
    } else if (bag.asn1 !== undefined) {
      contents.keys.push(der(bag.asn1))
    }
  }
  return contents
}

function der (asn1: Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary')
}

function detail (error: unknown): string {
  return (error as Error).message.replace(/\.$/, '')
}

/** Forge's messages, turned into the reasons users read. */
function readError (message: string): StoreError {
  if (/MAC could not be verified/.test(message)) return new StoreError('wrong password', 'store')
  // Without a MAC, a wrong password shows as content that does not decrypt.
  if (/Failed to decrypt PKCS#12 SafeContents/.test(message)) return new StoreError('wrong password', 'store')
  if (/ShroudedKeyBag/.test(message)) {
    return new StoreError('its private key is not protected by the store password; PKCS12 keys under a password of their own are not read')
  }
  if (/SafeBag type/.test(message)) return new StoreError('it holds an entry of a kind mm2-failback does not read (a secret key?)')
  return new StoreError(`it is corrupt or not a PKCS12 file (${message})`)
}
