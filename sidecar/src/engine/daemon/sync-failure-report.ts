// How group sync reports what went wrong on the other side: counted in sync_failures_total by cluster,
// operation and code, and logged once per cluster, group (and partition) and cause, with the
// permission to grant where the broker refused for want of one.
import { isMm2FailbackError } from '../../errors.ts'
import { authorizationResource, kafkaErrorName, missingPermissionHint } from '../../kafka/client-errors.ts'
import type { ClusterClientOptions } from '../../kafka/client-options.ts'
import type { SyncFailureOperation } from '../../metrics/initial-series.ts'
import type { SidecarMetrics } from '../../metrics/registry.ts'
import type { Logger } from '../logger.ts'

interface Reporting {
  metrics: Pick<SidecarMetrics, 'syncFailures'>
  logger: Logger
}

/** A request to the cluster failed as a whole (unreachable, denied, a timeout). */
export function reportSyncFailure ({ metrics, logger }: Reporting, cluster: string, group: string, operation: SyncFailureOperation, error: unknown): void {
  const code = isMm2FailbackError(error) ? error.code : 'MM2_CLUSTER_UNREACHABLE'
  metrics.syncFailures.inc({ kafka_cluster: cluster, operation, code })
  const message = error instanceof Error ? error.message : String(error)
  const text = `group sync of ${group} to cluster ${cluster} failed (${operation}): ${message}`
  logger.once(`group-sync-failure:${cluster}:${group}:${operation}:${message}`, 'warn', text, { cluster, group })
}

/** The cluster answered the commit, and refused one partition's offset with `errorCode`. */
export function reportRefusedCommit (
  { metrics, logger }: Reporting,
  client: ClusterClientOptions,
  group: string,
  topic: string,
  partition: number,
  errorCode: number
): void {
  const cluster = client.alias
  const name = kafkaErrorName(errorCode)
  metrics.syncFailures.inc({ kafka_cluster: cluster, operation: 'commit', code: name })
  const resource = authorizationResource(errorCode)
  const needs = [
    { operation: 'Read' as const, resource: 'Group' as const, name: group },
    { operation: 'Read' as const, resource: 'Topic' as const, name: topic }
  ]
  const hint = resource === null ? '' : `; ${missingPermissionHint(client, resource, needs)}`
  const text = `cluster ${cluster} refused the offset of group ${group} for ${topic}-${partition}: ${name}${hint}`
  logger.once(`commit-error:${cluster}:${group}:${topic}:${partition}:${name}`, 'warn', text, { cluster, group, topic, partition })
}
