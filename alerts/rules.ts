// Alert and recording rules of the bundle as a pure function of the MonitoringConfig (kubernetes-mixin
// style). `npm run generate` writes them to alerts/generated/mm2-failback.rules.yaml; alerts/tests/*.yaml
// test them with `promtool test rules`, and alerts/runbook.md has one section per alert.
//
// Aggregations name their labels (`max by (...)`, `min by (...)`) so that each alert has one documented
// label set, whether one sidecar instance or several export the same series. Every aggregation and join
// keeps the deployment's identity (DEPLOYMENT_LABELS: Prometheus's `namespace` and `job`), so two
// deployments watched by one Prometheus never merge into one alert, nor hide each other's.
import { stringify } from 'yaml'
import { GENERATED_NOTE, durationSeconds, matchers, runbookUrl, sidecarMetric, type MonitoringConfig } from '../sidecar/src/metrics/monitoring/config.ts'

export interface RecordingRule {
  readonly record: string
  readonly expr: string
}

export type Severity = 'critical' | 'warning'

export interface AlertRule {
  readonly alert: string
  readonly expr: string
  readonly for: string
  readonly labels: { readonly severity: Severity }
  readonly annotations: { readonly summary: string, readonly description: string, readonly runbook_url: string }
}

export interface RuleGroup {
  readonly name: string
  readonly rules: ReadonlyArray<RecordingRule | AlertRule>
}

export const RECORDING_GROUP = 'mm2-failback.recording'
/** The labels that tell one sidecar deployment from another; absent labels (no Kubernetes) are empty and harmless. */
export const DEPLOYMENT_LABELS = 'namespace, job'
export const ALERTS_GROUP = 'mm2-failback.alerts'
export const RULES_FILE = 'mm2-failback.rules.yaml'

/** Recording rule names under a namespace (level:metric:operations). */
export function recordingNames (config: MonitoringConfig): {
  heartbeatAge: string
  offsetSyncAge: string
  offsetSyncLag: string
  syncFailureRate: string
  groupActive: string
} {
  const ns = config.namespace
  return {
    heartbeatAge: `flow:${ns}_heartbeat_age_seconds:min`,
    offsetSyncAge: `flow:${ns}_offset_sync_age_seconds:min`,
    offsetSyncLag: `flow:${ns}_offset_sync_lag_records:max`,
    syncFailureRate: `kafka_cluster_operation_code:${ns}_sync_failures:rate${config.rateWindow}`,
    groupActive: `kafka_cluster_group:${ns}_consumer_group_active:bool`
  }
}

