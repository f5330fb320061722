// The MirrorMaker 2 model mm2-failback needs, built from an mm2.properties file the way MM2 builds it
// (apache/kafka connect/mirror: MirrorMakerConfig, MirrorClientConfig, MirrorConnectorConfig, MirrorSourceConfig,
// MirrorCheckpointConfig, DefaultTopicFilter, DefaultGroupFilter; trunk of October 2024, 3.9 for the deprecated names):
// - `clusters = A, B`; cluster settings are `<alias>.<key>` (MirrorMakerConfig.clusterProps): the alias's own
//   settings, then for the client keys (bootstrap.servers, security.protocol, ssl.*, sasl.*) the top-level value
//   where the alias has none, each copied to the admin./consumer./producer. roles unless a role sets its own;
// - flows are `A->B`: a herder exists when `A->B.enabled` or heartbeats are on for the pair (clusterPairs), and
//   the flow replicates when its connectors' `enabled` is true. Connector settings are the top-level value
//   overridden by `A->B.<key>` (connectorBaseConfig), so `A->B.topics` replaces `topics` for that flow only;
// - the topic and group filters match whole names against comma-separated Java regexes (compilePatternList):
//   an empty list matches nothing, exclusion wins, the old `topics.blacklist`/`groups.blacklist` names (2.4-3.9)
//   apply only when `topics.exclude`/`groups.exclude` is absent from the flow's merged settings.
// Unknown keys are kept. Every problem is collected and thrown at once as one MM2_CONFIG_INVALID error;
// values of secret keys (password, secret, sasl.jaas.config, ...) are wrapped in Secret and never printed.
import {
  createReplicationPolicy, flowInternalTopics, isCycle, type FlowInternalTopics, type OffsetSyncsTopicLocation,
  type ReplicationPolicy, type ReplicationPolicyKind, type SourceAndTarget
} from '../core/naming/replication-policy.ts'
import { Mm2FailbackError } from '../errors.ts'
import { resolveConfigProviders, type ConfigProviderIo } from './config-providers.ts'
import { parseJavaProperties, type PropertiesEntry } from './java-properties.ts'

// ---------------------------------------------------------------------------------------------
// Secrets

const MASK = '******'
const inspectCustom = Symbol.for('nodejs.util.inspect.custom')

/** A secret setting: prints, stringifies and serialises as "******"; `reveal()` is the only way to the value. */
export class Secret {
  readonly #value: string

  constructor (value: string) {
    this.#value = value
  }

  /** The real value, for the Kafka client configuration only. */
  reveal (): string {
    return this.#value
  }

  toString (): string {
    return MASK
  }

  toJSON (): string {
    return MASK
  }

  [inspectCustom] (): string {
    return `Secret(${MASK})`
  }
}

export type SettingValue = string | Secret

const SECRET_KEY = /password|secret|sasl\.jaas\.config|ssl\.keystore\.key$|basic\.auth\.user\.info/i

/** True for keys whose values must never be shown: any key containing password, secret or sasl.jaas.config (and a few more). */
export function isSecretKey (key: string): boolean {
  return SECRET_KEY.test(key)
}

/** The plain value of a setting, secret or not. */
export function reveal (value: SettingValue): string {
  return typeof value === 'string' ? value : value.reveal()
}

/** The value as it may be displayed: "******" for secrets. */
export function displayValue (value: SettingValue): string {
  return typeof value === 'string' ? value : MASK
}

// ---------------------------------------------------------------------------------------------
// The model

export interface Mm2Property {
  readonly key: string
  readonly value: SettingValue
  readonly line: number
}

export type ClientRole = 'admin' | 'consumer' | 'producer'

export interface Mm2Cluster {
  readonly alias: string
  readonly bootstrapServers: readonly string[]
  /** Effective `security.protocol`, upper-case (PLAINTEXT when nothing sets it). */
  readonly securityProtocol: string
  readonly saslMechanism: string | undefined
  /** MirrorMakerConfig.clusterProps(alias): prefix stripped, top-level client keys inherited, role copies added. */
  readonly settings: Readonly<Record<string, SettingValue>>
  /** Per-role client settings: the role's `<role>.` keys (prefix stripped) over the cluster's client keys. */
  readonly clients: Readonly<Record<ClientRole, Readonly<Record<string, SettingValue>>>>
  /** Line of `<alias>.bootstrap.servers` (or of the inherited top-level key), when present. */
  readonly line: number | undefined
}

export interface ReplicationPolicySettings {
  readonly className: string
  readonly kind: ReplicationPolicyKind
  readonly separator: string
  readonly internalTopicSeparatorEnabled: boolean
}

