// Overview: is the sidecar up and ready, is MM2 replicating (heartbeat age, offset syncs), is the sidecar
// writing (reverse syncs, failures), and which groups could not fail over or back cleanly right now.
import { matchers, sidecarMetric, type MonitoringConfig } from '../sidecar/src/metrics/monitoring/config.ts'
import {
  PanelIds, buildDashboard, datasourceVariable, labelVariable, row, scopeMatchers, scopeVariables, sidecarScope, statPanel, tablePanel, timeseriesPanel
} from './panels.ts'

export const OVERVIEW_SLUG = 'overview'

export function overviewDashboard (config: MonitoringConfig): Record<string, unknown> {
  const m = (key: Parameters<typeof sidecarMetric>[1]): string => sidecarMetric(config, key)
  const scope = sidecarScope(config)
  const s = (...extra: string[]): string => matchers(scopeMatchers(scope), ...extra)
  const ids = new PanelIds()
  const t = config.thresholds
  const flow = 'flow=~"$flow"'
  const cluster = 'kafka_cluster=~"$kafka_cluster"'
  const group = 'group=~"$group"'
  const topic = 'topic=~"$topic"'

  return buildDashboard(config, {
    slug: OVERVIEW_SLUG,
    title: 'mm2-failback / Overview',
    description: 'Health of the mm2-failback sidecar beside MirrorMaker 2: readiness, replication delay, offset syncs, reverse syncs written, failures, and the groups that could not fail over or back cleanly now.',
    variables: [
      datasourceVariable(),
      ...scopeVariables(scope),
      labelVariable({
        name: 'kafka_cluster',
        label: 'Kafka cluster',
        description: 'MM2 cluster aliases the sidecar connects to.',
        query: `label_values(${m('up')}${s()}, kafka_cluster)`
      }),
      labelVariable({
        name: 'flow',
        label: 'Flow',
        description: 'Replication flows (source->target) the sidecar follows.',
        query: `label_values(${m('heartbeatAge')}${s()}, flow)`
      }),
      labelVariable({
        name: 'group',
        label: 'Group',
        description: 'Consumer groups the sidecar translates.',
        query: `label_values(${m('consumerLagRecords')}${s(cluster)}, group)`
      }),
      labelVariable({
        name: 'topic',
        label: 'Topic',
        description: 'Target-side topics with offset syncs in the selected flows.',
        query: `label_values(${m('offsetSyncLag')}${s(flow)}, topic)`
      })
    ],
    items: [
      { row: row(ids, 'Health') },
      {
        panel: statPanel(ids, {
          title: 'Sidecar scrape',
          description: 'Whether Prometheus can scrape each sidecar instance (`up` of the scrape job). Down means no metric on these dashboards is current.',
          unit: 'none',
          queries: [{ expr: `up${s()}`, legend: '{{instance}}' }],
          mappings: { 0: { text: 'down', color: 'red' }, 1: { text: 'up', color: 'green' } }
        })
      },
      {
        panel: statPanel(ids, {
          title: 'Ready',
          description: 'Whether the sidecar has read every followed topic to its end once. It writes nothing (no reverse syncs, no commits) and exports no translation metrics until then.',
          unit: 'none',
          queries: [{ expr: `${m('ready')}${s()}`, legend: '{{instance}}' }],
          mappings: { 0: { text: 'not ready', color: 'orange' }, 1: { text: 'ready', color: 'green' } }
        })
      },
      {
        panel: statPanel(ids, {
          title: 'Clusters reachable',
          description: 'Whether the sidecar reached each cluster on its last request (0 after a failed one). An unreachable cluster stops everything that reads or writes there; the other side keeps working.',
          unit: 'none',
          queries: [{ expr: `min by (kafka_cluster) (${m('up')}${s(cluster)})`, legend: '{{kafka_cluster}}' }],
          mappings: { 0: { text: 'unreachable', color: 'red' }, 1: { text: 'reachable', color: 'green' } }
        })
      },
      {
        panel: statPanel(ids, {
          title: 'Untranslatable partitions',
          description: 'Partitions of the selected groups whose committed offset has no offset sync at or below it: they cannot be translated to the other cluster, so a failover or failback now would need a manual decision for them.',
          unit: 'none',
          thresholds: { critical: 1 },
          // max by the full label set first: two sidecar instances export the same series.
          queries: [{ expr: `sum(max by (flow, direction, group) (${m('untranslatablePartitions')}${s(flow, group)}))`, legend: 'partitions' }]
        })
      },
      { row: row(ids, 'Replication (MM2 as seen by the sidecar)') },
      {
        panel: timeseriesPanel(ids, {
          title: 'Replication delay (heartbeat age)',
          description: 'Seconds since the newest MM2 heartbeat of each flow was emitted, as seen on the target: the replication delay of the flow. It grows by one second per second when MM2 or the flow stops. The freshest view among sidecar instances is shown.',
          unit: 's',
          min: 0,
          thresholds: { warning: t.replicationDelaySeconds, critical: t.mm2DownSeconds },
          queries: [{ expr: `min by (flow) (${m('heartbeatAge')}${s(flow)})`, legend: '{{flow}}' }]
        })
      },
      {
        panel: timeseriesPanel(ids, {
          title: 'Offset sync age',
          description: 'Seconds since the last MM2 offset sync of each flow was read. Quiet topics get no syncs, so age alone is harmless; it matters together with the sync lag on the right.',
          unit: 's',
          min: 0,
          thresholds: { warning: t.offsetSyncAgeSeconds },
          queries: [{ expr: `min by (flow) (${m('offsetSyncAge')}${s(flow)})`, legend: '{{flow}}' }]
        })
      },
      {
        panel: timeseriesPanel(ids, {
          title: 'Offset sync lag',
          description: 'Records on each target topic after its newest offset sync (largest partition): how far translation precision lags the head. A group positioned in this tail is translated to the newest sync, re-reading up to this many records.',
          unit: 'short',
          min: 0,
          thresholds: { warning: t.offsetSyncLagRecords },
          queries: [{ expr: `max by (flow, topic) (${m('offsetSyncLag')}${s(flow, topic)})`, legend: '{{flow}} {{topic}}' }]
        })
      },
      {
        panel: timeseriesPanel(ids, {
          title: 'Checkpoint age',
          description: 'Seconds since the newest MM2 checkpoint of each flow was read. MM2 emits checkpoints every emit.checkpoints.interval.seconds (default 60) only when a group moved.',
          unit: 's',
          min: 0,
          queries: [{ expr: `min by (flow) (${m('checkpointAge')}${s(flow)})`, legend: '{{flow}}' }]
        })
      },
      { row: row(ids, 'Sidecar output') },
      {
        panel: timeseriesPanel(ids, {
          title: 'Reverse syncs written',
          description: 'Reverse offset syncs written per second into the offset-syncs topic of the opposite flow, per flow. They let the unmodified MM2 checkpoint connector translate failback positions.',
          unit: 'ops',
          min: 0,
          queries: [{ expr: `sum by (flow) (rate(${m('reverseSyncsWritten')}${s(flow)}[$__rate_interval]))`, legend: '{{flow}}' }]
        })
      },
      {
        panel: timeseriesPanel(ids, {
          title: 'Reverse syncs skipped',
          description: 'Reverse offset syncs not written per second, by flow and reason: not-newer (at or below one already in the topic, e.g. the backlog a restarted sidecar had already written; MM2 would read it as a rewind). 0 for every flow whose reverse syncs are written until the first skip.',
          unit: 'ops',
          min: 0,
          queries: [{ expr: `sum by (flow, reason) (rate(${m('reverseSyncsSkipped')}${s(flow)}[$__rate_interval]))`, legend: '{{flow}} {{reason}}' }]
        })
      },
      {
        panel: timeseriesPanel(ids, {
          title: 'Write failures',
          description: 'Failed writes per second (reverse syncs, group commits, history) and failed lag reads, by cluster, operation and error code; 0 (without a code) for every operation the sidecar performs. Any sustained value means failback translation is falling behind.',
          unit: 'ops',
          min: 0,
          queries: [{
            expr: `sum by (kafka_cluster, operation, code) (rate(${m('syncFailures')}${s(cluster)}[$__rate_interval]))`,
            legend: '{{kafka_cluster}} {{operation}} {{code}}'
          }]
        })
      },
      {
        panel: timeseriesPanel(ids, {
          title: 'Records skipped',
          description: 'Records of followed topics skipped per second because they could not be decoded or are not for us, by cluster, record type and reason. Each bad record is also logged once with its topic, partition and offset.',
          unit: 'ops',
          min: 0,
          queries: [{
            expr: `sum by (kafka_cluster, record_type, reason) (rate(${m('recordsSkipped')}${s(cluster)}[$__rate_interval]))`,
            legend: '{{kafka_cluster}} {{record_type}} {{reason}}'
          }]
        })
      },
      {
        panel: timeseriesPanel(ids, {
          title: 'Records decoded',
          description: 'Records read per second from MM2\'s internal topics and __consumer_offsets, by cluster and record type.',
          unit: 'ops',
          min: 0,
          queries: [{
            expr: `sum by (kafka_cluster, record_type) (rate(${m('recordsDecoded')}${s(cluster)}[$__rate_interval]))`,
            legend: '{{kafka_cluster}} {{record_type}}'
          }]
        })
      },
      {
        panel: timeseriesPanel(ids, {
          title: 'Translation index',
          description: 'Offset syncs held in the translation index and topic-partitions they cover, per flow. Entries grow as syncs arrive and shrink when old ones are thinned or pruned below the log start.',
          unit: 'short',
          min: 0,
          queries: [
            { expr: `max by (flow) (${m('indexEntries')}${s(flow)})`, legend: '{{flow}} syncs' },
            { expr: `max by (flow) (${m('indexPartitions')}${s(flow)})`, legend: '{{flow}} partitions' }
          ]
        })
      },
      { row: row(ids, 'Instances') },
      {
        panel: timeseriesPanel(ids, {
          title: 'Reverse-sync writer',
          description: 'Instances that are the elected writer of the reverse offset syncs going to each cluster: exactly 1 in a healthy deployment. 0 for more than a takeover (the session timeout, 10 s) means nobody writes them (MM2FailbackNoReverseSyncWriter).',
          unit: 'short',
          min: 0,
          queries: [{ expr: `sum by (kafka_cluster) (${m('reverseSyncWriter')}${s(cluster)})`, legend: '{{kafka_cluster}}' }]
        })
      },
      {
        panel: timeseriesPanel(ids, {
          title: 'Group shares',
          description: 'Partitions of each cluster\'s __consumer_offsets each instance owns, the groups stored there that it mirrors, and the partitions there are. The shares add up to the total in a healthy deployment (MM2FailbackGroupsUnowned).',
          unit: 'short',
          min: 0,
          queries: [
            { expr: `sum by (kafka_cluster, instance) (${m('ownedPartitions')}${s(cluster)})`, legend: '{{kafka_cluster}} {{instance}} partitions' },
            { expr: `sum by (kafka_cluster, instance) (${m('ownedGroups')}${s(cluster)})`, legend: '{{kafka_cluster}} {{instance}} groups' },
            { expr: `max by (kafka_cluster) (${m('commitPartitions')}${s(cluster)})`, legend: '{{kafka_cluster}} partitions in all' }
          ]
        })
      },
      { row: row(ids, 'Groups at risk') },
      {
        panel: tablePanel(ids, {
          title: 'Groups with untranslatable partitions',
          description: 'Groups that have partitions with no offset sync at or below their committed offset, per flow and direction. Moving such a group to the other cluster needs a manual decision (replay or skip) for those partitions.',
          unit: 'none',
          thresholds: { critical: 1 },
          queries: [{ expr: `max by (flow, direction, group) (${m('untranslatablePartitions')}${s(flow, group)}) > 0` }]
        })
      },
      {
        panel: tablePanel(ids, {
          title: 'Largest re-read windows',
          description: 'The 20 group topics that would re-read the most records if moved to the other cluster now (sum over partitions of the distance to the offset sync used; 0 when exact).',
          unit: 'short',
          thresholds: { warning: t.rereadWindowRecords },
          queries: [{ expr: `topk(20, sum by (flow, direction, group, topic) (max by (flow, direction, group, topic, partition) (${m('translationRereadWindow')}${s(flow, group, topic)})))` }]
        })
      }
    ]
  })
}
