// Loads the sidecar's settings: defaults < YAML file (--config) < environment (MM2_FAILBACK_*) < --set
// flags. Unknown keys in the file are errors (they catch typos); unknown MM2_FAILBACK_* variables are
// ignored, as orchestrators inject their own.
import { readFile } from 'node:fs/promises'
import { parse as parseYaml } from 'yaml'
import { Mm2FailbackError } from '../errors.ts'
import { CONFIG_KEYS, envName, flattenObject, resolveConfig, type ConfigOverride, type SidecarConfig } from './schema.ts'

export interface LoadSidecarConfigOptions {
  /** Path of the YAML file, if any. */
  file?: string
  env?: NodeJS.ProcessEnv
  /** `key=value` strings from --set flags. */
  sets?: readonly string[]
}

export async function loadSidecarConfig (options: LoadSidecarConfigOptions = {}): Promise<SidecarConfig> {
  const layers: ConfigOverride[] = []
  if (options.file !== undefined) layers.push(...await fileLayer(options.file))
  layers.push(...envLayer(options.env ?? {}))
  layers.push(...setLayer(options.sets ?? []))
  return resolveConfig(layers)
}

async function fileLayer (file: string): Promise<ConfigOverride[]> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO'
    throw new Mm2FailbackError('MM2_CONFIG_INVALID', `cannot read sidecar config ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message} (${code}).`, { file }, { cause: error })
  }
  let parsed: unknown
  try {
    parsed = parseYaml(text)
  } catch (error) {
    const firstLine = (error as Error).message.split('\n')[0]
    throw new Mm2FailbackError('MM2_CONFIG_INVALID', `sidecar config ${file} is not valid YAML: ${firstLine}`, { file }, { cause: error })
  }
  if (parsed === null || parsed === undefined) return []
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Mm2FailbackError('MM2_CONFIG_INVALID', `sidecar config ${file} must be a mapping of sections (metrics, features, ...), got ${Array.isArray(parsed) ? 'a list' : typeof parsed}.`, { file })
  }
  return flattenObject(parsed, file)
}

function envLayer (env: NodeJS.ProcessEnv): ConfigOverride[] {
  const layers: ConfigOverride[] = []
  for (const leaf of CONFIG_KEYS) {
    const name = envName(leaf.path)
    const value = env[name]
    if (value !== undefined) layers.push({ path: leaf.path, value, origin: `env ${name}` })
  }
  return layers
}

function setLayer (sets: readonly string[]): ConfigOverride[] {
  return sets.map((entry) => {
    const index = entry.indexOf('=')
    if (index <= 0) throw new Mm2FailbackError('MM2_USAGE', `--set takes key=value, e.g. --set metrics.port=9465 (got ${JSON.stringify(entry)}).`)
    return { path: entry.slice(0, index).trim(), value: entry.slice(index + 1), origin: '--set' }
  })
}
