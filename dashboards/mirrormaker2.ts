// MirrorMaker 2's own JMX metrics, as mm2-config/jmx-exporter.yaml names them (dashboards/mm2-jmx-metrics.ts):
// Connect worker health, MirrorSourceConnector throughput, record age and replication latency per
// source, target and remote topic, and MirrorCheckpointConnector latency.
//
// Variables are `source` and `target` rather than `kafka_cluster`/`flow`: they are the labels MM2's beans carry.
// The job and instance variables are `mm2_job` and `mm2_instance`, not the sidecar dashboards' `job` and
// `instance`: the dashboard links carry variables across, and the sidecar's values would select nothing here.
// On Kafka 3.9 with IdentityReplicationPolicy `source` is empty; the variables' "All" value is `.*`,
// which matches the empty label, so those series still show unless one source is picked.
import { matchers, type MonitoringConfig } from '../sidecar/src/metrics/monitoring/config.ts'
import {
  PanelIds, buildDashboard, datasourceVariable, labelVariable, mm2Scope, row, scopeMatchers, scopeVariables, statPanel, tablePanel, timeseriesPanel
} from './panels.ts'

export const MIRRORMAKER2_SLUG = 'mirrormaker2'

const SRC = 'kafka_connect_mirror_source_connector'
const CKPT = 'kafka_connect_mirror_checkpoint_connector'

