// The lint itself: clean on the bundle, and it catches each kind of mistake it exists for.
import { describe, expect, it } from 'vitest'
import { DEFAULT_MONITORING_CONFIG, monitoringConfig, runbookUrl } from '../../../sidecar/src/metrics/monitoring/config.ts'
import { renderDashboards } from '../../../dashboards/index.ts'
import {
  inspectPromql, knownMetrics, lintBundle, lintDashboard, lintMetricDefinitions, lintPromql, lintRules, lintScope
} from '../../../scripts/lint-monitoring.ts'
import { MM2_JMX_METRICS } from '../../../dashboards/mm2-jmx-metrics.ts'
import { DATASOURCE, mm2Scope, sidecarScope } from '../../../dashboards/panels.ts'
import { ruleGroups } from '../../../alerts/rules.ts'

const config = DEFAULT_MONITORING_CONFIG
const known = knownMetrics(config)
const overview = (): Record<string, unknown> => structuredClone(renderDashboards(config)[0]!.dashboard)
const scopes = { sidecar: sidecarScope(config), mm2: mm2Scope(config) }

describe('bundle lint', () => {
  it('finds no problem in the dashboards and rules of the default config', () => {
    expect(lintBundle(config)).toEqual([])
  })

  it('finds no problem with another namespace and multi-matcher selectors', () => {
    expect(lintBundle(monitoringConfig({ namespace: 'x', selectors: { sidecar: 'job=~"a|b", env="p"', consumerGroups: 'kafka_cluster="A"' } }))).toEqual([])
  })

  it('names.ts follows the conventions: counters end with _total, histograms carry no suffix', () => {
    expect(lintMetricDefinitions()).toEqual([])
  })

  it('knows the sidecar names with the namespace, histogram series, the MM2 list, recording rules and up', () => {
    expect(known.has('mm2_failback_sync_failures_total')).toBe(true)
    expect(known.has('mm2_failback_commit_translation_latency_seconds_bucket')).toBe(true)
    expect(known.has('mm2_failback_commit_translation_latency_seconds')).toBe(false)
    expect(known.has('flow:mm2_failback_heartbeat_age_seconds:min')).toBe(true)
    expect(known.has('up')).toBe(true)
    for (const metric of MM2_JMX_METRICS) expect(known.has(metric.name)).toBe(true)
    expect(knownMetrics(monitoringConfig({ namespace: 'other' })).has('mm2_failback_up')).toBe(false)
  })

  it('MM2 metric names follow Prometheus conventions: counters and only counters end with _total', () => {
    for (const metric of MM2_JMX_METRICS) expect(metric.name.endsWith('_total')).toBe(metric.type === 'counter')
  })
})

describe('PromQL checks', () => {
  it('collects metric names and accepts Grafana macros', () => {
    expect(inspectPromql('sum by (x) (rate(a_total{j="1", k =~ "$k"}[$__rate_interval])) / on () b + increase(c[$__range])')).toEqual({
      metrics: ['a_total', 'b', 'c'],
      problems: [],
      selectors: [{ metric: 'a_total', matchers: ['j="1"', 'k=~"$k"'] }, { metric: 'b', matchers: [] }, { metric: 'c', matchers: [] }]
    })
  })

  it('reports a parse error', () => {
    expect(lintPromql('sum(up{job="x"}', known, 'here')[0]).toMatch(/^here: does not parse at position/)
  })

  it('reports a metric nobody exports', () => {
    expect(lintPromql('mm2_failback_offset_syncs_total', known, 'here')).toEqual([
      'here: metric mm2_failback_offset_syncs_total is not exported by the sidecar (names.ts), not in the MM2 JMX list and not a recording rule'
    ])
  })

  it('reports a histogram used without its _bucket suffix, and a wrong namespace', () => {
    expect(lintPromql('mm2_failback_commit_translation_latency_seconds', known, 'h')).toHaveLength(1)
    expect(lintPromql('other_ns_up', known, 'h')).toHaveLength(1)
  })

  it('reports selection by __name__, which would dodge the name check', () => {
    expect(lintPromql('{__name__=~"mm2_.*"}', known, 'h')).toEqual(['h: selects by __name__ instead of a metric name: {__name__=~"mm2_.*"}'])
  })
})

