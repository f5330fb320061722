// The Dockerfiles and the Kubernetes manifests agree with the repository: what they reference exists, the
// generated copies are current, images are pinned, MM2's image has the JMX exporter baked in (no download when a
// pod starts), the sidecar's settings and mm2.properties pass the project's own loaders, both containers of
// variant (a) read one mm2.properties, variant (b) creates no Strimzi resource and its mm2.properties describes
// the same MirrorMaker 2 as the example KafkaMirrorMaker2 resources, and the scrape jobs are the ones the
// generated rules and dashboards select.
import { cpSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { DEFAULT_MONITORING_CONFIG } from '../../../sidecar/src/metrics/monitoring/config.ts'
import { JMX_EXPORTER_COPY, PROMETHEUS_RULE_FILE, deployGeneratedFiles } from '../../../deploy/generated-files.ts'
import { loadSidecarConfig } from '../../../sidecar/src/config/load.ts'
import { parseMm2Properties } from '../../../sidecar/src/config/mm2-properties.ts'
import { flowName } from '../../../sidecar/src/core/mm2/flow-name.ts'
import type { Mm2Config } from '../../../sidecar/src/core/mm2/model.ts'
import { reveal } from '../../../sidecar/src/core/mm2/secret.ts'
import { CONFIG_KEYS, defaultConfig, envName } from '../../../sidecar/src/config/schema.ts'
import { KUSTOMIZATIONS, find, kustomizeBuild, read, readYaml, root, type K8sResource } from './helpers.ts'

const selectorJob = (selector: string): string => /job="([^"]+)"/.exec(selector)![1]!
const PINNED_IMAGE = /^[a-z0-9./-]+:[0-9a-z]*[0-9][0-9a-z.+-]*$/
const STRIMZI_OVERLAY = 'deploy/kubernetes/overlays/strimzi'
const STRIMZI_EXAMPLE = 'deploy/kubernetes/examples/strimzi'

const scratch = mkdtempSync(join(tmpdir(), 'mm2-failback-references-'))
afterAll(() => { rmSync(scratch, { recursive: true, force: true }) })

/** Dockerfile lines without comments, continuation lines joined. */
const instructionsOf = (text: string): string[] =>
  text.replace(/\\\n/g, ' ').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'))

interface ComposeFile { services: Record<string, { image?: string, environment?: Record<string, string> }> }
const composeServices = (): ComposeFile['services'] => readYaml<ComposeFile>('docker-compose.yml').services

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile')
  const instructions = instructionsOf(dockerfile)
  const dockerignore = read('.dockerignore').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'))

  /** Docker's rule: the last matching pattern wins; `!` re-includes. Enough for the patterns we use. */
  const ignored = (path: string): boolean => {
    let result = false
    for (const pattern of dockerignore) {
      const negate = pattern.startsWith('!')
      const body = (negate ? pattern.slice(1) : pattern).replace(/\/$/, '')
      const partPattern = (part: string): string => part === '**' ? '.*' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')
      const regex = new RegExp('^' + body.split('/').map(partPattern).join('/') + '(/.*)?$')
      if (regex.test(path)) result = !negate
    }
    return result
  }

  it('builds on the Node version package.json pins (the npm `node` devDependency)', () => {
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { version: string }> }
    const node = lock.packages['node_modules/node']!.version
    expect(dockerfile).toMatch(new RegExp(`^ARG NODE_IMAGE=node:${node.replace(/\./g, '\\.')}-(alpine|slim)`, 'm'))
    const image = '$' + '{NODE_IMAGE}'
    expect(instructions.filter((line) => line.startsWith('FROM '))).toEqual([`FROM ${image} AS deps`, `FROM ${image}`])
  })

  it('installs runtime dependencies only and copies files that exist and are in the build context', () => {
    expect(dockerfile).toContain('npm ci --omit=dev')
    const copies = instructions.filter((line) => line.startsWith('COPY ') && !line.includes('--from='))
    expect(copies.length).toBeGreaterThan(3)
    for (const line of copies) {
      const sources = line.split(/\s+/).slice(1, -1).filter((part) => !part.startsWith('--'))
      for (const source of sources) {
        expect(existsSync(join(root, source)), line).toBe(true)
        expect(ignored(source), `${source} is excluded by .dockerignore`).toBe(false)
      }
    }
    // What the CLI loads at run time is in the image.
    const loadedAtRunTime = [
      'bin/mm2-failback.js', 'sidecar/src/cli/main.ts', 'dashboards/index.ts', 'alerts/rules.ts', 'scripts/lint-monitoring.ts', 'package.json'
    ]
    for (const path of loadedAtRunTime) {
      expect(copies.some((line) => path.startsWith(line.split(/\s+/)[1]!)), path).toBe(true)
      expect(ignored(path), path).toBe(false)
    }
    expect(ignored('node_modules/yaml/package.json')).toBe(true)
    expect(ignored('test/unit/errors.test.ts')).toBe(true)
    expect(ignored('.git/config')).toBe(true)
  })

  it('runs `mm2-failback` (package.json bin) as a numeric non-root user and exposes the default metrics port', () => {
    const pkg = JSON.parse(read('package.json')) as { bin: Record<string, string> }
    expect(pkg.bin['mm2-failback']).toBe('bin/mm2-failback.js')
    expect(statSync(join(root, 'bin/mm2-failback.js')).mode & 0o111).not.toBe(0)
    expect(dockerfile).toContain('ln -s /app/bin/mm2-failback.js /usr/local/bin/mm2-failback')
    expect(instructions).toContain('ENTRYPOINT ["mm2-failback"]')
    expect(instructions).toContain('USER 1000:1000')
    expect(instructions).toContain(`EXPOSE ${defaultConfig().metrics.port}`)
    expect(dockerfile).toMatch(/MM2_FAILBACK_METRICS_HOST=0\.0\.0\.0/)
    expect(instructions.some((line) => line.startsWith('HEALTHCHECK ') && line.includes('/healthz'))).toBe(true)
  })
})

