// Where the static checks of deploy/ find their tools and schemas, and which versions they pin. One
// place for scripts/deploy-tools.ts (installs them, from scripts/setup.sh) and test/unit/deploy/ (runs them).
//
//   <cache>/bin/kubeconform, <cache>/bin/kustomize        go install from the Go module proxy
//   <cache>/kubeconform-schemas/kubernetes/v<K>-standalone-strict/<kind>-<group>-<version>.json
//                                                         from the PyPI wheel kubernetes-validate
//   <cache>/kubeconform-schemas/crds/<group>/<kind>_<version>.json
//                                                         from Strimzi's io.strimzi:api tests jar (Maven
//                                                         Central) and the prometheus-operator Go module
// <cache> is ${MM2_FAILBACK_LAB_CACHE:-${XDG_CACHE_HOME:-~/.cache}/mm2-failback}, as for the lab's jars.
import { homedir } from 'node:os'
import { join } from 'node:path'

export interface GoTool {
  readonly name: string
  readonly module: string
  readonly version: string
}

export const KUBECONFORM: GoTool = { name: 'kubeconform', module: 'github.com/yannh/kubeconform/cmd/kubeconform', version: 'v0.8.0' }
/** v5.8.1 builds with Go >= 1.24 (v5.8.3 needs 1.27). */
export const KUSTOMIZE: GoTool = { name: 'kustomize', module: 'sigs.k8s.io/kustomize/kustomize/v5', version: 'v5.8.1' }

/** Kubernetes JSON schemas (strict) of these versions, from the wheel's `-local-strict` sets. */
export const KUBERNETES_SCHEMAS = {
  pypiPackage: 'kubernetes-validate',
  version: '1.37.0',
  wheel: 'kubernetes_validate-1.37.0-py3-none-any.whl',
  sha256: '85136d018a27b50ec7fc049d902bfa5193f5976807e6c0f408e3ab6fe078cad9'
} as const
/** The oldest and the newest Kubernetes version the manifests are validated against. */
export const KUBERNETES_VERSIONS = ['1.30.0', '1.37.0'] as const

/** Strimzi's CRDs as its own crd-generator renders them, in the `tests` jar of io.strimzi:api. */
export const STRIMZI_CRDS = {
  artifact: 'io.strimzi:api:0.50.0:jar:tests',
  jar: 'api-0.50.0-tests.jar',
  sha256: '660cec3c681be346d1ef0cf06c14752495baa6a7ab7bf3be7d72a626ef2ff66e',
  /** Every CRD with all its served versions (v1beta2 and v1). */
  directory: 'crds/v1beta2/'
} as const

/** ServiceMonitor, PodMonitor, PrometheusRule, ... from the prometheus-operator Go module. */
export const PROMETHEUS_OPERATOR_CRDS = {
  module: 'github.com/prometheus-operator/prometheus-operator',
  version: 'v0.91.0',
  directory: 'example/prometheus-operator-crd'
} as const

/** Bumped when scripts/deploy-tools.ts converts schemas differently, so that caches are rebuilt. */
export const SCHEMA_FORMAT = 2

export function cacheRoot (env: NodeJS.ProcessEnv = process.env): string {
  if (env.MM2_FAILBACK_LAB_CACHE) return env.MM2_FAILBACK_LAB_CACHE
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mm2-failback')
}

export function toolPath (tool: GoTool, env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), 'bin', tool.name)
}

/** Records which module@version a binary in <cache>/bin was built from. */
export function toolMarker (tool: GoTool, env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), 'bin', `.${tool.name}.version`)
}

export function schemasDir (env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), 'kubeconform-schemas')
}

/** The marker written once every schema set is in place; its content must equal schemaStamp(). */
export function schemasMarker (env: NodeJS.ProcessEnv = process.env): string {
  return join(schemasDir(env), '.complete')
}

export function schemaStamp (): string {
  return JSON.stringify({
    format: SCHEMA_FORMAT,
    kubernetes: `${KUBERNETES_SCHEMAS.pypiPackage}==${KUBERNETES_SCHEMAS.version}`,
    versions: KUBERNETES_VERSIONS,
    strimzi: STRIMZI_CRDS.artifact,
    prometheusOperator: `${PROMETHEUS_OPERATOR_CRDS.module}@${PROMETHEUS_OPERATOR_CRDS.version}`
  }) + '\n'
}

/** kubeconform's -schema-location templates: local directories only, built-ins first. */
export function schemaLocations (env: NodeJS.ProcessEnv = process.env): string[] {
  const dir = schemasDir(env)
  return [
    join(dir, 'kubernetes', '{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}', '{{ .ResourceKind }}{{ .KindSuffix }}.json'),
    join(dir, 'crds', '{{ .Group }}', '{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json')
  ]
}

/** Arguments of one kubeconform run over manifests read from standard input. */
export function kubeconformArgs (kubernetesVersion: string, env: NodeJS.ProcessEnv = process.env): string[] {
  return [
    '-strict', '-summary', '-output', 'json', '-kubernetes-version', kubernetesVersion,
    ...schemaLocations(env).flatMap((location) => ['-schema-location', location]),
    '-'
  ]
}
