/* eslint-disable no-template-curly-in-string */
// "${provider:path:key}" strings below are Kafka config-provider references, not template literals.
// Config providers in mm2.properties (FileConfigProvider, DirectoryConfigProvider, EnvVarConfigProvider),
// resolved as MirrorMakerConfig.transform does; the file system and environment are stubbed, except in
// the loadMm2Config test, which uses real files and process.env.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isConnectionKey, resolveConfigProviders, type ConfigProviderIo } from '../../../sidecar/src/config/config-providers.ts'
import { parseJavaProperties } from '../../../sidecar/src/config/java-properties.ts'
import { loadMm2Config } from '../../../sidecar/src/config/load-mm2.ts'
import { parseMm2Properties } from '../../../sidecar/src/config/mm2-properties.ts'
import { reveal, Secret } from '../../../sidecar/src/core/mm2/secret.ts'
import { clusterClientOptions } from '../../../sidecar/src/kafka/mm2-cluster-options.ts'
import { isMm2FailbackError } from '../../../sidecar/src/errors.ts'

const PROVIDERS = [
  'config.providers = file, env, dir',
  'config.providers.file.class = org.apache.kafka.common.config.provider.FileConfigProvider',
  'config.providers.env.class = org.apache.kafka.common.config.provider.EnvVarConfigProvider',
  'config.providers.dir.class = org.apache.kafka.common.config.provider.DirectoryConfigProvider'
].join('\n') + '\n'

const AB = 'clusters = A, B\nA.bootstrap.servers = a:9092\nB.bootstrap.servers = b:9092\nA->B.enabled = true\n'

function io (files: Record<string, string>, env: Record<string, string> = {}): ConfigProviderIo & { reads: string[] } {
  const reads: string[] = []
  return {
    reads,
    readFile: (path) => {
      reads.push(path)
      const text = files[path]
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' })
      return text
    },
    env
  }
}

const resolve = (text: string, stub: ConfigProviderIo) => {
  const result = resolveConfigProviders(parseJavaProperties(text).entries, stub)
  return { values: Object.fromEntries(result.entries.map((entry) => [entry.key, entry.value])), issues: result.issues }
}