/** deploy/mirrormaker2/Dockerfile: apache/kafka with the JMX exporter jar, downloaded and checked at build time. */
const MM2_DOCKERFILE = 'deploy/mirrormaker2/Dockerfile'

function mm2Image (): { args: Record<string, string>, jar: string, stages: string[][], image: string } {
  const instructions = instructionsOf(read(MM2_DOCKERFILE))
  const args: Record<string, string> = {}
  for (const line of instructions.filter((candidate) => candidate.startsWith('ARG '))) {
    const [name, value] = line.slice(4).split('=') as [string, string]
    // A build argument repeated in a later stage must default to the same value.
    if (args[name] !== undefined) expect(value, `ARG ${name}`).toBe(args[name])
    args[name] = value
  }
  const stages: string[][] = []
  for (const line of instructions) {
    if (line.startsWith('FROM ')) stages.push([])
    stages.at(-1)?.push(line)
  }
  const copy = stages.at(-1)!.find((line) => line.startsWith('COPY --from='))!
  const jar = copy.split(/\s+/).at(-1)!
  const kafkaVersion = /^apache\/kafka:(.+)$/.exec(args.KAFKA_IMAGE!)![1]!
  return { args, jar, stages, image: `mm2-failback-mirrormaker2:${kafkaVersion}-jmx${args.JMX_EXPORTER_VERSION!}` }
}

