// The ssl.* settings of an MM2 cluster as Node TLS options, read as Kafka's Java client reads them
// (DefaultSslEngineFactory): a truststore and a keystore, each PEM, JKS or PKCS12. For JKS and PKCS12 the
// file's format decides, not ssl.*.type (Java's keystore.type.compat), so a PKCS12 keystore works with no
// type set, although Kafka's default type is JKS. Errors are MM2_CONFIG_INVALID, one line naming the
// cluster, the file and the setting to check, never a password.
import { readFileSync } from 'node:fs'
import type { ConnectionOptions as TlsOptions } from 'node:tls'
import { Mm2FailbackError } from '../errors.ts'
import { detectStoreFormat, readStore, StoreError, type StoreContents } from './keystore/index.ts'

type Get = (key: string) => string | undefined

export function tlsOptions (alias: string, get: Get): TlsOptions {
  const tls: TlsOptions = {}
  const ca = trustedCertificates(alias, get)
  if (ca !== undefined) tls.ca = ca
  Object.assign(tls, clientIdentity(alias, get))
  const identification = get('ssl.endpoint.identification.algorithm')
  if (identification === '') tls.checkServerIdentity = () => undefined
  return tls
}

function trustedCertificates (alias: string, get: Get): string | string[] | undefined {
  const certificates = get('ssl.truststore.certificates')
  if (certificates !== undefined) return certificates
  const location = get('ssl.truststore.location')
  if (location === undefined) return undefined
  const declared = get('ssl.truststore.type')?.toUpperCase()
  if (declared === 'PEM') return readConfigFile(alias, 'ssl.truststore.location', location).toString('utf8')
  const store = readJavaStore(alias, 'truststore', location, declared, { store: get('ssl.truststore.password') })
  if (store.certificates.length === 0) throw storeError(alias, 'truststore', location, declared, store.format, 'it holds no certificate')
  return store.certificates
}

function clientIdentity (alias: string, get: Get): Pick<TlsOptions, 'key' | 'cert' | 'passphrase'> | undefined {
  const keyPassword = get('ssl.key.password')
  const withPassphrase = (options: Pick<TlsOptions, 'key' | 'cert'>) => keyPassword === undefined ? options : { ...options, passphrase: keyPassword }
  const key = get('ssl.keystore.key')
  const chain = get('ssl.keystore.certificate.chain')
  if (key !== undefined || chain !== undefined) {
    if (key === undefined || chain === undefined) {
      const [set, missing] = key === undefined ? ['ssl.keystore.certificate.chain', 'ssl.keystore.key'] : ['ssl.keystore.key', 'ssl.keystore.certificate.chain']
      throw configError(alias, `${set} is set but ${missing} is not; Kafka needs both.`)
    }
    return withPassphrase({ key, cert: chain })
  }
  const location = get('ssl.keystore.location')
  if (location === undefined) return undefined
  const declared = get('ssl.keystore.type')?.toUpperCase()
  if (declared === 'PEM') {
    // One file holding the key and the certificate chain; the key may be encrypted with ssl.key.password.
    const pem = readConfigFile(alias, 'ssl.keystore.location', location).toString('utf8')
    return withPassphrase({ key: pem, cert: pem })
  }
  const storePassword = get('ssl.keystore.password')
  if (storePassword === undefined) throw configError(alias, `ssl.keystore.password is required with ssl.keystore.location ${location}, as in Kafka.`)
  // Kafka decrypts the key with ssl.key.password, or with the store password when that is not set.
  const store = readJavaStore(alias, 'keystore', location, declared, { store: storePassword, key: keyPassword ?? storePassword }, keyPassword !== undefined)
  const entry = store.keys[0] // Java picks per handshake among several keys; one keystore rarely holds more than one
  if (entry === undefined) throw storeError(alias, 'keystore', location, declared, store.format, 'it holds no private key entry (is it a truststore?)')
  return { key: entry.key, cert: entry.chain.join('') }
}

/** A JKS or PKCS12 file, whatever `declared` says of the two; other declared types are refused. */
function readJavaStore (
  alias: string, kind: 'keystore' | 'truststore', path: string, declared: string | undefined,
  passwords: { store: string | undefined, key?: string }, keyPasswordSet = false
): StoreContents {
  if (declared !== undefined && declared !== 'JKS' && declared !== 'PKCS12') {
    throw storeError(alias, kind, path, declared, undefined, 'mm2-failback does not read this type; use JKS, PKCS12 or PEM')
  }
  const bytes = readConfigFile(alias, `ssl.${kind}.location`, path)
  const format = detectStoreFormat(bytes)
  if (format === 'PEM') throw storeError(alias, kind, path, declared, undefined, `it is a PEM file; set ssl.${kind}.type=PEM`)
  if (format === 'JCEKS') {
    throw storeError(alias, kind, path, declared, undefined, 'it is a JCEKS file, which mm2-failback does not read; convert it with keytool -importkeystore -deststoretype PKCS12')
  }
  if (format === null) throw storeError(alias, kind, path, declared, undefined, 'it is neither a JKS nor a PKCS12 file')
  try {
    return readStore(bytes, passwords)
  } catch (error) {
    if (!(error instanceof StoreError)) throw error
    const setting = error.password === 'store'
      ? `ssl.${kind}.password`
      : error.password === 'key' ? (keyPasswordSet ? 'ssl.key.password' : 'ssl.key.password (not set, so the store password was tried)') : undefined
    throw storeError(alias, kind, path, declared, format, setting === undefined ? error.message : `${error.message}; check ${setting}`)
  }
}

/** `cluster A: cannot read the keystore /x/y.jks (ssl.keystore.location, type JKS): wrong password; check ssl.keystore.password.` */
function storeError (alias: string, kind: string, path: string, declared: string | undefined, format: string | undefined, reason: string): Mm2FailbackError {
  const type = declared === undefined ? 'no type set' : `type ${declared}`
  const read = format !== undefined && format !== declared ? `, read as ${format}` : ''
  return configError(alias, `cannot read the ${kind} ${path} (ssl.${kind}.location, ${type}${read}): ${reason}.`)
}

function configError (alias: string, message: string): Mm2FailbackError {
  return new Mm2FailbackError('MM2_CONFIG_INVALID', `cluster ${alias}: ${message}`, { cluster: alias })
}

function readConfigFile (alias: string, key: string, path: string): Buffer {
  try {
    return readFileSync(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO'
    throw new Mm2FailbackError('MM2_CONFIG_INVALID', `cluster ${alias}: cannot read ${key} ${path} (${code}).`, { cluster: alias }, { cause: error })
  }
}
