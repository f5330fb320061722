// Consumer groups: per group and cluster, how far behind it is (records and seconds), whether it moves,
// how fresh and how precise its translation to the other cluster is, and what the sidecar committed.
import { matchers, sidecarMetric, type MonitoringConfig } from '../sidecar/src/metrics/monitoring/config.ts'
import {
  PanelIds, buildDashboard, datasourceVariable, labelVariable, row, scopeMatchers, scopeVariables, sidecarScope, tablePanel, timeseriesPanel
} from './panels.ts'

export const CONSUMER_GROUPS_SLUG = 'consumer-groups'

export function consumerGroupsDashboard (config: MonitoringConfig): Record<string, unknown> {
  const m = (key: Parameters<typeof sidecarMetric>[1]): string => sidecarMetric(config, key)
  const scope = sidecarScope(config)
  const s = (...extra: string[]): string => matchers(scopeMatchers(scope), ...extra)
  const ids = new PanelIds()
  const t = config.thresholds
  const flow = 'flow=~"$flow"'
  const cluster = 'kafka_cluster=~"$kafka_cluster"'
  const group = 'group=~"$group"'
  const topic = 'topic=~"$topic"'
  const lag = s(cluster, group, topic)

  return buildDashboard(config, {
    slug: CONSUMER_GROUPS_SLUG,
    title: 'mm2-failback / Consumer groups',
    description: 'Per consumer group and cluster: lag in records and seconds, progress, translation freshness and re-read window, and the offsets the sidecar committed or skipped.',
    variables: [
      datasourceVariable(),
      ...scopeVariables(scope),
      labelVariable({
        name: 'kafka_cluster',
        label: 'Kafka cluster',
        description: 'Cluster (MM2 alias) the group commits on.',
        query: `label_values(${m('consumerLagRecords')}${s()}, kafka_cluster)`
      }),
      labelVariable({
        name: 'flow',
        label: 'Flow',
        description: 'Replication flow (source->target) a translation follows.',
        query: `label_values(${m('heartbeatAge')}${s()}, flow)`
      }),
      labelVariable({ name: 'group', label: 'Group', description: 'Consumer groups.', query: `label_values(${m('consumerLagRecords')}${s(cluster)}, group)` }),
      labelVariable({
        name: 'topic',
        label: 'Topic',
        description: 'Topics the selected groups consume.',
        query: `label_values(${m('consumerLagRecords')}${s(cluster, group)}, topic)`
      })
    ],
    items: [
      { row: row(ids, 'Lag') },
      {
        panel: timeseriesPanel(ids, {
          title: 'Lag in records',
          description: 'Records between each group\'s committed offset and the high watermark, summed over partitions, per cluster, group and topic.',
          unit: 'short',
          min: 0,
          // max by partition first: two sidecar instances export the same partition, which sum would count twice.
          queries: [{ expr: `sum by (kafka_cluster, group, topic) (max by (kafka_cluster, group, topic, partition) (${m('consumerLagRecords')}${lag}))`, legend: '{{kafka_cluster}} {{group}} {{topic}}' }]
        })
      },
      {
        panel: timeseriesPanel(ids, {
          title: 'Lag in seconds',
          description: 'Age of the oldest record each group has not consumed yet (worst partition), per cluster, group and topic; 0 when caught up.',
          unit: 's',
          min: 0,
          thresholds: { warning: t.consumerLagSeconds },
          queries: [{ expr: `max by (kafka_cluster, group, topic) (${m('consumerLagSeconds')}${lag})`, legend: '{{kafka_cluster}} {{group}} {{topic}}' }]
        })
      },
      {
        panel: timeseriesPanel(ids, {
          title: 'Consumption rate',
          description: 'How fast each group\'s committed offsets advance, summed over partitions (records per second). Flat at 0 while lag grows is a stalled consumer.',
          unit: 'suffix: records/s',
          min: 0,
          // deriv, not rate: the committed offset is a gauge that may move backwards after a reset.
          queries: [{ expr: `sum by (kafka_cluster, group, topic) (max by (kafka_cluster, group, topic, partition) (clamp_min(deriv(${m('consumerCommittedOffset')}${lag}[$__rate_interval]), 0)))`, legend: '{{kafka_cluster}} {{group}} {{topic}}' }]
        })
      },
      {
        panel: tablePanel(ids, {
          title: 'Lag per partition',
          description: 'Current lag in records of every partition of the selected groups, largest first.',
          unit: 'short',
          queries: [{ expr: `sort_desc(max by (kafka_cluster, group, topic, partition) (${m('consumerLagRecords')}${lag}))` }]
        })
      },
      {
        panel: tablePanel(ids, {
          title: 'Group activity',
          description: 'Live members of each group and seconds since its newest commit (by its consumers, MM2 or the sidecar), per cluster. ' + (config.consumerLagGroups === 'active'
            ? `The lag alerts watch a group on a cluster while it has members there or committed there within ${config.consumerGroupActiveWindow}; ` +
              'one with neither is taken for abandoned (alerts/runbook.md, MM2ConsumerLagHigh).'
            : 'The lag alerts of this bundle watch every group, in use or not.'),
          unit: 'none',
          columns: { A: { name: 'Live members' }, B: { name: 'Since last commit', unit: 's' } },
          queries: [
            { expr: `max by (kafka_cluster, group) (${m('consumerGroupMembers')}${s(cluster, group)})` },
            { expr: `min by (kafka_cluster, group) (${m('consumerGroupCommitAge')}${s(cluster, group)})` }
          ]
        })
      },
      { row: row(ids, 'Translation to the other cluster') },
      {
        panel: timeseriesPanel(ids, {
          title: 'Translation freshness',
          description: 'Seconds since each group\'s translated offset on the other cluster was last brought in line with its commit, per flow and direction. This is how stale a failover or failback would be now.',
          unit: 's',
          min: 0,
          queries: [{ expr: `max by (flow, direction, group) (${m('translationAge')}${s(flow, group)})`, legend: '{{flow}} {{direction}} {{group}}' }]
        })
      },
      {
        panel: timeseriesPanel(ids, {
          title: 'Re-read window',
          description: 'Records each group would re-read if moved to the other cluster now, summed over partitions (0 when the translation is exact). It shrinks as MM2 writes denser offset syncs (offset.lag.max).',
          unit: 'short',
          min: 0,
          thresholds: { warning: t.rereadWindowRecords },
          queries: [{ expr: `sum by (flow, direction, group) (max by (flow, direction, group, topic, partition) (${m('translationRereadWindow')}${s(flow, group, topic)}))`, legend: '{{flow}} {{direction}} {{group}}' }]
        })
      },
      {
        panel: timeseriesPanel(ids, {
          title: 'Untranslatable partitions',
          description: 'Partitions of each group with no offset sync at or below the committed offset; they cannot be translated and would need a manual decision.',
          unit: 'short',
          min: 0,
          thresholds: { critical: 1 },
          queries: [{ expr: `max by (flow, direction, group) (${m('untranslatablePartitions')}${s(flow, group)})`, legend: '{{flow}} {{direction}} {{group}}' }]
        })
      },
      { row: row(ids, 'Exact proofs') },
      {
        panel: timeseriesPanel(ids, {
          title: 'Exact proofs',
          description: 'Group positions proven record by record per second (translation.mode exact), by method: ' +
            'at-anchor (a sync or proven pair at the offset), quick (the constant-cost check), walk (record by record).',
          unit: 'ops',
          min: 0,
          queries: [{
            expr: `sum by (flow, direction, method) (rate(${m('exactProofs')}${s(flow)}[$__rate_interval]))`,
            legend: '{{flow}} {{direction}} {{method}}'
          }]
        })
      },
      {
        panel: timeseriesPanel(ids, {
          title: 'Exact proof fallbacks',
          description: 'Positions that could not be proven and used the conservative translation, per second, by reason: not-copied ' +
            '(MM2 has not copied the records yet; retried), mismatch, ambiguous, cap-exceeded, incomplete, empty-window, read-failed, below-mm2.',
          unit: 'ops',
          min: 0,
          queries: [{
            expr: `sum by (flow, direction, reason) (rate(${m('exactFallbacks')}${s(flow)}[$__rate_interval]))`,
            legend: '{{flow}} {{direction}} {{reason}}'
          }]
        })
      },
      {
        panel: timeseriesPanel(ids, {
          title: 'Records read per proof',
          description: 'Records the exact proofs read (whole fetched batches, both logs): the mean over every proof (at-anchor ones read nothing), ' +
            'and the 50th and 99th percentile of the proofs that read the logs. Stays flat whatever the traffic between commits when the quick check holds.',
          unit: 'short',
          min: 0,
          queries: [
            {
              expr: `sum by (flow, direction) (rate(${m('exactProofRecordsRead')}${s(flow)}[$__rate_interval])) / sum by (flow, direction) (rate(${m('exactProofs')}${s(flow)}[$__rate_interval]))`,
              legend: 'mean {{flow}} {{direction}}'
            },
            { expr: `histogram_quantile(0.5, sum by (le, flow, direction) (rate(${m('exactProofReadRecords')}_bucket${s(flow)}[$__rate_interval])))`, legend: 'p50 {{flow}} {{direction}}' },
            { expr: `histogram_quantile(0.99, sum by (le, flow, direction) (rate(${m('exactProofReadRecords')}_bucket${s(flow)}[$__rate_interval])))`, legend: 'p99 {{flow}} {{direction}}' }
          ]
        })
      },
      {
        panel: timeseriesPanel(ids, {
          title: 'Fetch requests per proof',
          description: 'Fetch requests the exact proofs sent divided by the proofs made: a quick proof sends one a side, a walk more, an at-anchor proof none.',
          unit: 'short',
          min: 0,
          queries: [{
            expr: `sum by (flow, direction) (rate(${m('exactProofFetches')}${s(flow)}[$__rate_interval])) / sum by (flow, direction) (rate(${m('exactProofs')}${s(flow)}[$__rate_interval]))`,
            legend: '{{flow}} {{direction}}'
          }]
        })
      },
      { row: row(ids, 'Commits by the sidecar') },
      {
        panel: timeseriesPanel(ids, {
          title: 'Commits applied',
          description: 'Translated partition offsets committed per second on the other cluster, per flow, direction and group.',
          unit: 'ops',
          min: 0,
          queries: [{ expr: `sum by (flow, direction, group) (rate(${m('groupCommitsApplied')}${s(flow, group)}[$__rate_interval]))`, legend: '{{flow}} {{direction}} {{group}}' }]
        })
      },
      {
        panel: timeseriesPanel(ids, {
          title: 'Commits skipped',
          description: 'Translated partition offsets not committed per second, by reason: in-sync, would-rewind, group-active (members on the target), untranslatable, own-write, topic-filtered.',
          unit: 'ops',
          min: 0,
          queries: [{ expr: `sum by (flow, direction, group, reason) (rate(${m('groupCommitsSkipped')}${s(flow, group)}[$__rate_interval]))`, legend: '{{flow}} {{direction}} {{group}} {{reason}}' }]
        })
      },
      {
        panel: timeseriesPanel(ids, {
          title: 'Commit translation latency',
          description: 'Seconds from a group commit on one cluster to its translated commit on the other, 50th and 99th percentile per flow and direction.',
          unit: 's',
          min: 0,
          queries: [
            { expr: `histogram_quantile(0.5, sum by (le, flow, direction) (rate(${m('commitLatency')}_bucket${s(flow)}[$__rate_interval])))`, legend: 'p50 {{flow}} {{direction}}' },
            { expr: `histogram_quantile(0.99, sum by (le, flow, direction) (rate(${m('commitLatency')}_bucket${s(flow)}[$__rate_interval])))`, legend: 'p99 {{flow}} {{direction}}' }
          ]
        })
      }
    ]
  })
}
