// The Prometheus names that mm2-config/jmx-exporter.yaml gives MirrorMaker 2's own JMX metrics. This list
// is to the MM2 dashboard what sidecar/src/metrics/names.ts is to the others: the lint accepts an MM2 metric
// only if it is here, and test/unit/dashboards/jmx-exporter.test.ts runs the exporter's rules over sample
// MBeans of Kafka 3.9 (no `source` tag) and 4.x (`source` tag) and checks both land on exactly these names.
//
// MBeans (apache/kafka MirrorSourceMetrics, MirrorCheckpointMetrics; reference/mm2-internals.md section 6):
//   kafka.connect.mirror:type=MirrorSourceConnector,[source=S,]target=T,topic=<remote topic>,partition=P
//   kafka.connect.mirror:type=MirrorCheckpointConnector,source=S,target=T,group=G,topic=<target topic>,partition=P
// Labels are the same on every version: on 3.9 the exporter derives `source` from the remote topic's
// prefix (DefaultReplicationPolicy, separator "."); with IdentityReplicationPolicy it is absent (empty).

export type Mm2MetricType = 'counter' | 'gauge'

export interface Mm2JmxMetric {
  readonly name: string
  readonly type: Mm2MetricType
  readonly help: string
  readonly labels: readonly string[]
  /** The MBean attribute it is read from. */
  readonly attribute: string
}

const SOURCE_LABELS = ['source', 'target', 'topic', 'partition'] as const
const CHECKPOINT_LABELS = ['source', 'target', 'group', 'topic', 'partition'] as const

function source (suffix: string, type: Mm2MetricType, attribute: string, help: string): Mm2JmxMetric {
  return { name: `kafka_connect_mirror_source_connector_${suffix}`, type, help, labels: SOURCE_LABELS, attribute }
}

function checkpoint (suffix: string, attribute: string, help: string): Mm2JmxMetric {
  return { name: `kafka_connect_mirror_checkpoint_connector_${suffix}`, type: 'gauge', help, labels: CHECKPOINT_LABELS, attribute }
}

function worker (name: string, type: Mm2MetricType, attribute: string, labels: readonly string[], help: string): Mm2JmxMetric {
  return { name, type, help, labels, attribute }
}

export const MM2_JMX_METRICS: readonly Mm2JmxMetric[] = [
  source('records_total', 'counter', 'record-count', 'Records replicated to the target cluster, per remote topic-partition.'),
  source('record_rate', 'gauge', 'record-rate', 'Records replicated per second (MM2\'s own windowed rate).'),
  source('bytes_total', 'counter', 'byte-count', 'Bytes of record values replicated, per remote topic-partition.'),
  source('byte_rate', 'gauge', 'byte-rate', 'Bytes replicated per second (MM2\'s own windowed rate).'),
  source('record_age_ms', 'gauge', 'record-age-ms', 'Age of the last record when MM2 polled it from the source cluster, in milliseconds.'),
  source('record_age_ms_max', 'gauge', 'record-age-ms-max', 'Maximum record age at poll over MM2\'s metrics window, in milliseconds.'),
  source('record_age_ms_min', 'gauge', 'record-age-ms-min', 'Minimum record age at poll over MM2\'s metrics window, in milliseconds.'),
  source('record_age_ms_avg', 'gauge', 'record-age-ms-avg', 'Average record age at poll over MM2\'s metrics window, in milliseconds.'),
  source('replication_latency_ms', 'gauge', 'replication-latency-ms', 'Time from the record\'s timestamp to the target\'s acknowledgement of its copy, last record, in milliseconds.'),
  source('replication_latency_ms_max', 'gauge', 'replication-latency-ms-max', 'Maximum replication latency over MM2\'s metrics window, in milliseconds.'),
  source('replication_latency_ms_min', 'gauge', 'replication-latency-ms-min', 'Minimum replication latency over MM2\'s metrics window, in milliseconds.'),
  source('replication_latency_ms_avg', 'gauge', 'replication-latency-ms-avg', 'Average replication latency over MM2\'s metrics window, in milliseconds.'),
  checkpoint(
    'checkpoint_latency_ms',
    'checkpoint-latency-ms',
    'Time from the checkpoint\'s creation to its acknowledgement, last checkpoint, in milliseconds.'
  ),
  checkpoint('checkpoint_latency_ms_max', 'checkpoint-latency-ms-max', 'Maximum checkpoint latency over MM2\'s metrics window, in milliseconds.'),
  checkpoint('checkpoint_latency_ms_min', 'checkpoint-latency-ms-min', 'Minimum checkpoint latency over MM2\'s metrics window, in milliseconds.'),
  checkpoint('checkpoint_latency_ms_avg', 'checkpoint-latency-ms-avg', 'Average checkpoint latency over MM2\'s metrics window, in milliseconds.'),
  worker(
    'kafka_connect_worker_connector_count',
    'gauge',
    'connector-count',
    [],
    'Connectors run by the Connect worker (MM2 runs one worker per flow in dedicated mode).'
  ),
  worker('kafka_connect_worker_task_count', 'gauge', 'task-count', [], 'Tasks run by the Connect worker.'),
  worker('kafka_connect_worker_connector_startup_failure_total', 'counter', 'connector-startup-failure-total', [], 'Connector starts that failed.'),
  worker('kafka_connect_worker_task_startup_failure_total', 'counter', 'task-startup-failure-total', [], 'Task starts that failed.'),
  worker('kafka_connect_worker_connector_running_task_count', 'gauge', 'connector-running-task-count', ['connector'], 'Running tasks of a connector.'),
  worker('kafka_connect_worker_connector_failed_task_count', 'gauge', 'connector-failed-task-count', ['connector'], 'Failed tasks of a connector.'),
  worker('kafka_connect_connector_task_status', 'gauge', 'status', ['connector', 'task', 'status'], 'Always 1; the status label says whether the task is running, paused, failed, unassigned, restarting or destroyed.'),
  worker(
    'kafka_connect_source_task_source_record_poll_total',
    'counter',
    'source-record-poll-total',
    ['connector', 'task'],
    'Records polled by a source task (MirrorSourceTask, MirrorCheckpointTask, MirrorHeartbeatTask).'
  ),
  worker(
    'kafka_connect_source_task_source_record_write_total',
    'counter',
    'source-record-write-total',
    ['connector', 'task'],
    'Records written to the target by a source task.'
  )
]

/** The names alone, for the lint. */
export const MM2_JMX_METRIC_NAMES: ReadonlySet<string> = new Set(MM2_JMX_METRICS.map((metric) => metric.name))
