// Kafka config providers (KIP-297, KIP-887) in mm2.properties, resolved as MirrorMaker 2 resolves them
// (MirrorMakerConfig.transform -> ConfigTransformer), so that secrets can live outside the file:
//
//   config.providers = file, env, dir
//   config.providers.file.class = org.apache.kafka.common.config.provider.FileConfigProvider
//   config.providers.env.class = org.apache.kafka.common.config.provider.EnvVarConfigProvider
//   config.providers.dir.class = org.apache.kafka.common.config.provider.DirectoryConfigProvider
//   A.sasl.jaas.config = ... password="${file:/etc/mm2/secrets.properties:A.password}";
//   B.ssl.truststore.password = ${env:B_TRUSTSTORE_PASSWORD}
//   B.ssl.keystore.password = ${dir:/run/secrets:keystore-password}
//
// A reference is `${provider:[path:]key}` (ConfigTransformer's pattern, matched the same lazy way);
// references to providers that `config.providers` does not declare are left as written, as Kafka
// does. FileConfigProvider reads a properties file (UTF-8) and takes `key` from it; DirectoryConfig-
// Provider takes the whole content of file `key` in directory `path`; EnvVarConfigProvider takes the
// environment variable `key` (no path). Their `allowed.paths` and `allowlist.pattern` parameters are
// honoured. Where Kafka would leave a reference unresolved (missing file, key or variable, a class we
// cannot run), this reports it: a problem for the keys the sidecar connects with (bootstrap.servers,
// security.protocol, ssl.*, sasl.*), a warning elsewhere. Messages name files, keys and variables,
// never a resolved value. Pure: the file system and the environment come in through `io`.
import { isAbsolute, join, normalize } from 'node:path'
import { parseJavaProperties, type PropertiesEntry } from './java-properties.ts'

export interface ConfigProviderIo {
  /** Reads a file as UTF-8 text; throws (with an errno `code`) when it cannot. */
  readFile: (path: string) => string
  env: Readonly<Record<string, string | undefined>>
}

export interface ProviderIssue {
  readonly key: string
  readonly line: number
  readonly message: string
  /** True for a problem (the sidecar cannot work with the value), false for a warning. */
  readonly fatal: boolean
}

export interface ResolvedEntries {
  readonly entries: PropertiesEntry[]
  readonly issues: ProviderIssue[]
}

export const FILE_CONFIG_PROVIDER = 'org.apache.kafka.common.config.provider.FileConfigProvider'
export const DIRECTORY_CONFIG_PROVIDER = 'org.apache.kafka.common.config.provider.DirectoryConfigProvider'
export const ENV_VAR_CONFIG_PROVIDER = 'org.apache.kafka.common.config.provider.EnvVarConfigProvider'

type ProviderKind = 'file' | 'directory' | 'env'
const KINDS: Record<string, ProviderKind> = { [FILE_CONFIG_PROVIDER]: 'file', [DIRECTORY_CONFIG_PROVIDER]: 'directory', [ENV_VAR_CONFIG_PROVIDER]: 'env' }

interface Provider {
  name: string
  className: string
  kind: ProviderKind | null
  /** allowed.paths (file, directory): absolute, normalised; null allows every path. */
  allowedPaths: string[] | null
  /** allowlist.pattern (env): null allows every variable. */
  allowlist: RegExp | null
}

// org.apache.kafka.common.config.ConfigTransformer.DEFAULT_PATTERN
const REFERENCE = /\$\{([^}]*?):(([^}]*?):)?([^}]*?)\}/g
const PROVIDERS_KEY = 'config.providers'

/** Keys whose values the sidecar's Kafka clients use: an unresolvable reference there is fatal. */
export function isConnectionKey (key: string): boolean {
  return /(^|\.)(bootstrap\.servers|security\.protocol)$/.test(key) || /(^|\.)(ssl|sasl)\./.test(key)
}

