// Shared by the static checks of the deployment files (docker-compose.yml, Dockerfile, deploy/).
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse, parseAllDocuments } from 'yaml'
import { KUSTOMIZE, toolPath } from '../../../deploy/validation.ts'

export const root = fileURLToPath(new URL('../../../', import.meta.url))

export const read = (path: string): string => readFileSync(join(root, path), 'utf8')
export const readYaml = <T = unknown>(path: string): T => parse(read(path), { merge: true }) as T

/** The kustomizations test/unit/deploy/kubeconform.test.ts validates: the base, every overlay, and the Strimzi example. */
export const KUSTOMIZATIONS = [
  'deploy/kubernetes/base', 'deploy/kubernetes/overlays/sidecar-container', 'deploy/kubernetes/overlays/strimzi', 'deploy/kubernetes/examples/strimzi'
] as const

export interface K8sResource {
  apiVersion: string
  kind: string
  metadata: { name: string, labels?: Record<string, string>, annotations?: Record<string, string> }
  spec?: any
  data?: Record<string, string>
}

export interface Command { status: number | null, stdout: string, stderr: string }

/** Runs in the repository root; `env` replaces the environment when given. */
export function runCommand (command: string, args: string[], input?: string, env?: NodeJS.ProcessEnv): Command {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', input, env, maxBuffer: 64 * 1024 * 1024 })
  if (result.error !== undefined) throw result.error
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

/**
 * How a kustomization is built: the pinned kustomize from <cache>/bin (scripts/setup.sh installs it), else
 * `kubectl kustomize` when kubectl is on PATH. Neither: an error that says how to get one.
 */
export function kustomizeCommand (): { command: string, args: (dir: string) => string[], name: string } {
  const pinned = toolPath(KUSTOMIZE)
  if (existsSync(pinned)) return { command: pinned, args: (dir) => ['build', dir], name: `kustomize ${KUSTOMIZE.version}` }
  const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' })
  if (kubectl.error === undefined && kubectl.status === 0) return { command: 'kubectl', args: (dir) => ['kustomize', dir], name: 'kubectl kustomize' }
  throw new Error(`neither ${pinned} nor kubectl is available: run scripts/setup.sh (it installs kustomize ${KUSTOMIZE.version} with Go).`)
}

const builds = new Map<string, string>()

/** The rendered manifests of a kustomization directory (repository-relative, or absolute); built once per test file. */
export function kustomizeBuild (dir: string): { text: string, resources: K8sResource[] } {
  let text = builds.get(dir)
  if (text === undefined) {
    const kustomize = kustomizeCommand()
    const result = runCommand(kustomize.command, kustomize.args(dir))
    if (result.status !== 0) throw new Error(`${kustomize.name} ${dir} failed (${result.status}):\n${result.stderr}`)
    text = result.stdout
    builds.set(dir, text)
  }
  // Parsed anew on every call: callers may change what they get.
  const resources = parseAllDocuments(text).map((document) => document.toJS() as K8sResource).filter((resource) => resource !== null)
  return { text, resources }
}

export function find (resources: readonly K8sResource[], kind: string, name: string): K8sResource {
  const found = resources.find((resource) => resource.kind === kind && resource.metadata.name === name)
  if (found === undefined) throw new Error(`no ${kind} ${name} among ${resources.map((resource) => `${resource.kind}/${resource.metadata.name}`).join(', ')}`)
  return found
}

/** `/etc/x` -> the host file a compose volume list mounts there, if any (repository-relative). */
export function composeHostPath (volumes: readonly string[], target: string): string | undefined {
  for (const volume of volumes) {
    const [source, mounted] = volume.split(':')
    if (source === undefined || mounted === undefined || !source.startsWith('./')) continue
    if (mounted === target) return source.slice(2)
    if (target.startsWith(mounted + '/')) return join(source.slice(2), target.slice(mounted.length + 1))
  }
  return undefined
}

/** A sample as the Prometheus JMX exporter writes it. */
export interface JmxSample { name: string, type: string, labels: Record<string, string>, value: number }
export interface JmxRule { pattern: string, name: string, type?: string, value?: number, labels?: Record<string, string> }
export interface JmxExporterConfig { lowercaseOutputName?: boolean, rules: JmxRule[] }

/**
 * One MBean attribute run through exporter rules the way the JMX exporter does (also used by test/unit/dashboards/
 * jmx-exporter.test.ts for mm2-config/jmx-exporter.yaml): the attribute is written
 * `domain<key=value, ...><>attribute: value`, rules are tried in order against `^.*(?:pattern).*$`, and the first
 * that matches names the sample ($n groups, then characters outside [a-zA-Z0-9:_] to `_`, lowercased on request).
 */
export function jmxScrape (config: JmxExporterConfig, domain: string, properties: Array<[string, string]>, attribute: string, value: string | number):
JmxSample | undefined {
  const line = `${domain}<${properties.map(([key, val]) => `${key}=${val}`).join(', ')}><>${attribute}: ${value}`
  for (const rule of config.rules) {
    const match = new RegExp(`^.*(?:${rule.pattern}).*$`).exec(line)
    if (match === null) continue
    const expand = (template: string): string => template.replace(/\$(\d)/g, (_, group: string) => match[Number(group)] ?? '')
    let name = expand(rule.name).replace(/[^a-zA-Z0-9:_]/g, '_').replace(/__+/g, '_')
    if (config.lowercaseOutputName === true) name = name.toLowerCase()
    const labels = Object.fromEntries(Object.entries(rule.labels ?? {}).map(([key, template]) => [key, expand(template)]))
    return { name, type: rule.type ?? 'UNTYPED', labels, value: rule.value ?? Number(value) }
  }
  return undefined
}

/** A relabeling step of a prometheus-operator ServiceMonitor or PodMonitor (its field names). */
export interface Relabeling { action?: string, sourceLabels?: string[], separator?: string, regex?: string, targetLabel?: string, replacement?: string }

/**
 * Prometheus' relabeling of one series (labels including __name__) for the actions `replace`, `keep` and `drop`:
 * the source labels joined by the separator must match the whole regex (RE2; the ones used here mean the same in
 * JavaScript), and `replace` writes the replacement with Go's template expansion (`$1`, `${1}`; `$1s` names a
 * group "1s", which does not exist, so it expands to nothing). null: the series is dropped.
 */
export function relabel (labels: Record<string, string>, steps: readonly Relabeling[]): Record<string, string> | null {
  let current = { ...labels }
  for (const step of steps) {
    const action = (step.action ?? 'replace').toLowerCase()
    const value = (step.sourceLabels ?? []).map((label) => current[label] ?? '').join(step.separator ?? ';')
    const match = new RegExp(`^(?:${step.regex ?? '(.*)'})$`).exec(value)
    if (action === 'keep') {
      if (match === null) return null
    } else if (action === 'drop') {
      if (match !== null) return null
    } else if (action === 'replace') {
      if (match === null) continue
      const expanded = (step.replacement ?? '$1').replace(/\$(?:\{(\w+)\}|(\w+))/g, (_, braced?: string, bare?: string) => {
        const group = braced ?? bare ?? ''
        return /^\d+$/.test(group) ? match[Number(group)] ?? '' : match.groups?.[group] ?? ''
      })
      const target = step.targetLabel!
      current = { ...current }
      if (expanded === '') delete current[target]
      else current[target] = expanded
    } else {
      throw new Error(`relabel: action ${action} is not emulated here`)
    }
  }
  return current
}
