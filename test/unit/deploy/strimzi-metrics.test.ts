// MirrorMaker 2's metrics in the Strimzi variant (deploy/kubernetes/overlays/strimzi), with the user's Strimzi
// metrics config left as it is. Strimzi's standard kafka-mirror-maker-2-metrics rules name MM2's MBean attributes
// kafka_connect_mirror_mirrorsourceconnector_* and so on, and Strimzi's own MM2 dashboard reads those names;
// mm2-failback's MM2 dashboard reads the names of mm2-config/jmx-exporter.yaml (dashboards/mm2-jmx-metrics.ts).
// The overlay's PodMonitor renames Strimzi's names to the dashboard's in its own scrape, and
// jmx-exporter-rules-to-append.yaml holds what an operator may append to an older Strimzi config. Both are run
// here: the metric relabeling the way Prometheus applies it, the rules the way the JMX exporter does.
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { MM2_JMX_METRICS, MM2_JMX_METRIC_NAMES, type Mm2JmxMetric } from '../../../dashboards/mm2-jmx-metrics.ts'
import { find, jmxScrape, kustomizeBuild, read, relabel, type JmxExporterConfig, type JmxRule, type Relabeling } from './helpers.ts'

const OVERLAY = 'deploy/kubernetes/overlays/strimzi'
const RULES_TO_APPEND = `${OVERLAY}/jmx-exporter-rules-to-append.yaml`

const dedicated = parse(read('mm2-config/jmx-exporter.yaml')) as JmxExporterConfig
const toAppend = parse(read(RULES_TO_APPEND)) as JmxExporterConfig
// Strimzi's config lowercases names and label names, as mm2-config/jmx-exporter.yaml does.
const appendedAlone: JmxExporterConfig = { lowercaseOutputName: true, rules: toAppend.rules }

const metricRelabelings = (): Relabeling[] =>
  find(kustomizeBuild(OVERLAY).resources, 'PodMonitor', 'mirrormaker2').spec.podMetricsEndpoints[0].metricRelabelings

/** The MM2 metric names Strimzi's own example MM2 Grafana dashboard queries. */
const STRIMZI_DASHBOARD_MM2_METRICS = [
  ...['byte_rate', 'record_rate', 'record_age_ms', 'record_age_ms_avg', 'record_age_ms_max', 'record_age_ms_min',
    'replication_latency_ms', 'replication_latency_ms_avg', 'replication_latency_ms_max', 'replication_latency_ms_min']
    .map((suffix) => `kafka_connect_mirror_mirrorsourceconnector_${suffix}`),
  'kafka_connect_mirror_mirrorcheckpointconnector_checkpoint_latency_ms',
  'kafka_connect_worker_connector_count',
  'kafka_connect_worker_task_count'
]

const LABEL_VALUES: Record<string, string> = {
  source: 'A', target: 'B', topic: 'A.orders', partition: '3', group: 'billing', connector: 'A->B.MirrorSourceConnector', task: '0', status: 'running'
}
// What Prometheus adds to every series of a PodMonitor target; metric relabeling must leave it alone.
const TARGET_LABELS = { job: 'mirrormaker2', namespace: 'mm2', pod: 'mm2-to-b-mirrormaker2-0', instance: '10.0.0.7:9404' }

/**
 * The name Strimzi's standard rules give the MBean attribute a metric of mm2-jmx-metrics.ts is read from:
 * `kafka_connect_mirror_mirror<connector type>_<attribute>` for the MirrorSourceConnector and MirrorCheckpointConnector
 * MBeans (every attribute a gauge), `kafka_connect_connector_status` for the task status string, and the same names as
 * mm2-config/jmx-exporter.yaml for the Connect worker and source task attributes. The labels are the same.
 */
function strimziName (metric: Mm2JmxMetric): string {
  const attribute = metric.attribute.replace(/-/g, '_')
  if (metric.name.startsWith('kafka_connect_mirror_source_connector_')) return `kafka_connect_mirror_mirrorsourceconnector_${attribute}`
  if (metric.name.startsWith('kafka_connect_mirror_checkpoint_connector_')) return `kafka_connect_mirror_mirrorcheckpointconnector_${attribute}`
  if (metric.name === 'kafka_connect_connector_task_status') return 'kafka_connect_connector_status'
  return metric.name
}

const labelsOf = (metric: Mm2JmxMetric): Record<string, string> => Object.fromEntries(metric.labels.map((label) => [label, LABEL_VALUES[label]!]))

