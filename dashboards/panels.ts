// Small builders shared by the three dashboards, so that every panel gets the same datasource
// variable, a unit, a description and a fixed id, and every template variable is built one way.
import {
  DashboardBuilder, DashboardCursorSync, DashboardLinkBuilder, DashboardLinkType, DatasourceVariableBuilder, MappingType,
  QueryVariableBuilder, RowBuilder, ThresholdsConfigBuilder, ThresholdsMode, VariableRefresh, VariableSort,
  type Panel, type RowPanel, type VariableModel
} from '@grafana/grafana-foundation-sdk/dashboard'
import type { Builder } from '@grafana/grafana-foundation-sdk/cog'
import {
  BigValueColorMode, BigValueGraphMode, GraphThresholdsStyleConfigBuilder, GraphThresholdsStyleMode, LegendDisplayMode,
  LegendPlacement, ReduceDataOptionsBuilder, SortOrder, TooltipDisplayMode, VizLegendOptionsBuilder, VizTooltipOptionsBuilder
} from '@grafana/grafana-foundation-sdk/common'
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus'
import * as stat from '@grafana/grafana-foundation-sdk/stat'
import * as table from '@grafana/grafana-foundation-sdk/table'
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries'
import { GENERATED_NOTE, matchers, sidecarMetric, type MonitoringConfig } from '../sidecar/src/metrics/monitoring/config.ts'

/** Every panel and query reads from the dashboard's datasource variable, never a fixed datasource. */
// eslint-disable-next-line no-template-curly-in-string -- Grafana's variable syntax, not a JavaScript template
export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const

export interface Query {
  readonly expr: string
  readonly legend?: string
  /** Table panels read the current value only. */
  readonly instant?: boolean
}

export interface PanelSpec {
  readonly title: string
  readonly description: string
  readonly unit: string
  readonly queries: readonly Query[]
  readonly width?: number
  readonly height?: number
  /** Values at or above which the panel turns orange and red. */
  readonly thresholds?: { readonly warning?: number, readonly critical?: number }
  readonly min?: number
  /** Value to text, e.g. { 0: 'down', 1: 'up' }. */
  readonly mappings?: Readonly<Record<number, { readonly text: string, readonly color: string }>>
  /** Tables with several queries: each query's value column by refId (A, B, ...), named and with a unit of its own. */
  readonly columns?: Readonly<Record<string, { readonly name: string, readonly unit?: string }>>
}

type AnyPanelBuilder = timeseries.PanelBuilder | stat.PanelBuilder | table.PanelBuilder

function targets (queries: readonly Query[]): DataqueryBuilder[] {
  return queries.map((query, index) => {
    const target = new DataqueryBuilder()
      .datasource(DATASOURCE)
      .refId(String.fromCharCode(65 + index))
      .expr(query.expr)
      .legendFormat(query.legend ?? '__auto')
    // Table panels want one row per series: an instant query in table format.
    return query.instant === true ? target.instant().format(PromQueryFormat.Table) : target.range()
  })
}

function common<T extends AnyPanelBuilder> (builder: T, id: number, spec: PanelSpec): T {
  builder
    .id(id)
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .unit(spec.unit)
    .span(spec.width ?? 12)
    .height(spec.height ?? 8)
    .targets(targets(spec.queries))
  if (spec.min !== undefined) builder.min(spec.min)
  const steps: Array<{ value: number | null, color: string }> = [{ value: null, color: 'green' }]
  if (spec.thresholds?.warning !== undefined) steps.push({ value: spec.thresholds.warning, color: 'orange' })
  if (spec.thresholds?.critical !== undefined) steps.push({ value: spec.thresholds.critical, color: 'red' })
  builder.thresholds(new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps))
  if (spec.mappings !== undefined) {
    builder.mappings([{
      type: MappingType.ValueToText,
      options: Object.fromEntries(Object.entries(spec.mappings).map(([value, mapping], index) => [value, { ...mapping, index }]))
    }])
  }
  return builder
}

