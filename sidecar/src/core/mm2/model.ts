// The MirrorMaker 2 model mm2-failback works from: clusters, flows and their settings as MM2 resolves
// them from mm2.properties (config/mm2-properties.ts builds it). Types only; what MM2 does with them is
// in flows.ts, filters.ts and follow-plan.ts.
import type {
  FlowInternalTopics, OffsetSyncsTopicLocation, ReplicationPolicy, ReplicationPolicyKind, SourceAndTarget
} from '../naming/replication-policy.ts'
import type { SettingValue } from './secret.ts'

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
