// MirrorMaker 2's topic naming, as pure functions. Mirrors apache/kafka connect/mirror-client:
//   ReplicationPolicy          the interface, with the KIP-690 (3.1.0) default methods for internal topics
//   DefaultReplicationPolicy   "<sourceAlias><sep><topic>"; internal topics use the separator (3.1.0+),
//                              unless replication.policy.internal.topic.separator.enabled=false (KIP-949, 3.5.2/3.6.0)
//   IdentityReplicationPolicy  remote name == source name, except heartbeats (KAFKA-9726, 3.0.0)
//   MirrorClient               countHopsForTopic, upstreamClusters, remoteTopics... (name-based helpers)
// plus two rules from connect/mirror: MirrorSourceConnector.isCycle and MirrorCheckpointTask.renameTopicPartition.
// Checked against trunk of October 2024 (4.0.0-SNAPSHOT); the behaviour is unchanged since 3.6.0.
// MM2 before 3.1.0 always used "." in internal topic names: model it with internalTopicSeparatorEnabled=false.
import { Mm2FailbackError } from '../../errors.ts'

export type ReplicationPolicyKind = 'default' | 'identity'

/** The two cluster aliases of one replication flow (MM2's SourceAndTarget, printed "source->target"). */
export interface SourceAndTarget {
  readonly source: string
  readonly target: string
}

export interface ReplicationPolicyOptions {
  /** `default` (DefaultReplicationPolicy) unless told otherwise. */
  kind?: ReplicationPolicyKind
  /** `replication.policy.separator`; default ".". */
  separator?: string
  /** `replication.policy.internal.topic.separator.enabled`; default true. False keeps "." in internal topic names. */
  internalTopicSeparatorEnabled?: boolean
  /**
   * Identity only: what `topicSource` answers for non-heartbeat topics. MM2 passes the connector's
   * `source.cluster.alias`; a MirrorClient built from a plain client config has none (null).
   */
  sourceClusterAlias?: string | null
}

/** MM2's ReplicationPolicy: every method behaves as its Java namesake. */
export interface ReplicationPolicy {
  readonly kind: ReplicationPolicyKind
  readonly separator: string
  readonly internalTopicSeparatorEnabled: boolean
  /** The identity policy's configured source alias (null when unset, always null for the default policy). */
  readonly sourceClusterAlias: string | null
  formatRemoteTopic: (sourceClusterAlias: string, topic: string) => string
  topicSource: (topic: string) => string | null
  upstreamTopic: (topic: string) => string | null
  originalTopic: (topic: string) => string
  heartbeatsTopic: () => string
  offsetSyncsTopic: (clusterAlias: string) => string
  checkpointsTopic: (clusterAlias: string) => string
  isHeartbeatsTopic: (topic: string) => boolean
  isCheckpointsTopic: (topic: string) => boolean
  isMM2InternalTopic: (topic: string) => boolean
  isInternalTopic: (topic: string) => boolean
}

export const DEFAULT_SEPARATOR = '.'
const HEARTBEATS_TOPIC = 'heartbeats'

/** Builds the default or identity policy, validating the separator (MM2 accepts an empty one, which breaks every name). */
export function createReplicationPolicy (options: ReplicationPolicyOptions = {}): ReplicationPolicy {
  const kind = options.kind ?? 'default'
  const separator = options.separator ?? DEFAULT_SEPARATOR
  if (separator === '') {
    throw new Mm2FailbackError('MM2_CONFIG_INVALID', 'replication.policy.separator must not be empty (got "").')
  }
  const internalTopicSeparatorEnabled = options.internalTopicSeparatorEnabled ?? true
  const sourceClusterAlias = kind === 'identity' ? (options.sourceClusterAlias ?? null) : null

  const internalSeparator = internalTopicSeparatorEnabled ? separator : '.'
  const internalSuffix = internalSeparator + 'internal'
  const checkpointsTopicSuffix = internalSeparator + 'checkpoints' + internalSuffix

  // DefaultReplicationPolicy's three naming methods; the identity policy defers to them for heartbeats.
  const prefixedFormat = (alias: string, topic: string): string => alias + separator + topic
  const prefixedSource = (topic: string): string | null => {
    const parts = javaSplit(topic, separator)
    return parts.length < 2 ? null : (parts[0] as string)
  }
  const prefixedUpstream = (topic: string): string | null => {
    const source = prefixedSource(topic)
    return source === null ? null : topic.substring(source.length + separator.length)
  }
  const looksLikeHeartbeat = (topic: string): boolean => topic.endsWith(HEARTBEATS_TOPIC)

  const formatRemoteTopic = kind === 'identity'
    ? (alias: string, topic: string) => looksLikeHeartbeat(topic) ? prefixedFormat(alias, topic) : topic
    : prefixedFormat
  const topicSource = kind === 'identity'
    ? (topic: string) => looksLikeHeartbeat(topic) ? prefixedSource(topic) : sourceClusterAlias
    : prefixedSource
  const upstreamTopic = kind === 'identity'
    ? (topic: string) => looksLikeHeartbeat(topic) ? prefixedUpstream(topic) : topic
    : prefixedUpstream

  // ReplicationPolicy.originalTopic recurses until upstreamTopic is null or unchanged; a loop is equivalent.
  const originalTopic = (topic: string): string => {
    let current = topic
    for (;;) {
      const upstream = upstreamTopic(current)
      if (upstream === null || upstream === current) return current
      current = upstream
    }
  }
  const isMM2InternalTopic = (topic: string): boolean => topic.endsWith(internalSuffix)

  return Object.freeze({
    kind,
    separator,
    internalTopicSeparatorEnabled,
    sourceClusterAlias,
    formatRemoteTopic,
    topicSource,
    upstreamTopic,
    originalTopic,
    heartbeatsTopic: () => HEARTBEATS_TOPIC,
    offsetSyncsTopic: (clusterAlias: string) => 'mm2-offset-syncs' + internalSeparator + clusterAlias + internalSuffix,
    checkpointsTopic: (clusterAlias: string) => clusterAlias + checkpointsTopicSuffix,
    isHeartbeatsTopic: (topic: string) => originalTopic(topic) === HEARTBEATS_TOPIC,
    isCheckpointsTopic: (topic: string) => topic.endsWith(checkpointsTopicSuffix),
    isMM2InternalTopic,
    // Kafka internals start with "__" or "."; Connect's default internal topics end with ".internal" or "-internal".
    isInternalTopic: (topic: string) => isMM2InternalTopic(topic) || topic.startsWith('__') || topic.startsWith('.') ||
      topic.endsWith('-internal') || topic.endsWith('.internal')
  })
}

