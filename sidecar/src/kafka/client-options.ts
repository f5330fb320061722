// How the sidecar connects to one cluster, and the mapping to @platformatic/kafka's options. The
// MM2-properties side (A.security.protocol, A.sasl.*, A.ssl.*) is translated into this shape by
// config/; secrets stay inside this object and are never logged (see describeCluster).
import type { BaseOptions, SASLOptions } from '@platformatic/kafka'
import type { ConnectionOptions as TlsOptions } from 'node:tls'

export interface ClusterClientOptions {
  /** The MM2 alias of the cluster, e.g. `A`; names the cluster in every message. */
  alias: string
  bootstrapServers: string[]
  /** Node TLS options (CA, client certificate and key), present when security.protocol is SSL or SASL_SSL. */
  tls?: TlsOptions
  sasl?: SASLOptions
  /** Prefix of the client id, so broker logs and quotas can tell the sidecar apart. */
  clientIdPrefix?: string
  requestTimeoutMs?: number
  connectTimeoutMs?: number
}

function baseOptions (cluster: ClusterClientOptions, role: string): BaseOptions {
  const options: BaseOptions = {
    clientId: `${cluster.clientIdPrefix ?? 'mm2-failback'}-${role}-${cluster.alias}`,
    bootstrapBrokers: cluster.bootstrapServers,
    connectTimeout: cluster.connectTimeoutMs ?? 10_000,
    requestTimeout: cluster.requestTimeoutMs ?? 30_000,
    // The sidecar's loops retry on their own schedule and report each failure; a short client retry
    // keeps a dead cluster from stalling them.
    retries: 2,
    retryDelay: 250,
    autocreateTopics: false
  }
  if (cluster.tls !== undefined) options.tls = cluster.tls
  if (cluster.sasl !== undefined) options.sasl = cluster.sasl
  return options
}

export function toAdminOptions (cluster: ClusterClientOptions, role: string): BaseOptions {
  return baseOptions(cluster, role)
}

/** Consumer options for fetch-only use: the group id is never joined. */
export function toConsumerOptions (cluster: ClusterClientOptions, role: string): BaseOptions & { groupId: string } {
  return { ...baseOptions(cluster, role), groupId: `mm2-failback-${role}-unused` }
}

export function toProducerOptions (cluster: ClusterClientOptions, role: string): BaseOptions {
  return baseOptions(cluster, role)
}

/** A one-line, secret-free description for messages: `cluster A (localhost:9092, SASL_SSL/SCRAM-SHA-512)`. */
export function describeCluster (cluster: ClusterClientOptions): string {
  const security = cluster.sasl !== undefined
    ? `${cluster.tls !== undefined ? 'SASL_SSL' : 'SASL_PLAINTEXT'}/${cluster.sasl.mechanism}`
    : cluster.tls !== undefined ? 'SSL' : 'PLAINTEXT'
  return `cluster ${cluster.alias} (${cluster.bootstrapServers.join(',')}, ${security})`
}