describe('deploy/mirrormaker2/Dockerfile (MirrorMaker 2 with the JMX exporter baked in)', () => {
  it('pins the jar of the lab and docker-compose.yml and checks its sha256 when the image is built', () => {
    const { args, stages } = mm2Image()
    const pinned = /<jmx-exporter.version>([^<]+)</.exec(read('lab/jmx-exporter/pom.xml'))![1]!
    expect(args.JMX_EXPORTER_VERSION).toBe(pinned)
    expect(args.JMX_EXPORTER_SHA256).toMatch(/^[0-9a-f]{64}$/)
    const compose = composeServices()
    expect(args.JMX_EXPORTER_SHA256).toBe(compose['jmx-exporter-agent']!.environment!.SHA256)
    expect(args.KAFKA_IMAGE).toBe(compose['kafka-a']!.image)
    expect(args.CURL_IMAGE).toBe(compose['jmx-exporter-agent']!.image)
    for (const name of ['KAFKA_IMAGE', 'CURL_IMAGE']) expect(args[name], name).toMatch(PINNED_IMAGE)
    // The download and its check are one RUN of the first stage; the image itself only copies the checked file.
    const arg = (name: string): string => '$' + `{${name}}`
    expect(stages.map((stage) => stage[0])).toEqual([`FROM ${arg('CURL_IMAGE')} AS jmx-exporter`, `FROM ${arg('KAFKA_IMAGE')}`])
    const download = stages[0]!.find((line) => line.startsWith('RUN '))!
    const version = arg('JMX_EXPORTER_VERSION')
    expect(download).toContain(`"https://repo1.maven.org/maven2/io/prometheus/jmx/jmx_prometheus_javaagent/${version}/jmx_prometheus_javaagent-${version}.jar"`)
    const output = /curl -fsSL [^&]*-o (\S+) /.exec(download)?.[1]
    expect(download).toContain(`&& echo "${arg('JMX_EXPORTER_SHA256')}  ${output}" | sha256sum -c -`)
    expect(stages[1]!.filter((line) => /^(RUN|ADD) /.test(line))).toEqual([])
    expect(stages[1]!.some((line) => line.startsWith('COPY --from=jmx-exporter /tmp/'))).toBe(true)
  })

  it('is the image of the MM2 Deployment, whose tag names the Kafka and JMX exporter versions', () => {
    const { jar, image } = mm2Image()
    expect(read(MM2_DOCKERFILE)).toContain(`docker build -t <registry>/${image} deploy/mirrormaker2`)
    for (const dir of ['deploy/kubernetes/base', 'deploy/kubernetes/overlays/sidecar-container']) {
      const mm2 = find(kustomizeBuild(dir).resources, 'Deployment', 'mirrormaker2').spec.template.spec.containers
        .find((container: { name: string }) => container.name === 'mirrormaker2')
      expect(mm2.image, dir).toBe(image)
      const opts = mm2.env.find((entry: { name: string }) => entry.name === 'KAFKA_OPTS').value as string
      expect(/^-javaagent:([^=]+)=/.exec(opts)?.[1], dir).toBe(jar)
      // Nothing is mounted over the jar's directory (an emptyDir there would hide the baked-in file).
      for (const mount of mm2.volumeMounts as Array<{ mountPath: string }>) expect(jar.startsWith(mount.mountPath + '/'), mount.mountPath).toBe(false)
    }
  })

  it('leaves no init container in any Deployment that fetches anything when a pod starts', () => {
    for (const dir of KUSTOMIZATIONS) {
      for (const deployment of kustomizeBuild(dir).resources.filter((resource) => resource.kind === 'Deployment')) {
        const where = `${dir} ${deployment.metadata.name}`
        const inits: any[] = deployment.spec.template.spec.initContainers ?? []
        for (const init of inits) {
          const text = JSON.stringify([init.image, init.command, init.args, init.env])
          expect(text, where).not.toMatch(/:\/\/|\bcurl\b|\bwget\b/)
        }
        if (deployment.metadata.name === 'mirrormaker2') expect(inits, where).toEqual([])
      }
    }
  })
})

interface Kustomization {
  resources?: string[]
  components?: string[]
  patches?: Array<{ path?: string }>
  configMapGenerator?: Array<{ name: string, files?: string[], envs?: string[] }>
}

const KUSTOMIZATION_DIRS = [...KUSTOMIZATIONS, 'deploy/kubernetes/components/jmx-exporter', 'deploy/kubernetes/components/prometheus-rule']