const kafka4Source = (topic = 'A.orders'): Array<[string, string]> =>
  [['type', 'MirrorSourceConnector'], ['source', 'A'], ['target', 'B'], ['topic', topic], ['partition', '3']]
const SOURCE_METRICS = MM2_JMX_METRICS.filter((metric) => metric.name.startsWith('kafka_connect_mirror_source_connector_'))

describe('the PodMonitor of the Strimzi overlay (metric relabeling in its own scrape)', () => {
  it('renames Strimzi\'s name of every metric mm2-failback\'s MM2 dashboard reads to the dashboard\'s, labels unchanged', () => {
    const steps = metricRelabelings()
    for (const metric of MM2_JMX_METRICS) {
      const series = { __name__: strimziName(metric), ...labelsOf(metric), ...TARGET_LABELS }
      expect(relabel(series, steps), strimziName(metric)).toEqual({ ...series, __name__: metric.name })
    }
    expect(new Set(MM2_JMX_METRICS.map((metric) => relabel({ __name__: strimziName(metric) }, steps)?.__name__))).toEqual(MM2_JMX_METRIC_NAMES)
  })

  it('keeps nothing else: client, JVM and other Connect metrics stay with the scrapes that want them', () => {
    const steps = metricRelabelings()
    const others = [
      'kafka_consumer_fetch_manager_records_lag', 'kafka_producer_outgoing_byte_total', 'kafka_consumer_incoming_byte_total',
      'kafka_producer_buffer_available_bytes', 'jvm_memory_used_bytes', 'jvm_threads_current', 'kafka_connect_worker_rebalance_rebalancing',
      'kafka_connect_coordinator_assigned_tasks', 'kafka_connect_source_task_source_record_active_count',
      'kafka_connect_connector_task_offset_commit_avg_time_ms', 'kafka_connect_mirror_mirrorsourceconnector_some_new_attribute',
      'kafka_connect_mirror_source_connector_records_total_extra', 'kafka_connect_worker_connector_count_x'
    ]
    for (const name of others) expect(relabel({ __name__: name, ...TARGET_LABELS }, steps), name).toBeNull()
    // What Strimzi's dashboard reads is either renamed (for mm2-failback's) or dropped here, never kept under Strimzi's name.
    for (const name of STRIMZI_DASHBOARD_MM2_METRICS) {
      const kept = relabel({ __name__: name }, steps)
      if (kept !== null) expect(MM2_JMX_METRIC_NAMES.has(kept.__name__!), name).toBe(true)
    }
  })

  it('gives the dashboard the same series from a Strimzi MM2 as mm2-config/jmx-exporter.yaml does from a dedicated one (Kafka 4.x)', () => {
    const steps = metricRelabelings()
    for (const metric of SOURCE_METRICS) {
      const direct = jmxScrape(dedicated, 'kafka.connect.mirror', kafka4Source(), metric.attribute, 42)!
      const viaStrimziName = jmxScrape(appendedAlone, 'kafka.connect.mirror', kafka4Source(), metric.attribute, 42)!
      const renamed = relabel({ __name__: viaStrimziName.name, ...viaStrimziName.labels }, steps)
      expect(renamed, metric.attribute).toEqual({ __name__: direct.name, ...direct.labels })
      expect(viaStrimziName.value).toBe(direct.value)
    }
  })
})

