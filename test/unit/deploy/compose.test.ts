// docker-compose.yml, statically (there is no Docker engine on CI): `docker-compose config -q` (Debian's
// docker-compose 1.29, which scripts/setup.sh installs) accepts it and rejects a broken copy, and the
// file agrees with the repository: every mounted file exists, images are pinned, published ports are bound to
// 127.0.0.1, every service has CPU and memory limits, Grafana's admin password has no default, MM2 and the
// sidecar read one mm2.properties whose clusters are the compose brokers, Prometheus scrapes the jobs the rules
// and dashboards select at the services' ports and loads the generated rules, Grafana provisions the generated
// dashboards, and the sidecar's settings pass the project's own loader.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parse, stringify } from 'yaml'
import { DEFAULT_MONITORING_CONFIG } from '../../../sidecar/src/metrics/monitoring/config.ts'
import { loadSidecarConfig } from '../../../sidecar/src/config/load.ts'
import { parseMm2Properties } from '../../../sidecar/src/config/mm2-properties.ts'
import { CONFIG_KEYS, envName } from '../../../sidecar/src/config/schema.ts'
import { composeHostPath, read, readYaml, root, runCommand } from './helpers.ts'

interface ComposeService {
  image?: string
  cpus?: number | string
  mem_limit?: string | number
  build?: { context: string, dockerfile: string }
  command?: string[]
  entrypoint?: string[]
  environment?: Record<string, string | number>
  ports?: string[]
  volumes?: string[]
  depends_on?: Record<string, { condition: string }>
  healthcheck?: { test: string[] }
}
interface Compose { services: Record<string, ComposeService>, volumes?: Record<string, unknown> }

const COMPOSE_FILE = 'docker-compose.yml'
const compose = readYaml<Compose>(COMPOSE_FILE)
const services = compose.services
const service = (name: string): ComposeService => {
  const found = services[name]
  if (found === undefined) throw new Error(`docker-compose.yml has no service ${name}`)
  return found
}
const selectorJob = (selector: string): string => /job="([^"]+)"/.exec(selector)![1]!

const scratch = mkdtempSync(join(tmpdir(), 'mm2-failback-compose-'))
afterAll(() => { rmSync(scratch, { recursive: true, force: true }) })

// docker-compose.yml requires it (Grafana's admin password has no default); a value with a `$` shows that it is
// passed on as it is.
const GRAFANA_ADMIN_PASSWORD = 'test-only-pa$$word'
// An empty env file, so that a developer's .env beside docker-compose.yml changes nothing here.
const emptyEnvFile = join(scratch, 'empty.env')
writeFileSync(emptyEnvFile, '')

/** `docker-compose config` (-q unless `print`), with exactly the environment given (plus PATH and HOME). */
function dockerCompose (file: string, options: { env?: Record<string, string>, print?: boolean } = {}):
{ status: number | null, output: string, stdout: string } {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...(options.env ?? { GRAFANA_ADMIN_PASSWORD }) }
  let result
  try {
    const args = ['-f', file, '--project-directory', root, '--env-file', emptyEnvFile, 'config', ...(options.print === true ? [] : ['-q'])]
    result = runCommand('docker-compose', args, undefined, env)
  } catch (error) {
    throw new Error(`cannot run docker-compose (${(error as Error).message}): install Debian's docker-compose package (apt-get install docker-compose) or run scripts/setup.sh as root.`)
  }
  return { status: result.status, output: result.stdout + result.stderr, stdout: result.stdout }
}

/** `512m`, `1g`, `1280M`, or a number of bytes -> bytes. */
function bytes (value: string | number | undefined): number {
  if (typeof value === 'number') return value
  const match = /^(\d+(?:\.\d+)?)([bkmg])?$/i.exec(String(value))
  if (match === null) throw new Error(`not a compose memory size: ${String(value)}`)
  const unit = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(match[2] ?? 'b').toLowerCase() as 'b' | 'k' | 'm' | 'g']
  return Number(match[1]) * unit
}

