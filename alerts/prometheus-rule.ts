// The bundle's rules as a prometheus-operator PrometheusRule, for Kubernetes: the same groups as
// alerts/generated/mm2-failback.rules.yaml (ruleGroups), so the two cannot drift. `npm run generate` writes
// it to deploy/kubernetes/components/prometheus-rule/prometheusrule.yaml.
import { stringify } from 'yaml'
import { GENERATED_NOTE, type MonitoringConfig } from '../sidecar/src/metrics/monitoring/config.ts'
import { ruleGroups } from './rules.ts'

export const PROMETHEUS_RULE_NAME = 'mm2-failback'

/** The exact text of deploy/kubernetes/components/prometheus-rule/prometheusrule.yaml. */
export function renderPrometheusRule (config: MonitoringConfig): string {
  const resource = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: PROMETHEUS_RULE_NAME,
      labels: { 'app.kubernetes.io/name': 'mm2-failback', 'app.kubernetes.io/component': 'alerting' }
    },
    spec: { groups: ruleGroups(config) }
  }
  const body = stringify(resource, { lineWidth: 0, blockQuote: 'literal' })
  return `# ${GENERATED_NOTE}. Sources: alerts/rules.ts, sidecar/src/metrics/monitoring/config.ts (alerts/prometheus-rule.ts).\n${body}`
}