describe('jmx-exporter-rules-to-append.yaml (rules an operator appends to Strimzi\'s metrics config)', () => {
  it('holds nothing but rules, so appending them changes no other setting of the config', () => {
    expect(Object.keys(toAppend)).toEqual(['rules'])
    for (const rule of toAppend.rules) {
      expect(Object.keys(rule).sort()).toEqual(['help', 'labels', 'name', 'pattern', 'type'])
      expect(rule.type).toBe('GAUGE')
    }
  })

  it('names what it matches as Strimzi\'s current rules do: every MirrorSourceConnector name Strimzi\'s dashboard reads, and no other family', () => {
    const produced = new Map<string, Record<string, string>>()
    for (const metric of SOURCE_METRICS) {
      const sample = jmxScrape(appendedAlone, 'kafka.connect.mirror', kafka4Source(), metric.attribute, 1)
      expect(sample, metric.attribute).toBeDefined()
      expect(sample!.name).toBe(strimziName(metric))
      produced.set(sample!.name, sample!.labels)
    }
    for (const name of STRIMZI_DASHBOARD_MM2_METRICS.filter((candidate) => candidate.startsWith('kafka_connect_mirror_mirrorsourceconnector_'))) {
      expect(produced.get(name), name).toEqual({ source: 'A', target: 'B', topic: 'A.orders', partition: '3' })
    }
    // Only the Kafka 4.x MirrorSourceConnector MBean: nothing Strimzi's config names in any other way.
    const others: Array<[string, Array<[string, string]>, string, string | number]> = [
      ['kafka.connect.mirror', [['type', 'MirrorSourceConnector'], ['target', 'B'], ['topic', 'A.orders'], ['partition', '3']], 'record-age-ms', 1],
      ['kafka.connect.mirror', [['type', 'MirrorCheckpointConnector'], ['source', 'A'], ['target', 'B'], ['group', 'g'], ['topic', 't'], ['partition', '0']],
        'checkpoint-latency-ms', 1],
      ['kafka.connect', [['type', 'connect-worker-metrics']], 'connector-count', 1],
      ['kafka.connect', [['type', 'connector-task-metrics'], ['connector', 'c'], ['task', '0']], 'status', 'running'],
      ['kafka.consumer', [['type', 'consumer-fetch-manager-metrics'], ['client-id', 'x'], ['topic', 't'], ['partition', '0']], 'records-lag', 1]
    ]
    for (const [domain, properties, attribute, value] of others) {
      expect(jmxScrape(appendedAlone, domain, properties, attribute, value), `${domain} ${attribute}`).toBeUndefined()
    }
  })

  it('only adds: after a rule that already exports an attribute (a current Strimzi config) it never applies', () => {
    // Any earlier rule for the MBean, such as Strimzi's own MirrorSourceConnector rule since 0.49.1.
    const earlier: JmxRule = { pattern: 'kafka.connect.mirror<type=MirrorSourceConnector, (.+)><>([a-z_-]+)', name: 'strimzi_rule_$2', type: 'GAUGE' }
    const config: JmxExporterConfig = { lowercaseOutputName: true, rules: [earlier, ...toAppend.rules] }
    for (const metric of SOURCE_METRICS) {
      const alone = jmxScrape({ lowercaseOutputName: true, rules: [earlier] }, 'kafka.connect.mirror', kafka4Source(), metric.attribute, 5)
      expect(jmxScrape(config, 'kafka.connect.mirror', kafka4Source(), metric.attribute, 5), metric.attribute).toEqual(alone)
    }
  })

  it('fills in what a config without a rule for Kafka 4\'s `source` tag misses (Strimzi\'s example up to 0.49.0)', () => {
    // A rule for the MBean as Kafka 3.x registered it (target first, no source tag): on Kafka 4.x it matches nothing.
    const withoutSourceTag: JmxRule = {
      pattern: 'kafka.connect.mirror<type=MirrorSourceConnector, target=(.+), topic=(.+), partition=(.+)><>([a-z_-]+)',
      name: 'kafka_connect_mirror_mirrorsourceconnector_$4',
      type: 'GAUGE',
      labels: { target: '$1', topic: '$2', partition: '$3' }
    }
    const before: JmxExporterConfig = { lowercaseOutputName: true, rules: [withoutSourceTag] }
    const after: JmxExporterConfig = { lowercaseOutputName: true, rules: [withoutSourceTag, ...toAppend.rules] }
    for (const metric of SOURCE_METRICS) {
      expect(jmxScrape(before, 'kafka.connect.mirror', kafka4Source(), metric.attribute, 5), metric.attribute).toBeUndefined()
      expect(jmxScrape(after, 'kafka.connect.mirror', kafka4Source(), metric.attribute, 5)?.name, metric.attribute).toBe(strimziName(metric))
    }
    // The old MBean keeps its old rule's sample.
    const old: Array<[string, string]> = [['type', 'MirrorSourceConnector'], ['target', 'B'], ['topic', 'A.orders'], ['partition', '3']]
    expect(jmxScrape(after, 'kafka.connect.mirror', old, 'record-age-ms', 5)).toEqual(jmxScrape(before, 'kafka.connect.mirror', old, 'record-age-ms', 5))
  })

  it('keeps record-age-ms apart from record-age-ms-max (the exporter\'s patterns are unanchored)', () => {
    expect(jmxScrape(appendedAlone, 'kafka.connect.mirror', kafka4Source(), 'record-age-ms-max', 1)?.name)
      .toBe('kafka_connect_mirror_mirrorsourceconnector_record_age_ms_max')
    expect(jmxScrape(appendedAlone, 'kafka.connect.mirror', kafka4Source(), 'record-age-ms', 1)?.name)
      .toBe('kafka_connect_mirror_mirrorsourceconnector_record_age_ms')
  })
})
