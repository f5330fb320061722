// The connector settings of a flow (MirrorSourceConfig, MirrorCheckpointConfig, the filters and the
// replication policy), each read from `A->B.<key>` over the top-level `<key>` (connectorBaseConfig);
// `flow` undefined reads the top-level scope alone.
import {
  DEFAULT_GROUP_FILTER_CLASS, DEFAULT_REPLICATION_POLICY_CLASS, DEFAULT_TOPIC_FILTER_CLASS, GROUPS_EXCLUDE_DEFAULT, GROUPS_INCLUDE_DEFAULT,
  IDENTITY_REPLICATION_POLICY_CLASS, TOPICS_EXCLUDE_DEFAULT, TOPICS_INCLUDE_DEFAULT
} from '../core/mm2/defaults.ts'
import { compileNameFilter, compilePatternList } from '../core/mm2/filters.ts'
import type { NameFilter, ReplicationPolicySettings } from '../core/mm2/model.ts'
import {
  createReplicationPolicy, type OffsetSyncsTopicLocation, type ReplicationPolicy, type ReplicationPolicyKind
} from '../core/naming/replication-policy.ts'
import { TOPIC_CHARS, TOPIC_CHARS_TEXT, javaTrim, parseJavaList, type Mm2Reader, type Resolved } from './mm2-reader.ts'

/** replication.policy.class values and the policy each behaves like. */
export type PolicyClasses = Readonly<Record<string, ReplicationPolicyKind>>

export interface ResolvedPolicy {
  readonly settings: ReplicationPolicySettings
  readonly policy: ReplicationPolicy
}

export type ConnectorSettings = ReturnType<typeof readConnectorSettings>

/** replication.policy.* of the flow (or the top level); the identity policy is configured with the flow's source alias. */
export function readPolicy (reader: Mm2Reader, policyClasses: PolicyClasses, flow: string | undefined, sourceClusterAlias?: string): ResolvedPolicy {
  const classEntry = reader.resolve(flow, 'replication.policy.class')
  let className = DEFAULT_REPLICATION_POLICY_CLASS
  let kind: ReplicationPolicyKind = 'default'
  if (classEntry.entry !== undefined) {
    className = javaTrim(classEntry.entry.value)
    const known = Object.hasOwn(policyClasses, className) ? policyClasses[className] : undefined
    if (known === undefined) {
      reader.problem(classEntry.key, `${classEntry.key} ${JSON.stringify(className)} is not a policy mm2-failback can reproduce ` +
        `(expected ${DEFAULT_REPLICATION_POLICY_CLASS} or ${IDENTITY_REPLICATION_POLICY_CLASS}).`, classEntry.entry.line)
    } else {
      kind = known
    }
  }
  // DefaultReplicationPolicy.configure reads the raw string: Java's Properties keeps trailing spaces in it.
  const separatorEntry = reader.resolve(flow, 'replication.policy.separator')
  let separator = '.'
  if (separatorEntry.entry !== undefined) {
    const value = separatorEntry.entry.value
    if (value === '') {
      reader.problem(separatorEntry.key, `${separatorEntry.key} must not be empty (got "").`, separatorEntry.entry.line)
    } else if (!TOPIC_CHARS.test(value)) {
      const message = `${separatorEntry.key} may only contain ${TOPIC_CHARS_TEXT}, as topic names do (got ${JSON.stringify(value)}; MM2 keeps trailing spaces).`
      reader.problem(separatorEntry.key, message, separatorEntry.entry.line)
    } else {
      separator = value
    }
  }
  const internal = reader.readBoolean(flow, 'replication.policy.internal.topic.separator.enabled', true)
  if (!internal.value && separator === '.' && flow === undefined) {
    reader.warn(`${internal.key}=false has no effect with the default separator ".".`, internal.line)
  }
  const settings = { className, kind, separator, internalTopicSeparatorEnabled: internal.value }
  const policy = createReplicationPolicy({ kind, separator, internalTopicSeparatorEnabled: internal.value, sourceClusterAlias: sourceClusterAlias ?? null })
  return { settings, policy }
}