describe('panel checks', () => {
  it('reports a panel without unit, description or the datasource variable', () => {
    const dashboard = overview()
    const panel = (dashboard.panels as Array<Record<string, unknown>>)[1]!
    panel.description = ''
    panel.fieldConfig = { defaults: {} }
    panel.datasource = { type: 'prometheus', uid: 'prod-prometheus' }
    expect(lintDashboard(dashboard, 'mm2-failback-overview', known)).toEqual([
      'dashboard mm2-failback / Overview panel "Sidecar scrape": needs a description',
      'dashboard mm2-failback / Overview panel "Sidecar scrape": needs a unit',
      `dashboard mm2-failback / Overview panel "Sidecar scrape": datasource must be the ${DATASOURCE.uid} variable`
    ])
  })

  it('reports a query with its own datasource, a bad expression, and a changed UID', () => {
    const dashboard = overview()
    dashboard.uid = 'random-uid'
    const panel = (dashboard.panels as Array<{ targets: Array<Record<string, unknown>> }>)[1]!
    panel.targets[0]!.datasource = { type: 'prometheus', uid: 'abc' }
    panel.targets[0]!.expr = 'rate(nope_total[5m])'
    expect(lintDashboard(dashboard, 'mm2-failback-overview', known)).toEqual([
      'dashboard mm2-failback / Overview: uid is random-uid, expected the fixed mm2-failback-overview',
      `dashboard mm2-failback / Overview panel "Sidecar scrape" query 1: datasource must be the ${DATASOURCE.uid} variable`,
      'dashboard mm2-failback / Overview panel "Sidecar scrape" query 1: metric nope_total is not exported by the sidecar (names.ts), not in the MM2 JMX list and not a recording rule'
    ])
  })

  it('checks template variable queries too', () => {
    const dashboard = overview()
    const variables = (dashboard.templating as { list: Array<Record<string, unknown>> }).list
    const variable = (name: string): Record<string, unknown> => variables.find((entry) => entry.name === name)!
    variable('kafka_cluster').query = 'label_values(mm2_failback_clusters{job=~"$job", namespace=~"$namespace", instance=~"$instance"}, kafka_cluster)'
    variable('flow').query = 'query_result(up)'
    expect(lintDashboard(dashboard, 'mm2-failback-overview', known, scopes)).toEqual([
      'dashboard mm2-failback / Overview variable kafka_cluster: metric mm2_failback_clusters is not exported by the sidecar (names.ts), not in the MM2 JMX list and not a recording rule',
      'dashboard mm2-failback / Overview variable flow: query must be label_values(<selector>, <label>) (got "query_result(up)")'
    ])
  })

  it('reports a selector without the job, namespace or instance variable, where two deployments would merge', () => {
    const dashboard = overview()
    const variables = (dashboard.templating as { list: Array<Record<string, unknown>> }).list
    variables.find((entry) => entry.name === 'flow')!.query = 'label_values(mm2_failback_heartbeat_age_seconds{job="mm2-failback"}, flow)'
    // The instance variable lists what job and namespace select: it needs those two, not itself.
    variables.find((entry) => entry.name === 'instance')!.query = 'label_values(mm2_failback_build_info{job=~"$job"}, instance)'
    const panel = (dashboard.panels as Array<{ targets: Array<Record<string, unknown>> }>)[1]!
    panel.targets[0]!.expr = 'up{job=~"$job", namespace=~"$namespace"} / on () group(mm2_failback_ready{job=~"$job", namespace=~"$namespace", instance=~"$instance"})'
    expect(lintDashboard(dashboard, 'mm2-failback-overview', known, scopes)).toEqual([
      'dashboard mm2-failback / Overview variable instance: selector of mm2_failback_build_info lacks namespace=~"$namespace", so deployments would merge',
      'dashboard mm2-failback / Overview variable flow: selector of mm2_failback_heartbeat_age_seconds lacks job=~"$job", so deployments would merge',
      'dashboard mm2-failback / Overview variable flow: selector of mm2_failback_heartbeat_age_seconds lacks namespace=~"$namespace", so deployments would merge',
      'dashboard mm2-failback / Overview variable flow: selector of mm2_failback_heartbeat_age_seconds lacks instance=~"$instance", so deployments would merge',
      'dashboard mm2-failback / Overview panel "Sidecar scrape" query 1: selector of up lacks instance=~"$instance", so deployments would merge'
    ])
  })

  it('wants MM2\'s own job and instance variables on MM2 metrics', () => {
    const expr = 'sum(kafka_connect_worker_task_count{job=~"$job", namespace=~"$namespace", instance=~"$instance"})'
    expect(lintScope(expr, scopes, 'here')).toEqual([
      'here: selector of kafka_connect_worker_task_count lacks job=~"$mm2_job", so deployments would merge',
      'here: selector of kafka_connect_worker_task_count lacks instance=~"$mm2_instance", so deployments would merge'
    ])
  })
})

describe('rule checks', () => {
  it('reports an alert without the MM2 prefix, severity, labels in its description, or its runbook link', () => {
    const groups = ruleGroups(config)
    const broken = {
      alert: 'SidecarBroken',
      expr: 'up == 0',
      for: '5m',
      labels: { severity: 'page' as never },
      annotations: { summary: 'x', description: 'Something broke.', runbook_url: 'https://example.com' }
    }
    const problems = lintRules([...groups, { name: 'extra', rules: [broken] }], known, config)
    expect(problems).toEqual([
      'alert SidecarBroken: name must be PascalCase starting with MM2',
      'alert SidecarBroken: labels.severity must be critical or warning',
      'alert SidecarBroken: annotations.description must name what it is about from labels ({{ $labels.group }}, ...)',
      `alert SidecarBroken: runbook_url must be ${runbookUrl(config, 'SidecarBroken')}`
    ])
  })
})