/** Hands out panel ids in order, so a dashboard's ids are fixed by its source. */
export class PanelIds {
  #next = 1
  take (): number { return this.#next++ }
}

export function timeseriesPanel (ids: PanelIds, spec: PanelSpec): Builder<Panel> {
  const builder = common(new timeseries.PanelBuilder(), ids.take(), spec)
    .legend(new VizLegendOptionsBuilder().displayMode(LegendDisplayMode.Table).placement(LegendPlacement.Bottom).showLegend(true).calcs(['lastNotNull', 'max']))
    .tooltip(new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending))
    .lineWidth(1)
    .fillOpacity(10)
  if (spec.thresholds !== undefined) builder.thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed))
  return builder
}

export function statPanel (ids: PanelIds, spec: PanelSpec): Builder<Panel> {
  return common(new stat.PanelBuilder(), ids.take(), { width: 6, height: 4, ...spec })
    .colorMode(BigValueColorMode.Background)
    .graphMode(BigValueGraphMode.None)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).fields('').values(false))
}

export function tablePanel (ids: PanelIds, spec: PanelSpec): Builder<Panel> {
  const builder = common(new table.PanelBuilder(), ids.take(), { ...spec, queries: spec.queries.map((query) => ({ ...query, instant: true })) })
    .withTransformation({ id: 'merge', options: {} })
    .withTransformation({ id: 'organize', options: { excludeByName: { Time: true } } })
  for (const [refId, column] of Object.entries(spec.columns ?? {})) {
    // After the merge, the value of query X is the field "Value #X".
    const unit = column.unit === undefined ? [] : [{ id: 'unit', value: column.unit }]
    builder.overrideByName(`Value #${refId}`, [{ id: 'displayName', value: column.name }, ...unit])
  }
  return builder
}

export function row (ids: PanelIds, title: string): Builder<RowPanel> {
  return new RowBuilder(title).id(ids.take())
}

export interface VariableSpec {
  readonly name: string
  readonly label: string
  readonly description: string
  /** A Grafana `label_values(<selector>, <label>)` query. */
  readonly query: string
}

/** The `datasource` variable that every panel reads from. */
export function datasourceVariable (): Builder<VariableModel> {
  return new DatasourceVariableBuilder('datasource')
    .label('Data source')
    .description('The Prometheus that scrapes the mm2-failback sidecar and MirrorMaker 2.')
    .type('prometheus')
}

/** A multi-value label variable whose "All" is `.*`, so series with an empty label still match. */
export function labelVariable (spec: VariableSpec): Builder<VariableModel> {
  return new QueryVariableBuilder(spec.name)
    .label(spec.label)
    .description(spec.description)
    .datasource(DATASOURCE)
    .query(spec.query)
    .definition(spec.query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ selected: true, text: ['All'], value: ['$__all'] })
}

/**
 * Which deployment a dashboard shows: its scrape job, namespace and instance, as template variables, so
 * that two deployments in one Prometheus do not merge in every panel. namespace and instance are optional
 * labels: their "All" is `.*`, which also matches series without the label (a scrape outside Kubernetes).
 */
export interface Scope {
  /** Variable names; MM2's differ from the sidecar's so that dashboard links carrying variables keep them apart. */
  readonly jobVariable: string
  readonly instanceVariable: string
  readonly jobLabel: string
  /** What the job scrapes, for descriptions. */
  readonly what: string
  /** The config's selector of the job: its `job="..."` is the job variable's default, the rest stays fixed. */
  readonly selector: string
  /** A metric every target of the job exports, to list jobs, namespaces and instances from. */
  readonly metric: string
}

export function sidecarScope (config: MonitoringConfig): Scope {
  return {
    jobVariable: 'job',
    instanceVariable: 'instance',
    jobLabel: 'Job',
    what: 'the mm2-failback sidecar',
    selector: config.selectors.sidecar,
    metric: sidecarMetric(config, 'buildInfo')
  }
}

export function mm2Scope (config: MonitoringConfig): Scope {
  return {
    jobVariable: 'mm2_job',
    instanceVariable: 'mm2_instance',
    jobLabel: 'MM2 job',
    what: 'MirrorMaker 2\'s JMX exporter',
    selector: config.selectors.mm2,
    metric: 'kafka_connect_worker_task_count'
  }
}

const MATCHER = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*")/g

