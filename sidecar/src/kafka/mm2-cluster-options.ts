// Maps an MM2 cluster (mm2.properties: `A.bootstrap.servers`, `A.security.protocol`, `A.sasl.*`,
// `A.ssl.*`) to the sidecar's client options, using the admin client's settings as MM2 does for
// its admin clients. Secrets are revealed only here, into the client options, never into a message.
import { readFileSync } from 'node:fs'
import type { SASLOptions } from '@platformatic/kafka'
import type { ConnectionOptions as TlsOptions } from 'node:tls'
import type { Mm2Cluster } from '../core/mm2/model.ts'
import { reveal, type SettingValue } from '../core/mm2/secret.ts'
import { Mm2FailbackError } from '../errors.ts'
import type { ClusterClientOptions } from './client-options.ts'
import { detectTruststoreFormat, truststoreCertificates } from './truststore/index.ts'

const SASL_MECHANISMS = new Set(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'])

export function clusterClientOptions (cluster: Mm2Cluster): ClusterClientOptions {
  const settings = cluster.clients.admin
  const get = (key: string): string | undefined => {
    const value: SettingValue | undefined = settings[key] ?? cluster.settings[key]
    return value === undefined ? undefined : reveal(value).trim()
  }
  const options: ClusterClientOptions = { alias: cluster.alias, bootstrapServers: [...cluster.bootstrapServers] }
  const protocol = cluster.securityProtocol
  if (protocol === 'SSL' || protocol === 'SASL_SSL') options.tls = tlsOptions(cluster.alias, get)
  if (protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL') options.sasl = saslOptions(cluster.alias, get)
  return options
}

function tlsOptions (alias: string, get: (key: string) => string | undefined): TlsOptions {
  const tls: TlsOptions = {}
  const type = (get('ssl.truststore.type') ?? 'JKS').toUpperCase()
  const truststore = get('ssl.truststore.location')
  const caPem = get('ssl.truststore.certificates')
  if (caPem !== undefined) tls.ca = caPem
  else if (truststore !== undefined) {
    if (type === 'PEM') tls.ca = readConfigFile(alias, 'ssl.truststore.location', truststore)
    else if (type === 'PKCS12' || type === 'JKS') tls.ca = readTruststore(alias, type, truststore, get('ssl.truststore.password'))
    else throw new Mm2FailbackError('MM2_CONFIG_INVALID', `cluster ${alias}: ssl.truststore.type ${type} is not supported by mm2-failback; use JKS, PKCS12 or PEM.`, { cluster: alias })
  }
  const keystoreType = (get('ssl.keystore.type') ?? 'JKS').toUpperCase()
  const keystore = get('ssl.keystore.location')
  const certificateChain = get('ssl.keystore.certificate.chain')
  const key = get('ssl.keystore.key')
  if (certificateChain !== undefined && key !== undefined) {
    tls.cert = certificateChain
    tls.key = key
  } else if (keystore !== undefined) {
    if (keystoreType === 'PKCS12') {
      tls.pfx = readConfigFileBytes(alias, 'ssl.keystore.location', keystore)
      const password = get('ssl.keystore.password')
      if (password !== undefined) tls.passphrase = password
    } else if (keystoreType === 'PEM') {
      const pem = readConfigFile(alias, 'ssl.keystore.location', keystore)
      tls.cert = pem
      tls.key = pem
      const password = get('ssl.key.password')
      if (password !== undefined) tls.passphrase = password
    } else {
      throw new Mm2FailbackError('MM2_CONFIG_INVALID', `cluster ${alias}: ssl.keystore.type ${keystoreType} is not supported by mm2-failback; use PKCS12 or PEM.`, { cluster: alias })
    }
  }
  const identification = get('ssl.endpoint.identification.algorithm')
  if (identification === '') tls.checkServerIdentity = () => undefined
  return tls
}

function saslOptions (alias: string, get: (key: string) => string | undefined): SASLOptions {
  const mechanism = (get('sasl.mechanism') ?? 'GSSAPI').toUpperCase()
  if (!SASL_MECHANISMS.has(mechanism)) {
    throw new Mm2FailbackError('MM2_CONFIG_INVALID', `cluster ${alias}: sasl.mechanism ${mechanism} is not supported by mm2-failback (use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512).`, { cluster: alias })
  }
  const jaas = get('sasl.jaas.config')
  if (jaas === undefined) {
    const message = `cluster ${alias}: sasl.jaas.config is required for SASL mechanism ${mechanism}.`
    throw new Mm2FailbackError('MM2_CONFIG_INVALID', message, { cluster: alias })
  }
  const username = jaasOption(jaas, 'username')
  const password = jaasOption(jaas, 'password')
  if (username === undefined || password === undefined) {
    throw new Mm2FailbackError('MM2_CONFIG_INVALID', `cluster ${alias}: sasl.jaas.config must set username and password for ${mechanism}.`, { cluster: alias })
  }
  return { mechanism: mechanism as SASLOptions['mechanism'], username, password }
}

/** Reads `name="value"` (or unquoted) from a JAAS config line. */
function jaasOption (jaas: string, name: string): string | undefined {
  const match = new RegExp(`\\b${name}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^\\s;]+))`).exec(jaas)
  if (match === null) return undefined
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2]
}

/**
 * The CA certificates of a JKS or PKCS12 truststore as PEM (Node's TLS takes PEM only). The file's
 * format is detected from its bytes, as Java's keystore.type.compat does, so a PKCS12 file under the
 * default type JKS works as it does for MM2. Messages name the file and the reason, never the password.
 */
function readTruststore (alias: string, type: string, path: string, password: string | undefined): string[] {
  const bytes = readConfigFileBytes(alias, 'ssl.truststore.location', path)
  const fail = (reason: string): never => {
    const message = `cluster ${alias}: cannot read the truststore ${path} (ssl.truststore.type ${type}): ${reason}.`
    throw new Mm2FailbackError('MM2_CONFIG_INVALID', message, { cluster: alias })
  }
  if (detectTruststoreFormat(bytes) === null) {
    const isPem = bytes.subarray(0, 64).toString('latin1').includes('-----BEGIN')
    fail(isPem ? 'it is a PEM file; set ssl.truststore.type=PEM' : 'it is neither a JKS nor a PKCS12 file')
  }
  try {
    return truststoreCertificates(bytes, password)
  } catch (error) {
    const reason = (error as Error).message
    return fail(/password/.test(reason) ? `${reason}; check ssl.truststore.password` : reason)
  }
}

function readConfigFile (alias: string, key: string, path: string): string {
  return readConfigFileBytes(alias, key, path).toString('utf8')
}

function readConfigFileBytes (alias: string, key: string, path: string): Buffer {
  try {
    return readFileSync(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO'
    throw new Mm2FailbackError('MM2_CONFIG_INVALID', `cluster ${alias}: cannot read ${key} ${path} (${code}).`, { cluster: alias }, { cause: error })
  }
}
