// The dashboards of the bundle, rendered as the JSON files `npm run generate` writes to dashboards/generated/.
import type { MonitoringConfig } from '../sidecar/src/metrics/monitoring/config.ts'
import { CONSUMER_GROUPS_SLUG, consumerGroupsDashboard } from './consumer-groups.ts'
import { MIRRORMAKER2_SLUG, mirrorMaker2Dashboard } from './mirrormaker2.ts'
import { OVERVIEW_SLUG, overviewDashboard } from './overview.ts'

export interface RenderedDashboard {
  readonly slug: string
  /** File name under dashboards/generated/. */
  readonly file: string
  readonly dashboard: Record<string, unknown>
}

export const DASHBOARD_SLUGS = [OVERVIEW_SLUG, CONSUMER_GROUPS_SLUG, MIRRORMAKER2_SLUG] as const

/** Every dashboard of the bundle for a config; pure. */
export function renderDashboards (config: MonitoringConfig): RenderedDashboard[] {
  return [
    { slug: OVERVIEW_SLUG, dashboard: overviewDashboard(config) },
    { slug: CONSUMER_GROUPS_SLUG, dashboard: consumerGroupsDashboard(config) },
    { slug: MIRRORMAKER2_SLUG, dashboard: mirrorMaker2Dashboard(config) }
  ].map((entry) => ({ ...entry, file: `${entry.slug}.json` }))
}

/** The exact text of a generated dashboard file. */
export function serializeDashboard (dashboard: Record<string, unknown>): string {
  return JSON.stringify(dashboard, null, 2) + '\n'
}
