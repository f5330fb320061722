// mm2-config/jmx-exporter.yaml, run the way the JMX exporter runs it: each MBean attribute becomes
// `domain<key=value, ...><>attribute: value`, rules are tried in order against `^.*(?:pattern).*$`, the first
// match names the sample ($n groups, then invalid characters to `_`, lowercased). The MBeans below are those
// of Kafka 3.9 (no `source` tag) and 4.x (`source` tag); both must land on the same names and labels, all
// of which are in dashboards/mm2-jmx-metrics.ts.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { MM2_JMX_METRICS, MM2_JMX_METRIC_NAMES } from '../../../dashboards/mm2-jmx-metrics.ts'
import { jmxScrape, type JmxExporterConfig, type JmxSample } from '../deploy/helpers.ts'

interface Config extends JmxExporterConfig { lowercaseOutputName: boolean, lowercaseOutputLabelNames: boolean }

const config = parse(readFileSync(new URL('../../../mm2-config/jmx-exporter.yaml', import.meta.url), 'utf8')) as Config

const scrape = (domain: string, properties: Array<[string, string]>, attribute: string, value: string | number): JmxSample | undefined =>
  jmxScrape(config, domain, properties, attribute, value)

const SOURCE_ATTRIBUTES = MM2_JMX_METRICS
  .filter((metric) => metric.name.startsWith('kafka_connect_mirror_source_connector_'))
  .map((metric) => metric.attribute)
const CHECKPOINT_ATTRIBUTES = MM2_JMX_METRICS
  .filter((metric) => metric.name.startsWith('kafka_connect_mirror_checkpoint_connector_'))
  .map((metric) => metric.attribute)

const kafka39 = (topic: string): Array<[string, string]> =>
  [['type', 'MirrorSourceConnector'], ['target', 'B'], ['topic', topic], ['partition', '3']]
const kafka4 = (topic: string): Array<[string, string]> =>
  [['type', 'MirrorSourceConnector'], ['source', 'A'], ['target', 'B'], ['topic', topic], ['partition', '3']]
const checkpointConnector = (group: string, topic: string): Array<[string, string]> =>
  [['type', 'MirrorCheckpointConnector'], ['source', 'A'], ['target', 'B'], ['group', group], ['topic', topic], ['partition', '0']]

