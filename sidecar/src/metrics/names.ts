// The single source of metric names, types, help texts and labels. The registry creates exactly these
// metrics, and dashboards/ and alerts/ import this module only, so a dashboard or alert cannot name a
// metric the sidecar does not export. Renaming one is a breaking change (CHANGELOG "Changed").
//
// Names follow <namespace>_<thing>_<unit>; the namespace is configurable (default `mm2_failback`).
// Label vocabulary: `kafka_cluster` (an MM2 cluster alias; not `cluster`, which multi-cluster Prometheus
// setups such as Thanos, Mimir and kubernetes-mixin attach as an external label for the Kubernetes cluster,
// where a series' own label would win and hide theirs), `flow` ("A->B"), `source`/`target` (aliases of a flow),
// `topic`, `partition`, `group`, `reason`, `record_type`, `direction` ("forward" or "reverse").

export const DEFAULT_NAMESPACE = 'mm2_failback'

export type MetricType = 'counter' | 'gauge' | 'histogram'

export interface MetricDefinition {
  /** Name without the namespace prefix. */
  readonly name: string
  readonly type: MetricType
  readonly help: string
  readonly labels: readonly string[]
  /** Histogram buckets, in the metric's unit. */
  readonly buckets?: readonly number[]
  /** A gauge with a series per group and partition (tens of thousands): kept and rendered by SeriesGauge. */
  readonly manySeries?: true
}

function metric<const T extends MetricType, const L extends readonly string[]> (
  name: string,
  type: T,
  help: string,
  labels: L,
  buckets?: readonly number[]
): MetricDefinition & { type: T, labels: L } {
  return buckets === undefined ? { name, type, help, labels } : { name, type, help, labels, buckets }
}

/** A gauge whose series are counted by the ten thousand (a series per group and partition). */
function manySeries<const L extends readonly string[]> (
  name: string, help: string, labels: L
): MetricDefinition & { type: 'gauge', labels: L, manySeries: true } {
  return { ...metric(name, 'gauge', help, labels), manySeries: true }
}