/** Resolves every `${provider:path:key}` reference in the values of `entries`; see the module comment. */
export function resolveConfigProviders (entries: readonly PropertiesEntry[], io: ConfigProviderIo): ResolvedEntries {
  const effective = new Map<string, PropertiesEntry>()
  for (const entry of entries) effective.set(entry.key, entry)
  const declared = effective.get(PROVIDERS_KEY)
  if (declared === undefined || declared.value.trim() === '') return { entries: [...entries], issues: [] }
  const issues: ProviderIssue[] = []
  const providers = new Map<string, Provider>()
  for (const name of declared.value.split(',').map((item) => item.trim()).filter((item) => item !== '')) {
    const classEntry = effective.get(`${PROVIDERS_KEY}.${name}.class`)
    if (classEntry === undefined) {
      issues.push({
        key: PROVIDERS_KEY,
        line: declared.line,
        message: `config provider ${JSON.stringify(name)} has no ${PROVIDERS_KEY}.${name}.class.`,
        fatal: false
      })
      continue
    }
    const className = classEntry.value.trim()
    const param = (key: string): PropertiesEntry | undefined => effective.get(`${PROVIDERS_KEY}.${name}.param.${key}`)
    const allowedPathsEntry = param('allowed.paths')
    const allowlistEntry = param('allowlist.pattern')
    let allowlist: RegExp | null = null
    if (allowlistEntry !== undefined) {
      try {
        allowlist = new RegExp(`^(?:${allowlistEntry.value.trim()})$`)
      } catch {
        issues.push({ key: allowlistEntry.key, line: allowlistEntry.line, message: `${allowlistEntry.key} is not a valid regular expression.`, fatal: true })
      }
    }
    const allowedPaths = allowedPathsEntry === undefined || allowedPathsEntry.value.trim() === ''
      ? null
      : allowedPathsEntry.value.split(',').map((path) => normalize(path.trim())).filter((path) => path !== '')
    providers.set(name, { name, className, kind: KINDS[className] ?? null, allowedPaths, allowlist })
  }

  const files = new Map<string, { properties: Map<string, string> } | { error: string }>()
  const readPropertiesFile = (path: string): { properties: Map<string, string> } | { error: string } => {
    let cached = files.get(path)
    if (cached === undefined) {
      try {
        const parsed = parseJavaProperties(io.readFile(path))
        cached = { properties: new Map([...parsed.properties].map(([key, entry]) => [key, entry.value])) }
      } catch (error) {
        cached = { error: errnoText(error) }
      }
      files.set(path, cached)
    }
    return cached
  }

  const resolved = entries.map((entry): PropertiesEntry => {
    if (entry.key === PROVIDERS_KEY || entry.key.startsWith(`${PROVIDERS_KEY}.`) || !entry.value.includes('${')) return entry
    const value = entry.value.replace(REFERENCE, (
      reference: string,
      name: string,
      _pathWithColon: string | undefined,
      path: string | undefined,
      key: string
    ) => {
      const provider = providers.get(name)
      if (provider === undefined) return reference
      const report = (reason: string): string => {
        issues.push({ key: entry.key, line: entry.line, message: `${entry.key}: cannot resolve ${reference}: ${reason}`, fatal: isConnectionKey(entry.key) })
        return reference
      }
      if (provider.kind === null) return report(`config provider ${JSON.stringify(name)} is ${provider.className}, which mm2-failback cannot run (it runs FileConfigProvider, DirectoryConfigProvider and EnvVarConfigProvider).`)
      if (provider.kind === 'env') {
        if (path !== undefined && path !== '') return report('EnvVarConfigProvider takes no path (write ${' + name + ':VARIABLE}).')
        if (provider.allowlist !== null && !provider.allowlist.test(key)) {
          return report(`variable ${key} does not match ${PROVIDERS_KEY}.${name}.param.allowlist.pattern.`)
        }
        const variable = io.env[key]
        return variable === undefined ? report(`environment variable ${key} is not set.`) : variable
      }
      if (path === undefined || path === '') return report(`${provider.kind === 'file' ? 'FileConfigProvider' : 'DirectoryConfigProvider'} needs a path (write \${${name}:/path:key}).`)
      if (provider.allowedPaths !== null) {
        const target = normalize(provider.kind === 'directory' ? join(path, key) : path)
        const underAllowedPath = (allowed: string): boolean => target === allowed || target.startsWith(allowed.endsWith('/') ? allowed : `${allowed}/`)
        if (!isAbsolute(target) || !provider.allowedPaths.some(underAllowedPath)) {
          return report(`${path} is not under ${PROVIDERS_KEY}.${name}.param.allowed.paths.`)
        }
      }
      if (provider.kind === 'directory') {
        if (key.includes('/') || key === '..' || key === '.') return report(`${key} is not a file name.`)
        try {
          return io.readFile(join(path, key))
        } catch (error) {
          return report(`cannot read ${join(path, key)} (${errnoText(error)}).`)
        }
      }
      const file = readPropertiesFile(path)
      if ('error' in file) return report(`cannot read ${path} (${file.error}).`)
      const found = file.properties.get(key)
      return found === undefined ? report(`${path} has no key ${key}.`) : found
    })
    return value === entry.value ? entry : { ...entry, value }
  })
  return { entries: resolved, issues }
}

function errnoText (error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code
  if (code === 'ENOENT') return 'no such file, ENOENT'
  if (code === 'EACCES') return 'permission denied, EACCES'
  if (code === 'EISDIR') return 'it is a directory, EISDIR'
  return code ?? (error instanceof Error ? error.message : String(error))
}