/** DefaultReplicationPolicy with the given separator options. */
export function defaultReplicationPolicy (options: Omit<ReplicationPolicyOptions, 'kind' | 'sourceClusterAlias'> = {}): ReplicationPolicy {
  return createReplicationPolicy({ ...options, kind: 'default' })
}

/** IdentityReplicationPolicy; pass `sourceClusterAlias` as MM2's connectors do. */
export function identityReplicationPolicy (options: Omit<ReplicationPolicyOptions, 'kind'> = {}): ReplicationPolicy {
  return createReplicationPolicy({ ...options, kind: 'identity' })
}

// Java's String.split(Pattern.quote(sep)): split on every occurrence, then drop trailing empty strings.
// That is why "a." and "." are not remote topics while ".a" is (source ""), exactly as in MM2.
function javaSplit (text: string, separator: string): string[] {
  if (!text.includes(separator)) return [text]
  const parts = text.split(separator)
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop()
  return parts
}

// ---------------------------------------------------------------------------------------------
// Where a flow's internal topics live.

export type OffsetSyncsTopicLocation = 'source' | 'target'

/** A topic name and the alias of the cluster that holds it. */
export interface TopicOnCluster {
  readonly topic: string
  readonly cluster: string
}

export interface FlowInternalTopics extends SourceAndTarget {
  /** Written by the flow's MirrorSourceTask, read by its MirrorCheckpointTask (offset-syncs.topic.location, KIP-716). */
  readonly offsetSyncs: TopicOnCluster & { readonly location: OffsetSyncsTopicLocation }
  /** `<source>.checkpoints.internal` on the target, written by MirrorCheckpointTask. */
  readonly checkpoints: TopicOnCluster
  readonly heartbeats: {
    /** `heartbeats` on the target: the source->target herder's MirrorHeartbeatConnector writes (source, target) beats here. */
    readonly emitted: TopicOnCluster
    /** `heartbeats` on the source: what this flow replicates (the target->source herder writes it). */
    readonly upstream: TopicOnCluster
    /** The source's heartbeats as replicated onto the target, e.g. `A.heartbeats` on B. */
    readonly replicated: TopicOnCluster
  }
}

/**
 * Names and locations of the internal topics of flow source->target. The offset-syncs topic is named after
 * the *other* cluster: `mm2-offset-syncs.<target>.internal` on the source by default, `...<source>...` on the target.
 */
export function flowInternalTopics (
  policy: ReplicationPolicy,
  flow: SourceAndTarget,
  offsetSyncsTopicLocation: OffsetSyncsTopicLocation = 'source'
): FlowInternalTopics {
  const { source, target } = flow
  const offsetSyncs = offsetSyncsTopicLocation === 'source'
    ? { topic: policy.offsetSyncsTopic(target), cluster: source, location: offsetSyncsTopicLocation }
    : { topic: policy.offsetSyncsTopic(source), cluster: target, location: offsetSyncsTopicLocation }
  const heartbeats = policy.heartbeatsTopic()
  return {
    source,
    target,
    offsetSyncs,
    checkpoints: { topic: policy.checkpointsTopic(source), cluster: target },
    heartbeats: {
      emitted: { topic: heartbeats, cluster: target },
      upstream: { topic: heartbeats, cluster: source },
      replicated: { topic: policy.formatRemoteTopic(source, heartbeats), cluster: target }
    }
  }
}