describe('docker-compose config', () => {
  it('accepts docker-compose.yml', () => {
    const { status, output } = dockerCompose(join(root, COMPOSE_FILE))
    expect(output).toBe('')
    expect(status).toBe(0)
  })

  it('refuses to run without GRAFANA_ADMIN_PASSWORD, and says so (there is no default password)', () => {
    const { status, output } = dockerCompose(join(root, COMPOSE_FILE), { env: {} })
    expect(status).not.toBe(0)
    expect(output).toContain('set GRAFANA_ADMIN_PASSWORD')
    expect(output).toContain('grafana')
    // An empty value is refused as well (`:?`, not `?`).
    expect(dockerCompose(join(root, COMPOSE_FILE), { env: { GRAFANA_ADMIN_PASSWORD: '' } }).status).not.toBe(0)
    // The file's header says how to set it.
    const header = read(COMPOSE_FILE).split('\n').filter((line) => line.startsWith('#')).join('\n')
    expect(header).toContain('GRAFANA_ADMIN_PASSWORD')
  })

  it('passes GRAFANA_ADMIN_PASSWORD to Grafana as it is, and prints the limits of every service', () => {
    const { status, output, stdout } = dockerCompose(join(root, COMPOSE_FILE), { print: true })
    expect(status, output).toBe(0)
    const printed = parse(stdout) as Compose
    // docker-compose doubles a `$` of a value when it prints it (and passes it on once).
    expect(printed.services.grafana?.environment?.GF_SECURITY_ADMIN_PASSWORD).toBe(GRAFANA_ADMIN_PASSWORD.replace(/\$/g, '$$$$'))
    // What docker-compose understood, not only what the file says: a key it ignored would not be printed.
    for (const [name, definition] of Object.entries(printed.services)) {
      expect(Number(definition.cpus), `${name}: cpus`).toBeGreaterThan(0)
      expect(bytes(definition.mem_limit), `${name}: mem_limit`).toBeGreaterThan(0)
    }
  })

  it('rejects a copy with an invalid service key (it validates, not only parses)', () => {
    const broken = structuredClone(compose) as unknown as { services: Record<string, Record<string, unknown>> }
    broken.services['mm2-failback']!.restrat = 'always'
    const file = join(scratch, 'broken.yml')
    writeFileSync(file, stringify(broken))
    const { status, output } = dockerCompose(file)
    expect(output).toContain('restrat')
    expect(status).not.toBe(0)
  })
})

