// The bundle's lint: every PromQL expression (panels, template variables, rules) parses with the Prometheus
// team's Lezer grammar and names only metrics that exist (the sidecar's names.ts under the namespace, the
// MM2 JMX exporter list, a recording rule of the bundle, or `up`); every panel has a unit, a description and
// the datasource variable; every selector of a dashboard carries its job, namespace and instance variables
// (so two deployments in one Prometheus never merge in a panel); UIDs are the fixed ones. Used by `npm run generate`, the unit tests and
// `mm2-failback dashboards lint`.
// The lint is the one module that must see both dashboards/ and alerts/ (it renders both and checks them
// against one list of known names, recording rules included), so it sits above both, and they never import
// each other. The CLI loads it at run time, so the package and the Docker image ship this file
// (package.json "files", Dockerfile).
import { parser } from '@prometheus-io/lezer-promql'
import { ruleGroups, type AlertRule, type RecordingRule, type RuleGroup } from '../alerts/rules.ts'
import { renderDashboards } from '../dashboards/index.ts'
import { MM2_JMX_METRIC_NAMES } from '../dashboards/mm2-jmx-metrics.ts'
import { DATASOURCE, dashboardUid, mm2Scope, sidecarScope, type Scope } from '../dashboards/panels.ts'
import { runbookUrl, sidecarMetric, type MonitoringConfig } from '../sidecar/src/metrics/monitoring/config.ts'
import { METRICS } from '../sidecar/src/metrics/names.ts'

/** Names an expression may use, with where each comes from (for messages). */
export function knownMetrics (config: MonitoringConfig, groups: readonly RuleGroup[] = ruleGroups(config)): Map<string, string> {
  const known = new Map<string, string>([['up', 'Prometheus scrape']])
  for (const key of Object.keys(METRICS) as Array<keyof typeof METRICS>) {
    const name = sidecarMetric(config, key)
    if (METRICS[key].type === 'histogram') {
      for (const suffix of ['_bucket', '_sum', '_count']) known.set(name + suffix, 'sidecar (names.ts)')
    } else {
      known.set(name, 'sidecar (names.ts)')
    }
  }
  for (const name of MM2_JMX_METRIC_NAMES) known.set(name, 'MM2 JMX exporter (mm2-jmx-metrics.ts)')
  for (const group of groups) {
    for (const rule of group.rules) if ('record' in rule) known.set(rule.record, `recording rule in ${group.name}`)
  }
  return known
}

/** The names.ts conventions: counters end with _total, nothing else does, histograms carry no suffix. */
export function lintMetricDefinitions (): string[] {
  const problems: string[] = []
  for (const [key, definition] of Object.entries(METRICS)) {
    const total = definition.name.endsWith('_total')
    if (definition.type === 'counter' && !total) problems.push(`names.ts ${key}: counter ${definition.name} must end with _total`)
    if (definition.type !== 'counter' && total) problems.push(`names.ts ${key}: ${definition.type} ${definition.name} must not end with _total`)
    if (definition.type === 'histogram' && /_(bucket|sum|count)$/.test(definition.name)) {
      problems.push(`names.ts ${key}: histogram ${definition.name} must not end with _bucket, _sum or _count`)
    }
  }
  return problems
}

// Grafana replaces these before Prometheus sees the query; any duration parses the same way.
const GRAFANA_MACROS = /\$__(rate_interval|interval|range|range_s|range_ms)\b/g

export interface PromqlFacts {
  readonly metrics: readonly string[]
  readonly problems: readonly string[]
  /** Every vector selector: its metric name ('' when it has none) and its matchers as `label op "value"` text. */
  readonly selectors: ReadonlyArray<{ readonly metric: string, readonly matchers: readonly string[] }>
}