describe('kustomizations', () => {
  it('reference only files and directories that exist', () => {
    for (const dir of KUSTOMIZATION_DIRS) {
      const kustomization = readYaml<Kustomization>(`${dir}/kustomization.yaml`)
      const paths = [
        ...(kustomization.resources ?? []), ...(kustomization.components ?? []),
        ...(kustomization.patches ?? []).flatMap((patch) => patch.path === undefined ? [] : [patch.path]),
        ...(kustomization.configMapGenerator ?? []).flatMap((generator) => [...(generator.files ?? []), ...(generator.envs ?? [])])
      ]
      expect(paths.length, dir).toBeGreaterThan(0)
      for (const path of paths) expect(existsSync(join(root, dir, path)), `${dir}: ${path}`).toBe(true)
    }
  })

  it('hold the generated copies that npm run generate writes (PrometheusRule, JMX exporter config)', () => {
    for (const [path, text] of deployGeneratedFiles(root, DEFAULT_MONITORING_CONFIG)) {
      // On failure: run `npm run generate`.
      expect(read(path), path).toBe(text)
    }
    expect(parse(read(JMX_EXPORTER_COPY))).toEqual(parse(read('mm2-config/jmx-exporter.yaml')))
  })

  it('ship the PrometheusRule with exactly the rules of alerts/generated/mm2-failback.rules.yaml', () => {
    const rule = parse(read(PROMETHEUS_RULE_FILE)) as K8sResource
    expect(rule.apiVersion).toBe('monitoring.coreos.com/v1')
    expect(rule.spec.groups).toEqual((parse(read('alerts/generated/mm2-failback.rules.yaml')) as { groups: unknown[] }).groups)
    for (const dir of ['deploy/kubernetes/overlays/sidecar-container', 'deploy/kubernetes/overlays/strimzi']) {
      expect(find(kustomizeBuild(dir).resources, 'PrometheusRule', 'mm2-failback').spec).toEqual(rule.spec)
    }
  })

  it('pin every image and run every container non-root with a read-only root file system, resources and no privilege escalation', () => {
    for (const dir of KUSTOMIZATIONS) {
      for (const deployment of kustomizeBuild(dir).resources.filter((resource) => resource.kind === 'Deployment')) {
        const pod = deployment.spec.template.spec
        expect(pod.securityContext, deployment.metadata.name).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } })
        expect(pod.automountServiceAccountToken).toBe(false)
        for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
          const where = `${dir} ${deployment.metadata.name}/${container.name}`
          expect(container.image, where).toMatch(PINNED_IMAGE)
          expect(container.securityContext, where).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } })
          expect(container.resources?.requests?.memory, where).toBeDefined()
          expect(container.resources?.limits?.memory, where).toBeDefined()
          const mounts = new Set((container.volumeMounts ?? []).map((mount: { name: string }) => mount.name))
          for (const name of mounts) expect(pod.volumes.map((volume: { name: string }) => volume.name), where).toContain(name)
        }
        for (const container of pod.containers) {
          expect(container.livenessProbe, `${deployment.metadata.name}/${container.name}`).toBeDefined()
          expect(container.readinessProbe, `${deployment.metadata.name}/${container.name}`).toBeDefined()
        }
      }
    }
  })
})

/** The mm2-failback container of a rendered kustomization, with its pod. */
function sidecarOf (resources: K8sResource[]): { pod: any, container: any } {
  for (const deployment of resources.filter((resource) => resource.kind === 'Deployment')) {
    const container = deployment.spec.template.spec.containers.find((candidate: { name: string }) => candidate.name === 'mm2-failback')
    if (container !== undefined) return { pod: deployment.spec.template.spec, container }
  }
  throw new Error('no mm2-failback container')
}

/** The repository file a container reads at `path`, through a ConfigMap volume generated from it. */
function configMapFile (dir: string, resources: K8sResource[], pod: any, container: any, path: string): string {
  const mount = container.volumeMounts.find((candidate: { mountPath: string }) => path.startsWith(candidate.mountPath + '/'))
  expect(mount, path).toBeDefined()
  const volume = pod.volumes.find((candidate: { name: string }) => candidate.name === mount.name)
  const configMap = find(resources, 'ConfigMap', volume.configMap.name)
  const key = path.slice(mount.mountPath.length + 1)
  expect(Object.keys(configMap.data ?? {}), path).toContain(key)
  const source = [dir, join(dir, '../../base')].map((candidate) => join(candidate, key))
    .find((candidate) => existsSync(join(root, candidate)) && read(candidate) === configMap.data![key])
  expect(source, `${path}: no repository file has the ConfigMap's content`).toBeDefined()
  return source!
}

