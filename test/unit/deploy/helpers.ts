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

/** The kustomizations test/unit/deploy/kubeconform.test.ts validates; every overlay and the base. */
export const KUSTOMIZATIONS = ['deploy/kubernetes/base', 'deploy/kubernetes/overlays/sidecar-container', 'deploy/kubernetes/overlays/strimzi'] as const

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

/** The rendered manifests of a kustomization directory (repository-relative); built once per test file. */
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