/** Parses one expression and returns the metric names it selects, or why it is wrong. */
export function inspectPromql (expr: string): PromqlFacts {
  const text = expr.replace(GRAFANA_MACROS, '5m')
  const problems: string[] = []
  const metrics: string[] = []
  const selectors: Array<{ metric: string, matchers: string[] }> = []
  const tree = parser.parse(text)
  tree.iterate({
    enter: (node) => {
      if (node.type.isError) {
        problems.push(`does not parse at position ${node.from}: ${JSON.stringify(text.slice(Math.max(0, node.from - 20), node.from + 20))}`)
        return false
      }
      if (node.name === 'VectorSelector') {
        const identifier = node.node.getChild('Identifier')
        if (identifier === null) problems.push(`selects by __name__ instead of a metric name: ${text.slice(node.from, node.to)}`)
        else metrics.push(text.slice(identifier.from, identifier.to))
        const matchers = node.node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []
        selectors.push({
          metric: identifier === null ? '' : text.slice(identifier.from, identifier.to),
          matchers: matchers.map((matcher) => text.slice(matcher.from, matcher.to).replace(/\s+/g, ''))
        })
      }
      return undefined
    }
  })
  if (text.trim() === '') problems.push('is empty')
  return { metrics, problems, selectors }
}

/** Problems of one expression against the known names; each starts with `where`. */
export function lintPromql (expr: string, known: ReadonlyMap<string, string>, where: string): string[] {
  const facts = inspectPromql(expr)
  const problems = facts.problems.map((problem) => `${where}: ${problem}`)
  for (const name of facts.metrics) {
    if (!known.has(name)) problems.push(`${where}: metric ${name} is not exported by the sidecar (names.ts), not in the MM2 JMX list and not a recording rule`)
  }
  return problems
}

