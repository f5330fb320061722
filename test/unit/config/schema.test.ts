import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { CONFIG_KEYS, defaultConfig, envName, referenceConfigYaml, resolveConfig } from '../../../sidecar/src/config/schema.ts'
import { loadSidecarConfig } from '../../../sidecar/src/config/load.ts'
import { isMm2FailbackError } from '../../../sidecar/src/errors.ts'

const root = new URL('../../../', import.meta.url).pathname

function problemsOf (fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    if (isMm2FailbackError(error, 'MM2_CONFIG_INVALID')) return error.message
    throw error
  }
  throw new Error('expected a config error')
}

describe('sidecar config schema', () => {
  it('every key of the defaults is described, and every described key has a default', () => {
    const defaults = defaultConfig() as unknown as Record<string, Record<string, unknown>>
    const leafPaths = Object.entries(defaults).flatMap(([group, values]) => Object.keys(values).map((key) => `${group}.${key}`))
    expect(CONFIG_KEYS.map((leaf) => leaf.path).sort()).toEqual(leafPaths.sort())
  })

  it('spells environment variables from the key path', () => {
    expect(envName('metrics.port')).toBe('MM2_FAILBACK_METRICS_PORT')
    expect(envName('groupSync.allowRewind')).toBe('MM2_FAILBACK_GROUP_SYNC_ALLOW_REWIND')
  })

  it('applies layers in order and parses strings from env and flags', () => {
    const config = resolveConfig([
      { path: 'metrics.port', value: 1000, origin: 'file' },
      { path: 'metrics.port', value: '2000', origin: 'env' },
      { path: 'features.groupSync', value: 'false', origin: '--set' },
      { path: 'groupSync.include', value: 'orders-.*, billing', origin: '--set' }
    ])
    expect(config.metrics.port).toBe(2000)
    expect(config.features.groupSync).toBe(false)
    expect(config.groupSync.include).toEqual(['orders-.*', 'billing'])
  })

  it('reports every problem at once with key path and origin', () => {
    const message = problemsOf(() => resolveConfig([
      { path: 'metrics.port', value: 70000, origin: 'sidecar.yaml' },
      { path: 'metrics.prot', value: 1, origin: 'sidecar.yaml' },
      { path: 'log.level', value: 'loud', origin: 'env MM2_FAILBACK_LOG_LEVEL' },
      { path: 'groupSync.include', value: ['('], origin: 'sidecar.yaml' }
    ]))
    expect(message).toContain('4 configuration problems')
    expect(message).toContain('sidecar.yaml: metrics.port must be between 0 and 65535 (got 70000).')
    expect(message).toContain('sidecar.yaml: unknown key metrics.prot (did you mean metrics.port?).')
    expect(message).toContain('env MM2_FAILBACK_LOG_LEVEL: log.level must be one of debug, info, warn, error (got "loud").')
    expect(message).toContain('"(" is not a valid regular expression')
  })

  it('checks groupSync.include and exclude as Java regexes, as MM2\'s group filters are', () => {
    const config = resolveConfig([{ path: 'groupSync.include', value: ['(?i)app-.*', '\\Qbilling.v1\\E'], origin: 'sidecar.yaml' }])
    expect(config.groupSync.include).toEqual(['(?i)app-.*', '\\Qbilling.v1\\E'])
    expect(problemsOf(() => resolveConfig([{ path: 'groupSync.exclude', value: ['app\\b.*'], origin: 'sidecar.yaml' }])))
      .toBe('groupSync.exclude: "app\\\\b.*" is not a valid regular expression for mm2-failback: ' +
        '\\b (a word boundary) changed meaning for non-ASCII letters in Java 19, so it depends on the JVM running MM2 (at index 3).')
  })

  it('keeps the coordination heartbeat well inside the session timeout', () => {
    expect(problemsOf(() => resolveConfig([{ path: 'coordination.heartbeatIntervalMs', value: '5000', origin: '--set' }])))
      .toBe('coordination.heartbeatIntervalMs (5000) must be at most a third of coordination.sessionTimeoutMs (10000).')
    expect(resolveConfig([{ path: 'coordination.heartbeatIntervalMs', value: '3000', origin: '--set' }]).coordination.heartbeatIntervalMs).toBe(3000)
  })

  it('loads YAML, env and --set with the documented precedence; ignores unknown env', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm2fb-config-'))
    const file = join(dir, 'sidecar.yaml')
    writeFileSync(file, 'metrics:\n  port: 9500\n  host: 0.0.0.0\nfeatures:\n  lag: false\n')
    const config = await loadSidecarConfig({ file, env: { MM2_FAILBACK_METRICS_PORT: '9600', MM2_FAILBACK_SOMETHING_ELSE: 'x' }, sets: ['log.format=text'] })
    expect(config.metrics).toMatchObject({ port: 9600, host: '0.0.0.0' })
    expect(config.features.lag).toBe(false)
    expect(config.log.format).toBe('text')
  })

  it('names the file when it is missing or not YAML, and rejects a bad --set', async () => {
    await expect(loadSidecarConfig({ file: '/nonexistent/sidecar.yaml' }))
      .rejects.toThrow('cannot read sidecar config /nonexistent/sidecar.yaml: no such file (ENOENT).')
    const dir = mkdtempSync(join(tmpdir(), 'mm2fb-config-'))
    writeFileSync(join(dir, 'bad.yaml'), 'metrics: [1,\n')
    await expect(loadSidecarConfig({ file: join(dir, 'bad.yaml') })).rejects.toThrow(/bad.yaml is not valid YAML/)
    await expect(loadSidecarConfig({ sets: ['metrics.port'] })).rejects.toThrow('--set takes key=value')
  })

  it('docs/reference-config.yaml is current and loads as a valid config equal to the defaults', async () => {
    const committed = readFileSync(join(root, 'docs/reference-config.yaml'), 'utf8')
    expect(committed).toBe(referenceConfigYaml())
    expect(resolveConfig([])).toEqual(defaultConfig())
    expect(await loadSidecarConfig({ file: join(root, 'docs/reference-config.yaml') })).toEqual(defaultConfig())
    expect(parse(committed)).toBeTypeOf('object')
  })
})