/**
 * MirrorCheckpointTask.renameTopicPartition: the name, on the target, of a topic the group consumes on the source.
 * A topic that came from the target (`topicSource == target`) returns to its original name (`B.orders` -> `orders`);
 * any other topic gets the remote name (`orders` -> `A.orders`).
 */
export function renameTopic (policy: ReplicationPolicy, flow: SourceAndTarget, topic: string): string {
  return policy.topicSource(topic) === flow.target
    ? policy.originalTopic(topic)
    : policy.formatRemoteTopic(flow.source, topic)
}

/** renameTopic for a (topic, partition) pair; the partition never changes. */
export function renameTopicPartition<T extends { readonly topic: string, readonly partition: number }> (
  policy: ReplicationPolicy,
  flow: SourceAndTarget,
  topicPartition: T
): { topic: string, partition: number } {
  return { topic: renameTopic(policy, flow, topicPartition.topic), partition: topicPartition.partition }
}

/**
 * MirrorSourceConnector.isCycle: true when `topic` (on the source) already came from `targetAlias`, directly or
 * through more hops, so replicating it would loop. The identity policy cannot detect cycles (always false).
 */
export function isCycle (policy: ReplicationPolicy, topic: string, targetAlias: string): boolean {
  let current = topic
  for (;;) {
    const source = policy.topicSource(current)
    if (source === null) return false
    if (source === targetAlias) return true
    const upstream = policy.upstreamTopic(current)
    if (upstream === null || upstream === current) return false
    current = upstream
  }
}

// ---------------------------------------------------------------------------------------------
// MirrorClient's name-based helpers, over a list of topic names instead of an Admin client.

/** MirrorClient.countHopsForTopic: hops from `sourceClusterAlias` to here along `topic`'s prefixes, or -1. */
export function countHopsForTopic (policy: ReplicationPolicy, topic: string, sourceClusterAlias: string): number {
  let hops = 0
  let current = topic
  const visited = new Set<string>()
  for (;;) {
    hops++
    const source = policy.topicSource(current)
    if (source === null) return -1
    if (source === sourceClusterAlias) return hops
    // Policies that cannot prevent cycles (identity) would loop forever without this check.
    if (visited.has(source)) return -1
    visited.add(source)
    const upstream = policy.upstreamTopic(current)
    if (upstream === null) return -1
    current = upstream
  }
}

/** MirrorClient.isRemoteTopic: not internal, and the policy knows where it came from. */
export function isRemoteTopic (policy: ReplicationPolicy, topic: string): boolean {
  return !policy.isInternalTopic(topic) && policy.topicSource(topic) !== null
}

/** MirrorClient.heartbeatTopics over a topic list. */
export function heartbeatTopics (policy: ReplicationPolicy, topics: Iterable<string>): Set<string> {
  return new Set([...topics].filter((topic) => policy.isHeartbeatsTopic(topic)))
}

/** MirrorClient.checkpointTopics over a topic list. */
export function checkpointTopics (policy: ReplicationPolicy, topics: Iterable<string>): Set<string> {
  return new Set([...topics].filter((topic) => policy.isCheckpointsTopic(topic)))
}

/** MirrorClient.remoteTopics (all, or only those replicated directly from `source`) over a topic list. */
export function remoteTopics (policy: ReplicationPolicy, topics: Iterable<string>, source?: string): Set<string> {
  return new Set([...topics].filter((topic) => isRemoteTopic(policy, topic) &&
    (source === undefined || policy.topicSource(topic) === source)))
}

/** MirrorClient.replicationHops: the fewest hops from `upstreamClusterAlias` seen in heartbeat topics, or -1. */
export function replicationHops (policy: ReplicationPolicy, topics: Iterable<string>, upstreamClusterAlias: string): number {
  let best = -1
  for (const topic of heartbeatTopics(policy, topics)) {
    const hops = countHopsForTopic(policy, topic, upstreamClusterAlias)
    if (hops !== -1 && (best === -1 || hops < best)) best = hops
  }
  return best
}

/** MirrorClient.upstreamClusters: every alias named along the heartbeat topics' prefixes. */
export function upstreamClusters (policy: ReplicationPolicy, topics: Iterable<string>): Set<string> {
  const sources = new Set<string>()
  for (const topic of heartbeatTopics(policy, topics)) {
    for (const source of allSources(policy, topic)) sources.add(source)
  }
  return sources
}

/** MirrorClient.allSources: the aliases along one topic's prefixes, stopping at a repeat. */
export function allSources (policy: ReplicationPolicy, topic: string): Set<string> {
  const sources = new Set<string>()
  let current: string | null = topic
  let source = policy.topicSource(topic)
  while (source !== null && current !== null && !sources.has(source)) {
    sources.add(source)
    current = policy.upstreamTopic(current)
    source = current === null ? null : policy.topicSource(current)
  }
  return sources
}