/** An include/exclude pair of Java regex lists and the key each came from ("(default)" when MM2's default applies). */
export interface NameFilter {
  readonly include: readonly string[]
  readonly exclude: readonly string[]
  readonly includeKey: string
  readonly excludeKey: string
  /** DefaultTopicFilter.shouldReplicateTopic / DefaultGroupFilter.shouldReplicateGroup. */
  readonly matches: (name: string) => boolean
}

export interface Mm2Flow extends SourceAndTarget {
  /** "A->B" */
  readonly name: string
  /** MM2 runs a herder for the pair: `A->B.enabled` is true or heartbeats are emitted for it. */
  readonly herder: boolean
  /** The pair replicates: a herder runs and the connectors' `enabled` is true. */
  readonly enabled: boolean
  readonly replicationPolicy: ReplicationPolicySettings
  /** The policy the flow's connectors use (identity: configured with the flow's source alias). */
  readonly policy: ReplicationPolicy
  readonly offsetSyncsTopicLocation: OffsetSyncsTopicLocation
  readonly emitOffsetSyncsEnabled: boolean
  readonly emitCheckpointsEnabled: boolean
  readonly emitCheckpointsIntervalSeconds: number
  readonly syncGroupOffsetsEnabled: boolean
  readonly syncGroupOffsetsIntervalSeconds: number
  readonly emitHeartbeatsEnabled: boolean
  readonly heartbeatsReplicationEnabled: boolean
  readonly topics: NameFilter
  readonly groups: NameFilter
  readonly internalTopics: FlowInternalTopics
  /** The `A->B.` overrides, prefix stripped. */
  readonly overrides: Readonly<Record<string, SettingValue>>
}

export interface Mm2Config {
  /** The file name used in messages. */
  readonly source: string
  readonly clusters: readonly Mm2Cluster[]
  /** Every ordered pair of distinct clusters; see `enabled` and `herder`. */
  readonly flows: readonly Mm2Flow[]
  /** Top-level policy settings (what MirrorClient and the Connect workers use). */
  readonly replicationPolicy: ReplicationPolicySettings
  readonly policy: ReplicationPolicy
  /** Every key of the file, unknown ones included; the last occurrence wins. */
  readonly properties: ReadonlyMap<string, Mm2Property>
  /** Things MM2 accepts but an operator should know, formatted like problems. */
  readonly warnings: readonly string[]
}

export interface Mm2ConfigProblem {
  readonly key: string | undefined
  readonly line: number | undefined
  readonly message: string
}

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

// ---------------------------------------------------------------------------------------------
// MM2's names and defaults

export const DEFAULT_REPLICATION_POLICY_CLASS = 'org.apache.kafka.connect.mirror.DefaultReplicationPolicy'
export const IDENTITY_REPLICATION_POLICY_CLASS = 'org.apache.kafka.connect.mirror.IdentityReplicationPolicy'
const KNOWN_POLICY_CLASSES: Readonly<Record<string, ReplicationPolicyKind>> = {
  [DEFAULT_REPLICATION_POLICY_CLASS]: 'default',
  [IDENTITY_REPLICATION_POLICY_CLASS]: 'identity',
  // Strimzi's pre-3.0 identity policy; since Kafka 3.0 it only extends Kafka's.
  'io.strimzi.kafka.connect.mirror.IdentityReplicationPolicy': 'identity'
}

export const TOPICS_INCLUDE_DEFAULT = '.*'
export const TOPICS_EXCLUDE_DEFAULT = '.*[\\-\\.]internal, .*\\.replica, __.*'
export const GROUPS_INCLUDE_DEFAULT = '.*'
export const GROUPS_EXCLUDE_DEFAULT = 'console-consumer-.*, connect-.*, __.*'
const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL']
const CLIENT_ROLES: readonly ClientRole[] = ['admin', 'consumer', 'producer']
// Characters Kafka allows in topic names: aliases and separators end up in them.
const TOPIC_CHARS = /^[a-zA-Z0-9._-]+$/
const TOPIC_CHARS_TEXT = 'letters, digits, ".", "_" and "-"'

/** MirrorClientConfig.CLIENT_CONFIG_DEF: the keys a cluster inherits from the top level. */
export function isClientConfigKey (key: string): boolean {
  return key === 'bootstrap.servers' || key === 'security.protocol' || key.startsWith('ssl.') || key.startsWith('sasl.')
}