describe('resolveConfigProviders', () => {
  it('resolves file, env and directory references, several in one value, and reads each file once', () => {
    const stub = io({
      '/etc/mm2/secrets.properties': 'A.user = mm2\nA.password = s3cret=with:colon\n',
      '/run/secrets/keystore-password': 'ks-pass'
    }, { B_PASSWORD: 'from-env' })
    const { values, issues } = resolve(PROVIDERS +
      'A.sasl.jaas.config = x required username="${file:/etc/mm2/secrets.properties:A.user}" password="${file:/etc/mm2/secrets.properties:A.password}";\n' +
      'B.ssl.truststore.password = ${env:B_PASSWORD}\n' +
      'B.ssl.keystore.password = ${dir:/run/secrets:keystore-password}\n', stub)
    expect(issues).toEqual([])
    expect(values['A.sasl.jaas.config']).toBe('x required username="mm2" password="s3cret=with:colon";')
    expect(values['B.ssl.truststore.password']).toBe('from-env')
    expect(values['B.ssl.keystore.password']).toBe('ks-pass')
    expect(stub.reads.filter((path) => path === '/etc/mm2/secrets.properties')).toHaveLength(1)
  })

  it('leaves references alone when no provider is declared, or the provider is not one of config.providers (as Kafka does)', () => {
    const stub = io({})
    expect(resolve('A.ssl.key.password = ${fake:secret:password}\n', stub)).toEqual({ values: { 'A.ssl.key.password': '${fake:secret:password}' }, issues: [] })
    const { values, issues } = resolve('config.providers = env\nconfig.providers.env.class = org.apache.kafka.common.config.provider.EnvVarConfigProvider\nA.ssl.key.password = ${vault:secret/x:password}\n', stub)
    expect(values['A.ssl.key.password']).toBe('${vault:secret/x:password}')
    expect(issues).toEqual([])
  })

  it('never rewrites the config.providers keys themselves', () => {
    const { values } = resolve(PROVIDERS + 'config.providers.file.param.allowed.paths = ${env:X}\n', io({}, { X: '/etc' }))
    expect(values['config.providers.file.param.allowed.paths']).toBe('${env:X}')
  })

  it.each([
    ['a missing file', 'A.sasl.jaas.config = p="${file:/nope.properties:pw}"', 'A.sasl.jaas.config: cannot resolve ${file:/nope.properties:pw}: cannot read /nope.properties (no such file, ENOENT).'],
    ['a missing key', 'A.ssl.truststore.password = ${file:/etc/s.properties:other}', 'A.ssl.truststore.password: cannot resolve ${file:/etc/s.properties:other}: /etc/s.properties has no key other.'],
    ['an unset variable', 'B.sasl.jaas.config = p="${env:UNSET_VAR}"',
      'B.sasl.jaas.config: cannot resolve ${env:UNSET_VAR}: environment variable UNSET_VAR is not set.'],
    ['a path given to env', 'A.security.protocol = ${env:/x:VAR}', 'A.security.protocol: cannot resolve ${env:/x:VAR}: EnvVarConfigProvider takes no path (write ${env:VARIABLE}).'],
    ['a file reference without path', 'A.bootstrap.servers = ${file:key}', 'A.bootstrap.servers: cannot resolve ${file:key}: FileConfigProvider needs a path (write ${file:/path:key}).'],
    ['a missing directory entry', 'A.ssl.key.password = ${dir:/run/secrets:absent}', 'A.ssl.key.password: cannot resolve ${dir:/run/secrets:absent}: cannot read /run/secrets/absent (no such file, ENOENT).']
  ])('reports %s as a problem on a connection key, naming key and reference but no value', (_name, line, message) => {
    const { issues } = resolve(PROVIDERS + line + '\n', io({ '/etc/s.properties': 'pw = hunter2\n' }, {}))
    expect(issues).toEqual([{ key: line.split(' = ')[0], line: 5, message, fatal: true }])
  })

  it('reports an unresolvable reference on a key the sidecar does not connect with as a warning', () => {
    const { issues, values } = resolve(PROVIDERS + 'tasks.max = ${env:TASKS}\n', io({}))
    expect(issues).toEqual([{
      key: 'tasks.max',
      line: 5,
      message: 'tasks.max: cannot resolve ${env:TASKS}: environment variable TASKS is not set.',
      fatal: false
    }])
    expect(values['tasks.max']).toBe('${env:TASKS}')
  })

  it('reports a provider class it cannot run', () => {
    const { issues } = resolve('config.providers = vault\nconfig.providers.vault.class = com.example.VaultConfigProvider\nA.sasl.jaas.config = ${vault:kv/mm2:jaas}\n', io({}))
    expect(issues[0]?.message).toBe('A.sasl.jaas.config: cannot resolve ${vault:kv/mm2:jaas}: config provider "vault" is com.example.VaultConfigProvider, which mm2-failback cannot run (it runs FileConfigProvider, DirectoryConfigProvider and EnvVarConfigProvider).')
    expect(issues[0]?.fatal).toBe(true)
  })

  it('honours allowed.paths and allowlist.pattern', () => {
    const text = PROVIDERS +
      'config.providers.file.param.allowed.paths = /etc/mm2\n' +
      'config.providers.env.param.allowlist.pattern = MM2_.*\n' +
      'A.ssl.key.password = ${file:/etc/mm2/s.properties:pw}\n' +
      'B.ssl.key.password = ${file:/etc/other/s.properties:pw}\n' +
      'A.ssl.keystore.password = ${env:MM2_KEYSTORE}\n' +
      'B.ssl.keystore.password = ${env:HOME}\n'
    const files = { '/etc/mm2/s.properties': 'pw = a', '/etc/other/s.properties': 'pw = b' }
    const { values, issues } = resolve(text, io(files, { MM2_KEYSTORE: 'k', HOME: '/root' }))
    expect(values['A.ssl.key.password']).toBe('a')
    expect(values['A.ssl.keystore.password']).toBe('k')
    expect(issues.map((issue) => issue.message)).toEqual([
      'B.ssl.key.password: cannot resolve ${file:/etc/other/s.properties:pw}: /etc/other/s.properties is not under config.providers.file.param.allowed.paths.',
      'B.ssl.keystore.password: cannot resolve ${env:HOME}: variable HOME does not match config.providers.env.param.allowlist.pattern.'
    ])
  })

  it.each([
    ['bootstrap.servers', true], ['A.bootstrap.servers', true], ['A.security.protocol', true], ['B.admin.ssl.truststore.password', true],
    ['sasl.jaas.config', true], ['A.consumer.sasl.mechanism', true], ['tasks.max', false], ['A->B.topics', false], ['A.producer.batch.size', false]
  ])('isConnectionKey(%j) = %j', (key, expected) => {
    expect(isConnectionKey(key)).toBe(expected)
  })
})

