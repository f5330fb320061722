// The dashboards: the committed JSON is exactly what the sources render (CI fails on drift), and the
// rendering is a pure function of the MonitoringConfig.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DEFAULT_MONITORING_CONFIG, GENERATED_NOTE, monitoringConfig } from '../../../sidecar/src/metrics/monitoring/config.ts'
import { DASHBOARD_SLUGS, renderDashboards, serializeDashboard } from '../../../dashboards/index.ts'

const generated = (file: string): string => readFileSync(new URL(`../../../dashboards/generated/${file}`, import.meta.url), 'utf8')

interface Panel { id: number, type: string, title: string, datasource?: unknown, targets?: Array<{ expr: string }> }
const panelsOf = (dashboard: Record<string, unknown>): Panel[] => dashboard.panels as Panel[]

describe('generated dashboards', () => {
  for (const rendered of renderDashboards(DEFAULT_MONITORING_CONFIG)) {
    it(`dashboards/generated/${rendered.file} is what npm run generate renders`, () => {
      // On failure: run `npm run generate` and commit the result.
      expect(generated(rendered.file)).toBe(serializeDashboard(rendered.dashboard))
    })
  }

  it('renders the three dashboards with fixed UIDs', () => {
    expect(renderDashboards(DEFAULT_MONITORING_CONFIG).map((entry) => [entry.file, entry.dashboard.uid])).toEqual([
      ['overview.json', 'mm2-failback-overview'],
      ['consumer-groups.json', 'mm2-failback-consumer-groups'],
      ['mirrormaker2.json', 'mm2-failback-mirrormaker2']
    ])
    expect(DASHBOARD_SLUGS).toEqual(['overview', 'consumer-groups', 'mirrormaker2'])
  })

  it('opens every file with the generated note', () => {
    for (const rendered of renderDashboards(DEFAULT_MONITORING_CONFIG)) {
      expect(serializeDashboard(rendered.dashboard).startsWith(`{\n  "description": "${GENERATED_NOTE}. `)).toBe(true)
    }
  })

  it('has the template variables datasource, job, namespace, instance, kafka_cluster, flow, group and topic (MM2: its own job and instance, source and target)', () => {
    const names = renderDashboards(DEFAULT_MONITORING_CONFIG).map((entry) =>
      (entry.dashboard.templating as { list: Array<{ name: string }> }).list.map((variable) => variable.name))
    expect(names).toEqual([
      ['datasource', 'job', 'namespace', 'instance', 'kafka_cluster', 'flow', 'group', 'topic'],
      ['datasource', 'job', 'namespace', 'instance', 'kafka_cluster', 'flow', 'group', 'topic'],
      ['datasource', 'mm2_job', 'namespace', 'mm2_instance', 'source', 'target', 'topic', 'group']
    ])
  })

  it('gives panels ids 1..n in order, so they never change between renders', () => {
    for (const rendered of renderDashboards(DEFAULT_MONITORING_CONFIG)) {
      const ids = panelsOf(rendered.dashboard).map((panel) => panel.id)
      expect(ids).toEqual(ids.map((_, index) => index + 1))
    }
  })

  it('is pure: two renders are identical', () => {
    expect(renderDashboards(DEFAULT_MONITORING_CONFIG)).toEqual(renderDashboards(DEFAULT_MONITORING_CONFIG))
  })

  it('follows the config: namespace, job selectors, UID prefix and thresholds', () => {
    const config = monitoringConfig({
      namespace: 'dr_sidecar',
      selectors: { sidecar: 'job="dr", env="prod"', mm2: 'job="mm2-prod"' },
      dashboardUidPrefix: 'prod-dr',
      thresholds: { replicationDelaySeconds: 42 }
    })
    const [overview, groups, mm2] = renderDashboards(config).map((entry) => entry.dashboard)
    expect([overview?.uid, groups?.uid, mm2?.uid]).toEqual(['prod-dr-overview', 'prod-dr-consumer-groups', 'prod-dr-mirrormaker2'])
    const overviewText = JSON.stringify(overview)
    // The config's job is the job variable's default; its other matchers stay in every selector.
    expect(overviewText).toContain('dr_sidecar_heartbeat_age_seconds{env=\\"prod\\", job=~\\"$job\\", namespace=~\\"$namespace\\", instance=~\\"$instance\\", flow=~\\"$flow\\"}')
    expect(overviewText).toContain('"current":{"selected":true,"text":"dr","value":"dr"}')
    expect(overviewText).not.toContain('mm2_failback_')
    expect(overviewText).toContain('"value":42')
    expect(JSON.stringify(mm2)).toContain('kafka_connect_mirror_source_connector_records_total{job=~\\"$mm2_job\\", namespace=~\\"$namespace\\", instance=~\\"$mm2_instance\\"')
    expect(JSON.stringify(mm2)).toContain('"current":{"selected":true,"text":"mm2-prod","value":"mm2-prod"}')
  })

  it('rejects an invalid config with every problem named', () => {
    expect(() => monitoringConfig({ namespace: '1x', dashboardUidPrefix: 'a'.repeat(30), for: { mm2Down: 'soon' } }))
      .toThrow(/namespace must be .*"1x".*for\.mm2Down must be a Prometheus duration .*"soon".*dashboardUidPrefix must be 1-24 characters/)
  })
})
