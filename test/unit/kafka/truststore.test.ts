// Java truststores (PKCS12 and JKS) read without a JDK: the fixtures in test/fixtures/truststores/ were
// made by keytool (Java 17) with its current and legacy algorithms and by OpenSSL 3 (generate.sh), each
// holding the CA certificates ca1.pem and ca2.pem; their password is "changeit".
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { clusterClientOptions } from '../../../sidecar/src/kafka/mm2-cluster-options.ts'
import { parseMm2Properties } from '../../../sidecar/src/config/mm2-properties.ts'
import { detectTruststoreFormat, pkcs12Kdf, truststoreCertificates } from '../../../sidecar/src/kafka/truststore/index.ts'
import { isMm2FailbackError } from '../../../sidecar/src/errors.ts'

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/truststores/${name}`, import.meta.url))
const bytes = (name: string): Buffer => readFileSync(fixture(name))
const ca1 = readFileSync(fixture('ca1.pem'), 'utf8')
const ca2 = readFileSync(fixture('ca2.pem'), 'utf8')

describe('truststoreCertificates', () => {
  it.each([
    ['java-default.p12', 'Java 17 default: PBES2 (PBKDF2-HmacSHA256, AES-256-CBC), HmacPBESHA256 MAC'],
    ['java-legacy-rc2.p12', 'JDK before 8u301: pbeWithSHAAnd40BitRC2-CBC, SHA-1 MAC (RC2 is gone from OpenSSL 3)'],
    ['java-3des.p12', 'pbeWithSHAAnd3-KeyTripleDES-CBC, SHA-1 MAC'],
    ['java-plain.p12', 'certificates in the clear, no MAC'],
    ['openssl-default.p12', 'OpenSSL 3 default: PBES2 AES-256-CBC, SHA-256 MAC']
  ])('%s (%s): both CA certificates, in order', (name) => {
    expect(truststoreCertificates(bytes(name), 'changeit')).toEqual([ca1, ca2])
  })

  it('JKS: both trusted certificate entries', () => {
    expect(new Set(truststoreCertificates(bytes('truststore.jks'), 'changeit'))).toEqual(new Set([ca1, ca2]))
  })

  it('a keystore given as truststore yields its certificate (the key bag is skipped)', () => {
    expect(truststoreCertificates(bytes('openssl-keystore.p12'), 'changeit')).toEqual([ca1])
  })

  const truststoreFiles = ['java-default.p12', 'java-legacy-rc2.p12', 'java-3des.p12', 'openssl-default.p12', 'truststore.jks']
  it.each(truststoreFiles)('%s with a wrong password: the integrity check fails, and the message holds no password', (name) => {
    expect(() => truststoreCertificates(bytes(name), 'not-the-password')).toThrow(/^its integrity check failed: wrong password \(or a corrupt file\)$/)
  })

  it('without a password: a JKS file is read (no integrity check), encrypted PKCS12 bags are not', () => {
    expect(truststoreCertificates(bytes('truststore.jks'), undefined)).toHaveLength(2)
    expect(truststoreCertificates(bytes('java-plain.p12'), undefined)).toEqual([ca1, ca2])
    expect(() => truststoreCertificates(bytes('java-default.p12'), undefined)).toThrow('its certificates are encrypted and no password was given')
  })

  it('rejects what is not a truststore', () => {
    expect(() => truststoreCertificates(Buffer.from(ca1), 'changeit')).toThrow('it is not a valid PKCS12 file (PFX)')
    expect(() => truststoreCertificates(bytes('java-default.p12').subarray(0, 200), 'changeit')).toThrow(/truncated/)
  })

  it('detectTruststoreFormat', () => {
    expect(detectTruststoreFormat(bytes('truststore.jks'))).toBe('JKS')
    expect(detectTruststoreFormat(bytes('java-default.p12'))).toBe('PKCS12')
    expect(detectTruststoreFormat(Buffer.from(ca1))).toBeNull()
  })

  it('pkcs12Kdf matches the RFC 7292 derivation OpenSSL uses (SHA-1, id 1: a published test vector)', () => {
    // The PKCS#12 KDF vector of BouncyCastle's and OpenSSL's tests (password "smeg", salt 0a58cf64530d823f, 1 iteration).
    const key = pkcs12Kdf(
      { name: 'sha1', blockSize: 64, size: 20 },
      Buffer.from('0073006d006500670000', 'hex'),
      Buffer.from('0a58cf64530d823f', 'hex'),
      1,
      1,
      24
    )
    expect(key.toString('hex')).toBe('8aaae6297b6cb04642ab5b077851284eb7128f1a2a7fbca3')
  })
})

describe('clusterClientOptions with a Java truststore', () => {
  const cluster = (truststore: Record<string, string>) => parseMm2Properties('clusters = A, B\nA.bootstrap.servers = a:9093\nB.bootstrap.servers = b:9092\nA->B.enabled = true\nA.security.protocol = SSL\n' +
    Object.entries(truststore).map(([key, value]) => `A.${key} = ${value}`).join('\n') + '\n').clusters[0]!

  it.each([
    ['PKCS12', 'java-default.p12'],
    ['JKS', 'truststore.jks'],
    // Java's keystore.type.compat: the format is the file's, whatever the type says.
    ['JKS', 'java-default.p12'],
    ['PKCS12', 'truststore.jks']
  ])('ssl.truststore.type %s with %s: the CA certificates as PEM', (type, name) => {
    const options = clusterClientOptions(cluster({
      'ssl.truststore.type': type,
      'ssl.truststore.location': fixture(name),
      'ssl.truststore.password': 'changeit'
    }))
    expect(new Set(options.tls?.ca as string[])).toEqual(new Set([ca1, ca2]))
  })

  it('the default type (JKS) reads a truststore too', () => {
    const options = clusterClientOptions(cluster({ 'ssl.truststore.location': fixture('java-default.p12'), 'ssl.truststore.password': 'changeit' }))
    expect(options.tls?.ca).toEqual([ca1, ca2])
  })

  it.each([
    [{ 'ssl.truststore.type': 'PKCS12', 'ssl.truststore.location': fixture('java-default.p12'), 'ssl.truststore.password': 'Wr0ng-Pa55' },
      `cluster A: cannot read the truststore ${fixture('java-default.p12')} (ssl.truststore.type PKCS12): its integrity check failed: wrong password (or a corrupt file); check ssl.truststore.password.`],
    [{ 'ssl.truststore.type': 'PKCS12', 'ssl.truststore.location': fixture('ca1.pem') },
      `cluster A: cannot read the truststore ${fixture('ca1.pem')} (ssl.truststore.type PKCS12): it is a PEM file; set ssl.truststore.type=PEM.`],
    [{ 'ssl.truststore.type': 'BCFKS', 'ssl.truststore.location': fixture('ca1.pem') },
      'cluster A: ssl.truststore.type BCFKS is not supported by mm2-failback; use JKS, PKCS12 or PEM.'],
    [{ 'ssl.truststore.type': 'JKS', 'ssl.truststore.location': '/nonexistent/truststore.jks' },
      'cluster A: cannot read ssl.truststore.location /nonexistent/truststore.jks (ENOENT).']
  ])('MM2_CONFIG_INVALID naming the cluster and file, never the password: %j', (settings, message) => {
    let error: unknown
    try {
      clusterClientOptions(cluster(settings))
    } catch (caught) {
      error = caught
    }
    expect(isMm2FailbackError(error, 'MM2_CONFIG_INVALID')).toBe(true)
    expect((error as Error).message).toBe(message)
    expect((error as Error).message).not.toContain('Wr0ng')
  })
})
