// The CA certificates of a Java truststore, for Node's TLS options (`ca`), which take PEM only: Node
// cannot load a PKCS12 file that holds no private key (a truststore), and it does not read JKS. So this
// folder reads both formats itself, with node:crypto, one job per module:
// - der.ts: the ASN.1 reader PKCS12 needs (DER, with the BER forms some writers use);
// - pkcs12.ts: PKCS12 (RFC 7292) structure, SafeContents and bags down to the certificates;
// - pkcs12-ciphers.ts: decryption of encrypted bags, PBES2 or the legacy PKCS#12 PBE schemes;
// - pkcs12-kdf.ts: the PKCS#12 key derivation and the integrity MAC (checked when a password is given);
// - rc2.ts: RC2-CBC, which the RC2 PBE schemes of older JDKs need and OpenSSL 3 no longer provides;
// - jks.ts: JKS, with its keyed SHA-1 digest checked when a password is given.
// This module picks the reader by the file's first bytes, not by its declared type: a file whose type says
// JKS but which is PKCS12 is read as PKCS12, as Java's keystore.type.compat does (and the other way around).
// Pure: bytes in, PEM strings out. Errors are plain Errors with a reason and never include the password.
import { X509Certificate } from 'node:crypto'
import { JKS_MAGIC, readJks } from './jks.ts'
import { readPkcs12 } from './pkcs12.ts'

// Exported for its published test vector.
export { pkcs12Kdf } from './pkcs12-kdf.ts'

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