/** Parses an mm2.properties as the sidecar does in the pod, with fake Secret files where the pod mounts them. */
function parseWithSecrets (file: string, pod: any, container: any): { mm2: Mm2Config, jaas: Record<string, string> } {
  const jaas = { A: 'org.apache.kafka.common.security.scram.ScramLoginModule required username="mm2" password="secret-A";', B: 'org.apache.kafka.common.security.scram.ScramLoginModule required username="mm2" password="secret-B";' }
  const files = new Map<string, string>()
  for (const mount of container.volumeMounts) {
    const volume = pod.volumes.find((candidate: { name: string }) => candidate.name === mount.name)
    for (const item of volume.secret?.items ?? []) {
      const alias = /\/([AB])$/.exec(mount.mountPath)?.[1] as 'A' | 'B' | undefined
      files.set(`${mount.mountPath}/${item.path}`, item.key === 'sasl.jaas.config' && alias !== undefined ? jaas[alias] : 'PEM')
    }
  }
  const mm2 = parseMm2Properties(read(file), {
    source: file,
    configProviders: {
      readFile: (path: string) => {
        const content = files.get(path)
        if (content === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' })
        return content
      },
      env: {}
    }
  })
  for (const cluster of mm2.clusters) {
    const truststore = cluster.settings['ssl.truststore.location']
    expect(truststore === undefined ? undefined : files.has(reveal(truststore)), `${cluster.alias}: ssl.truststore.location is mounted`).toBe(true)
  }
  return { mm2, jaas }
}

async function checkSidecarSettings (container: any): Promise<void> {
  const args: string[] = container.args
  expect(args[0]).toBe('run')
  expect(args).not.toContain('--config')
  const env: Record<string, string> = Object.fromEntries((container.env ?? []).map((entry: { name: string, value: string }) => [entry.name, entry.value]))
  const known = new Set(CONFIG_KEYS.map((leaf) => envName(leaf.path)))
  for (const name of Object.keys(env)) expect(known, name).toContain(name)
  const sets = args.flatMap((arg, index) => args[index - 1] === '--set' ? [arg] : [])
  const config = await loadSidecarConfig({ env: { MM2_FAILBACK_METRICS_HOST: '0.0.0.0', ...env }, sets })
  const port = container.ports.find((candidate: { name: string }) => candidate.name === 'metrics')
  expect(port.containerPort).toBe(config.metrics.port)
  expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' })
  expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'metrics' })
}

function checkScrapeJobs (resources: K8sResource[]): void {
  const monitors = resources.filter((resource) => resource.kind === 'ServiceMonitor' || resource.kind === 'PodMonitor')
  const jobs = monitors.map((monitor) => (monitor.spec.endpoints ?? monitor.spec.podMetricsEndpoints)[0].relabelings
    .find((relabel: { targetLabel: string }) => relabel.targetLabel === 'job').replacement).sort()
  expect(jobs).toEqual([selectorJob(DEFAULT_MONITORING_CONFIG.selectors.mm2), selectorJob(DEFAULT_MONITORING_CONFIG.selectors.sidecar)].sort())
  // The sidecar's ServiceMonitor finds its Service, whose selector finds the pod running the sidecar.
  const serviceMonitor = find(resources, 'ServiceMonitor', 'mm2-failback')
  const service = resources.find((resource) => resource.kind === 'Service' &&
    Object.entries(serviceMonitor.spec.selector.matchLabels).every(([key, value]) => resource.metadata.labels?.[key] === value))!
  expect(service.metadata.name).toBe('mm2-failback')
  expect(service.spec.ports.map((port: { name: string }) => port.name)).toContain(serviceMonitor.spec.endpoints[0].port)
  const pods = resources.filter((resource) => resource.kind === 'Deployment' &&
    Object.entries(service.spec.selector).every(([key, value]) => resource.spec.template.metadata.labels[key] === value))
  expect(pods.map((deployment) => deployment.spec.template.spec.containers.map((container: { name: string }) => container.name)))
    .toEqual([expect.arrayContaining(['mm2-failback'])])
}

