// RC2 (RFC 2268) in CBC mode with PKCS#5 padding, decryption only. Hand-written because OpenSSL 3 moved
// RC2 to its legacy provider, which Node does not load by default, so createDecipheriv cannot do it; yet
// truststores made by JDKs before 8u301/11.0.12 encrypt their certificates with RC2-40
// (pbeWithSHAAnd40BitRC2-CBC), and those files are still in use. Only the PKCS#12 PBE schemes call it,
// with the key and IV they derive.

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

/** The plaintext of RC2-CBC `ciphertext`, padding removed; a bad length or padding (a wrong key) throws. */
export function rc2CbcDecrypt (key: Buffer, effectiveBits: number, iv: Buffer, ciphertext: Buffer): Buffer {
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
  if (pad < 1 || pad > 8 || !out.subarray(out.length - pad).every((byte) => byte === pad)) {
    throw new Error('its certificates cannot be decrypted: wrong password?')
  }
  return out.subarray(0, out.length - pad)
}
