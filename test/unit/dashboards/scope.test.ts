// Every dashboard shows one deployment at a time: each selector of a sidecar or MM2 metric, in every panel
// query and template variable, carries the dashboard's job, namespace and instance variables. Parsed with
// the Prometheus Lezer grammar (scripts/lint-monitoring.ts), not matched as text, so a selector nested in
// a function or a binary expression is checked too.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { renderDashboards } from '../../../dashboards/index.ts'
import { MM2_JMX_METRIC_NAMES } from '../../../dashboards/mm2-jmx-metrics.ts'
import { inspectPromql } from '../../../scripts/lint-monitoring.ts'
import { DEFAULT_MONITORING_CONFIG, monitoringConfig, type MonitoringConfig } from '../../../sidecar/src/metrics/monitoring/config.ts'
import { METRICS } from '../../../sidecar/src/metrics/names.ts'

interface Variable { name: string, type: string, query?: unknown, current?: { value?: unknown }, includeAll?: boolean, allValue?: string }
interface Panel { title?: string, panels?: Panel[], targets?: Array<{ expr?: string }> }

const LABEL_VALUES = /^label_values\((.+),\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$/s

/** Every expression of a dashboard: panel targets, and the selector of each label_values variable. */
function expressions (dashboard: Record<string, unknown>): Array<{ where: string, expr: string, variable?: string }> {
  const found: Array<{ where: string, expr: string, variable?: string }> = []
  const walk = (panels: Panel[] | undefined): void => {
    for (const panel of panels ?? []) {
      walk(panel.panels)
      for (const target of panel.targets ?? []) found.push({ where: `panel ${panel.title ?? '?'}`, expr: target.expr ?? '' })
    }
  }
  walk(dashboard.panels as Panel[])
  for (const variable of (dashboard.templating as { list: Variable[] }).list) {
    if (variable.type !== 'query') continue
    const match = LABEL_VALUES.exec(String(variable.query))
    expect(match, `variable ${variable.name}`).not.toBeNull()
    found.push({ where: `variable ${variable.name}`, expr: match![1]!, variable: variable.name })
  }
  return found
}

function isSidecarMetric (config: MonitoringConfig, name: string): boolean {
  return name === 'up' || Object.values(METRICS).some((definition) => name.startsWith(`${config.namespace}_${definition.name}`))
}

describe.each([
  ['the default config', DEFAULT_MONITORING_CONFIG],
  ['a config with other jobs, a namespace and an extra matcher',
    monitoringConfig({ namespace: 'dr', selectors: { sidecar: 'job="dr", env="prod"', mm2: 'job="mm2-prod"' } })]
])('dashboard scope with %s', (_name, config) => {
  const dashboards = renderDashboards(config)

  it('every selector of every panel query and template variable carries the job, namespace and instance matchers', () => {
    let checked = 0
    const problems: string[] = []
    for (const { slug, dashboard } of dashboards) {
      for (const { where, expr, variable } of expressions(dashboard)) {
        const facts = inspectPromql(expr)
        expect(facts.problems, `${slug} ${where}: ${expr}`).toEqual([])
        for (const selector of facts.selectors) {
          const mm2 = MM2_JMX_METRIC_NAMES.has(selector.metric)
          expect(mm2 || isSidecarMetric(config, selector.metric), `${slug} ${where}: ${selector.metric} is neither the sidecar's nor MM2's`).toBe(true)
          const job = mm2 ? 'mm2_job' : 'job'
          const instance = mm2 ? 'mm2_instance' : 'instance'
          // A scope variable lists what the ones before it select: job none, namespace the job, instance both.
          const required = [`job=~"$${job}"`, 'namespace=~"$namespace"', `instance=~"$${instance}"`]
            .slice(0, variable === job ? 0 : variable === 'namespace' ? 1 : variable === instance ? 2 : 3)
          for (const matcher of required) if (!selector.matchers.includes(matcher)) problems.push(`${slug} ${where}: ${selector.metric} lacks ${matcher}`)
          checked += 1
        }
      }
    }
    expect(problems).toEqual([])
    expect(checked).toBeGreaterThan(60)
  })

  it('the job variable defaults to the config\'s job; namespace and instance are optional (All is .*, matching an absent label)', () => {
    const jobs = config === DEFAULT_MONITORING_CONFIG ? ['mm2-failback', 'mm2-failback', 'mirrormaker2'] : ['dr', 'dr', 'mm2-prod']
    dashboards.forEach(({ dashboard }, index) => {
      const variables = (dashboard.templating as { list: Variable[] }).list
      const job = variables.find((variable) => variable.name === (index === 2 ? 'mm2_job' : 'job'))
      expect(job?.current?.value).toBe(jobs[index])
      expect(job?.includeAll).toBe(false)
      for (const name of ['namespace', index === 2 ? 'mm2_instance' : 'instance']) {
        const variable = variables.find((entry) => entry.name === name)
        expect(variable, name).toMatchObject({ includeAll: true, allValue: '.*', current: { value: ['$__all'] } })
      }
    })
  })
})

describe('committed dashboards', () => {
  it('keep no hard-coded job selector in any query', () => {
    for (const file of ['overview.json', 'consumer-groups.json', 'mirrormaker2.json']) {
      const text = readFileSync(new URL(`../../../dashboards/generated/${file}`, import.meta.url), 'utf8')
      expect(text, file).not.toMatch(/job=\\"(mm2-failback|mirrormaker2)\\"/)
    }
  })
})
