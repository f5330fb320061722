// The rules: the committed YAML is what the sources render, every alert is complete and documented in the
// runbook, and every alert has promtool cases that show it firing and not firing, with full annotation text.
import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { ALERTS_GROUP, RECORDING_GROUP, alertRules, formatSeconds, renderRules, ruleGroups } from '../../../alerts/rules.ts'
import { DEFAULT_MONITORING_CONFIG, GENERATED_NOTE, monitoringConfig, runbookBase, runbookUrl } from '../../../sidecar/src/metrics/monitoring/config.ts'
import { renderRunbookHtml, runbookAnchor } from '../../../sidecar/src/metrics/runbook.ts'

const root = new URL('../../../', import.meta.url)
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8')
const config = DEFAULT_MONITORING_CONFIG

const ALERTS = [
  'MM2FailbackDown', 'MM2FailbackNotReady', 'MM2FailbackClusterUnreachable', 'MM2ReplicationDelayHigh', 'MM2Down',
  'MM2OffsetSyncsStale', 'MM2FailbackSyncFailures', 'MM2FailbackUntranslatablePartitions', 'MM2ConsumerLagHigh', 'MM2ConsumerStalled',
  'MM2FailbackNoReverseSyncWriter', 'MM2FailbackGroupsUnowned', 'MM2FailbackInstancesBelowExpected'
]

interface AlertCase { alertname: string, exp_alerts?: Array<{ exp_labels?: Record<string, string>, exp_annotations?: Record<string, string> }> }
interface TestFile { rule_files: string[], group_eval_order?: string[], tests: Array<{ name: string, alert_rule_test?: AlertCase[] }> }
const testFiles = readdirSync(new URL('alerts/tests/', root)).filter((name) => name.endsWith('.yaml'))
  .map((name) => ({ name, content: parse(read(`alerts/tests/${name}`)) as TestFile }))

