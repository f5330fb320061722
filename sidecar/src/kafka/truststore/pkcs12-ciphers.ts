// Decrypts the encrypted content of a PKCS12 file (an EncryptedData's SafeContents) with the password-based
// algorithm its AlgorithmIdentifier names. Two families exist in the wild and a truststore may use either:
// - PBES2 (RFC 8018): PBKDF2 with HMAC-SHA1/-224/-256/-384/-512, then AES-128/-192/-256-CBC or DES-EDE3-CBC,
//   the defaults of Java 17+ and OpenSSL 3;
// - the PKCS#12 PBE schemes (RFC 7292 appendix C): SHA-1 with 2- or 3-key triple DES, or with 40/128-bit RC2,
//   written by older JDKs and OpenSSL; their key and IV come from the PKCS#12 KDF, not from PBKDF2.
// A wrong password shows up here as bad padding, hence "wrong password?" in the errors.
import { createDecipheriv, pbkdf2Sync } from 'node:crypto'
import { children, expect, integer, oid, INTEGER, OCTET_STRING, SEQUENCE, type Tlv } from './der.ts'
import { bmpPassword, DIGESTS, pkcs12Kdf } from './pkcs12-kdf.ts'
import { rc2CbcDecrypt } from './rc2.ts'

const OIDS = {
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

/** The plaintext of `ciphertext`, encrypted with `password` by the algorithm `algorithm` (an AlgorithmIdentifier) names. */
export function decrypt (algorithm: Tlv, ciphertext: Buffer, password: string): Buffer {
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