describe('parseMm2Properties with config providers', () => {
  const stub = io(
    { '/etc/mm2/s.properties': 'password = Pa55w0rd\nservers = a1:9092,a2:9092\n' },
    { B_JAAS: 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="EnvPa55";' }
  )

  it('builds the model from resolved values; secrets stay masked', () => {
    const config = parseMm2Properties(PROVIDERS + AB.replace('a:9092', '${file:/etc/mm2/s.properties:servers}') +
      'A.security.protocol = SASL_SSL\nA.sasl.mechanism = SCRAM-SHA-512\n' +
      'A.sasl.jaas.config = org.apache.kafka.common.security.scram.ScramLoginModule required username="mm2" password="${file:/etc/mm2/s.properties:password}";\n' +
      'B.security.protocol = SASL_PLAINTEXT\nB.sasl.mechanism = PLAIN\nB.sasl.jaas.config = ${env:B_JAAS}\n', { configProviders: stub })
    const [a, b] = config.clusters
    expect(a?.bootstrapServers).toEqual(['a1:9092', 'a2:9092'])
    expect(a?.settings['sasl.jaas.config']).toBeInstanceOf(Secret)
    expect(clusterClientOptions(a!).sasl).toEqual({ mechanism: 'SCRAM-SHA-512', username: 'mm2', password: 'Pa55w0rd' })
    expect(clusterClientOptions(b!).sasl).toEqual({ mechanism: 'PLAIN', username: 'u', password: 'EnvPa55' })
    expect(reveal(b!.clients.admin['sasl.jaas.config']!)).toContain('EnvPa55')
    expect(JSON.stringify(config)).not.toMatch(/Pa55/)
    expect(config.warnings).toEqual([])
  })

  it('fails with MM2_CONFIG_INVALID naming file, line and reference when a connection secret cannot be resolved', () => {
    let error: unknown
    try {
      parseMm2Properties(PROVIDERS + AB + 'A.ssl.truststore.password = ${env:MISSING}\n', { configProviders: stub })
    } catch (caught) {
      error = caught
    }
    expect(isMm2FailbackError(error, 'MM2_CONFIG_INVALID')).toBe(true)
    expect((error as Error).message).toBe('mm2.properties line 9: A.ssl.truststore.password: cannot resolve ${env:MISSING}: environment variable MISSING is not set.')
  })

  it('only warns for other keys, and keeps the value as written', () => {
    const config = parseMm2Properties(PROVIDERS + AB + 'tasks.max = ${env:MISSING}\n', { configProviders: stub })
    expect(config.warnings).toEqual(['mm2.properties line 9: tasks.max: cannot resolve ${env:MISSING}: environment variable MISSING is not set. mm2-failback uses the value as written.'])
    expect(config.properties.get('tasks.max')?.value).toBe('${env:MISSING}')
  })

  it('without configProviders keeps every value as written', () => {
    const config = parseMm2Properties(PROVIDERS + AB + 'A.ssl.key.password = ${env:X}\n')
    expect(reveal(config.clusters[0]!.settings['ssl.key.password']!)).toBe('${env:X}')
  })
})

describe('loadMm2Config resolves against real files and process.env', () => {
  let dir = ''
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'mm2-providers-')) })
  afterAll(async () => {
    delete process.env.MM2_FAILBACK_TEST_B_PASSWORD
    await rm(dir, { recursive: true, force: true })
  })

  it('file and env references', async () => {
    await writeFile(join(dir, 'secrets.properties'), 'A.password = From-File-1\n')
    await mkdir(join(dir, 'secrets.d'))
    await writeFile(join(dir, 'secrets.d', 'truststore-password'), 'From-Dir-2')
    process.env.MM2_FAILBACK_TEST_B_PASSWORD = 'From-Env-3'
    const path = join(dir, 'mm2.properties')
    await writeFile(path, PROVIDERS + AB +
      'A.security.protocol = SASL_PLAINTEXT\nA.sasl.mechanism = SCRAM-SHA-256\n' +
      `A.sasl.jaas.config = org.apache.kafka.common.security.scram.ScramLoginModule required username="a" password="\${file:${join(dir, 'secrets.properties')}:A.password}";\n` +
      'B.security.protocol = SASL_PLAINTEXT\nB.sasl.mechanism = PLAIN\n' +
      'B.sasl.jaas.config = org.apache.kafka.common.security.plain.PlainLoginModule required username="b" password="${env:MM2_FAILBACK_TEST_B_PASSWORD}";\n' +
      `B.ssl.truststore.password = \${dir:${join(dir, 'secrets.d')}:truststore-password}\n`)
    const config = await loadMm2Config(path)
    expect(clusterClientOptions(config.clusters[0]!).sasl?.password).toBe('From-File-1')
    expect(clusterClientOptions(config.clusters[1]!).sasl?.password).toBe('From-Env-3')
    expect(reveal(config.clusters[1]!.settings['ssl.truststore.password']!)).toBe('From-Dir-2')
  })
})