describe('variant (a): the sidecar in MirrorMaker 2\'s pod', () => {
  const dir = 'deploy/kubernetes/overlays/sidecar-container'

  it('runs MM2 and the sidecar on one mm2.properties from the same ConfigMap, with the same Secrets at the same paths', async () => {
    const { resources } = kustomizeBuild(dir)
    const deployment = find(resources, 'Deployment', 'mirrormaker2')
    const pod = deployment.spec.template.spec
    const mm2Container = pod.containers.find((container: { name: string }) => container.name === 'mirrormaker2')
    const { container } = sidecarOf(resources)
    const mm2Path = mm2Container.args.at(-1)
    const sidecarPath = container.args[container.args.indexOf('--mm2-config') + 1]
    expect(sidecarPath).toBe(mm2Path)
    const mountOf = (c: any): unknown => c.volumeMounts.find((mount: { mountPath: string }) => mm2Path.startsWith(mount.mountPath + '/'))
    expect(mountOf(container)).toEqual(mountOf(mm2Container))
    const secretMounts = (c: any): unknown[] => c.volumeMounts.filter((mount: { name: string }) =>
      pod.volumes.find((volume: { name: string, secret?: unknown }) => volume.name === mount.name).secret !== undefined)
    expect(secretMounts(container)).toEqual(secretMounts(mm2Container))
    expect(pod.initContainers).toBeUndefined()

    const file = configMapFile(dir, resources, pod, container, sidecarPath)
    expect(file).toBe('deploy/kubernetes/base/mm2.properties')
    const { mm2, jaas } = parseWithSecrets(file, pod, container)
    expect(mm2.warnings).toEqual([])
    expect(mm2.clusters.map((cluster) => cluster.alias)).toEqual(['A', 'B'])
    for (const cluster of mm2.clusters) expect(reveal(cluster.settings['sasl.jaas.config']!)).toBe(jaas[cluster.alias as 'A' | 'B'])
    expect(mm2.flows.filter((flow) => flow.enabled).map((flow) => flow.name)).toEqual(['A->B', 'B->A'])
    await checkSidecarSettings(container)
  })

  it('attaches the JMX exporter javaagent of its image with mm2-config/jmx-exporter.yaml and scrapes both jobs', () => {
    const { resources } = kustomizeBuild(dir)
    const pod = find(resources, 'Deployment', 'mirrormaker2').spec.template.spec
    const mm2 = pod.containers.find((container: { name: string }) => container.name === 'mirrormaker2')
    expect(mm2.command).toEqual(['/opt/kafka/bin/connect-mirror-maker.sh'])
    expect(mm2.image).toBe(mm2Image().image)
    const opts = mm2.env.find((entry: { name: string }) => entry.name === 'KAFKA_OPTS').value
    const [, jar, port, config] = /^-javaagent:(\S+)=(\d+):(\S+)$/.exec(opts)!
    expect(jar).toBe(mm2Image().jar)
    expect(configMapFile('deploy/kubernetes/components/jmx-exporter', resources, pod, mm2, config!)).toBe(JMX_EXPORTER_COPY)
    expect(mm2.ports).toEqual([{ name: 'jmx-metrics', containerPort: Number(port) }])
    checkScrapeJobs(resources)
  })
})

interface Kmm2Cluster {
  alias: string
  bootstrapServers: string
  tls?: { trustedCertificates: Array<{ secretName: string }> }
  authentication?: { passwordSecret: { secretName: string } }
}
interface Kmm2Spec {
  target: Kmm2Cluster
  mirrors: Array<{
    source: Kmm2Cluster
    topicsPattern: string
    groupsPattern: string
    groupsExcludePattern?: string
    sourceConnector: { config: Record<string, unknown> }
    checkpointConnector: { config: Record<string, unknown> }
  }>
  metricsConfig: { type: string, valueFrom: { configMapKeyRef: { name: string, key: string } } }
}