const LABEL_VALUES = /^label_values\((.+),\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$/

/**
 * Problems of one dashboard expression's selectors: each must carry the scope's variables, `job=~"$job"`,
 * `namespace=~"$namespace"` and `instance=~"$instance"` (MM2's metrics: `$mm2_job`, `$mm2_instance`). A
 * variable query lists one of them: the job variable needs none, namespace the job, instance job and namespace.
 */
export function lintScope (expr: string, scopes: { sidecar: Scope, mm2: Scope }, where: string, variable?: string): string[] {
  const problems: string[] = []
  for (const { metric, matchers } of inspectPromql(expr).selectors) {
    const scope = MM2_JMX_METRIC_NAMES.has(metric) ? scopes.mm2 : scopes.sidecar
    const required = [`job=~"$${scope.jobVariable}"`, 'namespace=~"$namespace"', `instance=~"$${scope.instanceVariable}"`]
    const needed = variable === scope.jobVariable ? 0 : variable === 'namespace' ? 1 : variable === scope.instanceVariable ? 2 : 3
    for (const matcher of required.slice(0, needed)) {
      if (!matchers.includes(matcher)) problems.push(`${where}: selector of ${metric} lacks ${matcher}, so deployments would merge`)
    }
  }
  return problems
}

interface PanelLike {
  id?: number
  type?: string
  title?: string
  description?: string
  datasource?: unknown
  fieldConfig?: { defaults?: { unit?: string } }
  targets?: Array<{ expr?: string, datasource?: unknown }>
  panels?: PanelLike[]
}

interface VariableLike { type?: string, name?: string, query?: unknown, datasource?: unknown }

function sameDatasource (value: unknown): boolean {
  return typeof value === 'object' && value !== null &&
    (value as { type?: unknown }).type === DATASOURCE.type && (value as { uid?: unknown }).uid === DATASOURCE.uid
}

/** Problems of one rendered dashboard. */
export function lintDashboard (
  dashboard: Record<string, unknown>,
  expectedUid: string,
  known: ReadonlyMap<string, string>,
  scopes?: { sidecar: Scope, mm2: Scope }
): string[] {
  const title = String(dashboard.title)
  const problems: string[] = []
  if (dashboard.uid !== expectedUid) problems.push(`dashboard ${title}: uid is ${String(dashboard.uid)}, expected the fixed ${expectedUid}`)
  if (typeof dashboard.uid === 'string' && dashboard.uid.length > 40) {
    problems.push(`dashboard ${title}: uid ${dashboard.uid} is longer than Grafana's 40 characters`)
  }
  const variables = ((dashboard.templating as { list?: VariableLike[] } | undefined)?.list ?? [])
  const datasourceVariable = variables.find((variable) => variable.name === 'datasource')
  if (datasourceVariable?.type !== 'datasource' || datasourceVariable.query !== 'prometheus') {
    problems.push(`dashboard ${title}: needs a Prometheus datasource variable named "datasource"`)
  }
  for (const variable of variables) {
    if (variable.type !== 'query') continue
    const where = `dashboard ${title} variable ${String(variable.name)}`
    if (!sameDatasource(variable.datasource)) problems.push(`${where}: datasource must be \${datasource}`)
    const match = typeof variable.query === 'string' ? LABEL_VALUES.exec(variable.query) : null
    if (match === null) problems.push(`${where}: query must be label_values(<selector>, <label>) (got ${JSON.stringify(variable.query)})`)
    else {
      problems.push(...lintPromql(match[1] ?? '', known, where))
      if (scopes !== undefined) problems.push(...lintScope(match[1] ?? '', scopes, where, variable.name))
    }
  }
  const ids = new Set<number>()
  const panels = ((dashboard.panels as PanelLike[] | undefined) ?? []).flatMap((panel) => [panel, ...(panel.panels ?? [])])
  for (const panel of panels) {
    const where = `dashboard ${title} panel ${JSON.stringify(panel.title)}`
    if (typeof panel.id !== 'number') problems.push(`${where}: needs a fixed numeric id`)
    else if (ids.has(panel.id)) problems.push(`${where}: id ${panel.id} is used twice`)
    else ids.add(panel.id)
    if (panel.type === 'row') continue
    if (typeof panel.description !== 'string' || panel.description.trim() === '') problems.push(`${where}: needs a description`)
    const unit = panel.fieldConfig?.defaults?.unit
    if (typeof unit !== 'string' || unit.trim() === '') problems.push(`${where}: needs a unit`)
    if (!sameDatasource(panel.datasource)) problems.push(`${where}: datasource must be the \${datasource} variable`)
    const targets = panel.targets ?? []
    if (targets.length === 0) problems.push(`${where}: has no query`)
    targets.forEach((target, index) => {
      if (!sameDatasource(target.datasource)) problems.push(`${where} query ${index + 1}: datasource must be the \${datasource} variable`)
      problems.push(...lintPromql(target.expr ?? '', known, `${where} query ${index + 1}`))
      if (scopes !== undefined) problems.push(...lintScope(target.expr ?? '', scopes, `${where} query ${index + 1}`))
    })
  }
  return problems
}

const ALERT_NAME = /^MM2[A-Z][A-Za-z0-9]*$/

/** Problems of the rule groups: expressions, names, and the labels and annotations every alert needs. */
export function lintRules (groups: readonly RuleGroup[], known: ReadonlyMap<string, string>, config: MonitoringConfig): string[] {
  const problems: string[] = []
  const seen = new Set<string>()
  for (const group of groups) {
    for (const rule of group.rules as ReadonlyArray<AlertRule | RecordingRule>) {
      if ('record' in rule) {
        if (!/^[a-z_]+:[a-zA-Z0-9_]+:[a-zA-Z0-9_]+$/.test(rule.record)) problems.push(`recording rule ${rule.record}: name must be level:metric:operations`)
        problems.push(...lintPromql(rule.expr, known, `recording rule ${rule.record}`))
        continue
      }
      const where = `alert ${rule.alert}`
      if (!ALERT_NAME.test(rule.alert)) problems.push(`${where}: name must be PascalCase starting with MM2`)
      if (seen.has(rule.alert)) problems.push(`${where}: defined twice`)
      seen.add(rule.alert)
      if (!['critical', 'warning'].includes(rule.labels.severity)) problems.push(`${where}: labels.severity must be critical or warning`)
      if (rule.annotations.summary.trim() === '') problems.push(`${where}: needs annotations.summary`)
      if (!rule.annotations.description.includes('{{ $labels.') && !rule.annotations.description.includes('{{ with $labels.')) {
        problems.push(`${where}: annotations.description must name what it is about from labels ({{ $labels.group }}, ...)`)
      }
      const link = runbookUrl(config, rule.alert)
      if (rule.annotations.runbook_url !== link) problems.push(`${where}: runbook_url must be ${link}`)
      problems.push(...lintPromql(rule.expr, known, where))
    }
  }
  return problems
}

/** Everything the bundle renders for a config, linted; empty when clean. */
export function lintBundle (config: MonitoringConfig): string[] {
  const groups = ruleGroups(config)
  const known = knownMetrics(config, groups)
  const scopes = { sidecar: sidecarScope(config), mm2: mm2Scope(config) }
  return [
    ...lintMetricDefinitions(),
    ...renderDashboards(config).flatMap((rendered) => lintDashboard(rendered.dashboard, dashboardUid(config, rendered.slug), known, scopes)),
    ...lintRules(groups, known, config)
  ]
}