describe('jmx-exporter.yaml', () => {
  it('maps every MirrorSourceConnector attribute of Kafka 3.9 and 4.x to the same name and labels', () => {
    for (const attribute of SOURCE_ATTRIBUTES) {
      const old = scrape('kafka.connect.mirror', kafka39('A.orders.v2'), attribute, 7)
      const current = scrape('kafka.connect.mirror', kafka4('A.orders.v2'), attribute, 7)
      expect(old, attribute).toBeDefined()
      expect(old, attribute).toEqual(current)
      expect(current?.labels).toEqual({ source: 'A', target: 'B', topic: 'A.orders.v2', partition: '3' })
    }
  })

  it('names each attribute as mm2-jmx-metrics.ts lists it, with its type', () => {
    for (const metric of MM2_JMX_METRICS.filter((entry) => entry.name.startsWith('kafka_connect_mirror_source_connector_'))) {
      const sample = scrape('kafka.connect.mirror', kafka4('A.orders'), metric.attribute, 1)
      expect(sample?.name, metric.attribute).toBe(metric.name)
      expect(sample?.type).toBe(metric.type.toUpperCase())
      expect(Object.keys(sample?.labels ?? {}).sort()).toEqual([...metric.labels].sort())
    }
  })

  it('does not confuse record-age-ms with record-age-ms-max (unanchored patterns)', () => {
    expect(scrape('kafka.connect.mirror', kafka39('A.orders'), 'record-age-ms-max', 1)?.name).toBe('kafka_connect_mirror_source_connector_record_age_ms_max')
    expect(scrape('kafka.connect.mirror', kafka39('A.orders'), 'record-age-ms', 1)?.name).toBe('kafka_connect_mirror_source_connector_record_age_ms')
  })

  it('leaves source empty on 3.9 when the remote topic has no prefix (IdentityReplicationPolicy)', () => {
    expect(scrape('kafka.connect.mirror', kafka39('orders'), 'record-count', 5)).toEqual({
      name: 'kafka_connect_mirror_source_connector_records_total', type: 'COUNTER', labels: { target: 'B', topic: 'orders', partition: '3' }, value: 5
    })
  })

  it('maps MirrorCheckpointConnector attributes with source, target, group, topic and partition', () => {
    for (const attribute of CHECKPOINT_ATTRIBUTES) {
      const sample = scrape('kafka.connect.mirror', checkpointConnector('orders-app', 'A.orders'), attribute, 12)
      expect(MM2_JMX_METRIC_NAMES.has(sample?.name ?? ''), attribute).toBe(true)
      expect(sample?.labels).toEqual({ source: 'A', target: 'B', group: 'orders-app', topic: 'A.orders', partition: '0' })
    }
  })

  it('maps the Connect worker basics, including the task status string', () => {
    const worker = (properties: Array<[string, string]>, attribute: string, value: string | number = 2): JmxSample | undefined =>
      scrape('kafka.connect', properties, attribute, value)
    expect(worker([['type', 'connect-worker-metrics']], 'connector-count')?.name).toBe('kafka_connect_worker_connector_count')
    expect(worker([['type', 'connect-worker-metrics']], 'task-startup-failure-total'))
      .toMatchObject({ name: 'kafka_connect_worker_task_startup_failure_total', type: 'COUNTER' })
    expect(worker([['type', 'connect-worker-metrics'], ['connector', 'MirrorSourceConnector']], 'connector-failed-task-count'))
      .toMatchObject({ name: 'kafka_connect_worker_connector_failed_task_count', labels: { connector: 'MirrorSourceConnector' } })
    expect(worker([['type', 'connector-task-metrics'], ['connector', 'MirrorSourceConnector'], ['task', '0']], 'status', 'running')).toEqual({
      name: 'kafka_connect_connector_task_status', type: 'GAUGE', labels: { connector: 'MirrorSourceConnector', task: '0', status: 'running' }, value: 1
    })
    expect(worker([['type', 'source-task-metrics'], ['connector', 'MirrorCheckpointConnector'], ['task', '1']], 'source-record-write-total')?.name)
      .toBe('kafka_connect_source_task_source_record_write_total')
  })

  it('produces every name of the list and no other', () => {
    const produced = new Set<string>()
    const add = (sample: JmxSample | undefined): void => { if (sample !== undefined) produced.add(sample.name) }
    for (const attribute of SOURCE_ATTRIBUTES) add(scrape('kafka.connect.mirror', kafka4('A.x'), attribute, 1))
    for (const attribute of CHECKPOINT_ATTRIBUTES) add(scrape('kafka.connect.mirror', checkpointConnector('g', 'A.x'), attribute, 1))
    const workerPrefixes = ['kafka_connect_worker_', 'kafka_connect_source_task_', 'kafka_connect_connector_']
    for (const metric of MM2_JMX_METRICS.filter((entry) => workerPrefixes.some((prefix) => entry.name.startsWith(prefix)))) {
      const properties: Array<[string, string]> = metric.labels.includes('task')
        ? [['type', metric.name.startsWith('kafka_connect_source_task_') ? 'source-task-metrics' : 'connector-task-metrics'], ['connector', 'c'], ['task', '0']]
        : metric.labels.includes('connector') ? [['type', 'connect-worker-metrics'], ['connector', 'c']] : [['type', 'connect-worker-metrics']]
      add(scrape('kafka.connect', properties, metric.attribute, metric.attribute === 'status' ? 'running' : 1))
    }
    expect([...produced].sort()).toEqual([...MM2_JMX_METRIC_NAMES].sort())
  })

  it('ignores MBeans it does not know', () => {
    expect(scrape('kafka.connect.mirror', [['type', 'MirrorHeartbeatConnector']], 'whatever', 1)).toBeUndefined()
    expect(scrape('kafka.producer', [['type', 'producer-metrics'], ['client-id', 'x']], 'record-send-rate', 1)).toBeUndefined()
  })
})
