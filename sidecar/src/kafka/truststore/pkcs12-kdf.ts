// The PKCS#12 key derivation (RFC 7292 appendix B.2) and the integrity MAC keyed with it. PKCS12 derives
// its MAC key (and the legacy PBE schemes their key and IV) with this KDF, not with PBKDF2, and node:crypto
// has no implementation of it, only the hashes it is built from. The MAC is checked when a password is
// given, as Java does, so that a wrong password is reported as such, before any decryption.
import { createHash, createHmac } from 'node:crypto'
import { children, expect, integer, oid, OCTET_STRING, SEQUENCE, type Tlv } from './der.ts'

/** A hash as the KDF needs it: its node:crypto name, its block size v and its output size u (bytes). */
export interface Pkcs12Hash { name: string, blockSize: number, size: number }

export const DIGESTS: Record<string, Pkcs12Hash> = {
  '1.3.14.3.2.26': { name: 'sha1', blockSize: 64, size: 20 },
  '2.16.840.1.101.3.4.2.4': { name: 'sha224', blockSize: 64, size: 28 },
  '2.16.840.1.101.3.4.2.1': { name: 'sha256', blockSize: 64, size: 32 },
  '2.16.840.1.101.3.4.2.2': { name: 'sha384', blockSize: 128, size: 48 },
  '2.16.840.1.101.3.4.2.3': { name: 'sha512', blockSize: 128, size: 64 }
}

/** Checks the MacData of a PFX against the AuthenticatedSafe bytes; throws when the password does not match. */
export function verifyMac (macData: Tlv, authSafe: Buffer, password: string): void {
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

/** The password as PKCS#12 wants it for its own key derivation: UTF-16BE with a two-byte terminator. */
export function bmpPassword (password: string): Buffer {
  const out = Buffer.alloc((password.length + 1) * 2)
  for (let i = 0; i < password.length; i++) out.writeUInt16BE(password.charCodeAt(i), i * 2)
  return out
}

/** RFC 7292 appendix B.2: the PKCS#12 key derivation (id 1 key, 2 IV, 3 MAC key). */
export function pkcs12Kdf (hash: Pkcs12Hash, password: Buffer, salt: Buffer, id: 1 | 2 | 3, iterations: number, length: number): Buffer {
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
