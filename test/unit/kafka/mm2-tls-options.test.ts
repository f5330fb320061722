// A cluster's ssl.* settings in mm2.properties, turned into Node TLS options as Kafka's Java client reads
// them: store types detected from the bytes, keys decrypted with ssl.key.password or the store password,
// and errors that name the cluster, the file and the setting to check, never a password.
// Fixtures: test/fixtures/keystores/ (see generate.sh and keystore.test.ts).
import { X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parseMm2Properties } from '../../../sidecar/src/config/mm2-properties.ts'
import { isMm2FailbackError } from '../../../sidecar/src/errors.ts'
import { clusterClientOptions } from '../../../sidecar/src/kafka/mm2-cluster-options.ts'

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/keystores/${name}`, import.meta.url))
const ca1 = readFileSync(fixture('ca1.pem'), 'utf8')
const ca2 = readFileSync(fixture('ca2.pem'), 'utf8')

function tls (settings: Record<string, string>) {
  const text = 'clusters = A, B\nA.bootstrap.servers = a:9093\nB.bootstrap.servers = b:9092\nA->B.enabled = true\nA.security.protocol = SSL\n' +
    Object.entries(settings).map(([key, value]) => `A.${key} = ${value}`).join('\n') + '\n'
  return clusterClientOptions(parseMm2Properties(text).clusters[0]!).tls!
}

function configError (settings: Record<string, string>): string {
  let error: unknown
  try {
    tls(settings)
  } catch (caught) {
    error = caught
  }
  expect(isMm2FailbackError(error, 'MM2_CONFIG_INVALID')).toBe(true)
  const message = (error as Error).message
  expect(message).not.toMatch(/Wr0ng|changeit|keypass/)
  expect(message.split('\n')).toHaveLength(1)
  return message
}

describe('truststores', () => {
  it.each([
    ['PKCS12', 'java-default.p12'],
    ['JKS', 'truststore.jks'],
    // Java's keystore.type.compat: the format is the file's, whatever the type says.
    ['JKS', 'java-default.p12'],
    ['PKCS12', 'truststore.jks']
  ])('ssl.truststore.type %s with %s: the CA certificates as PEM', (type, name) => {
    const { ca } = tls({ 'ssl.truststore.type': type, 'ssl.truststore.location': fixture(name), 'ssl.truststore.password': 'changeit' })
    expect((ca as string[]).toSorted()).toEqual([ca1, ca2].toSorted()) // JKS keeps no order
  })

  it('no type (Kafka\'s default, JKS) reads a PKCS12 truststore too', () => {
    expect(tls({ 'ssl.truststore.location': fixture('java-default.p12'), 'ssl.truststore.password': 'changeit' }).ca).toEqual([ca1, ca2])
  })

  it('PEM, as a file or inline', () => {
    expect(tls({ 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': fixture('ca1.pem') }).ca).toBe(ca1)
    expect(tls({ 'ssl.truststore.type': 'PEM', 'ssl.truststore.certificates': 'PEM-TEXT' }).ca).toBe('PEM-TEXT')
  })
})

describe('keystores', () => {
  const expectIdentity = (options: ReturnType<typeof tls>, cn: string): void => {
    expect(options.key).toMatch(/^-----BEGIN PRIVATE KEY-----\n/)
    expect(options.passphrase).toBeUndefined()
    const chain = String(options.cert).split(/(?<=-----END CERTIFICATE-----\n)/)
    expect(chain.map((pem) => new X509Certificate(pem).subject)).toEqual([`CN=mm2-failback fixture ${cn}`, 'CN=mm2-failback fixture ca1'])
    expect(chain[1]).toBe(ca1)
  }

  it.each([
    ['java-keystore.p12', {}, 'client'],
    ['java-keystore.p12', { 'ssl.keystore.type': 'PKCS12' }, 'client'],
    // A PKCS12 keystore under type JKS works, as in Java.
    ['java-keystore.p12', { 'ssl.keystore.type': 'JKS' }, 'client'],
    ['java-legacy-keystore.p12', {}, 'client-rsa'],
    ['keystore.jks', { 'ssl.keystore.type': 'JKS', 'ssl.key.password': 'keypass' }, 'client-rsa'],
    ['keystore.jks', { 'ssl.keystore.type': 'PKCS12', 'ssl.key.password': 'keypass' }, 'client-rsa'],
    ['java-keystore.p12', { 'ssl.key.password': 'changeit' }, 'client']
  ])('%s with %j: key and certificate chain as PEM', (name, settings, cn) => {
    expectIdentity(tls({ 'ssl.keystore.location': fixture(name), 'ssl.keystore.password': 'changeit', ...settings }), cn)
  })

  it('PEM: a file holding key and chain, or inline key and chain; ssl.key.password decrypts the key', () => {
    const file = readFileSync(fixture('server.pem'), 'utf8')
    expect(tls({ 'ssl.keystore.type': 'PEM', 'ssl.keystore.location': fixture('server.pem') })).toEqual({ key: file, cert: file })
    expect(tls({ 'ssl.keystore.type': 'PEM', 'ssl.keystore.key': 'KEY', 'ssl.keystore.certificate.chain': 'CHAIN', 'ssl.key.password': 'kp' }))
      .toEqual({ key: 'KEY', cert: 'CHAIN', passphrase: 'kp' })
  })
})

describe('MM2_CONFIG_INVALID, one line naming the cluster, the file and the setting to check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mm2-failback-keystores-'))
  const truncated = join(dir, 'truncated.p12')
  writeFileSync(truncated, readFileSync(fixture('java-keystore.p12')).subarray(0, 300))
  type Settings = Record<string, string>
  const ks = (name: string, settings: Settings = {}) => ({ 'ssl.keystore.location': fixture(name), 'ssl.keystore.password': 'changeit', ...settings })
  const ts = (name: string, settings: Settings = {}) => ({ 'ssl.truststore.location': fixture(name), 'ssl.truststore.password': 'changeit', ...settings })

  it.each([
    ['wrong keystore password', ks('keystore.jks', { 'ssl.keystore.type': 'JKS', 'ssl.keystore.password': 'Wr0ng-Pa55' }),
      `cluster A: cannot read the keystore ${fixture('keystore.jks')} (ssl.keystore.location, type JKS): wrong password; check ssl.keystore.password.`],
    ['wrong keystore password, PKCS12 with no type', ks('java-keystore.p12', { 'ssl.keystore.password': 'Wr0ng-Pa55' }),
      `cluster A: cannot read the keystore ${fixture('java-keystore.p12')} (ssl.keystore.location, no type set, read as PKCS12): wrong password; check ssl.keystore.password.`],
    ['wrong key password', ks('keystore.jks', { 'ssl.key.password': 'Wr0ng-Pa55' }),
      `cluster A: cannot read the keystore ${fixture('keystore.jks')} (ssl.keystore.location, no type set, read as JKS): wrong key password: the private key client-rsa cannot be decrypted; check ssl.key.password.`],
    ['a key password of its own, ssl.key.password not set', ks('keystore.jks', { 'ssl.keystore.type': 'JKS' }),
      `cluster A: cannot read the keystore ${fixture('keystore.jks')} (ssl.keystore.location, type JKS): wrong key password: the private key client-rsa cannot be decrypted; ` +
      'check ssl.key.password (not set, so the store password was tried).'],
    ['a corrupt file', ks('x', { 'ssl.keystore.location': truncated, 'ssl.keystore.type': 'PKCS12' }),
      new RegExp(`^cluster A: cannot read the keystore ${truncated} \\(ssl.keystore.location, type PKCS12\\): it is corrupt or not a PKCS12 file \\(.+\\)\\.$`)],
    ['PEM under type PKCS12', ks('server.pem', { 'ssl.keystore.type': 'PKCS12' }),
      `cluster A: cannot read the keystore ${fixture('server.pem')} (ssl.keystore.location, type PKCS12): it is a PEM file; set ssl.keystore.type=PEM.`],
    ['PEM with no type', ts('ca1.pem'),
      `cluster A: cannot read the truststore ${fixture('ca1.pem')} (ssl.truststore.location, no type set): it is a PEM file; set ssl.truststore.type=PEM.`],
    ['an unknown type', ks('keystore.jks', { 'ssl.keystore.type': 'BCFKS' }),
      `cluster A: cannot read the keystore ${fixture('keystore.jks')} (ssl.keystore.location, type BCFKS): mm2-failback does not read this type; use JKS, PKCS12 or PEM.`],
    ['a truststore given as keystore', ks('truststore.jks'),
      `cluster A: cannot read the keystore ${fixture('truststore.jks')} (ssl.keystore.location, no type set, read as JKS): it holds no private key entry (is it a truststore?).`],
    ['no keystore password', { 'ssl.keystore.location': fixture('keystore.jks') },
      `cluster A: ssl.keystore.password is required with ssl.keystore.location ${fixture('keystore.jks')}, as in Kafka.`],
    ['a key without a chain', { 'ssl.keystore.type': 'PEM', 'ssl.keystore.key': 'KEY' },
      'cluster A: ssl.keystore.key is set but ssl.keystore.certificate.chain is not; Kafka needs both.'],
    ['wrong truststore password', ts('java-default.p12', { 'ssl.truststore.type': 'PKCS12', 'ssl.truststore.password': 'Wr0ng-Pa55' }),
      `cluster A: cannot read the truststore ${fixture('java-default.p12')} (ssl.truststore.location, type PKCS12): wrong password; check ssl.truststore.password.`],
    ['an encrypted truststore without password', { 'ssl.truststore.location': fixture('java-default.p12') },
      `cluster A: cannot read the truststore ${fixture('java-default.p12')} (ssl.truststore.location, no type set, read as PKCS12): its content is encrypted and no password is set; ` +
      'check ssl.truststore.password.'],
    ['a missing file', ts('x', { 'ssl.truststore.location': '/nonexistent/truststore.jks' }),
      'cluster A: cannot read ssl.truststore.location /nonexistent/truststore.jks (ENOENT).']
  ])('%s', (_name, settings, message) => {
    if (message instanceof RegExp) expect(configError(settings)).toMatch(message)
    else expect(configError(settings)).toBe(message)
  })
})
