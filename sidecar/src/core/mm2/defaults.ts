// MirrorMaker 2's names and defaults, spelled as in apache/kafka connect/mirror (MirrorClientConfig,
// MirrorSourceConfig, DefaultTopicFilter, DefaultGroupFilter).
import type { ReplicationPolicyKind } from '../naming/replication-policy.ts'
import type { ClientRole } from './model.ts'

export const DEFAULT_REPLICATION_POLICY_CLASS = 'org.apache.kafka.connect.mirror.DefaultReplicationPolicy'
export const IDENTITY_REPLICATION_POLICY_CLASS = 'org.apache.kafka.connect.mirror.IdentityReplicationPolicy'

/** replication.policy.class values whose behaviour mm2-failback reproduces. */
export const KNOWN_REPLICATION_POLICY_CLASSES: Readonly<Record<string, ReplicationPolicyKind>> = {
  [DEFAULT_REPLICATION_POLICY_CLASS]: 'default',
  [IDENTITY_REPLICATION_POLICY_CLASS]: 'identity',
  // Strimzi's pre-3.0 identity policy; since Kafka 3.0 it only extends Kafka's.
  'io.strimzi.kafka.connect.mirror.IdentityReplicationPolicy': 'identity'
}

export const DEFAULT_TOPIC_FILTER_CLASS = 'org.apache.kafka.connect.mirror.DefaultTopicFilter'
export const DEFAULT_GROUP_FILTER_CLASS = 'org.apache.kafka.connect.mirror.DefaultGroupFilter'

export const TOPICS_INCLUDE_DEFAULT = '.*'
export const TOPICS_EXCLUDE_DEFAULT = '.*[\\-\\.]internal, .*\\.replica, __.*'
export const GROUPS_INCLUDE_DEFAULT = '.*'
export const GROUPS_EXCLUDE_DEFAULT = 'console-consumer-.*, connect-.*, __.*'

export const SECURITY_PROTOCOLS: readonly string[] = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL']
export const CLIENT_ROLES: readonly ClientRole[] = ['admin', 'consumer', 'producer']

/** MirrorClientConfig.CLIENT_CONFIG_DEF: the keys a cluster inherits from the top level. */
export function isClientConfigKey (key: string): boolean {
  return key === 'bootstrap.servers' || key === 'security.protocol' || key.startsWith('ssl.') || key.startsWith('sasl.')
}
