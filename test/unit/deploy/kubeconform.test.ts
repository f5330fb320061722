// kubeconform -strict on every kustomization of deploy/kubernetes, against local JSON schemas only:
// Kubernetes' built-in kinds (PyPI kubernetes-validate), Strimzi's CRDs (io.strimzi:api tests jar) and
// prometheus-operator's CRDs (its Go module), converted by scripts/deploy-tools.ts, which scripts/setup.sh
// runs. A missing tool or schema set fails these tests with a message; nothing is skipped, and kubeconform
// runs without -ignore-missing-schemas, so a kind without a schema is an error too. The negative cases show
// that the schemas are strict where it matters (an unknown field is rejected for each kind we ship).
import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { crdSchemaToJsonSchema } from '../../../scripts/deploy-tools.ts'
import {
  KUBECONFORM, KUBERNETES_VERSIONS, kubeconformArgs, schemaStamp, schemasDir, schemasMarker, toolMarker, toolPath
} from '../../../deploy/validation.ts'
import { KUSTOMIZATIONS, find, kustomizeBuild, runCommand, type K8sResource } from './helpers.ts'

interface KubeconformOutput {
  resources: Array<{ filename: string, kind: string, name: string, version: string, status: string, msg: string }>
  summary: { valid: number, invalid: number, errors: number, skipped: number }
}

function requireTools (): void {
  const missing: string[] = []
  if (!existsSync(toolPath(KUBECONFORM)) || !existsSync(toolMarker(KUBECONFORM)) ||
    readFileSync(toolMarker(KUBECONFORM), 'utf8').trim() !== `${KUBECONFORM.module}@${KUBECONFORM.version}`) {
    missing.push(`kubeconform ${KUBECONFORM.version} in ${toolPath(KUBECONFORM)}`)
  }
  if (!existsSync(schemasMarker()) || readFileSync(schemasMarker(), 'utf8') !== schemaStamp()) missing.push(`the JSON schemas in ${schemasDir()}`)
  if (missing.length > 0) throw new Error(`missing ${missing.join(' and ')}: run scripts/setup.sh (or node scripts/deploy-tools.ts).`)
}

function kubeconform (manifests: string, kubernetesVersion: string): { status: number | null, output: KubeconformOutput, raw: string } {
  requireTools()
  const result = runCommand(toolPath(KUBECONFORM), kubeconformArgs(kubernetesVersion), manifests)
  let output: KubeconformOutput
  try {
    output = JSON.parse(result.stdout) as KubeconformOutput
  } catch {
    throw new Error(`kubeconform printed no JSON (status ${result.status}):\n${result.stdout}${result.stderr}`)
  }
  output.resources ??= []
  return { status: result.status, output, raw: result.stdout + result.stderr }
}

const toYaml = (resources: readonly K8sResource[]): string => resources.map((resource) => stringify(resource)).join('---\n')

const EXPECTED_KINDS: Record<(typeof KUSTOMIZATIONS)[number], string[]> = {
  'deploy/kubernetes/base': ['ConfigMap', 'Deployment', 'Service', 'ServiceAccount', 'ServiceMonitor'],
  'deploy/kubernetes/overlays/sidecar-container': ['ConfigMap', 'Deployment', 'PrometheusRule', 'Service', 'ServiceAccount', 'ServiceMonitor'],
  // Only the sidecar and its monitoring: the KafkaMirrorMaker2 it attaches to is the user's.
  'deploy/kubernetes/overlays/strimzi': [
    'ConfigMap', 'Deployment', 'PodDisruptionBudget', 'PodMonitor', 'PrometheusRule', 'Service', 'ServiceAccount', 'ServiceMonitor'
  ],
  'deploy/kubernetes/examples/strimzi': ['KafkaConnect', 'KafkaConnector', 'KafkaMirrorMaker2']
}

describe('kubeconform -strict on deploy/kubernetes', () => {
  for (const dir of KUSTOMIZATIONS) {
    for (const version of KUBERNETES_VERSIONS) {
      it(`${dir} is valid for Kubernetes ${version}`, () => {
        const { text, resources } = kustomizeBuild(dir)
        expect([...new Set(resources.map((resource) => resource.kind))].sort()).toEqual(EXPECTED_KINDS[dir])
        const { status, output, raw } = kubeconform(text, version)
        const problems = output.resources.filter((resource) => resource.status !== 'statusValid')
          .map((resource) => `${resource.kind}/${resource.name}: ${resource.msg}`)
        expect(problems, raw).toEqual([])
        expect(output.summary, raw).toEqual({ valid: resources.length, invalid: 0, errors: 0, skipped: 0 })
        expect(status, raw).toBe(0)
      })
    }
  }
})

