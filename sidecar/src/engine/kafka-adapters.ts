// The real adapters of the engine's ports (ports.ts): @platformatic/kafka clients built from the
// cluster sections of mm2.properties.
import type { Mm2Config } from '../core/mm2/model.ts'
import { Mm2FailbackError } from '../errors.ts'
import type { ClusterClientOptions } from '../kafka/client-options.ts'
import { GroupAdmin } from '../kafka/group-admin.ts'
import { HistoryWriter } from '../kafka/history-writer.ts'
import { clusterClientOptions } from '../kafka/mm2-cluster-options.ts'
import { OffsetSyncWriter } from '../kafka/offset-sync-writer.ts'
import { PartitionReader } from '../kafka/partition-reader.ts'
import { ShardMembership } from '../kafka/shard-membership.ts'
import { TopicTailer } from '../kafka/tailer.ts'
import type { AdapterFactory, ClusterAdapters } from './ports.ts'

/** Adapters over the given client options. */
export function kafkaClusterAdapters (client: ClusterClientOptions): ClusterAdapters {
  return {
    client,
    follower: (spec, handlers) => new TopicTailer({
      client,
      topics: spec.topics,
      readCommitted: spec.readCommitted,
      maxWaitMs: spec.maxWaitMs,
      retryDelayMs: spec.retryDelayMs,
      assigned: spec.assigned ?? []
    }, handlers),
    admin: (commitConnections) => new GroupAdmin(client, commitConnections),
    reader: () => new PartitionReader(client),
    reverseSyncWriter: (topic) => new OffsetSyncWriter(client, topic),
    historyWriter: (topic, replicationFactor) => new HistoryWriter(client, topic, replicationFactor),
    membership: (spec, handlers) => new ShardMembership({ client, ...spec }, handlers)
  }
}

/** Adapters for every cluster of mm2.properties; `clientOptions` overrides how a cluster is reached (tests). */
export function kafkaAdapters (mm2: Mm2Config, clientOptions?: (alias: string) => ClusterClientOptions): AdapterFactory {
  return (alias) => {
    if (clientOptions !== undefined) return kafkaClusterAdapters(clientOptions(alias))
    const cluster = mm2.clusters.find((entry) => entry.alias === alias)
    if (cluster === undefined) throw new Mm2FailbackError('MM2_CONFIG_INVALID', `${mm2.source} has no cluster alias ${alias}.`, { cluster: alias })
    return kafkaClusterAdapters(clusterClientOptions(cluster))
  }
}
