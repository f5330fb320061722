// The clusters of mm2.properties: `clusters = A, B` and each alias's settings as
// MirrorMakerConfig.clusterProps resolves them (the alias's own keys, then the top-level client keys
// it lacks, each copied to the admin./consumer./producer. roles unless a role sets its own).
import { CLIENT_ROLES, SECURITY_PROTOCOLS, isClientConfigKey } from '../core/mm2/defaults.ts'
import type { ClientRole, Mm2Cluster, Mm2Flow } from '../core/mm2/model.ts'
import { settingValue, type SettingValue } from '../core/mm2/secret.ts'
import type { PropertiesEntry } from './java-properties.ts'
import { TOPIC_CHARS, TOPIC_CHARS_TEXT, javaTrim, parseJavaList, type Mm2Reader } from './mm2-reader.ts'

/** The aliases of `clusters`, without duplicates; reports a missing, empty or malformed list. */
export function readClusterAliases (reader: Mm2Reader): string[] {
  const entry = reader.raw.get('clusters')
  if (entry === undefined) {
    reader.problem('clusters', 'clusters is required: list the cluster aliases, e.g. "clusters = A, B".')
    return []
  }
  const aliases = parseJavaList(entry.value)
  if (aliases.length === 0) {
    reader.problem('clusters', `clusters must list at least one alias (got ${JSON.stringify(entry.value)}).`, entry.line)
    return []
  }
  const unique: string[] = []
  for (const alias of aliases) {
    if (alias === '') {
      reader.problem('clusters', `clusters has an empty alias (got ${JSON.stringify(entry.value)}).`, entry.line)
    } else if (!TOPIC_CHARS.test(alias)) {
      const message = `cluster alias ${JSON.stringify(alias)} may only contain ${TOPIC_CHARS_TEXT}, because MM2 puts aliases in topic names.`
      reader.problem('clusters', message, entry.line)
    } else if (unique.includes(alias)) {
      reader.warn(`clusters lists ${JSON.stringify(alias)} more than once.`, entry.line)
    } else {
      unique.push(alias)
    }
  }
  return unique
}

/** Warns about `<alias>.bootstrap.servers` keys of clusters that `clusters` does not list. */
export function checkClusterKeys (reader: Mm2Reader, aliases: readonly string[]): void {
  if (aliases.length === 0) return
  const listed = aliases.join(', ')
  for (const [key, entry] of reader.raw) {
    const match = /^(.+)\.bootstrap\.servers$/.exec(key)
    if (match !== null && !key.includes('->') && !aliases.includes(match[1] as string) && !isRolePrefixed(match[1] as string)) {
      reader.warn(`${key} names cluster ${JSON.stringify(match[1])}, which is not in clusters (${listed}); MM2 ignores it.`, entry.line)
    }
  }
}

/** One cluster's settings; problems are only reported for clusters an enabled flow uses (warnings otherwise). */
export function readCluster (reader: Mm2Reader, alias: string, flows: readonly Mm2Flow[]): Mm2Cluster {
  // MirrorMakerConfig.clusterProps, keeping the entry each value came from for messages.
  const origin = new Map<string, PropertiesEntry>()
  const prefix = `${alias}.`
  for (const [key, entry] of reader.raw) {
    if (key.startsWith(prefix)) origin.set(key.slice(prefix.length), entry)
  }
  for (const [key, entry] of [...origin]) {
    if (!isClientConfigKey(key)) continue
    for (const role of CLIENT_ROLES) if (!origin.has(`${role}.${key}`)) origin.set(`${role}.${key}`, entry)
  }
  for (const [key, entry] of reader.raw) {
    if (!isClientConfigKey(key)) continue
    for (const role of CLIENT_ROLES) if (!origin.has(`${role}.${key}`)) origin.set(`${role}.${key}`, entry)
    if (!origin.has(key)) origin.set(key, entry)
  }
  const settings: Record<string, SettingValue> = {}
  for (const [key, entry] of origin) settings[key] = settingValue(key, entry.value)

  const clients = { admin: {}, consumer: {}, producer: {} } as Record<ClientRole, Record<string, SettingValue>>
  for (const role of CLIENT_ROLES) {
    const rolePrefix = `${role}.`
    for (const key of origin.keys()) if (isClientConfigKey(key)) clients[role][key] = settings[key] as SettingValue
    for (const key of origin.keys()) if (key.startsWith(rolePrefix)) clients[role][key.slice(rolePrefix.length)] = settings[key] as SettingValue
  }

  const used = flows.some((flow) => flow.enabled && (flow.source === alias || flow.target === alias))
  const bootstrap = origin.get('bootstrap.servers')
  const bootstrapKey = bootstrap?.key ?? `${alias}.bootstrap.servers`
  const report = (message: string, line?: number): void => {
    if (used) reader.problem(bootstrapKey, message, line)
    else reader.warn(message, line)
  }
  let bootstrapServers: string[] = []
  if (bootstrap === undefined) {
    report(`${alias}.bootstrap.servers is required: cluster ${JSON.stringify(alias)} is listed in clusters but has no bootstrap servers.`)
  } else {
    bootstrapServers = parseJavaList(bootstrap.value)
    const bad = bootstrapServers.filter((server) => !/^\S+:\d+$/.test(server) && !server.includes('${'))
    if (bootstrapServers.length === 0) {
      report(`${bootstrapKey} must list at least one host:port (got ${JSON.stringify(bootstrap.value)}).`, bootstrap.line)
    } else if (bad.length > 0) {
      report(`${bootstrapKey} must list host:port entries (got ${JSON.stringify(bad[0])}).`, bootstrap.line)
    }
  }

  for (const key of ['security.protocol', ...CLIENT_ROLES.map((role) => `${role}.security.protocol`)]) {
    const entry = origin.get(key)
    if (entry !== undefined && !SECURITY_PROTOCOLS.includes(javaTrim(entry.value).toUpperCase())) {
      reader.problem(entry.key, `${entry.key} must be one of ${SECURITY_PROTOCOLS.join(', ')} (got ${JSON.stringify(entry.value)}).`, entry.line)
    }
  }
  const protocolEntry = origin.get('security.protocol')
  const securityProtocol = protocolEntry === undefined ? 'PLAINTEXT' : javaTrim(protocolEntry.value).toUpperCase()
  const saslMechanism = origin.get('sasl.mechanism')
  if (saslMechanism !== undefined && !securityProtocol.startsWith('SASL_')) {
    reader.warn(`cluster ${alias}: ${saslMechanism.key} is set but security.protocol is ${securityProtocol}, so SASL is not used.`, saslMechanism.line)
  }
  return {
    alias,
    bootstrapServers,
    securityProtocol,
    saslMechanism: saslMechanism === undefined ? undefined : javaTrim(saslMechanism.value),
    settings,
    clients,
    line: bootstrap?.line
  }
}

function isRolePrefixed (prefix: string): boolean {
  return CLIENT_ROLES.some((role) => prefix === role || prefix.endsWith(`.${role}`))
}
