// Java key and trust stores (PKCS12 and JKS) read without a JDK: the fixtures in test/fixtures/keystores/
// were made by keytool (Java 17) with its current and legacy algorithms and by OpenSSL 3 (generate.sh).
// The truststores hold the CA certificates ca1.pem and ca2.pem; the keystores a client key whose
// certificate ca1 signed. Store passwords are "changeit", the JKS keystore's key password "keypass".
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { detectStoreFormat, readStore, StoreError } from '../../../sidecar/src/kafka/keystore/index.ts'

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/keystores/${name}`, import.meta.url))
const bytes = (name: string): Buffer => readFileSync(fixture(name))
const ca1 = readFileSync(fixture('ca1.pem'), 'utf8')
const ca2 = readFileSync(fixture('ca2.pem'), 'utf8')

function storeError (read: () => unknown): StoreError {
  try {
    read()
  } catch (error) {
    if (error instanceof StoreError) return error
    throw error
  }
  throw new Error('no error')
}

describe('readStore: truststores', () => {
  it.each([
    ['java-default.p12', 'Java 17 default: PBES2 (PBKDF2-HmacSHA256, AES-256-CBC), HmacPBESHA256 MAC'],
    ['java-legacy-rc2.p12', 'JDK before 8u301: pbeWithSHAAnd40BitRC2-CBC, SHA-1 MAC (RC2 is gone from OpenSSL 3)'],
    ['java-3des.p12', 'pbeWithSHAAnd3-KeyTripleDES-CBC, SHA-1 MAC'],
    ['java-plain.p12', 'certificates in the clear, no MAC'],
    ['openssl-default.p12', 'OpenSSL 3 default: PBES2 AES-256-CBC, SHA-256 MAC']
  ])('%s (%s): both CA certificates, in order', (name) => {
    const store = readStore(bytes(name), { store: 'changeit' })
    expect(store).toEqual({ format: 'PKCS12', certificates: [ca1, ca2], keys: [] })
  })

  it('JKS: both trusted certificate entries', () => {
    // keytool writes JKS entries in hash order, not in the order they were added.
    const store = readStore(bytes('truststore.jks'), { store: 'changeit' })
    expect({ ...store, certificates: store.certificates.toSorted() }).toEqual({ format: 'JKS', certificates: [ca1, ca2].toSorted(), keys: [] })
  })

  it('a keystore given as truststore yields its certificates, and its keys only when asked for', () => {
    expect(readStore(bytes('openssl-keystore.p12'), { store: 'changeit' }).certificates).toEqual([ca1])
    const jks = readStore(bytes('keystore.jks'), { store: 'changeit' })
    expect(jks.keys).toEqual([])
    expect(jks.certificates).toContain(ca1)
  })

  const truststoreFiles = ['java-default.p12', 'java-legacy-rc2.p12', 'java-3des.p12', 'openssl-default.p12', 'truststore.jks', 'keystore.jks']
  it.each(truststoreFiles)('%s with a wrong password: "wrong password", about the store password', (name) => {
    const error = storeError(() => readStore(bytes(name), { store: 'not-the-password' }))
    expect([error.message, error.password]).toEqual(['wrong password', 'store'])
  })

  it('without a password, as Java: no integrity check, and encrypted PKCS12 content cannot be read', () => {
    expect(readStore(bytes('truststore.jks'), { store: undefined }).certificates.toSorted()).toEqual([ca1, ca2].toSorted())
    expect(readStore(bytes('java-plain.p12'), { store: undefined }).certificates).toEqual([ca1, ca2])
    const error = storeError(() => readStore(bytes('java-default.p12'), { store: undefined }))
    expect([error.message, error.password]).toEqual(['its content is encrypted and no password is set', 'store'])
  })

  it('rejects what is not a store, or a damaged one, with a reason', () => {
    expect(storeError(() => readStore(Buffer.from(ca1), { store: 'changeit' })).message).toBe('it is neither a JKS nor a PKCS12 file')
    const truncated = (name: string) => storeError(() => readStore(bytes(name).subarray(0, 200), { store: 'changeit' })).message
    expect(truncated('java-default.p12')).toMatch(/^it is corrupt or not a PKCS12 file \(.+\)$/)
    expect(truncated('truststore.jks')).toBe('it is corrupt or not a JKS file (truncated)')
    const altered = Buffer.from(bytes('truststore.jks'))
    altered[100] = altered[100]! ^ 1
    expect(storeError(() => readStore(altered, { store: 'changeit' })).message).toBe('wrong password')
  })
})

describe('readStore: keystores', () => {
  const subject = (pem: string): string => new X509Certificate(pem).subject
  const keyMatches = (key: string, cert: string): boolean =>
    createPublicKey(key).export({ type: 'spki', format: 'der' }).equals(new X509Certificate(cert).publicKey.export({ type: 'spki', format: 'der' }))

  it.each([
    ['java-keystore.p12', 'changeit', 'PKCS12', 'ec', 'CN=mm2-failback fixture client'],
    ['keystore.jks', 'keypass', 'JKS', 'rsa', 'CN=mm2-failback fixture client-rsa'],
    ['java-legacy-keystore.p12', 'changeit', 'PKCS12', 'rsa', 'CN=mm2-failback fixture client-rsa']
  ])('%s: the private key (key password %s) and its chain, the key\'s certificate then ca1', (name, keyPassword, format, type, leaf) => {
    const store = readStore(bytes(name), { store: 'changeit', key: keyPassword })
    expect(store.format).toBe(format)
    expect(store.keys).toHaveLength(1)
    const [{ key, chain }] = store.keys as [{ key: string, chain: string[] }]
    expect(key).toMatch(/^-----BEGIN PRIVATE KEY-----\n/)
    expect(createPrivateKey(key).asymmetricKeyType).toBe(type)
    expect(chain.map(subject)).toEqual([leaf, 'CN=mm2-failback fixture ca1'])
    expect(chain[1]).toBe(ca1)
    expect(keyMatches(key, chain[0]!)).toBe(true)
    expect(new X509Certificate(chain[0]!).verify(new X509Certificate(ca1).publicKey)).toBe(true)
  })

  it('the JKS keystore and its PKCS12 copy made by keytool -importkeystore yield the same key and chain', () => {
    const jks = readStore(bytes('keystore.jks'), { store: 'changeit', key: 'keypass' })
    const p12 = readStore(bytes('java-legacy-keystore.p12'), { store: 'changeit', key: 'changeit' })
    expect(p12.keys).toEqual(jks.keys)
  })

  it('a self-signed keystore: a chain of one', () => {
    const [entry] = readStore(bytes('self-signed.p12'), { store: 'changeit', key: 'changeit' }).keys
    expect(entry!.chain.map(subject)).toEqual(['CN=mm2-failback fixture stranger'])
  })

  it('a wrong key password: "wrong key password", about the key password', () => {
    const jks = storeError(() => readStore(bytes('keystore.jks'), { store: 'changeit', key: 'changeit' }))
    expect([jks.message, jks.password]).toEqual(['wrong key password: the private key client-rsa cannot be decrypted', 'key'])
    // Java decrypts a PKCS12 key with the key password too, and keytool protected it with the store password.
    const p12 = storeError(() => readStore(bytes('java-keystore.p12'), { store: 'changeit', key: 'keypass' }))
    expect([p12.message, p12.password]).toEqual(['wrong key password: the private key is protected by the store password, as keytool writes PKCS12 keystores', 'key'])
  })

  it('the store password is checked before the key password', () => {
    expect(storeError(() => readStore(bytes('keystore.jks'), { store: 'wrong', key: 'keypass' })).password).toBe('store')
    expect(storeError(() => readStore(bytes('java-keystore.p12'), { store: 'wrong', key: 'wrong' })).password).toBe('store')
  })
})

describe('detectStoreFormat', () => {
  it.each([
    ['truststore.jks', 'JKS'], ['keystore.jks', 'JKS'], ['java-default.p12', 'PKCS12'], ['openssl-default.p12', 'PKCS12'],
    ['ca1.pem', 'PEM'], ['server-key.pem', 'PEM']
  ])('%s: %s', (name, format) => {
    expect(detectStoreFormat(bytes(name))).toBe(format)
  })

  it('JCEKS by its magic number; anything else is null', () => {
    expect(detectStoreFormat(Buffer.from('cececece00000002', 'hex'))).toBe('JCEKS')
    expect(detectStoreFormat(Buffer.from('not a store'))).toBeNull()
    expect(detectStoreFormat(Buffer.alloc(0))).toBeNull()
  })
})