/** ConfigDef Type.LIST: trimmed; empty means an empty list; otherwise split on commas, empty items kept. */
export function parseJavaList (value: string): string[] {
  const trimmed = javaTrim(value)
  return trimmed === '' ? [] : trimmed.split(/\s*,\s*/)
}

// String.trim in Java removes every character <= U+0020.
function javaTrim (value: string): string {
  let start = 0
  let end = value.length
  while (start < end && value.charCodeAt(start) <= 0x20) start++
  while (end > start && value.charCodeAt(end - 1) <= 0x20) end--
  return value.slice(start, end)
}

/**
 * MirrorUtils.compilePatternList + Matcher.matches: a name passes when one pattern matches all of it.
 * An empty list matches nothing. Returns the invalid patterns instead of a matcher when some do not compile.
 */
export function compilePatternList (patterns: readonly string[]): { matches: (name: string) => boolean, invalid: string[] } {
  const compiled: RegExp[] = []
  const invalid: string[] = []
  for (const pattern of patterns) {
    try {
      compiled.push(new RegExp(`^(?:${pattern})$`))
    } catch {
      invalid.push(pattern)
    }
  }
  return { matches: (name) => compiled.some((regex) => regex.test(name)), invalid }
}

/** DefaultTopicFilter/DefaultGroupFilter: included and not excluded. */
export function compileNameFilter (include: readonly string[], exclude: readonly string[]): (name: string) => boolean {
  const included = compilePatternList(include).matches
  const excluded = compilePatternList(exclude).matches
  return (name) => included(name) && !excluded(name)
}

/** MirrorSourceConnector.shouldReplicateTopic: the filter (or a heartbeats topic), never internal, never a cycle. */
export function shouldReplicateTopic (flow: Mm2Flow, topic: string): boolean {
  return (flow.topics.matches(topic) || (flow.heartbeatsReplicationEnabled && flow.policy.isHeartbeatsTopic(topic))) &&
    !flow.policy.isInternalTopic(topic) && !isCycle(flow.policy, topic, flow.target)
}

/** MirrorCheckpointConnector's group filter for the flow. */
export function shouldReplicateGroup (flow: Mm2Flow, group: string): boolean {
  return flow.groups.matches(group)
}

/** The name `topic` (on the source) gets on the target. */
export function remoteTopicName (flow: Mm2Flow, topic: string): string {
  return flow.policy.formatRemoteTopic(flow.source, topic)
}

/** The flows that replicate. */
export function enabledFlows (config: Mm2Config): Mm2Flow[] {
  return config.flows.filter((flow) => flow.enabled)
}

// ---------------------------------------------------------------------------------------------
// Building the model

/** Parses mm2.properties text into the model; throws one MM2_CONFIG_INVALID error listing every problem. */
export function parseMm2Properties (text: string, options: Mm2ParseOptions = {}): Mm2Config {
  const parsed = parseJavaProperties(text)
  const resolved = options.configProviders === undefined ? { entries: parsed.entries, issues: [] } : resolveConfigProviders(parsed.entries, options.configProviders)
  const builder = new ModelBuilder(resolved.entries, options)
  for (const problem of parsed.problems) builder.problem(problem.key, problem.message, problem.line)
  for (const issue of resolved.issues) {
    if (issue.fatal) builder.problem(issue.key, issue.message, issue.line)
    else builder.warn(`${issue.message} mm2-failback uses the value as written.`, issue.line)
  }
  return builder.build()
}

/** Formats a problem or warning: "mm2.properties line 3: ..." or "mm2.properties: ...". */
export function formatProblem (source: string, problem: { line: number | undefined, message: string }): string {
  return problem.line === undefined ? `${source}: ${problem.message}` : `${source} line ${problem.line}: ${problem.message}`
}

interface Resolved {
  readonly key: string
  readonly entry: PropertiesEntry | undefined
}

class ModelBuilder {
  readonly source: string
  readonly aliases: Readonly<Record<string, ReplicationPolicyKind>>
  readonly entries: readonly PropertiesEntry[]
  readonly raw = new Map<string, PropertiesEntry>()
  readonly problems: Mm2ConfigProblem[] = []
  readonly warnings: string[] = []
  readonly #seen = new Set<string>()
  #muted = 0

  constructor (entries: readonly PropertiesEntry[], options: Mm2ParseOptions) {
    this.source = options.source ?? 'mm2.properties'
    this.aliases = { ...KNOWN_POLICY_CLASSES, ...options.replicationPolicyAliases }
    this.entries = entries
    for (const entry of entries) this.raw.set(entry.key, entry)
  }