describe('docker-compose.yml and the repository', () => {
  it('has the services of the stack', () => {
    expect(Object.keys(services).sort())
      .toEqual(['grafana', 'jmx-exporter-agent', 'kafka-a', 'kafka-b', 'mirrormaker2', 'mm2-failback', 'mm2-failback-2', 'prometheus'])
    // Two sidecar instances of one deployment: the same image, configuration and command.
    const [first, second] = [service('mm2-failback'), service('mm2-failback-2')]
    expect(second.image).toBe(first.image)
    expect(second.command).toEqual(first.command)
    expect(second.volumes).toEqual(first.volumes)
  })

  it('mounts only files and directories that exist, and only declared named volumes', () => {
    for (const [name, definition] of Object.entries(services)) {
      for (const volume of definition.volumes ?? []) {
        const source = volume.split(':')[0]!
        if (source.startsWith('./')) expect(existsSync(join(root, source)), `${name}: ${volume}`).toBe(true)
        else expect(Object.keys(compose.volumes ?? {}), `${name}: ${volume}`).toContain(source)
      }
    }
    expect(existsSync(join(root, service('mm2-failback').build!.context, service('mm2-failback').build!.dockerfile))).toBe(true)
  })

  it('pins every image to a version', () => {
    for (const [name, definition] of Object.entries(services)) {
      expect(definition.image, name).toMatch(/^[a-z0-9./-]+:[0-9a-z]*[0-9][0-9a-z.+-]*$/)
      expect(definition.image, name).not.toMatch(/:latest$/)
    }
    // MM2 runs from the brokers' image: one Kafka version in the stack.
    expect(service('mirrormaker2').image).toBe(service('kafka-a').image)
    expect(service('kafka-b').image).toBe(service('kafka-a').image)
    expect(service('kafka-a').image).toMatch(/^apache\/kafka:4\.1\.\d+$/)
  })

  it('limits the CPU and memory of every service, above what its process is configured to use', () => {
    for (const [name, definition] of Object.entries(services)) {
      const cpus = Number(definition.cpus)
      expect(cpus, `${name}: cpus`).toBeGreaterThan(0)
      expect(cpus, `${name}: cpus`).toBeLessThanOrEqual(2)
      expect(bytes(definition.mem_limit), `${name}: mem_limit`).toBeGreaterThanOrEqual(32 * 1024 ** 2)
      expect(definition, `${name}: deploy.resources is ignored by docker-compose 1.x`).not.toHaveProperty('deploy')
      // A JVM's maximum heap leaves room for the rest of the process (metaspace, threads, direct buffers).
      const heap = /-Xmx(\d+[kmg])/i.exec(String(definition.environment?.KAFKA_HEAP_OPTS ?? ''))?.[1]
      if (heap !== undefined) expect(bytes(heap) / bytes(definition.mem_limit), `${name}: -Xmx${heap} against mem_limit`).toBeLessThanOrEqual(0.65)
    }
    // The sidecar measured 340-410 MB RSS after a catch-up of 25,000 group-partitions, up to 650 MB without the image's NODE_OPTIONS (docs/deployment.md).
    for (const name of ['mm2-failback', 'mm2-failback-2']) expect(bytes(service(name).mem_limit), name).toBeGreaterThanOrEqual(768 * 1024 ** 2)
  })

  it('binds every published port to 127.0.0.1', () => {
    for (const [name, definition] of Object.entries(services)) {
      for (const port of definition.ports ?? []) expect(port, name).toMatch(/^127\.0\.0\.1:\d+:\d+$/)
    }
  })

  it('runs MM2 with connect-mirror-maker.sh and the JMX exporter javaagent of the lab, checked by sha256', () => {
    const mm2 = service('mirrormaker2')
    expect(mm2.entrypoint).toEqual(['/opt/kafka/bin/connect-mirror-maker.sh'])
    const agent = /^-javaagent:(\/opt\/jmx-exporter\/[^=]+)=(\d+):(\S+)$/.exec(String(mm2.environment?.KAFKA_OPTS))
    expect(agent).not.toBeNull()
    const [, jar, port, config] = agent!
    expect(composeHostPath(mm2.volumes!, config!)).toBe('mm2-config/jmx-exporter.yaml')
    expect(mm2.ports).toContain(`127.0.0.1:${port}:${port}`)
    const download = service('jmx-exporter-agent')
    expect(download.environment?.JAR).toBe(jar)
    const version = /<jmx-exporter.version>([^<]+)</.exec(read('lab/jmx-exporter/pom.xml'))![1]!
    expect(download.environment?.URL).toBe(`https://repo1.maven.org/maven2/io/prometheus/jmx/jmx_prometheus_javaagent/${version}/jmx_prometheus_javaagent-${version}.jar`)
    expect(String(download.environment?.SHA256)).toMatch(/^[0-9a-f]{64}$/)
    expect(mm2.depends_on?.['jmx-exporter-agent']?.condition).toBe('service_completed_successfully')
    // The volume the download fills is the one MM2 reads the jar from.
    const volumeOf = (definition: ComposeService): string | undefined =>
      definition.volumes?.find((volume) => volume.split(':')[1] === '/opt/jmx-exporter')?.split(':')[0]
    expect(volumeOf(mm2)).toBe('jmx-exporter')
    expect(volumeOf(download)).toBe('jmx-exporter')
  })

  it('gives MM2 and the sidecar the same mm2.properties, whose clusters are the compose brokers', () => {
    const mm2Path = service('mirrormaker2').command!.at(-1)!
    const sidecarCommand = service('mm2-failback').command!
    const sidecarPath = sidecarCommand[sidecarCommand.indexOf('--mm2-config') + 1]!
    const mm2File = composeHostPath(service('mirrormaker2').volumes!, mm2Path)
    expect(mm2File).toBe('deploy/compose/mm2.properties')
    expect(composeHostPath(service('mm2-failback').volumes!, sidecarPath)).toBe(mm2File)

    const mm2 = parseMm2Properties(read(mm2File!), { source: mm2File! })
    expect(mm2.warnings).toEqual([])
    expect(mm2.clusters.map((cluster) => [cluster.alias, cluster.bootstrapServers])).toEqual([['A', ['kafka-a:9092']], ['B', ['kafka-b:9092']]])
    for (const [alias, name] of [['A', 'kafka-a'], ['B', 'kafka-b']] as const) {
      expect(String(service(name).environment?.KAFKA_ADVERTISED_LISTENERS), alias).toContain(`PLAINTEXT://${name}:9092`)
      expect(service('mm2-failback').depends_on?.[name]?.condition).toBe('service_healthy')
      expect(service('mirrormaker2').depends_on?.[name]?.condition).toBe('service_healthy')
    }
    expect(mm2.flows.filter((flow) => flow.enabled).map((flow) => flow.name)).toEqual(['A->B', 'B->A'])
    // Single-broker clusters: every MM2 internal topic needs replication factor 1.
    const replicationFactors = [
      'replication.factor', 'checkpoints.topic.replication.factor', 'heartbeats.topic.replication.factor', 'offset-syncs.topic.replication.factor',
      'offset.storage.replication.factor', 'status.storage.replication.factor', 'config.storage.replication.factor'
    ]
    for (const key of replicationFactors) {
      expect(mm2.properties.get(key)?.value, key).toBe('1')
    }
  })

  it('gives the sidecar settings the project\'s loader accepts', async () => {
    const sidecar = service('mm2-failback')
    const command = sidecar.command!
    expect(command[0]).toBe('run')
    const configFile = composeHostPath(sidecar.volumes!, command[command.indexOf('--config') + 1]!)
    expect(configFile).toBe('deploy/compose/sidecar.yaml')
    const env = Object.fromEntries(Object.entries(sidecar.environment ?? {}).map(([key, value]) => [key, String(value)]))
    const knownEnv = new Set(CONFIG_KEYS.map((leaf) => envName(leaf.path)))
    for (const name of Object.keys(env).filter((key) => key.startsWith('MM2_FAILBACK_'))) expect(knownEnv, name).toContain(name)
    const sets = command.flatMap((arg, index) => command[index - 1] === '--set' ? [arg] : [])
    // The image sets MM2_FAILBACK_METRICS_HOST=0.0.0.0 (Dockerfile).
    const config = await loadSidecarConfig({ file: join(root, configFile!), env: { MM2_FAILBACK_METRICS_HOST: '0.0.0.0', ...env }, sets })
    expect(config.metrics.host).toBe('0.0.0.0')
    expect(sidecar.ports).toContain(`127.0.0.1:${config.metrics.port}:${config.metrics.port}`)
  })

  it('has Prometheus scrape the jobs the rules and dashboards select, at the services\' ports, and load the generated rules', () => {
    const prometheus = service('prometheus')
    const configPath = prometheus.command!.find((arg) => arg.startsWith('--config.file='))!.split('=')[1]!
    const configFile = composeHostPath(prometheus.volumes!, configPath)!
    expect(configFile).toBe('deploy/compose/prometheus.yml')
    const config = readYaml<{ rule_files: string[], scrape_configs: Array<{ job_name: string, static_configs: Array<{ targets: string[] }> }> }>(configFile)
    const targets = Object.fromEntries(config.scrape_configs.map((job) => [job.job_name, job.static_configs.flatMap((entry) => entry.targets)]))
    const sidecarPort = (name: string): string => /:(\d+)$/.exec(service(name).ports![0]!)![1]!
    const mm2Port = /=(\d+):/.exec(String(service('mirrormaker2').environment?.KAFKA_OPTS))![1]
    expect(targets[selectorJob(DEFAULT_MONITORING_CONFIG.selectors.sidecar)])
      .toEqual([`mm2-failback:${sidecarPort('mm2-failback')}`, `mm2-failback-2:${sidecarPort('mm2-failback-2')}`])
    expect(targets[selectorJob(DEFAULT_MONITORING_CONFIG.selectors.mm2)]).toEqual([`mirrormaker2:${mm2Port}`])
    expect(config.rule_files.map((file) => composeHostPath(prometheus.volumes!, file))).toEqual(['alerts/generated/mm2-failback.rules.yaml'])
  })

  it('passes promtool check config (the rules path pointed at the repository\'s file)', () => {
    const text = read('deploy/compose/prometheus.yml')
      .replace('/etc/prometheus/rules/mm2-failback.rules.yaml', join(root, 'alerts/generated/mm2-failback.rules.yaml'))
    const file = join(scratch, 'prometheus.yml')
    writeFileSync(file, text)
    let result
    try {
      result = runCommand(process.env.PROMTOOL ?? 'promtool', ['check', 'config', file])
    } catch (error) {
      throw new Error(`cannot run promtool (${(error as Error).message}): install Debian's prometheus package or run scripts/setup.sh.`)
    }
    expect(result.status, result.stdout + result.stderr).toBe(0)
  })

  it('has Grafana provision the Prometheus service as default datasource and the generated dashboards', () => {
    const grafana = service('grafana')
    const provisioning = composeHostPath(grafana.volumes!, '/etc/grafana/provisioning')
    expect(provisioning).toBe('deploy/compose/grafana/provisioning')
    const { datasources } = readYaml<{ datasources: Array<{ type: string, url: string, isDefault: boolean }> }>(`${provisioning}/datasources/prometheus.yaml`)
    expect(datasources).toEqual([expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090', isDefault: true })])
    expect(service('prometheus').ports).toContain('127.0.0.1:9090:9090')
    const providers = readYaml<{ providers: Array<{ type: string, options: { path: string } }> }>(`${provisioning}/dashboards/mm2-failback.yaml`).providers
    expect(providers).toHaveLength(1)
    const dashboards = composeHostPath(grafana.volumes!, providers[0]!.options.path)
    expect(dashboards).toBe('dashboards/generated')
    expect(readdirSync(join(root, dashboards!)).filter((file) => file.endsWith('.json')).sort())
      .toEqual(['consumer-groups.json', 'mirrormaker2.json', 'overview.json'])
    const home = String(grafana.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH)
    expect(existsSync(join(root, composeHostPath(grafana.volumes!, home)!))).toBe(true)
    expect(JSON.parse(readFileSync(join(root, 'dashboards/generated/overview.json'), 'utf8')).templating.list[0])
      .toMatchObject({ name: 'datasource', type: 'datasource', query: 'prometheus' })
  })
})