describe('alert rules', () => {
  it('alerts/generated/mm2-failback.rules.yaml is what npm run generate renders', () => {
    // On failure: run `npm run generate` and commit the result.
    expect(read('alerts/generated/mm2-failback.rules.yaml')).toBe(renderRules(config))
  })

  it('opens with the generated note and holds the recording group before the alerts group', () => {
    expect(renderRules(config).startsWith(`# ${GENERATED_NOTE}.`)).toBe(true)
    expect(ruleGroups(config).map((group) => group.name)).toEqual([RECORDING_GROUP, ALERTS_GROUP])
  })

  it('defines exactly the documented alerts', () => {
    expect(alertRules(config).map((rule) => rule.alert)).toEqual(ALERTS)
  })

  it('gives every alert a severity, a summary, a description from labels, and its runbook section', () => {
    for (const rule of alertRules(config)) {
      expect(['critical', 'warning']).toContain(rule.labels.severity)
      expect(rule.annotations.summary.length).toBeGreaterThan(10)
      expect(rule.annotations.description).toMatch(/\{\{ (\$labels\.|with \$labels\.|if \$labels\.)/)
      expect(rule.annotations.runbook_url).toBe(`${runbookBase(config)}#${rule.alert.toLowerCase()}`)
    }
  })

  it('follows the config: thresholds, for durations, selectors, namespace and runbook URL', () => {
    const custom = monitoringConfig({
      namespace: 'dr',
      selectors: { sidecar: 'job="dr-sidecar"', consumerGroups: 'kafka_cluster="A"' },
      thresholds: { consumerLagSeconds: 120 },
      for: { consumerLag: '2m' },
      runbookBaseUrl: 'https://wiki.example.com/runbook'
    })
    const lag = alertRules(custom).find((rule) => rule.alert === 'MM2ConsumerLagHigh')
    expect(lag).toEqual({
      alert: 'MM2ConsumerLagHigh',
      expr: 'max by (namespace, job, kafka_cluster, group, topic) (dr_consumer_lag_seconds{job="dr-sidecar", kafka_cluster="A"}) > 120\n' +
        '  and on (namespace, job, kafka_cluster, group)\nkafka_cluster_group:dr_consumer_group_active:bool',
      for: '2m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Group {{ $labels.group }} lags on {{ $labels.topic }} on cluster {{ $labels.kafka_cluster }}.',
        description: 'Group {{ $labels.group }} on cluster {{ $labels.kafka_cluster }} is {{ $value | humanizeDuration }} behind on topic {{ $labels.topic }}: its oldest unconsumed record is older than 2m.',
        runbook_url: 'https://wiki.example.com/runbook#mm2consumerlaghigh'
      }
    })
    expect(renderRules(custom)).not.toContain('mm2_failback_')
  })

  it('links to the runbook a live sidecar of the job serves, unless told another base URL', () => {
    expect(runbookUrl(config, 'MM2Down')).toBe('http://{{ with query `up{job="mm2-failback"} == 1` }}' +
      '{{ . | sortByLabel "instance" | first | label "instance" }}{{ else }}{{ $labels.instance }}{{ end }}/runbook#mm2down')
    const custom = monitoringConfig({ selectors: { sidecar: 'job="dr", env="prod"' } })
    expect(runbookBase(custom)).toContain('query `up{job="dr", env="prod"} == 1`')
    expect(runbookUrl(monitoringConfig({ runbookBaseUrl: 'https://wiki.example.com/mm2' }), 'MM2Down')).toBe('https://wiki.example.com/mm2#mm2down')
    expect(() => monitoringConfig({ runbookBaseUrl: 'https://wiki.example.com/mm2#top' })).toThrow(/runbookBaseUrl must be "sidecar" or an http\(s\) URL/)
    expect(() => monitoringConfig({ runbookBaseUrl: 'alerts/runbook.md' })).toThrow(/runbookBaseUrl/)
    // A base URL of your own may use annotation templates too.
    expect(monitoringConfig({ runbookBaseUrl: 'https://{{ $externalLabels.region }}.wiki.example.com/mm2' }).runbookBaseUrl).toContain('$externalLabels')
  })

  it('scopes the lag alerts to groups in use by default, and to every group with consumerLagGroups all', () => {
    const lag = (overrides: Parameters<typeof monitoringConfig>[0]): string =>
      alertRules(monitoringConfig(overrides)).find((rule) => rule.alert === 'MM2ConsumerLagHigh')!.expr
    expect(lag({})).toContain('and on (namespace, job, kafka_cluster, group)\nkafka_cluster_group:mm2_failback_consumer_group_active:bool')
    expect(lag({ consumerLagGroups: 'all' })).toBe('max by (namespace, job, kafka_cluster, group, topic) (mm2_failback_consumer_lag_seconds{job="mm2-failback"}) > 900')
    const active = ruleGroups(monitoringConfig({ consumerGroupActiveWindow: '2h' }))[0]!.rules
      .find((rule) => 'record' in rule && rule.record.includes('group_active'))
    expect(active && 'expr' in active ? active.expr : '').toContain('(mm2_failback_consumer_group_commit_age_seconds{job="mm2-failback"}) < 7200')
    expect(() => monitoringConfig({ consumerLagGroups: 'some' as 'all' })).toThrow(/consumerLagGroups must be active or all/)
  })

  it('formats thresholds for annotation text', () => {
    expect([0, 59, 300, 900, 5400, 90061].map(formatSeconds)).toEqual(['0s', '59s', '5m', '15m', '1h30m', '1d1h1m1s'])
  })
})

describe('runbook', () => {
  const runbook = read('alerts/runbook.md')
  const sections = new Map(runbook.split(/^## /m).slice(1).map((section) => [section.split('\n')[0]?.trim() ?? '', section]))

  it('has one section per alert and no other', () => {
    expect([...sections.keys()]).toEqual(ALERTS)
  })

  it('has the anchor of every alert\'s runbook_url, on GitHub and on the page the sidecar serves', () => {
    const anchors = [...sections.keys()].map(runbookAnchor)
    const html = renderRunbookHtml(runbook)
    for (const rule of alertRules(config)) {
      const anchor = rule.annotations.runbook_url.split('#').at(-1)!
      expect(anchors, rule.alert).toContain(anchor)
      expect(html, rule.alert).toContain(`<h2 id="${anchor}">${rule.alert}</h2>`)
    }
  })

  it('gives each section its meaning, impact, diagnosis and mitigation', () => {
    for (const [alert, section] of sections) {
      for (const part of ['**Meaning.**', '**Impact.**', '**Diagnosis.**', '**Mitigation.**']) expect(section, `${alert} ${part}`).toContain(part)
    }
  })
})

describe('promtool unit tests (alerts/tests)', () => {
  it('every file tests the generated rules, recording group first', () => {
    expect(testFiles.length).toBeGreaterThan(0)
    for (const { name, content } of testFiles) {
      expect(content.rule_files, name).toEqual(['../generated/mm2-failback.rules.yaml'])
      expect(content.group_eval_order, name).toEqual([RECORDING_GROUP, ALERTS_GROUP])
    }
  })

  for (const alert of ALERTS) {
    it(`${alert} has a "fires when" case asserting labels and full annotations, and a "does not fire when" case`, () => {
      const cases = testFiles.flatMap(({ content }) => content.tests.flatMap((test) =>
        (test.alert_rule_test ?? []).filter((c) => c.alertname === alert).map((c) => ({ name: test.name, expected: c.exp_alerts ?? [] }))))
      const firing = cases.filter((c) => c.name.startsWith('fires when') && c.expected.length > 0)
      const silent = cases.filter((c) => c.name.startsWith('does not fire when') && c.expected.length === 0)
      expect(firing.length, `${alert}: fires when`).toBeGreaterThan(0)
      expect(silent.length, `${alert}: does not fire when`).toBeGreaterThan(0)
      for (const c of firing) {
        for (const expected of c.expected) {
          expect(expected.exp_labels?.severity, c.name).toBeDefined()
          expect(Object.keys(expected.exp_annotations ?? {}).sort(), c.name).toEqual(['description', 'runbook_url', 'summary'])
          expect(expected.exp_annotations?.description, c.name).not.toContain('{{')
        }
      }
    })
  }
})