describe('variant (b): the sidecar beside an existing Strimzi KafkaMirrorMaker2', () => {
  const dir = STRIMZI_OVERLAY
  const example = STRIMZI_EXAMPLE

  it('gives the sidecar an mm2.properties that describes the same clusters and flows as the example KafkaMirrorMaker2 resources', async () => {
    const { resources } = kustomizeBuild(dir)
    const { pod, container } = sidecarOf(resources)
    const file = configMapFile(dir, resources, pod, container, container.args[container.args.indexOf('--mm2-config') + 1])
    expect(file).toBe(`${dir}/mm2.properties`)
    const { mm2, jaas } = parseWithSecrets(file, pod, container)
    expect(mm2.warnings).toEqual([])
    const mirrorMakers = kustomizeBuild(example).resources.filter((resource) => resource.kind === 'KafkaMirrorMaker2')
      .map((resource) => resource.spec as Kmm2Spec)
    expect(mirrorMakers.length).toBe(2)

    const clusterOf = (alias: string): Mm2Config['clusters'][number] => mm2.clusters.find((cluster) => cluster.alias === alias)!
    const secretVolume = (name: string): string | undefined =>
      pod.volumes.find((volume: { secret?: { secretName: string } }) => volume.secret?.secretName === name)?.name
    const mountPathOf = (volumeName: string | undefined): string | undefined =>
      container.volumeMounts.find((mount: { name: string }) => mount.name === volumeName)?.mountPath
    const checkCluster = (cluster: Kmm2Cluster): void => {
      const mine = clusterOf(cluster.alias)
      expect(mine, cluster.alias).toBeDefined()
      expect(mine.bootstrapServers.join(','), cluster.alias).toBe(cluster.bootstrapServers)
      expect(mine.securityProtocol).toBe('SASL_SSL')
      // The same Secrets as Strimzi: the CA certificate file and the KafkaUser Secret's sasl.jaas.config.
      expect(mountPathOf(secretVolume(cluster.tls!.trustedCertificates[0]!.secretName)), cluster.alias).toBe(`/etc/mm2/tls/${cluster.alias}`)
      expect(reveal(mine.settings['ssl.truststore.location']!)).toBe(`/etc/mm2/tls/${cluster.alias}/ca.crt`)
      expect(mountPathOf(secretVolume(cluster.authentication!.passwordSecret.secretName)), cluster.alias).toBe(`/etc/mm2/secrets/${cluster.alias}`)
      expect(reveal(mine.settings['sasl.jaas.config']!)).toBe(jaas[cluster.alias as 'A' | 'B'])
    }

    const flows: string[] = []
    for (const spec of mirrorMakers) {
      checkCluster(spec.target)
      for (const mirror of spec.mirrors) {
        checkCluster(mirror.source)
        const name = flowName({ source: mirror.source.alias, target: spec.target.alias })
        flows.push(name)
        const flow = mm2.flows.find((candidate) => candidate.name === name)
        expect(flow?.enabled, name).toBe(true)
        const list = (value: string | undefined): string[] => (value ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '')
        expect(flow!.topics.include, name).toEqual(list(mirror.topicsPattern))
        expect(flow!.groups.include, name).toEqual(list(mirror.groupsPattern))
        expect(flow!.groups.exclude, name).toEqual(list(mirror.groupsExcludePattern))
        for (const connector of [mirror.sourceConnector, mirror.checkpointConnector]) {
          expect(connector.config['offset-syncs.topic.location'] ?? 'source', name).toBe(flow!.offsetSyncsTopicLocation)
        }
        expect(String(mirror.checkpointConnector.config['sync.group.offsets.enabled'] ?? 'false'), name).toBe(String(flow!.syncGroupOffsetsEnabled))
      }
    }
    expect(flows.sort()).toEqual(mm2.flows.filter((flow) => flow.enabled).map((flow) => flow.name).sort())
    await checkSidecarSettings(container)
  })

  it('has the example emit the heartbeats every flow\'s replication delay is measured with (Strimzi\'s v1 API runs no heartbeat connector)', () => {
    const { resources } = kustomizeBuild(example)
    const mm2 = parseMm2Properties(read(`${dir}/mm2.properties`), { source: 'mm2.properties' })
    const connects = resources.filter((resource) => resource.kind === 'KafkaConnect')
    const connectors = resources.filter((resource) => resource.kind === 'KafkaConnector')
    for (const flow of mm2.flows.filter((candidate) => candidate.enabled)) {
      // The sidecar reads <source>.heartbeats on the target: the source's `heartbeats`, which a heartbeat
      // connector targeting the source writes, replicated by this flow's source connector.
      const { replicated, upstream } = flow.internalTopics.heartbeats
      expect(replicated, flow.name).toEqual({ topic: `${flow.source}.heartbeats`, cluster: flow.target })
      expect(flow.heartbeatsReplicationEnabled, flow.name).toBe(true)
      const emitter = connectors.find((connector) => connector.spec.class === 'org.apache.kafka.connect.mirror.MirrorHeartbeatConnector' &&
        connector.spec.config['target.cluster.alias'] === upstream.cluster)
      expect(emitter, `a MirrorHeartbeatConnector writing ${upstream.topic} on ${upstream.cluster}`).toBeDefined()
      const config = emitter!.spec.config as Record<string, string | number>
      expect(config['source.cluster.alias']).toBe(flow.target)
      const bootstrap = mm2.clusters.find((cluster) => cluster.alias === upstream.cluster)!.bootstrapServers.join(',')
      expect(config['target.cluster.bootstrap.servers']).toBe(bootstrap)
      // Records go through the worker's producer: the KafkaConnect must be attached to that same cluster.
      const connect = find(connects, 'KafkaConnect', emitter!.metadata.labels!['strimzi.io/cluster']!)
      expect(connect.metadata.annotations?.['strimzi.io/use-connector-resources']).toBe('true')
      expect(connect.spec.bootstrapServers).toBe(bootstrap)
      // The files the connector config reads are Secrets mounted in that KafkaConnect.
      const mounts = connect.spec.template.connectContainer.volumeMounts as Array<{ name: string, mountPath: string }>
      const secretOf = (path: string): string | undefined => {
        const mount = mounts.find((candidate) => path.startsWith(candidate.mountPath + '/'))
        return connect.spec.template.pod.volumes.find((volume: { name: string }) => volume.name === mount?.name)?.secret?.secretName
      }
      const jaas = /^\$\{dir:([^:]+):([^}]+)\}$/.exec(String(config['target.cluster.sasl.jaas.config']))
      expect(jaas, 'target.cluster.sasl.jaas.config reads a mounted Secret').not.toBeNull()
      expect(secretOf(`${jaas![1]}/${jaas![2]}`)).toBe(connect.spec.authentication.passwordSecret.secretName)
      expect(secretOf(String(config['target.cluster.ssl.truststore.location']))).toBe(connect.spec.tls.trustedCertificates[0].secretName)
      expect(connect.spec.config['config.providers']).toBe('dir')
    }
  })

  it('creates and changes no Strimzi resource: only the sidecar, its mm2.properties, a PodMonitor and the PrometheusRule', () => {
    const { resources } = kustomizeBuild(dir)
    expect(resources.filter((resource) => resource.apiVersion.startsWith('kafka.strimzi.io/')).map((resource) => resource.kind)).toEqual([])
    expect(resources.filter((resource) => resource.kind === 'ConfigMap').map((resource) => resource.metadata.name))
      .toEqual([expect.stringMatching(/^mm2-failback-mm2-properties-[a-z0-9]+$/)])
    // Strimzi's metricsConfig ConfigMap, which the example KafkaMirrorMaker2 resources name, is written by
    // neither: Strimzi's rules (and the names Strimzi's dashboard reads) stay as the operator has them.
    const exampleResources = kustomizeBuild(example).resources
    const mirrorMakers = exampleResources.filter((resource) => resource.kind === 'KafkaMirrorMaker2')
    expect(mirrorMakers.length).toBe(2)
    for (const resource of mirrorMakers) {
      const { metricsConfig } = resource.spec as Kmm2Spec
      expect(resource.apiVersion).toBe('kafka.strimzi.io/v1')
      expect(metricsConfig.type).toBe('jmxPrometheusExporter')
      const written = [...resources, ...exampleResources].filter((candidate) => candidate.kind === 'ConfigMap' &&
        candidate.metadata.name === metricsConfig.valueFrom.configMapKeyRef.name)
      expect(written, resource.metadata.name).toEqual([])
    }
    // strimzi.env is kustomize's input only (local-config), never an object in the cluster.
    expect(resources.some((resource) => resource.metadata.name === 'mm2-failback-strimzi')).toBe(false)
  })

  it('scrapes the pods of the KafkaMirrorMaker2 resources named in strimzi.env as job mirrormaker2, and the sidecar as mm2-failback', () => {
    const { resources } = kustomizeBuild(dir)
    const monitor = find(resources, 'PodMonitor', 'mirrormaker2')
    const names = kustomizeBuild(example).resources.filter((resource) => resource.kind === 'KafkaMirrorMaker2').map((resource) => resource.metadata.name)
    expect(monitor.spec.selector).toEqual({
      matchLabels: { 'strimzi.io/kind': 'KafkaMirrorMaker2' },
      matchExpressions: [{ key: 'strimzi.io/cluster', operator: 'In', values: expect.arrayContaining(names) }]
    })
    expect(monitor.spec.selector.matchExpressions[0].values).toHaveLength(names.length)
    // Strimzi opens the port its metricsConfig serves under this name (9404).
    expect(monitor.spec.podMetricsEndpoints.map((endpoint: { port: string }) => endpoint.port)).toEqual(['tcp-prometheus'])
    checkScrapeJobs(resources)
  })

  it('takes the KafkaMirrorMaker2 names from strimzi.env alone', () => {
    const copy = join(scratch, 'kubernetes')
    cpSync(join(root, 'deploy/kubernetes'), copy, { recursive: true })
    writeFileSync(join(copy, 'overlays/strimzi/strimzi.env'), 'KAFKA_MIRROR_MAKER_2_PRIMARY=dr-mirror\nKAFKA_MIRROR_MAKER_2_REVERSE=failback-mirror\n')
    const monitor = find(kustomizeBuild(join(copy, 'overlays/strimzi')).resources, 'PodMonitor', 'mirrormaker2')
    expect(monitor.spec.selector.matchExpressions[0].values).toEqual(['dr-mirror', 'failback-mirror'])
  })
})
