// Java key and trust stores (JKS, PKCS12) turned into what Node's TLS options take: PEM certificates for
// `ca`, and a PEM private key and certificate chain for `key` and `cert`. Node's `pfx` option is not used:
// it goes through OpenSSL 3, which cannot decrypt the PKCS12 files older JDKs wrote, and it never reads JKS.
// - jks.ts: JKS, its store digest and Sun's key protection;
// - pkcs12.ts: PKCS12, through node-forge.
// The reader is picked by the file's first bytes, not by a declared type: since Java 9 (keystore.type.compat,
// on by default) a store declared JKS or PKCS12 is read as whichever of the two the file is.
// Pure: bytes in, PEM strings out. Errors are StoreErrors with a reason and never hold a password.
import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto'
import { JCEKS_MAGIC, JKS_MAGIC, readJks, recoverJksKey } from './jks.ts'
import { readPkcs12 } from './pkcs12.ts'
import { StoreError } from './store-error.ts'

export { StoreError } from './store-error.ts'

export type StoreFormat = 'JKS' | 'PKCS12'

export interface KeyEntry {
  /** The private key, unencrypted PKCS#8 PEM. */
  key: string
  /** The key's certificate first, then its issuers as the store holds them, PEM. */
  chain: string[]
}

export interface StoreContents {
  format: StoreFormat
  /** Every certificate of the store as PEM, in file order: what a truststore trusts. */
  certificates: string[]
  /** The private key entries, in file order; read only when a key password is given. */
  keys: KeyEntry[]
}

/** What a file is, by its first bytes; null when it is none of these. */
export function detectStoreFormat (bytes: Uint8Array): StoreFormat | 'JCEKS' | 'PEM' | null {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const magic = data.length >= 4 ? data.readUInt32BE(0) : undefined
  if (magic === JKS_MAGIC) return 'JKS'
  if (magic === JCEKS_MAGIC) return 'JCEKS'
  if (data.length >= 2 && data[0] === 0x30) return 'PKCS12'
  if (data.subarray(0, 4096).toString('latin1').includes('-----BEGIN ')) return 'PEM'
  return null
}

/**
 * The certificates and (when `passwords.key` is given) the private keys of a JKS or PKCS12 file. The store
 * password checks the file's integrity (skipped without one, as Java does) and decrypts PKCS12 content; the
 * key password decrypts the keys, as Java's KeyManagerFactory does with Kafka's ssl.key.password.
 */
export function readStore (bytes: Uint8Array, passwords: { store: string | undefined, key?: string }): StoreContents {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const format = detectStoreFormat(data)
  if (format === 'JKS') {
    const jks = readJks(data, passwords.store)
    const keyPassword = passwords.key
    const keys = keyPassword === undefined
      ? []
      : jks.keys.map((entry) => ({ key: keyPem(recoverJksKey(entry, keyPassword)), chain: entry.chain.map(certificate).map(pem) }))
    return { format, certificates: jks.certificates.map(certificate).map(pem), keys }
  }
  if (format !== 'PKCS12') throw new StoreError('it is neither a JKS nor a PKCS12 file')
  const pkcs12 = readPkcs12(data, passwords.store)
  const certificates = pkcs12.certificates.map(certificate)
  let keys: KeyEntry[] = []
  if (passwords.key !== undefined && pkcs12.keys.length > 0) {
    // Java decrypts the key with the key password; keytool and OpenSSL protect it with the store password,
    // which forge used, so a different key password is one Java would fail with.
    if (passwords.key !== passwords.store) throw new StoreError('wrong key password: the private key is protected by the store password, as keytool writes PKCS12 keystores', 'key')
    keys = pkcs12.keys.map((der) => {
      const key = keyPem(der)
      return { key, chain: chainOf(key, certificates).map(pem) }
    })
  }
  return { format, certificates: certificates.map(pem), keys }
}

function certificate (der: Buffer): X509Certificate {
  // Fails on bytes that are not a certificate, so a corrupt store is reported here rather than by TLS.
  try {
    return new X509Certificate(der)
  } catch {
    throw new StoreError('it holds a certificate that cannot be parsed')
  }
}

function pem (cert: X509Certificate): string {
  return cert.toString()
}

function keyPem (der: Buffer): string {
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'pkcs8' }) as string
  } catch {
    throw new StoreError('it holds a private key that cannot be parsed')
  }
}

/**
 * A PKCS12 key's chain. PKCS12 does not list it: like Java's PKCS12KeyStore, take the certificate of the
 * key (here: the one with its public key), then each certificate's issuer among the store's certificates.
 */
function chainOf (key: string, certificates: X509Certificate[]): X509Certificate[] {
  const spki = (value: KeyObject): Buffer => value.export({ type: 'spki', format: 'der' })
  const publicKey = spki(createPublicKey(key))
  const leaf = certificates.find((cert) => spki(cert.publicKey).equals(publicKey))
  if (leaf === undefined) throw new StoreError('its private key has no certificate')
  const chain = [leaf]
  for (let last = leaf; !last.checkIssued(last);) {
    const issuer = certificates.find((cert) => !chain.includes(cert) && last.checkIssued(cert) && last.verify(cert.publicKey))
    if (issuer === undefined) break
    chain.push(issuer)
    last = issuer
  }
  return chain
}