export const METRICS = {
  up: metric('up', 'gauge',
    'Whether the sidecar can reach the cluster: 1 after a successful request, 0 after a failed one.',
    ['kafka_cluster']),
  ready: metric('ready', 'gauge',
    'Whether the sidecar has read every followed topic to its end once: 1 when ready, 0 before. No output is written while 0.',
    []),
  buildInfo: metric('build_info', 'gauge',
    'Always 1; the labels carry the sidecar version and the Node.js version.',
    ['version', 'node_version']),

  recordsDecoded: metric('records_decoded_total', 'counter',
    'Records decoded from followed topics, by cluster and record type; increases with every record read.',
    ['kafka_cluster', 'record_type']),
  recordsSkipped: metric('records_skipped_total', 'counter',
    'Records skipped because they could not be decoded or used, by cluster, topic, record type and reason; increases with every skipped record. 0 from startup for every followed topic and every decode reason.',
    ['kafka_cluster', 'topic', 'record_type', 'reason']),

  heartbeatAge: metric('heartbeat_age_seconds', 'gauge',
    'Seconds since the newest MM2 heartbeat of the flow was emitted, as seen on the target cluster: the replication delay of the flow. Grows when MM2 or the flow stops.',
    ['flow', 'source', 'target']),
  offsetSyncAge: metric('offset_sync_age_seconds', 'gauge',
    'Seconds since the last MM2 offset sync of the flow was read; grows while MM2 writes no syncs.',
    ['flow', 'source', 'target']),
  offsetSyncLag: metric('offset_sync_lag_records', 'gauge',
    'Records on the target topic-partition after the newest offset sync (target high watermark minus the sync\'s downstream offset): how far translation precision lags the head.',
    ['flow', 'topic', 'partition']),
  checkpointAge: metric('checkpoint_age_seconds', 'gauge',
    'Seconds since the newest MM2 checkpoint of the flow was read.',
    ['flow', 'source', 'target']),

  indexEntries: metric('translation_index_entries', 'gauge',
    'Offset syncs held in the translation index, per flow; changes as syncs arrive and old ones are thinned or pruned.',
    ['flow']),
  indexPartitions: metric('translation_index_partitions', 'gauge',
    'Topic-partitions with at least one offset sync in the translation index, per flow.',
    ['flow']),

  reverseSyncsWritten: metric('reverse_syncs_written_total', 'counter',
    'Reverse offset syncs written into the offset-syncs topic of the opposite flow; increases with every sync written. 0 from startup for every flow whose reverse syncs are written.',
    ['flow']),
  reverseSyncWriter: metric('reverse_sync_writer', 'gauge',
    'Whether this instance writes the reverse offset syncs that go to a cluster: 1 when it was elected (it owns partition 0 of __consumer_offsets in the deployment\'s group there), 0 when another instance does. Summed over the instances of a deployment, exactly 1 per cluster.',
    ['kafka_cluster']),
  ownedPartitions: metric('owned_partitions', 'gauge',
    'Partitions of a cluster\'s __consumer_offsets this instance owns in the deployment\'s group: it mirrors the commits of the groups stored there. Summed over the instances of a deployment, commit_partitions.',
    ['kafka_cluster']),
  ownedGroups: metric('owned_groups', 'gauge',
    'Groups with committed offsets on a cluster that this instance mirrors (their partition of __consumer_offsets is in its share); refreshed every second.',
    ['kafka_cluster']),
  commitPartitions: metric('commit_partitions', 'gauge',
    'Partitions of a cluster\'s __consumer_offsets: the shares the instances of a deployment divide between them.',
    ['kafka_cluster']),
  reverseSyncsSkipped: metric('reverse_syncs_skipped_total', 'counter',
    'Reverse offset syncs not written, by reason (not-newer: at or below one already in the topic, which MM2 would read as a rewind); increases with every skip. 0 from startup for every flow whose reverse syncs are written.',
    ['flow', 'reason']),

  groupCommitsApplied: metric('group_commits_applied_total', 'counter',
    'Translated group offsets committed on the target cluster, per flow direction and group; increases with every committed partition.',
    ['flow', 'direction', 'group']),
  groupCommitsSkipped: metric('group_commits_skipped_total', 'counter',
    'Translated group offsets not committed, by reason (in-sync, would-rewind, group-active, untranslatable, own-write, topic-filtered); increases with every skipped partition.',
    ['flow', 'direction', 'group', 'reason']),

  syncFailures: metric('sync_failures_total', 'counter',
    'Failed writes (reverse syncs, group commits, history) and lag reads, by cluster, operation and error code; increases with every failure. 0 from startup, without a code, for every operation the sidecar performs on a cluster.',
    ['kafka_cluster', 'operation', 'code']),

  translationRereadWindow: manySeries('translation_reread_window_records',
    'Upper bound of records a group would re-read if it moved to the other cluster now (0 when the translation is exact; for an untranslatable partition, every offset below the group\'s position, as a consumer starting from the earliest record would re-read them), per group and partition.',
    ['flow', 'direction', 'group', 'topic', 'partition']),
  untranslatablePartitions: metric('untranslatable_partitions', 'gauge',
    'Partitions of a group whose committed offset has no offset sync at or below it, so they cannot be translated to the other cluster.',
    ['flow', 'direction', 'group']),
  translationAge: metric('translation_age_seconds', 'gauge',
    'Seconds since the group\'s translated offset on the other cluster was last brought in line with its commit: the freshness of failover/failback readiness.',
    ['flow', 'direction', 'group']),

  exactProofs: metric('exact_proofs_total', 'counter',
    'Group positions proven record by record (translation.mode exact), per flow, direction and method: at-anchor (a sync or proven pair sits at the offset), quick (the constant-cost check), walk (the record-by-record walk). 0 from startup for every flow, direction and method when exact mode is on.',
    ['flow', 'direction', 'method']),
  exactFallbacks: metric('exact_fallbacks_total', 'counter',
    'Group positions that could not be proven and fell back to the conservative translation, per flow, direction and reason (not-copied, mismatch, ambiguous, cap-exceeded, incomplete, empty-window, read-failed, below-mm2); increases with every fallback. 0 from startup for every flow, direction and reason when exact mode is on.',
    ['flow', 'direction', 'reason']),
  exactProofRecordsRead: metric('exact_proof_records_read_total', 'counter',
    'Records the exact proofs read (whole fetched batches), per flow and direction; divided by exact_proofs_total it is the cost of a proof.',
    ['flow', 'direction']),
  exactProofFetches: metric('exact_proof_fetches_total', 'counter',
    'Fetch requests the exact proofs sent (a quick proof sends one a side), per flow and direction; divided by exact_proofs_total it is the requests per proof. 0 from startup for every flow and direction when exact mode is on.',
    ['flow', 'direction']),
  exactProofReadRecords: metric('exact_proof_read_records', 'histogram',
    'Records each exact proof that looked at the logs (quick or walk, proven or fallen back) fetched itself (whole batches, both logs together), per flow and direction; a proof answered by records another proof had just fetched counts 0; at-anchor proofs look at no log and are not observed.',
    ['flow', 'direction'], [0, 1, 2, 4, 6, 8, 12, 16, 24, 32, 64, 128, 256, 512, 1024, 4096, 10000]),

  consumerLagRecords: manySeries('consumer_lag_records',
    'Records between the group\'s committed offset and the partition\'s high watermark, per cluster, group, topic and partition.',
    ['kafka_cluster', 'group', 'topic', 'partition']),
  consumerLagSeconds: manySeries('consumer_lag_seconds',
    'Age in seconds of the oldest record the group has not consumed yet (0 when caught up), per cluster, group, topic and partition.',
    ['kafka_cluster', 'group', 'topic', 'partition']),
  consumerCommittedOffset: manySeries('consumer_committed_offset',
    'The group\'s committed offset, per cluster, group, topic and partition (for stall detection: lag grows while this does not move).',
    ['kafka_cluster', 'group', 'topic', 'partition']),
  consumerGroupMembers: metric('consumer_group_members', 'gauge',
    'Live members of the group on the cluster (classic or consumer protocol) at the last lag measurement, per cluster and group; 0 when it has none. With consumer_group_commit_age_seconds it tells an abandoned group from one in use.',
    ['kafka_cluster', 'group']),
  consumerGroupCommitAge: metric('consumer_group_commit_age_seconds', 'gauge',
    'Seconds since the group\'s newest offset commit on the cluster (by its consumers, MM2 or the sidecar\'s group sync), from the broker\'s commit timestamps, per cluster and group; refreshed at every lag measurement.',
    ['kafka_cluster', 'group']),

  commitLatency: metric('commit_translation_latency_seconds', 'histogram',
    'Seconds from a group commit on one cluster to its translated commit on the other.',
    ['flow', 'direction'], [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30])
} as const

export type MetricKey = keyof typeof METRICS

/** The full exported name of a metric under a namespace, e.g. `mm2_failback_up`. */
export function metricName (key: MetricKey, namespace: string = DEFAULT_NAMESPACE): string {
  return `${namespace}_${METRICS[key].name}`
}