  /** Runs `read` without reporting anything when `mute` is true. */
  muted<T> (mute: boolean, read: () => T): T {
    if (mute) this.#muted++
    try {
      return read()
    } finally {
      if (mute) this.#muted--
    }
  }

  problem (key: string | undefined, message: string, line?: number): void {
    if (this.#muted > 0) return
    const text = formatProblem(this.source, { line, message })
    if (this.#seen.has(text)) return
    this.#seen.add(text)
    this.problems.push({ key, line, message })
  }

  warn (message: string, line?: number): void {
    if (this.#muted > 0) return
    const text = formatProblem(this.source, { line, message })
    if (!this.warnings.includes(text)) this.warnings.push(text)
  }

  /** A value as it may appear in a message. */
  shown (key: string, value: string): string {
    return isSecretKey(key) ? MASK : JSON.stringify(value)
  }

  build (): Mm2Config {
    this.checkFileShape()
    const aliases = this.readClusters()
    const topPolicy = this.readPolicy(undefined)
    const flows: Mm2Flow[] = []
    for (const source of aliases) {
      for (const target of aliases) {
        if (source !== target) flows.push(this.readFlow(source, target, topPolicy))
      }
    }
    this.checkFlowKeys(aliases)
    const clusters = aliases.map((alias) => this.readCluster(alias, flows))
    this.checkAcrossFlows(flows)
    // The top-level (defaults) scope is validated even when no flow uses it.
    this.readConnectorSettings(undefined)

    if (this.problems.length > 0) throw this.error()
    if (aliases.length > 0 && !flows.some((flow) => flow.enabled)) {
      this.warn(`no flow is enabled: set "<source>-><target>.enabled = true" for at least one pair of ${aliases.join(', ')}.`)
    }
    const properties = new Map<string, Mm2Property>()
    for (const [key, entry] of this.raw) properties.set(key, { key, value: wrap(key, entry.value), line: entry.line })
    return {
      source: this.source,
      clusters,
      flows,
      replicationPolicy: topPolicy.settings,
      policy: topPolicy.policy,
      properties,
      warnings: this.warnings
    }
  }

  error (): Mm2FailbackError {
    // File order: problems without a line (a missing key) first, then by line; the sort is stable.
    this.problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
    const problems = this.problems.map((problem) => ({ ...problem }))
    const first = this.problems[0] as Mm2ConfigProblem
    const message = this.problems.length === 1
      ? formatProblem(this.source, first)
      : `${this.source} has ${this.problems.length} problems: ` +
        this.problems.map((problem) => problem.line === undefined ? problem.message : `line ${problem.line}: ${problem.message}`).join(' ')
    return new Mm2FailbackError('MM2_CONFIG_INVALID', message, { file: this.source, key: first.key, line: first.line, problems })
  }

  checkFileShape (): void {
    const first = this.entries[0]
    if (first !== undefined && (first.key.startsWith('\u00ef\u00bb\u00bf') || first.key.startsWith('\ufeff'))) {
      this.problem(undefined, 'the file starts with a UTF-8 byte order mark, which MM2 reads as part of the first key; save it without one.', first.line)
    }
    // Properties.put keeps the last value: say so when a key is set twice to different values.
    const firstSeen = new Map<string, PropertiesEntry>()
    for (const entry of this.entries) {
      const earlier = firstSeen.get(entry.key)
      if (earlier === undefined) firstSeen.set(entry.key, entry)
      else if (earlier.value !== entry.value) {
        this.warn(`${entry.key} is set again (first on line ${earlier.line}); MM2 uses the last value.`, entry.line)
      }
    }
  }

  readClusters (): string[] {
    const entry = this.raw.get('clusters')
    if (entry === undefined) {
      this.problem('clusters', 'clusters is required: list the cluster aliases, e.g. "clusters = A, B".')
      return []
    }
    const aliases = parseJavaList(entry.value)
    if (aliases.length === 0) {
      this.problem('clusters', `clusters must list at least one alias (got ${JSON.stringify(entry.value)}).`, entry.line)
      return []
    }
    const unique: string[] = []
    for (const alias of aliases) {
      if (alias === '') {
        this.problem('clusters', `clusters has an empty alias (got ${JSON.stringify(entry.value)}).`, entry.line)
      } else if (!TOPIC_CHARS.test(alias)) {
        this.problem('clusters', `cluster alias ${JSON.stringify(alias)} may only contain ${TOPIC_CHARS_TEXT}, because MM2 puts aliases in topic names.`, entry.line)
      } else if (unique.includes(alias)) {
        this.warn(`clusters lists ${JSON.stringify(alias)} more than once.`, entry.line)
      } else {
        unique.push(alias)
      }
    }
    return unique
  }

  /** The effective key for a connector setting: `A->B.<name>` over `<name>`. */
  resolve (flow: string | undefined, name: string): Resolved {
    if (flow !== undefined) {
      const key = `${flow}.${name}`
      const entry = this.raw.get(key)
      if (entry !== undefined) return { key, entry }
    }
    return { key: name, entry: this.raw.get(name) }
  }

  readBoolean (flow: string | undefined, name: string, fallback: boolean): { value: boolean, key: string, line: number | undefined } {
    const { key, entry } = this.resolve(flow, name)
    if (entry === undefined) return { value: fallback, key, line: undefined }
    const value = javaTrim(entry.value).toLowerCase()
    if (value === 'true' || value === 'false') return { value: value === 'true', key, line: entry.line }
    this.problem(key, `${key} must be true or false (got ${this.shown(key, entry.value)}).`, entry.line)
    return { value: fallback, key, line: entry.line }
  }

  readLong (flow: string | undefined, name: string, fallback: number): number {
    const { key, entry } = this.resolve(flow, name)
    if (entry === undefined) return fallback
    const value = javaTrim(entry.value)
    if (/^[+-]?\d{1,18}$/.test(value)) return Number(value)
    this.problem(key, `${key} must be a whole number (got ${this.shown(key, entry.value)}).`, entry.line)
    return fallback
  }

  readPolicy (flow: string | undefined, sourceClusterAlias?: string): { settings: ReplicationPolicySettings, policy: ReplicationPolicy } {
    const classEntry = this.resolve(flow, 'replication.policy.class')
    let className = DEFAULT_REPLICATION_POLICY_CLASS
    let kind: ReplicationPolicyKind = 'default'
    if (classEntry.entry !== undefined) {
      className = javaTrim(classEntry.entry.value)
      const known = this.aliases[className]
      if (known === undefined) {
        this.problem(classEntry.key, `${classEntry.key} ${JSON.stringify(className)} is not a policy mm2-failback can reproduce ` +
          `(expected ${DEFAULT_REPLICATION_POLICY_CLASS} or ${IDENTITY_REPLICATION_POLICY_CLASS}).`, classEntry.entry.line)
      } else {
        kind = known
      }
    }
    // DefaultReplicationPolicy.configure reads the raw string: Java's Properties keeps trailing spaces in it.
    const separatorEntry = this.resolve(flow, 'replication.policy.separator')
    let separator = '.'
    if (separatorEntry.entry !== undefined) {
      const value = separatorEntry.entry.value
      if (value === '') {
        this.problem(separatorEntry.key, `${separatorEntry.key} must not be empty (got "").`, separatorEntry.entry.line)
      } else if (!TOPIC_CHARS.test(value)) {
        this.problem(separatorEntry.key, `${separatorEntry.key} may only contain ${TOPIC_CHARS_TEXT}, as topic names do (got ${JSON.stringify(value)}; MM2 keeps trailing spaces).`, separatorEntry.entry.line)
      } else {
        separator = value
      }
    }
    const internal = this.readBoolean(flow, 'replication.policy.internal.topic.separator.enabled', true)
    if (!internal.value && separator === '.' && flow === undefined) {
      this.warn(`${internal.key}=false has no effect with the default separator ".".`, internal.line)
    }
    const settings = { className, kind, separator, internalTopicSeparatorEnabled: internal.value }
    const policy = createReplicationPolicy({ kind, separator, internalTopicSeparatorEnabled: internal.value, sourceClusterAlias: sourceClusterAlias ?? null })
    return { settings, policy }
  }

  readFilter (flow: string | undefined, kind: 'topics' | 'groups'): NameFilter {
    const includeDefault = kind === 'topics' ? TOPICS_INCLUDE_DEFAULT : GROUPS_INCLUDE_DEFAULT
    const excludeDefault = kind === 'topics' ? TOPICS_EXCLUDE_DEFAULT : GROUPS_EXCLUDE_DEFAULT
    const include = this.resolve(flow, kind)
    // MM2 merges top-level and flow settings first, then translates the deprecated name
    // (ConfigUtils.translateDeprecatedConfigs): `exclude` wins wherever it was set.
    const exclude = this.resolve(flow, `${kind}.exclude`)
    const blacklist = this.resolve(flow, `${kind}.blacklist`)
    let excludeFrom: Resolved = exclude
    if (blacklist.entry !== undefined) {
      this.warn(`${blacklist.key} is the pre-2.7 name of ${kind}.exclude; MM2 4.0 ignores it, so rename it.`, blacklist.entry.line)
      if (exclude.entry === undefined) {
        excludeFrom = blacklist
      } else if (parseJavaList(exclude.entry.value).join(',') !== parseJavaList(blacklist.entry.value).join(',')) {
        this.problem(blacklist.key, `${blacklist.key} contradicts ${exclude.key} (line ${exclude.entry.line}), and MM2 silently uses ${exclude.key}; keep only ${kind}.exclude.`, blacklist.entry.line)
      }
    }
    const includeList = include.entry === undefined ? parseJavaList(includeDefault) : parseJavaList(include.entry.value)
    const excludeList = excludeFrom.entry === undefined ? parseJavaList(excludeDefault) : parseJavaList(excludeFrom.entry.value)
    for (const [from, list] of [[include, includeList], [excludeFrom, excludeList]] as const) {
      for (const pattern of compilePatternList(list).invalid) {
        this.problem(from.key, `${from.key} has ${JSON.stringify(pattern)}, which is not a regular expression mm2-failback can evaluate.`, from.entry?.line)
      }
    }
    return {
      include: includeList,
      exclude: excludeList,
      includeKey: include.entry === undefined ? '(default)' : include.key,
      excludeKey: excludeFrom.entry === undefined ? '(default)' : excludeFrom.key,
      matches: compileNameFilter(includeList, excludeList)
    }
  }

  readConnectorSettings (flow: string | undefined) {
    const location = this.resolve(flow, 'offset-syncs.topic.location')
    let offsetSyncsTopicLocation: OffsetSyncsTopicLocation = 'source'
    if (location.entry !== undefined) {
      const value = javaTrim(location.entry.value)
      if (value === 'source' || value === 'target') offsetSyncsTopicLocation = value
      else this.problem(location.key, `${location.key} must be "source" or "target" (got ${JSON.stringify(location.entry.value)}).`, location.entry.line)
    }
    const emitOffsetSyncs = this.readBoolean(flow, 'emit.offset-syncs.enabled', true)
    const emitCheckpoints = this.readBoolean(flow, 'emit.checkpoints.enabled', true)
    const syncGroupOffsets = this.readBoolean(flow, 'sync.group.offsets.enabled', false)
    for (const name of ['topic.filter.class', 'group.filter.class']) {
      const { key, entry } = this.resolve(flow, name)
      const defaultClass = name === 'topic.filter.class' ? 'org.apache.kafka.connect.mirror.DefaultTopicFilter' : 'org.apache.kafka.connect.mirror.DefaultGroupFilter'
      if (entry !== undefined && javaTrim(entry.value) !== defaultClass) {
        this.warn(`${key} is a custom filter; the topics/groups filters shown here describe only MM2's default filter.`, entry.line)
      }
    }
    return {
      offsetSyncsTopicLocation,
      emitOffsetSyncs,
      emitCheckpoints,
      syncGroupOffsets,
      emitCheckpointsIntervalSeconds: this.readLong(flow, 'emit.checkpoints.interval.seconds', 60),
      syncGroupOffsetsIntervalSeconds: this.readLong(flow, 'sync.group.offsets.interval.seconds', 60),
      emitHeartbeats: this.readBoolean(flow, 'emit.heartbeats.enabled', true),
      heartbeatsReplication: this.readBoolean(flow, 'heartbeats.replication.enabled', true),
      topics: this.readFilter(flow, 'topics'),
      groups: this.readFilter(flow, 'groups')
    }
  }

  readFlow (source: string, target: string, topPolicy: { settings: ReplicationPolicySettings }): Mm2Flow {
    const name = `${source}->${target}`
    // MirrorMakerConfig.clusterPairs uses Boolean.parseBoolean (anything but "true" is false) for the herder.
    const lenient = (key: string): boolean | undefined => {
      const entry = this.raw.get(key)
      return entry === undefined ? undefined : entry.value.toLowerCase() === 'true'
    }
    const heartbeatsForPair = lenient(`${name}.emit.heartbeats.enabled`) ?? lenient('emit.heartbeats.enabled') ?? true
    const herder = lenient(`${name}.enabled`) === true || heartbeatsForPair
    const enabledSetting = this.resolve(name, 'enabled')
    const enabled = this.readBoolean(name, 'enabled', false).value && herder
    if (enabledSetting.key === 'enabled' && enabled) {
      this.warn('enabled=true at the top level enables every pair MM2 runs a herder for, not one flow; prefer "<source>-><target>.enabled".', enabledSetting.entry?.line)
    }
    // Only a running flow's settings are checked: the connectors of a disabled pair stop before reading them.
    const { policy, settings } = this.muted(!enabled, () => ({ policy: this.readPolicy(name, source), settings: this.readConnectorSettings(name) }))
    if (enabled) this.checkFlow(name, source, target, policy.settings, topPolicy.settings, settings)
    const overrides: Record<string, SettingValue> = {}
    const prefix = `${name}.`
    for (const [key, entry] of this.raw) {
      if (key.startsWith(prefix)) overrides[key.slice(prefix.length)] = wrap(key, entry.value)
    }
    return {
      name,
      source,
      target,
      herder,
      enabled,
      replicationPolicy: policy.settings,
      policy: policy.policy,
      offsetSyncsTopicLocation: settings.offsetSyncsTopicLocation,
      emitOffsetSyncsEnabled: settings.emitOffsetSyncs.value,
      emitCheckpointsEnabled: settings.emitCheckpoints.value,
      emitCheckpointsIntervalSeconds: settings.emitCheckpointsIntervalSeconds,
      syncGroupOffsetsEnabled: settings.syncGroupOffsets.value,
      syncGroupOffsetsIntervalSeconds: settings.syncGroupOffsetsIntervalSeconds,
      emitHeartbeatsEnabled: settings.emitHeartbeats.value,
      heartbeatsReplicationEnabled: settings.heartbeatsReplication.value,
      topics: settings.topics,
      groups: settings.groups,
      internalTopics: flowInternalTopics(policy.policy, { source, target }, settings.offsetSyncsTopicLocation),
      overrides
    }
  }

  checkFlow (name: string, source: string, target: string, policy: ReplicationPolicySettings, topPolicy: ReplicationPolicySettings,
    settings: ReturnType<ModelBuilder['readConnectorSettings']>): void {
    const { emitOffsetSyncs, emitCheckpoints, syncGroupOffsets } = settings
    // MirrorCheckpointConfig.validate (3.9, KIP-1031): the checkpoint connector cannot run without offset syncs.
    if (!emitOffsetSyncs.value && (emitCheckpoints.value || syncGroupOffsets.value)) {
      const needs = syncGroupOffsets.value ? `${syncGroupOffsets.key}=true` : `${emitCheckpoints.key}=true${emitCheckpoints.line === undefined ? ' (the default)' : ''}`
      this.problem(emitOffsetSyncs.key, `${name}: ${emitOffsetSyncs.key}=false leaves the checkpoint connector without offset syncs, contradicting ${needs}; disable checkpoints and group sync as well, or keep offset syncs on.`, emitOffsetSyncs.line)
    }
    // MirrorCheckpointConnector creates no task when checkpoints are off, so nothing would sync group offsets.
    if (syncGroupOffsets.value && !emitCheckpoints.value) {
      this.problem(syncGroupOffsets.key, `${name}: ${syncGroupOffsets.key}=true does nothing while ${emitCheckpoints.key}=false (line ${emitCheckpoints.line ?? '?'}), because MM2 syncs group offsets from its checkpoints.`, syncGroupOffsets.line)
    }
    if (policy.kind === 'default') {
      for (const alias of [source, target]) {
        if (alias.includes(policy.separator)) {
          this.problem('clusters', `cluster alias ${JSON.stringify(alias)} contains the separator ${JSON.stringify(policy.separator)}, so MM2 would misread remote topic names such as ${JSON.stringify(alias + policy.separator + 'orders')} and could not detect cycles.`, this.raw.get('clusters')?.line)
        }
      }
    }
    if (policy.className !== topPolicy.className || policy.separator !== topPolicy.separator || policy.internalTopicSeparatorEnabled !== topPolicy.internalTopicSeparatorEnabled) {
      const line = (this.raw.get(`${name}.replication.policy.class`) ?? this.raw.get(`${name}.replication.policy.separator`) ?? this.raw.get(`${name}.replication.policy.internal.topic.separator.enabled`))?.line
      this.warn(`${name} overrides the replication policy; the Connect workers and RemoteClusterUtils still use the top-level replication.policy.* settings.`, line)
    }
  }

  checkAcrossFlows (flows: readonly Mm2Flow[]): void {
    const enabled = flows.filter((flow) => flow.enabled)
    // KIP-716 collision: two flows writing the same offset-syncs topic on the same cluster mix their syncs.
    const writers = new Map<string, Mm2Flow>()
    for (const flow of enabled) {
      if (!flow.emitOffsetSyncsEnabled) continue
      const { topic, cluster } = flow.internalTopics.offsetSyncs
      const id = `${cluster}\u0000${topic}`
      const other = writers.get(id)
      if (other === undefined) {
        writers.set(id, flow)
        continue
      }
      const key = `${flow.name}.offset-syncs.topic.location`
      this.problem(key, `${other.name} (offset-syncs.topic.location=${other.offsetSyncsTopicLocation}) and ${flow.name} (offset-syncs.topic.location=${flow.offsetSyncsTopicLocation}) both write ${topic} on ${cluster}, so their offset syncs would mix; give both flows the same location.`,
        (this.raw.get(key) ?? this.raw.get(`${other.name}.offset-syncs.topic.location`) ?? this.raw.get('offset-syncs.topic.location'))?.line)
    }
    for (const flow of enabled) {
      if (flow.replicationPolicy.kind !== 'identity') continue
      const back = enabled.find((other) => other.source === flow.target && other.target === flow.source)
      if (back !== undefined && flow.source < flow.target) {
        this.warn(`${flow.name} and ${back.name} are both enabled with IdentityReplicationPolicy, which cannot detect cycles; make sure their topic filters do not overlap.`, this.raw.get('replication.policy.class')?.line)
      }
    }
  }

  checkFlowKeys (aliases: readonly string[]): void {
    const pairs = new Set<string>()
    for (const source of aliases) for (const target of aliases) if (source !== target) pairs.add(`${source}->${target}.`)
    if (aliases.length === 0) return
    const listed = aliases.join(', ')
    for (const [key, entry] of this.raw) {
      const arrow = key.indexOf('->')
      if (arrow <= 0) continue
      if ([...pairs].some((pair) => key.startsWith(pair))) continue
      const message = `${key} does not name a flow between two different clusters listed in clusters (${listed}); MM2 ignores it.`
      if (key.endsWith('.enabled') && !key.endsWith('.emit.heartbeats.enabled') && javaTrim(entry.value).toLowerCase() === 'true') {
        this.problem(key, message, entry.line)
      } else {
        this.warn(message, entry.line)
      }
    }
    for (const [key, entry] of this.raw) {
      const match = /^(.+)\.bootstrap\.servers$/.exec(key)
      if (match !== null && !key.includes('->') && !aliases.includes(match[1] as string) && !isRolePrefixed(match[1] as string)) {
        this.warn(`${key} names cluster ${JSON.stringify(match[1])}, which is not in clusters (${listed}); MM2 ignores it.`, entry.line)
      }
    }
  }

  readCluster (alias: string, flows: readonly Mm2Flow[]): Mm2Cluster {
    // MirrorMakerConfig.clusterProps, keeping the entry each value came from for messages.
    const origin = new Map<string, PropertiesEntry>()
    const prefix = `${alias}.`
    for (const [key, entry] of this.raw) {
      if (key.startsWith(prefix)) origin.set(key.slice(prefix.length), entry)
    }
    for (const [key, entry] of [...origin]) {
      if (!isClientConfigKey(key)) continue
      for (const role of CLIENT_ROLES) if (!origin.has(`${role}.${key}`)) origin.set(`${role}.${key}`, entry)
    }
    for (const [key, entry] of this.raw) {
      if (!isClientConfigKey(key)) continue
      for (const role of CLIENT_ROLES) if (!origin.has(`${role}.${key}`)) origin.set(`${role}.${key}`, entry)
      if (!origin.has(key)) origin.set(key, entry)
    }
    const settings: Record<string, SettingValue> = {}
    for (const [key, entry] of origin) settings[key] = wrap(key, entry.value)

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
      if (used) this.problem(bootstrapKey, message, line)
      else this.warn(message, line)
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
        this.problem(entry.key, `${entry.key} must be one of ${SECURITY_PROTOCOLS.join(', ')} (got ${JSON.stringify(entry.value)}).`, entry.line)
      }
    }
    const protocolEntry = origin.get('security.protocol')
    const securityProtocol = protocolEntry === undefined ? 'PLAINTEXT' : javaTrim(protocolEntry.value).toUpperCase()
    const saslMechanism = origin.get('sasl.mechanism')
    if (saslMechanism !== undefined && !securityProtocol.startsWith('SASL_')) {
      this.warn(`cluster ${alias}: ${saslMechanism.key} is set but security.protocol is ${securityProtocol}, so SASL is not used.`, saslMechanism.line)
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
}

function isRolePrefixed (prefix: string): boolean {
  return CLIENT_ROLES.some((role) => prefix === role || prefix.endsWith(`.${role}`))
}

function wrap (key: string, value: string): SettingValue {
  return isSecretKey(key) ? new Secret(value) : value
}
