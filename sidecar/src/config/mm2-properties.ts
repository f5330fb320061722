// Builds the MirrorMaker 2 model (core/mm2/model.ts) from an mm2.properties file the way MM2 builds it
// (apache/kafka connect/mirror: MirrorMakerConfig, MirrorClientConfig, MirrorConnectorConfig, MirrorSourceConfig,
// MirrorCheckpointConfig, DefaultTopicFilter, DefaultGroupFilter; trunk of October 2024, 3.9 for the deprecated names):
// - `clusters = A, B`; cluster settings are `<alias>.<key>` (MirrorMakerConfig.clusterProps): the alias's own
//   settings, then for the client keys (bootstrap.servers, security.protocol, ssl.*, sasl.*) the top-level value
//   where the alias has none, each copied to the admin./consumer./producer. roles unless a role sets its own
//   (mm2-clusters.ts);
// - flows are `A->B`: a herder exists when `A->B.enabled` or heartbeats are on for the pair (clusterPairs), and
//   the flow replicates when its connectors' `enabled` is true. Connector settings are the top-level value
//   overridden by `A->B.<key>` (connectorBaseConfig), so `A->B.topics` replaces `topics` for that flow only
//   (mm2-flows.ts, mm2-connector-settings.ts);
// - the topic and group filters are comma-separated Java regexes, checked here and evaluated by core/mm2/filters.ts;
//   the old `topics.blacklist`/`groups.blacklist` names (2.4-3.9) apply only when `topics.exclude`/`groups.exclude`
//   is absent from the flow's merged settings.
// Unknown keys are kept. Every problem is collected and thrown at once as one MM2_CONFIG_INVALID error;
// values of secret keys (password, secret, sasl.jaas.config, ...) are wrapped in Secret and never printed.
import { KNOWN_REPLICATION_POLICY_CLASSES } from '../core/mm2/defaults.ts'
import type { Mm2Config, Mm2Flow, Mm2Property } from '../core/mm2/model.ts'
import { settingValue } from '../core/mm2/secret.ts'
import type { ReplicationPolicyKind } from '../core/naming/replication-policy.ts'
import { resolveConfigProviders, type ConfigProviderIo } from './config-providers.ts'
import { parseJavaProperties, type PropertiesEntry } from './java-properties.ts'
import { checkClusterKeys, readCluster, readClusterAliases } from './mm2-clusters.ts'
import { readConnectorSettings, readPolicy } from './mm2-connector-settings.ts'
import { checkAcrossFlows, checkFlowKeys, readFlow } from './mm2-flows.ts'
import { Mm2Reader } from './mm2-reader.ts'

export interface Mm2ParseOptions {
  /** Name of the file in messages; default "mm2.properties". */
  source?: string
  /** Custom replication.policy.class names known to behave exactly like one of MM2's policies. */
  replicationPolicyAliases?: Readonly<Record<string, ReplicationPolicyKind>>
  /**
   * Resolve `${provider:path:key}` references of the providers declared in `config.providers`
   * (file, directory, env; see config-providers.ts) through these, as MM2 does. Without it, values
   * are kept as written.
   */
  configProviders?: ConfigProviderIo
}

/** Parses mm2.properties text into the model; throws one MM2_CONFIG_INVALID error listing every problem. */
export function parseMm2Properties (text: string, options: Mm2ParseOptions = {}): Mm2Config {
  const parsed = parseJavaProperties(text)
  const resolved = options.configProviders === undefined
    ? { entries: parsed.entries, issues: [] }
    : resolveConfigProviders(parsed.entries, options.configProviders)
  const reader = new Mm2Reader(resolved.entries, options.source ?? 'mm2.properties')
  for (const problem of parsed.problems) reader.problem(problem.key, problem.message, problem.line)
  for (const issue of resolved.issues) {
    if (issue.fatal) reader.problem(issue.key, issue.message, issue.line)
    else reader.warn(`${issue.message} mm2-failback uses the value as written.`, issue.line)
  }
  return buildModel(reader, { ...KNOWN_REPLICATION_POLICY_CLASSES, ...options.replicationPolicyAliases })
}

function buildModel (reader: Mm2Reader, policyClasses: Readonly<Record<string, ReplicationPolicyKind>>): Mm2Config {
  checkFileShape(reader, reader.entries)
  const aliases = readClusterAliases(reader)
  const topPolicy = readPolicy(reader, policyClasses, undefined)
  const flows: Mm2Flow[] = []
  for (const source of aliases) {
    for (const target of aliases) {
      if (source !== target) flows.push(readFlow(reader, policyClasses, source, target, topPolicy))
    }
  }
  checkFlowKeys(reader, aliases)
  checkClusterKeys(reader, aliases)
  const clusters = aliases.map((alias) => readCluster(reader, alias, flows))
  checkAcrossFlows(reader, flows)
  // The top-level (defaults) scope is validated even when no flow uses it.
  readConnectorSettings(reader, undefined)

  if (reader.problems.length > 0) throw reader.error()
  if (aliases.length > 0 && !flows.some((flow) => flow.enabled)) {
    reader.warn(`no flow is enabled: set "<source>-><target>.enabled = true" for at least one pair of ${aliases.join(', ')}.`)
  }
  const properties = new Map<string, Mm2Property>()
  for (const [key, entry] of reader.raw) properties.set(key, { key, value: settingValue(key, entry.value), line: entry.line })
  return {
    source: reader.source,
    clusters,
    flows,
    replicationPolicy: topPolicy.settings,
    policy: topPolicy.policy,
    properties,
    warnings: reader.warnings
  }
}

function checkFileShape (reader: Mm2Reader, entries: readonly PropertiesEntry[]): void {
  const first = entries[0]
  if (first !== undefined && (first.key.startsWith('\u00ef\u00bb\u00bf') || first.key.startsWith('\ufeff'))) {
    reader.problem(undefined, 'the file starts with a UTF-8 byte order mark, which MM2 reads as part of the first key; save it without one.', first.line)
  }
  // Properties.put keeps the last value: say so when a key is set twice to different values.
  const firstSeen = new Map<string, PropertiesEntry>()
  for (const entry of entries) {
    const earlier = firstSeen.get(entry.key)
    if (earlier === undefined) firstSeen.set(entry.key, entry)
    else if (earlier.value !== entry.value) {
      reader.warn(`${entry.key} is set again (first on line ${earlier.line}); MM2 uses the last value.`, entry.line)
    }
  }
}
