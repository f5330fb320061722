// Maps an MM2 cluster (mm2.properties: `A.bootstrap.servers`, `A.security.protocol`, `A.sasl.*`,
// `A.ssl.*`) to the sidecar's client options, using the admin client's settings as MM2 does for
// its admin clients. Secrets are revealed only here, into the client options, never into a message.
import type { SASLOptions } from '@platformatic/kafka'
import type { Mm2Cluster } from '../core/mm2/model.ts'
import { reveal, type SettingValue } from '../core/mm2/secret.ts'
import { Mm2FailbackError } from '../errors.ts'
import type { ClusterClientOptions } from './client-options.ts'
import { tlsOptions } from './mm2-tls-options.ts'

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