export function mirrorMaker2Dashboard (config: MonitoringConfig): Record<string, unknown> {
  const scope = mm2Scope(config)
  const s = (...extra: string[]): string => matchers(scopeMatchers(scope), ...extra)
  const ids = new PanelIds()
  const t = config.thresholds
  const flowTopic = s('source=~"$source"', 'target=~"$target"', 'topic=~"$topic"')
  const flowOnly = s('source=~"$source"', 'target=~"$target"')

  return buildDashboard(config, {
    slug: MIRRORMAKER2_SLUG,
    title: 'mm2-failback / MirrorMaker 2',
    description: 'MirrorMaker 2\'s own JMX metrics (mm2-config/jmx-exporter.yaml): Connect tasks, records and bytes replicated, record age, replication latency and checkpoint latency, for Kafka 3.9 and 4.x alike.',
    variables: [
      datasourceVariable(),
      ...scopeVariables(scope),
      labelVariable({
        name: 'source',
        label: 'Source',
        description: 'Source cluster alias of the flow (empty on Kafka 3.9 with IdentityReplicationPolicy).',
        query: `label_values(${SRC}_records_total${s()}, source)`
      }),
      labelVariable({
        name: 'target',
        label: 'Target',
        description: 'Target cluster alias of the flow.',
        query: `label_values(${SRC}_records_total${s()}, target)`
      }),
      labelVariable({
        name: 'topic',
        label: 'Topic',
        description: 'Remote (target-side) topic names, e.g. A.orders.',
        query: `label_values(${SRC}_records_total${s('source=~"$source"', 'target=~"$target"')}, topic)`
      }),
      labelVariable({
        name: 'group',
        label: 'Group',
        description: 'Consumer groups MM2 checkpoints.',
        query: `label_values(${CKPT}_checkpoint_latency_ms${flowOnly}, group)`
      })
    ],
    items: [
      { row: row(ids, 'Connect') },
      {
        panel: statPanel(ids, {
          title: 'Connectors',
          description: 'Connectors of the MM2 process as its Connect worker MBeans report them (Source, Checkpoint and Heartbeat). Dedicated MM2 runs one Connect worker per flow under the same flow-less MBean names, so JMX shows the counts of one flow only (3 with two flows, not 6): use MM2Down and the overview\'s heartbeat age for every flow.',
          unit: 'none',
          queries: [{ expr: `sum(kafka_connect_worker_connector_count${s()})`, legend: 'connectors' }]
        })
      },
      {
        panel: statPanel(ids, {
          title: 'Tasks',
          description: 'Connector tasks of the MM2 process as its Connect worker MBeans report them. As for Connectors, JMX shows one flow\'s worker only (the per-flow workers share MBean names).',
          unit: 'none',
          queries: [{ expr: `sum(kafka_connect_worker_task_count${s()})`, legend: 'tasks' }]
        })
      },
      {
        panel: statPanel(ids, {
          title: 'Failed tasks',
          description: 'Connector tasks in the FAILED state. A failed MirrorSourceTask stops replication of its partitions; a failed MirrorCheckpointTask stops checkpoints and group offset sync.',
          unit: 'none',
          thresholds: { critical: 1 },
          queries: [{ expr: `sum(kafka_connect_worker_connector_failed_task_count${s()})`, legend: 'failed' }]
        })
      },
      {
        panel: statPanel(ids, {
          title: 'Task startup failures',
          description: 'Task starts that failed over the dashboard\'s time range.',
          unit: 'none',
          thresholds: { warning: 1 },
          queries: [{ expr: `sum(increase(kafka_connect_worker_task_startup_failure_total${s()}[$__range]))`, legend: 'failures' }]
        })
      },
      {
        panel: tablePanel(ids, {
          title: 'Tasks by status',
          description: 'Tasks per connector and status (running, paused, failed, unassigned, restarting). MM2 names connectors by class: MirrorSourceConnector, MirrorCheckpointConnector, MirrorHeartbeatConnector.',
          unit: 'none',
          height: 6,
          width: 24,
          queries: [{ expr: `count by (connector, status) (kafka_connect_connector_task_status${s()})` }]
        })
      },
      { row: row(ids, 'Replication (MirrorSourceConnector)') },
      {
        panel: timeseriesPanel(ids, {
          title: 'Record rate',
          description: 'Records replicated per second to the target, per flow and remote topic (from the record-count attribute).',
          unit: 'suffix: records/s',
          min: 0,
          queries: [{
            expr: `sum by (source, target, topic) (rate(${SRC}_records_total${flowTopic}[$__rate_interval]))`,
            legend: '{{source}}->{{target}} {{topic}}'
          }]
        })
      },
      {
        panel: timeseriesPanel(ids, {
          title: 'Byte rate',
          description: 'Bytes of record values replicated per second, per flow and remote topic (from the byte-count attribute).',
          unit: 'Bps',
          min: 0,
          queries: [{
            expr: `sum by (source, target, topic) (rate(${SRC}_bytes_total${flowTopic}[$__rate_interval]))`,
            legend: '{{source}}->{{target}} {{topic}}'
          }]
        })
      },
      {
        panel: timeseriesPanel(ids, {
          title: 'Record age',
          description: 'Age of records when MM2 polled them from the source (now minus record timestamp): maximum and average over MM2\'s metrics window, worst partition per topic. High values mean MM2 is behind, or producers set old timestamps.',
          unit: 'ms',
          min: 0,
          thresholds: { warning: t.replicationDelaySeconds * 1000 },
          queries: [
            { expr: `max by (source, target, topic) (${SRC}_record_age_ms_max${flowTopic})`, legend: 'max {{source}}->{{target}} {{topic}}' },
            { expr: `max by (source, target, topic) (${SRC}_record_age_ms_avg${flowTopic})`, legend: 'avg {{source}}->{{target}} {{topic}}' }
          ]
        })
      },
      {
        panel: timeseriesPanel(ids, {
          title: 'Replication latency',
          description: 'Time from a record\'s timestamp to the target\'s acknowledgement of its copy: maximum and average over MM2\'s metrics window, worst partition per topic.',
          unit: 'ms',
          min: 0,
          thresholds: { warning: t.replicationDelaySeconds * 1000 },
          queries: [
            { expr: `max by (source, target, topic) (${SRC}_replication_latency_ms_max${flowTopic})`, legend: 'max {{source}}->{{target}} {{topic}}' },
            { expr: `max by (source, target, topic) (${SRC}_replication_latency_ms_avg${flowTopic})`, legend: 'avg {{source}}->{{target}} {{topic}}' }
          ]
        })
      },
      {
        panel: timeseriesPanel(ids, {
          title: 'Source task records',
          description: 'Records polled and written per second by each Connect source task (MirrorSourceTask copies records; MirrorCheckpointTask writes checkpoints; MirrorHeartbeatTask writes heartbeats).',
          unit: 'suffix: records/s',
          min: 0,
          queries: [
            { expr: `sum by (connector) (rate(kafka_connect_source_task_source_record_poll_total${s()}[$__rate_interval]))`, legend: 'polled {{connector}}' },
            { expr: `sum by (connector) (rate(kafka_connect_source_task_source_record_write_total${s()}[$__rate_interval]))`, legend: 'written {{connector}}' }
          ]
        })
      },
      { row: row(ids, 'Checkpoints (MirrorCheckpointConnector)') },
      {
        panel: timeseriesPanel(ids, {
          title: 'Checkpoint latency',
          description: 'Time from a checkpoint\'s creation to its acknowledgement on the target, maximum and average per flow. MM2 feeds every group and partition into one sensor, so per-group values are not independent: read this per flow.',
          unit: 'ms',
          min: 0,
          queries: [
            { expr: `max by (source, target) (${CKPT}_checkpoint_latency_ms_max${flowOnly})`, legend: 'max {{source}}->{{target}}' },
            { expr: `max by (source, target) (${CKPT}_checkpoint_latency_ms_avg${flowOnly})`, legend: 'avg {{source}}->{{target}}' }
          ]
        })
      },
      {
        panel: tablePanel(ids, {
          title: 'Checkpointed partitions per group',
          description: 'Partitions MM2 has checkpointed for each group, per flow. A group missing here gets no checkpoints: check the groups filter, refresh.groups.interval.seconds, and that it committed offsets for a replicated topic.',
          unit: 'none',
          queries: [{ expr: `count by (source, target, group) (${CKPT}_checkpoint_latency_ms${s('source=~"$source"', 'target=~"$target"', 'group=~"$group"')})` }]
        })
      }
    ]
  })
}