/** The topics or groups filter; MM2 merges top-level and flow settings first, then translates the deprecated name. */
export function readFilter (reader: Mm2Reader, flow: string | undefined, kind: 'topics' | 'groups'): NameFilter {
  const includeDefault = kind === 'topics' ? TOPICS_INCLUDE_DEFAULT : GROUPS_INCLUDE_DEFAULT
  const excludeDefault = kind === 'topics' ? TOPICS_EXCLUDE_DEFAULT : GROUPS_EXCLUDE_DEFAULT
  const include = reader.resolve(flow, kind)
  // ConfigUtils.translateDeprecatedConfigs: `exclude` wins wherever it was set.
  const exclude = reader.resolve(flow, `${kind}.exclude`)
  const blacklist = reader.resolve(flow, `${kind}.blacklist`)
  let excludeFrom: Resolved = exclude
  if (blacklist.entry !== undefined) {
    reader.warn(`${blacklist.key} is the pre-2.7 name of ${kind}.exclude; MM2 4.0 ignores it, so rename it.`, blacklist.entry.line)
    if (exclude.entry === undefined) {
      excludeFrom = blacklist
    } else if (parseJavaList(exclude.entry.value).join(',') !== parseJavaList(blacklist.entry.value).join(',')) {
      const message = `${blacklist.key} contradicts ${exclude.key} (line ${exclude.entry.line}), and MM2 silently uses ${exclude.key}; ` +
        `keep only ${kind}.exclude.`
      reader.problem(blacklist.key, message, blacklist.entry.line)
    }
  }
  const includeList = include.entry === undefined ? parseJavaList(includeDefault) : parseJavaList(include.entry.value)
  const excludeList = excludeFrom.entry === undefined ? parseJavaList(excludeDefault) : parseJavaList(excludeFrom.entry.value)
  for (const [from, list] of [[include, includeList], [excludeFrom, excludeList]] as const) {
    // An empty item (`topics = a, b,`) is a pattern that matches only the empty name up to MM2 4.1;
    // MM2 4.2 refuses to start on it (KIP-1161), so the file works today and breaks on upgrade.
    if (from.entry !== undefined && list.includes('')) {
      reader.warn(`${from.key} has an empty item (${JSON.stringify(from.entry.value)}): MM2 4.2 and later refuse to start with it; remove the stray comma.`, from.entry.line)
    }
    for (const { pattern, reason } of compilePatternList(list).invalid) {
      const message = `${from.key} has ${JSON.stringify(pattern)}, which is not a regular expression mm2-failback can evaluate: ${reason}.`
      reader.problem(from.key, message, from.entry?.line)
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

/** Every connector setting mm2-failback uses, for the flow or (flow undefined) the top level. */
export function readConnectorSettings (reader: Mm2Reader, flow: string | undefined) {
  const location = reader.resolve(flow, 'offset-syncs.topic.location')
  let offsetSyncsTopicLocation: OffsetSyncsTopicLocation = 'source'
  if (location.entry !== undefined) {
    const value = javaTrim(location.entry.value)
    if (value === 'source' || value === 'target') offsetSyncsTopicLocation = value
    else reader.problem(location.key, `${location.key} must be "source" or "target" (got ${JSON.stringify(location.entry.value)}).`, location.entry.line)
  }
  const emitOffsetSyncs = reader.readBoolean(flow, 'emit.offset-syncs.enabled', true)
  const emitCheckpoints = reader.readBoolean(flow, 'emit.checkpoints.enabled', true)
  const syncGroupOffsets = reader.readBoolean(flow, 'sync.group.offsets.enabled', false)
  for (const name of ['topic.filter.class', 'group.filter.class']) {
    const { key, entry } = reader.resolve(flow, name)
    const defaultClass = name === 'topic.filter.class' ? DEFAULT_TOPIC_FILTER_CLASS : DEFAULT_GROUP_FILTER_CLASS
    if (entry !== undefined && javaTrim(entry.value) !== defaultClass) {
      reader.warn(`${key} is a custom filter; the topics/groups filters shown here describe only MM2's default filter.`, entry.line)
    }
  }
  return {
    offsetSyncsTopicLocation,
    emitOffsetSyncs,
    emitCheckpoints,
    syncGroupOffsets,
    emitCheckpointsIntervalSeconds: reader.readLong(flow, 'emit.checkpoints.interval.seconds', 60),
    syncGroupOffsetsIntervalSeconds: reader.readLong(flow, 'sync.group.offsets.interval.seconds', 60),
    emitHeartbeats: reader.readBoolean(flow, 'emit.heartbeats.enabled', true),
    heartbeatsReplication: reader.readBoolean(flow, 'heartbeats.replication.enabled', true),
    topics: readFilter(reader, flow, 'topics'),
    groups: readFilter(reader, flow, 'groups')
  }
}