describe('kubeconform rejects what the manifests must not contain', () => {
  const version = KUBERNETES_VERSIONS.at(-1)!
  // One unknown field in a nested object of each kind we ship: the schemas must be strict there.
  const cases: Array<[string, (typeof KUSTOMIZATIONS)[number], string, string, (resource: K8sResource) => void]> = [
    ['Deployment (container securityContext)', 'deploy/kubernetes/overlays/strimzi', 'Deployment', 'mm2-failback',
      (r) => { r.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystm = true }],
    ['Deployment (probe)', 'deploy/kubernetes/overlays/sidecar-container', 'Deployment', 'mirrormaker2',
      (r) => { r.spec.template.spec.containers[0].livenessProbe.httpGet.paht = '/healthz' }],
    ['Service', 'deploy/kubernetes/overlays/strimzi', 'Service', 'mm2-failback', (r) => { r.spec.ports[0].targetPortt = 'metrics' }],
    ['ServiceMonitor', 'deploy/kubernetes/overlays/strimzi', 'ServiceMonitor', 'mm2-failback', (r) => { r.spec.endpoints[0].portt = 'metrics' }],
    ['PodMonitor', 'deploy/kubernetes/overlays/strimzi', 'PodMonitor', 'mirrormaker2', (r) => { r.spec.podMetricEndpoints = r.spec.podMetricsEndpoints }],
    ['PrometheusRule', 'deploy/kubernetes/overlays/strimzi', 'PrometheusRule', 'mm2-failback', (r) => { r.spec.groups[1].rules[0].severity = 'critical' }],
    ['PodMonitor (metric relabeling)', 'deploy/kubernetes/overlays/strimzi', 'PodMonitor', 'mirrormaker2',
      (r) => { r.spec.podMetricsEndpoints[0].metricRelabelings[0].sourceLabel = ['__name__'] }],
    ['KafkaMirrorMaker2 (mirror)', 'deploy/kubernetes/examples/strimzi', 'KafkaMirrorMaker2', 'mm2-to-b', (r) => { r.spec.mirrors[0].groupPattern = '.*' }],
    ['KafkaMirrorMaker2 (v1beta2 field in v1)', 'deploy/kubernetes/examples/strimzi', 'KafkaMirrorMaker2', 'mm2-to-a', (r) => { r.spec.connectCluster = 'A' }],
    ['KafkaMirrorMaker2 (wrong type)', 'deploy/kubernetes/examples/strimzi', 'KafkaMirrorMaker2', 'mm2-to-a', (r) => { r.spec.replicas = 'one' }],
    ['KafkaConnect (pod template)', 'deploy/kubernetes/examples/strimzi', 'KafkaConnect', 'mm2-heartbeats-a',
      (r) => { r.spec.template.pod.volumes[0].secrets = r.spec.template.pod.volumes[0].secret }],
    ['KafkaConnector', 'deploy/kubernetes/examples/strimzi', 'KafkaConnector', 'mm2-heartbeats-a-to-b', (r) => { r.spec.connectorClass = r.spec.class }]
  ]
  for (const [title, dir, kind, name, mutate] of cases) {
    it(`an unknown or mistyped field in a ${title}`, () => {
      const { resources } = kustomizeBuild(dir)
      const resource = structuredClone(find(resources, kind, name))
      mutate(resource)
      const { status, output, raw } = kubeconform(toYaml([resource]), version)
      expect(output.summary, raw).toEqual({ valid: 0, invalid: 1, errors: 0, skipped: 0 })
      expect(status).not.toBe(0)
    })
  }

  it('a kind without a schema (no -ignore-missing-schemas)', () => {
    const { status, output, raw } = kubeconform(toYaml([{ apiVersion: 'example.com/v1', kind: 'Unknown', metadata: { name: 'x' } }]), version)
    expect(output.summary, raw).toEqual({ valid: 0, invalid: 0, errors: 1, skipped: 0 })
    expect(status).not.toBe(0)
  })
})

describe('CRD schema conversion (scripts/deploy-tools.ts)', () => {
  it('closes structural objects, keeps preserve-unknown-fields and junctor branches open, maps nullable and int-or-string', () => {
    const converted = crdSchemaToJsonSchema({
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            tls: {
              type: 'object',
              properties: { secretName: { type: 'string' }, pattern: { type: 'string' } },
              oneOf: [{ properties: { pattern: {} }, required: ['pattern'] }, { properties: { secretName: {} }, required: ['secretName'] }]
            },
            config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'string' } } },
            port: { 'x-kubernetes-int-or-string': true },
            note: { type: 'string', nullable: true }
          }
        }
      }
    })
    expect(converted).toEqual({
      type: 'object',
      additionalProperties: false,
      $schema: 'http://json-schema.org/draft-07/schema#',
      properties: {
        spec: {
          type: 'object',
          additionalProperties: false,
          properties: {
            tls: {
              type: 'object',
              additionalProperties: false,
              properties: { secretName: { type: 'string' }, pattern: { type: 'string' } },
              oneOf: [{ properties: { pattern: {} }, required: ['pattern'] }, { properties: { secretName: {} }, required: ['secretName'] }]
            },
            config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'string' } } },
            port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
            note: { type: ['string', 'null'] }
          }
        }
      }
    })
  })
})