/** The selector without its `job="..."` matcher, and that job (null when the selector has none). */
export function splitJob (selector: string): { job: string | null, rest: string } {
  let job: string | null = null
  const rest: string[] = []
  for (const match of selector.matchAll(MATCHER)) {
    if (match[1] === 'job' && match[2] === '=' && job === null) job = JSON.parse(match[3]!) as string
    else rest.push(match[0])
  }
  return { job, rest: rest.join(', ') }
}

/** The matchers every selector of the scope's metrics carries (without braces). */
export function scopeMatchers (scope: Scope): string {
  const { rest } = splitJob(scope.selector)
  return [rest, `job=~"$${scope.jobVariable}"`, 'namespace=~"$namespace"', `instance=~"$${scope.instanceVariable}"`].filter((part) => part !== '').join(', ')
}

/** The job, namespace and instance variables of a scope, in that order (each lists what the previous ones select). */
export function scopeVariables (scope: Scope): Array<Builder<VariableModel>> {
  const { job, rest } = splitJob(scope.selector)
  const jobQuery = `label_values(${scope.metric}${rest === '' ? '' : matchers(rest)}, job)`
  let jobVariable = new QueryVariableBuilder(scope.jobVariable)
    .label(scope.jobLabel)
    .description(`Prometheus job that scrapes ${scope.what}: one deployment at a time.`)
    .datasource(DATASOURCE)
    .query(jobQuery)
    .definition(jobQuery)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
  if (job !== null) jobVariable = jobVariable.current({ selected: true, text: job, value: job })
  return [
    jobVariable,
    labelVariable({
      name: 'namespace',
      label: 'Namespace',
      description: 'Kubernetes namespace of the targets; "All" also matches targets without a namespace label.',
      query: `label_values(${scope.metric}${matchers(rest, `job=~"$${scope.jobVariable}"`)}, namespace)`
    }),
    labelVariable({
      name: scope.instanceVariable,
      label: scope.jobVariable === 'job' ? 'Instance' : 'MM2 instance',
      description: `Scrape targets (instances) of ${scope.what}.`,
      query: `label_values(${scope.metric}${matchers(rest, `job=~"$${scope.jobVariable}"`, 'namespace=~"$namespace"')}, instance)`
    })
  ]
}

export interface DashboardSpec {
  readonly slug: string
  readonly title: string
  readonly description: string
  readonly variables: ReadonlyArray<Builder<VariableModel>>
  /** Rows and panels in order; rows start a new band. */
  readonly items: ReadonlyArray<{ readonly row: Builder<RowPanel> } | { readonly panel: Builder<Panel> }>
}

/** The fixed UID of a dashboard: `<prefix>-<slug>`. */
export function dashboardUid (config: MonitoringConfig, slug: string): string {
  return `${config.dashboardUidPrefix}-${slug}`
}

/** Builds a dashboard; the description opens with the generated-file note (JSON has no comments). */
export function buildDashboard (config: MonitoringConfig, spec: DashboardSpec): Record<string, unknown> {
  let builder = new DashboardBuilder(spec.title)
    .uid(dashboardUid(config, spec.slug))
    .description(`${GENERATED_NOTE}. ${spec.description}`)
    .tags([...config.dashboardTags])
    .editable()
    .refresh('1m')
    .time({ from: 'now-6h', to: 'now' })
    .timezone('browser')
    .tooltip(DashboardCursorSync.Crosshair)
  for (const variable of spec.variables) builder = builder.withVariable(variable)
  for (const item of spec.items) builder = 'row' in item ? builder.withRow(item.row) : builder.withPanel(item.panel)
  builder = builder.link(new DashboardLinkBuilder('mm2-failback')
    // Every dashboard links to the others through their shared tag, keeping time and variables.
    .type(DashboardLinkType.Dashboards)
    .tags([config.dashboardTags[0] ?? 'mm2-failback'])
    .asDropdown(true)
    .includeVars(true)
    .keepTime(true)
    .icon('external link')
    .targetBlank(false))
  // Plain JSON data (the SDK's query objects carry marker methods), `description` first so that the
  // generated note is the first thing in the file.
  const { description, ...rest } = JSON.parse(JSON.stringify(builder.build())) as Record<string, unknown>
  return { description, ...rest }
}