/** Seconds as a short duration for annotation text: 300 -> "5m", 5400 -> "1h30m". */
export function formatSeconds (seconds: number): string {
  if (seconds === 0) return '0s'
  const parts: string[] = []
  let rest = Math.round(seconds)
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`)
      rest %= size
    }
  }
  return parts.join('')
}

/** Every rule group of the bundle for a config; pure. */
export function ruleGroups (config: MonitoringConfig): RuleGroup[] {
  const m = (key: Parameters<typeof sidecarMetric>[1]): string => sidecarMetric(config, key)
  const s = (...extra: string[]): string => matchers(config.selectors.sidecar, ...extra)
  const r = recordingNames(config)
  const t = config.thresholds
  const f = config.for
  const cg = s(config.selectors.consumerGroups)
  // The lag alerts' scope: with `active`, only (cluster, group) pairs the recording rule lists.
  const inUse = config.consumerLagGroups === 'active' ? `\n  and on (${DEPLOYMENT_LABELS}, kafka_cluster, group)\n${r.groupActive}` : ''
  const alert = (name: string, severity: Severity, expr: string, forDuration: string, summary: string, description: string): AlertRule => ({
    alert: name,
    expr,
    for: forDuration,
    labels: { severity },
    annotations: { summary, description, runbook_url: runbookUrl(config, name) }
  })

  const recording: RecordingRule[] = [
    // The replication delay of a flow is a property of MM2, not of the sidecar that observes it: when several
    // sidecar instances export it, the freshest view (min) is the truth, and a stale instance is its own alert.
    { record: r.heartbeatAge, expr: `min by (${DEPLOYMENT_LABELS}, flow, source, target) (${m('heartbeatAge')}${s()})` },
    { record: r.offsetSyncAge, expr: `min by (${DEPLOYMENT_LABELS}, flow, source, target) (${m('offsetSyncAge')}${s()})` },
    { record: r.offsetSyncLag, expr: `max by (${DEPLOYMENT_LABELS}, flow) (${m('offsetSyncLag')}${s()})` },
    { record: r.syncFailureRate, expr: `sum by (${DEPLOYMENT_LABELS}, kafka_cluster, operation, code) (rate(${m('syncFailures')}${s()}[${config.rateWindow}]))` },
    // 1 for each group in use on a cluster: live members there, or a commit there (by its consumers, MM2 or
    // the sidecar's group sync) within the window. An abandoned group has neither and drops out, long before
    // the broker expires its offsets; a crashed consumer stays in for the window, so its lag still pages.
    // Edit this rule (or render with consumerLagGroups `all`) to widen the lag alerts.
    {
      record: r.groupActive,
      expr: `count by (${DEPLOYMENT_LABELS}, kafka_cluster, group) (\n  max by (${DEPLOYMENT_LABELS}, kafka_cluster, group) (${m('consumerGroupMembers')}${s()}) > 0\n    or\n  ` +
        `min by (${DEPLOYMENT_LABELS}, kafka_cluster, group) (${m('consumerGroupCommitAge')}${s()}) < ${durationSeconds(config.consumerGroupActiveWindow)}\n)`
    }
  ]

  const alerts: AlertRule[] = [
    alert('MM2FailbackDown', 'critical',
      // absent() covers the case `up == 0` cannot: the target vanished from service discovery, so there is
      // no `up` series left to be 0.
      `up${s()} == 0 or absent(up${s()})`,
      f.sidecarDown,
      'The mm2-failback sidecar is down.',
      `Prometheus has not scraped the mm2-failback sidecar{{ with $labels.instance }} at {{ . }}{{ end }} (job {{ $labels.job }}) for ${f.sidecarDown}: the target is down or gone. No reverse offset syncs or group offset commits are written, so failback translation falls behind.`),

    alert('MM2FailbackNotReady', 'warning',
      `${m('ready')}${s()} == 0`,
      f.notReady,
      'The mm2-failback sidecar has not become ready.',
      `The sidecar {{ $labels.instance }} has not read the MM2 internal topics and __consumer_offsets to their end for ${f.notReady}. Until it does it writes no reverse syncs or group commits and exports no translation metrics.`),

    alert('MM2FailbackClusterUnreachable', 'warning',
      `${m('up')}${s()} == 0`,
      f.clusterUnreachable,
      'mm2-failback cannot reach cluster {{ $labels.kafka_cluster }}.',
      `The sidecar {{ $labels.instance }} has failed every request to cluster {{ $labels.kafka_cluster }} for ${f.clusterUnreachable}. Offset syncs, checkpoints and group offsets held there are not followed and nothing is written there; the other cluster's side keeps working.`),

    alert('MM2ReplicationDelayHigh', 'warning',
      `${r.heartbeatAge} > ${t.replicationDelaySeconds}`,
      f.replicationDelay,
      'MM2 flow {{ $labels.flow }} is replicating late.',
      `The newest MM2 heartbeat of flow {{ $labels.flow }} seen on cluster {{ $labels.target }} is {{ $value | humanizeDuration }} old (threshold ${formatSeconds(t.replicationDelaySeconds)}): records from {{ $labels.source }} reach {{ $labels.target }} that late, so a failover now would start that far behind.`),

    alert('MM2Down', 'critical',
      // MM2 emits a heartbeat every second, so an age far above the delay threshold means none arrive: MM2 (or
      // the flow's source task) stopped. Not while the sidecar cannot reach the target cluster: then the age
      // only says the sidecar is blind there, which MM2FailbackClusterUnreachable reports (kafka_cluster == target).
      // The second arm fires when a ready sidecar has never seen a heartbeat of any flow (absent series).
      `(\n  ${r.heartbeatAge} > ${t.mm2DownSeconds}\n    unless on (${DEPLOYMENT_LABELS}, target)\n  label_replace(${m('up')}${s()} == 0, "target", "$1", "kafka_cluster", "(.*)")\n)\nor\n(\n  absent(${m('heartbeatAge')}${s()})\n    and on ()\n  (max(${m('ready')}${s()}) == 1)\n)`,
      f.mm2Down,
      'MirrorMaker 2 is down{{ with $labels.flow }} for flow {{ . }}{{ end }}.',
      '{{ if $labels.flow }}No MM2 heartbeat of flow {{ $labels.flow }} has reached cluster {{ $labels.target }} for {{ $value | humanizeDuration }}{{ else }}The sidecar is ready but has seen no MM2 heartbeat of any flow{{ end }}: MirrorMaker 2 is stopped or its tasks failed. Nothing is replicated and no offset syncs or checkpoints are written, so every group\'s failover position falls behind.'),

    alert('MM2OffsetSyncsStale', 'warning',
      // A quiet flow writes no offset syncs, so age alone is normal; syncs are stale only when records arrived
      // on a target partition after the newest sync. `and on (flow)` joins the per-flow lag onto the age.
      `${r.offsetSyncAge} > ${t.offsetSyncAgeSeconds}\n  and on (${DEPLOYMENT_LABELS}, flow)\n${r.offsetSyncLag} > ${t.offsetSyncLagRecords}`,
      f.offsetSyncsStale,
      'MM2 flow {{ $labels.flow }} writes no offset syncs.',
      `MM2 has written no offset sync for flow {{ $labels.flow }} for {{ $value | humanizeDuration }} while more than ${t.offsetSyncLagRecords} records arrived on a partition of {{ $labels.target }} after the newest one. Translations stay at that old sync, so a group moved between {{ $labels.source }} and {{ $labels.target }} would re-read more and more records.`),

    alert('MM2FailbackSyncFailures', 'warning',
      `${r.syncFailureRate} > ${t.syncFailuresPerSecond}`,
      f.syncFailures,
      'mm2-failback fails to write {{ $labels.operation }} on cluster {{ $labels.kafka_cluster }}.',
      `The sidecar's {{ $labels.operation }} writes on cluster {{ $labels.kafka_cluster }} have failed with {{ $labels.code }} for ${f.syncFailures} ({{ printf "%.3g" $value }} per second). Reverse syncs or translated group offsets are not being written, so failback translation falls behind.`),

    alert('MM2FailbackUntranslatablePartitions', 'warning',
      `max by (${DEPLOYMENT_LABELS}, flow, direction, group) (${m('untranslatablePartitions')}${s()}) > 0`,
      f.untranslatable,
      'Group {{ $labels.group }} has partitions that cannot be translated.',
      `Group {{ $labels.group }} has had {{ $value }} partitions whose committed offset has no offset sync at or below it ({{ $labels.direction }} translation on flow {{ $labels.flow }}) for ${f.untranslatable}. If the group moves to the other cluster now, those partitions need a manual decision: replay from the earliest offset or skip to the latest.`),

    alert('MM2ConsumerLagHigh', 'warning',
      `max by (${DEPLOYMENT_LABELS}, kafka_cluster, group, topic) (${m('consumerLagSeconds')}${cg}) > ${t.consumerLagSeconds}${inUse}`,
      f.consumerLag,
      'Group {{ $labels.group }} lags on {{ $labels.topic }} on cluster {{ $labels.kafka_cluster }}.',
      `Group {{ $labels.group }} on cluster {{ $labels.kafka_cluster }} is {{ $value | humanizeDuration }} behind on topic {{ $labels.topic }}: its oldest unconsumed record is older than ${formatSeconds(t.consumerLagSeconds)}.`),

    alert('MM2ConsumerStalled', 'warning',
      // Burrow's "stalled": lag grew across the window while the committed offset did not change once in it
      // (changes() counts value changes; 0 means the group committed nothing new). Lag must still be > 0 now,
      // so a group that caught up at the end of the window is fine. The last line requires the committed
      // offset to have existed a full window ago: with less history, "no change" proves nothing (a new
      // group, a restarted Prometheus). The sides of `and` share every label.
      `max by (${DEPLOYMENT_LABELS}, kafka_cluster, group, topic, partition) (\n  delta(${m('consumerLagRecords')}${cg}[${config.consumerStallWindow}]) > 0\n    and ${m('consumerLagRecords')}${cg} > 0\n    and changes(${m('consumerCommittedOffset')}${cg}[${config.consumerStallWindow}]) == 0\n    and ${m('consumerCommittedOffset')}${cg} offset ${config.consumerStallWindow}\n)${inUse}`,
      f.consumerStalled,
      'Group {{ $labels.group }} is stalled on {{ $labels.topic }} partition {{ $labels.partition }} on cluster {{ $labels.kafka_cluster }}.',
      `Group {{ $labels.group }} on cluster {{ $labels.kafka_cluster }} has not committed a new offset on topic {{ $labels.topic }} partition {{ $labels.partition }} for ${config.consumerStallWindow} while its lag grew by {{ $value }} records: the consumer is stuck or stopped while producers continue.`),

    alert('MM2FailbackNoReverseSyncWriter', 'warning',
      // Each instance exports 1 where it is the elected writer for the cluster, 0 elsewhere: summed over the
      // deployment's instances, exactly 1 per cluster. A takeover takes seconds, so the window only hides restarts.
      `sum by (${DEPLOYMENT_LABELS}, kafka_cluster) (${m('reverseSyncWriter')}${s()}) == 0`,
      f.noReverseSyncWriter,
      'No mm2-failback instance writes the reverse offset syncs that go to cluster {{ $labels.kafka_cluster }}.',
      `For ${f.noReverseSyncWriter} no sidecar instance has been the elected writer of the reverse offset syncs that go to cluster {{ $labels.kafka_cluster }}: MM2's checkpoints for failback onto {{ $labels.kafka_cluster }} stop following the groups. Group sync itself goes on.`),

    alert('MM2FailbackGroupsUnowned', 'warning',
      // The instances divide the partitions of each cluster's __consumer_offsets between them (one share per
      // instance); the groups stored in a partition nobody owns are not mirrored.
      `sum by (${DEPLOYMENT_LABELS}, kafka_cluster) (${m('ownedPartitions')}${s()})
  < on (${DEPLOYMENT_LABELS}, kafka_cluster)
max by (${DEPLOYMENT_LABELS}, kafka_cluster) (${m('commitPartitions')}${s()})`,
      f.groupsUnowned,
      'Groups of cluster {{ $labels.kafka_cluster }} are mirrored by no mm2-failback instance.',
      `For ${f.groupsUnowned} the sidecar instances together have owned only {{ $value }} of the partitions of __consumer_offsets on cluster {{ $labels.kafka_cluster }}: the groups stored in the others are not mirrored to the other cluster. Instances are rebalancing, cut off from the group coordinator, or catching up.`),

    alert('MM2FailbackInstancesBelowExpected', 'warning',
      `sum by (${DEPLOYMENT_LABELS}) (up${s()}) < ${t.expectedInstances}`,
      f.instancesBelowExpected,
      'Fewer mm2-failback instances are up than expected.',
      `Only {{ $value }} of the ${t.expectedInstances} expected sidecar instances of job {{ $labels.job }} have been up for ${f.instancesBelowExpected}. The others' work has moved to the live ones (a writer takeover, shares rebalanced); one more failure leaves nothing to take over.`)
  ]

  return [
    { name: RECORDING_GROUP, rules: recording },
    { name: ALERTS_GROUP, rules: alerts }
  ]
}

/** The exact text of alerts/generated/mm2-failback.rules.yaml. */
export function renderRules (config: MonitoringConfig): string {
  const body = stringify({ groups: ruleGroups(config) }, { lineWidth: 0, blockQuote: 'literal' })
  return `# ${GENERATED_NOTE}. Sources: alerts/rules.ts, sidecar/src/metrics/monitoring/config.ts.\n${body}`
}

/** Every alert rule of a config, in order. */
export function alertRules (config: MonitoringConfig): AlertRule[] {
  return ruleGroups(config).flatMap((group) => group.rules.filter((rule): rule is AlertRule => 'alert' in rule))
}
