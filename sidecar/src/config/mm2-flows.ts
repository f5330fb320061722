// The flows of mm2.properties: every ordered pair of clusters, with the herder and enabled rules of
// MirrorMakerConfig.clusterPairs, its connector settings, and the checks MM2 does (or should do) on them.
import { compositeKey } from '../core/keys.ts'
import { flowName } from '../core/mm2/flow-name.ts'
import type { Mm2Flow, ReplicationPolicySettings } from '../core/mm2/model.ts'
import { settingValue, type SettingValue } from '../core/mm2/secret.ts'
import { flowInternalTopics } from '../core/naming/replication-policy.ts'
import { readConnectorSettings, readPolicy, type ConnectorSettings, type PolicyClasses, type ResolvedPolicy } from './mm2-connector-settings.ts'
import { javaTrim, type Mm2Reader } from './mm2-reader.ts'

/** The flow source->target: whether MM2 runs it, and its settings (checked only when it runs). */
export function readFlow (reader: Mm2Reader, policyClasses: PolicyClasses, source: string, target: string, topPolicy: ResolvedPolicy): Mm2Flow {
  const name = flowName({ source, target })
  // MirrorMakerConfig.clusterPairs uses Boolean.parseBoolean (anything but "true" is false) for the herder.
  const lenient = (key: string): boolean | undefined => {
    const entry = reader.raw.get(key)
    return entry === undefined ? undefined : entry.value.toLowerCase() === 'true'
  }
  const heartbeatsForPair = lenient(`${name}.emit.heartbeats.enabled`) ?? lenient('emit.heartbeats.enabled') ?? true
  const herder = lenient(`${name}.enabled`) === true || heartbeatsForPair
  const enabledSetting = reader.resolve(name, 'enabled')
  const enabled = reader.readBoolean(name, 'enabled', false).value && herder
  if (enabledSetting.key === 'enabled' && enabled) {
    const message = 'enabled=true at the top level enables every pair MM2 runs a herder for, not one flow; prefer "<source>-><target>.enabled".'
    reader.warn(message, enabledSetting.entry?.line)
  }
  // Only a running flow's settings are checked: the connectors of a disabled pair stop before reading them.
  const { policy, settings } = reader.muted(!enabled, () => ({
    policy: readPolicy(reader, policyClasses, name, source),
    settings: readConnectorSettings(reader, name)
  }))
  if (enabled) checkFlow(reader, name, source, target, policy.settings, topPolicy.settings, settings)
  const overrides: Record<string, SettingValue> = {}
  const prefix = `${name}.`
  for (const [key, entry] of reader.raw) {
    if (key.startsWith(prefix)) overrides[key.slice(prefix.length)] = settingValue(key, entry.value)
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

function checkFlow (reader: Mm2Reader, name: string, source: string, target: string, policy: ReplicationPolicySettings, topPolicy: ReplicationPolicySettings,
  settings: ConnectorSettings): void {
  const { emitOffsetSyncs, emitCheckpoints, syncGroupOffsets } = settings
  // MirrorCheckpointConfig.validate (3.9, KIP-1031): the checkpoint connector cannot run without offset syncs.
  if (!emitOffsetSyncs.value && (emitCheckpoints.value || syncGroupOffsets.value)) {
    const needs = syncGroupOffsets.value
      ? `${syncGroupOffsets.key}=true`
      : `${emitCheckpoints.key}=true${emitCheckpoints.line === undefined ? ' (the default)' : ''}`
    reader.problem(emitOffsetSyncs.key, `${name}: ${emitOffsetSyncs.key}=false leaves the checkpoint connector without offset syncs, contradicting ${needs}; ` +
      'disable checkpoints and group sync as well, or keep offset syncs on.', emitOffsetSyncs.line)
  }
  if (!emitOffsetSyncs.value) checkSyncSettingsWithoutSyncs(reader, name, emitOffsetSyncs.key)
  // MirrorCheckpointConnector creates no task when checkpoints are off, so nothing would sync group offsets.
  if (syncGroupOffsets.value && !emitCheckpoints.value) {
    reader.problem(syncGroupOffsets.key, `${name}: ${syncGroupOffsets.key}=true does nothing while ${emitCheckpoints.key}=false ` +
      `(line ${emitCheckpoints.line ?? '?'}), because MM2 syncs group offsets from its checkpoints.`, syncGroupOffsets.line)
  }
  if (policy.kind === 'default') {
    for (const alias of [source, target]) {
      if (alias.includes(policy.separator)) {
        reader.problem('clusters', `cluster alias ${JSON.stringify(alias)} contains the separator ${JSON.stringify(policy.separator)}, so MM2 would misread ` +
          `remote topic names such as ${JSON.stringify(alias + policy.separator + 'orders')} and could not detect cycles.`, reader.raw.get('clusters')?.line)
      }
    }
  }
  const overridesPolicy = policy.className !== topPolicy.className || policy.separator !== topPolicy.separator ||
    policy.internalTopicSeparatorEnabled !== topPolicy.internalTopicSeparatorEnabled
  if (overridesPolicy) {
    const line = (reader.raw.get(`${name}.replication.policy.class`) ?? reader.raw.get(`${name}.replication.policy.separator`) ??
      reader.raw.get(`${name}.replication.policy.internal.topic.separator.enabled`))?.line
    reader.warn(`${name} overrides the replication policy; the Connect workers and RemoteClusterUtils still use the top-level replication.policy.* settings.`,
      line)
  }
}

/** The top-level settings MirrorMakerConfig passes to the connectors (it keeps only their own names) that name the offset-syncs topic. */
const TOP_LEVEL_SYNC_SETTINGS = new Set(['offset-syncs.topic.location', 'offset-syncs.topic.replication.factor'])

/**
 * MirrorSourceConnector.validate (3.9+, KIP-1031) refuses the connector when offset syncs are off and its
 * config still has an offset-syncs topic or client setting ("offset-syncs.topic.*", "offset-syncs-*"):
 * the flow then replicates nothing at all, while MM2 itself keeps running. Its config holds the top-level
 * connector settings and every "<flow>." key with the prefix stripped.
 */
function checkSyncSettingsWithoutSyncs (reader: Mm2Reader, name: string, emitKey: string): void {
  const prefix = `${name}.`
  const set = [...reader.raw].filter(([key]) => {
    if (!key.startsWith(prefix)) return TOP_LEVEL_SYNC_SETTINGS.has(key)
    const local = key.slice(prefix.length)
    return local.startsWith('offset-syncs.topic.') || local.startsWith('offset-syncs-')
  })
  if (set.length === 0) return
  const keys = set.map(([key]) => key).join(', ')
  reader.problem(set[0]![0], `${name}: ${emitKey}=false while ${keys} ${set.length === 1 ? 'is' : 'are'} set: MM2 refuses to start the flow's ` +
    `MirrorSourceConnector ("can't setup offset-syncs feature"), so it replicates nothing; remove ${set.length === 1 ? 'it' : 'them'}.`, set[0]![1].line)
}

/** Checks between enabled flows: offset-syncs topics they would share, identity policies both ways. */
export function checkAcrossFlows (reader: Mm2Reader, flows: readonly Mm2Flow[]): void {
  const enabled = flows.filter((flow) => flow.enabled)
  // KIP-716 collision: two flows writing the same offset-syncs topic on the same cluster mix their syncs.
  const writers = new Map<string, Mm2Flow>()
  for (const flow of enabled) {
    if (!flow.emitOffsetSyncsEnabled) continue
    const { topic, cluster } = flow.internalTopics.offsetSyncs
    const id = compositeKey(cluster, topic)
    const other = writers.get(id)
    if (other === undefined) {
      writers.set(id, flow)
      continue
    }
    const key = `${flow.name}.offset-syncs.topic.location`
    const message = `${other.name} (offset-syncs.topic.location=${other.offsetSyncsTopicLocation}) and ${flow.name} ` +
      `(offset-syncs.topic.location=${flow.offsetSyncsTopicLocation}) both write ${topic} on ${cluster}, so their offset syncs would mix; ` +
      'give both flows the same location.'
    const line = (reader.raw.get(key) ?? reader.raw.get(`${other.name}.offset-syncs.topic.location`) ?? reader.raw.get('offset-syncs.topic.location'))?.line
    reader.problem(key, message, line)
  }
  for (const flow of enabled) {
    if (flow.replicationPolicy.kind !== 'identity') continue
    const back = enabled.find((other) => other.source === flow.target && other.target === flow.source)
    if (back !== undefined && flow.source < flow.target) {
      reader.warn(`${flow.name} and ${back.name} are both enabled with IdentityReplicationPolicy, which cannot detect cycles; ` +
        'make sure their topic filters do not overlap.', reader.raw.get('replication.policy.class')?.line)
    }
  }
}

/** Reports `X->Y.` keys that name no flow between listed clusters (an error when they enable one). */
export function checkFlowKeys (reader: Mm2Reader, aliases: readonly string[]): void {
  const pairs = new Set<string>()
  for (const source of aliases) for (const target of aliases) if (source !== target) pairs.add(`${flowName({ source, target })}.`)
  if (aliases.length === 0) return
  const listed = aliases.join(', ')
  for (const [key, entry] of reader.raw) {
    const arrow = key.indexOf('->')
    if (arrow <= 0) continue
    if ([...pairs].some((pair) => key.startsWith(pair))) continue
    const message = `${key} does not name a flow between two different clusters listed in clusters (${listed}); MM2 ignores it.`
    if (key.endsWith('.enabled') && !key.endsWith('.emit.heartbeats.enabled') && javaTrim(entry.value).toLowerCase() === 'true') {
      reader.problem(key, message, entry.line)
    } else {
      reader.warn(message, entry.line)
    }
  }
}
