// The rules: the committed YAML is what the sources render, every alert is complete and documented in the
// runbook, and every alert has promtool cases that show it firing and not firing, with full annotation text.
import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { ALERTS_GROUP, RECORDING_GROUP, alertRules, formatSeconds, renderRules, ruleGroups } from '../../../alerts/rules.ts'
import { DEFAULT_MONITORING_CONFIG, GENERATED_NOTE, monitoringConfig } from '../../../sidecar/src/metrics/monitoring/config.ts'

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
      expect(rule.annotations.runbook_url).toBe(`${config.runbookBaseUrl}#${rule.alert.toLowerCase()}`)
    }
  })

  it('follows the config: thresholds, for durations, selectors, namespace and runbook URL', () => {
    const custom = monitoringConfig({
      namespace: 'dr',
      selectors: { sidecar: 'job="dr-sidecar"', consumerGroups: 'cluster="A"' },
      thresholds: { consumerLagSeconds: 120 },
      for: { consumerLag: '2m' },
      runbookBaseUrl: 'https://wiki.example.com/runbook'
    })
    const lag = alertRules(custom).find((rule) => rule.alert === 'MM2ConsumerLagHigh')
    expect(lag).toEqual({
      alert: 'MM2ConsumerLagHigh',
      expr: 'max by (cluster, group, topic) (dr_consumer_lag_seconds{job="dr-sidecar", cluster="A"}) > 120',
      for: '2m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Group {{ $labels.group }} lags on {{ $labels.topic }} on cluster {{ $labels.cluster }}.',
        description: 'Group {{ $labels.group }} on cluster {{ $labels.cluster }} is {{ $value | humanizeDuration }} behind on topic {{ $labels.topic }}: its oldest unconsumed record is older than 2m.',
        runbook_url: 'https://wiki.example.com/runbook#mm2consumerlaghigh'
      }
    })
    expect(renderRules(custom)).not.toContain('mm2_failback_')
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
