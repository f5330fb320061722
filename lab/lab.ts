// The lab: N single-node KRaft clusters (A, B, ...) and one dedicated MirrorMaker 2, from the
// Maven Central jars cached by install.sh. Used by integration tests, the demo and benchmarks.
//
//   const lab = await startLab({ kafka: '4.1', mm2Props: { 'offset-syncs.topic.location': 'target' } })
//   try { await lab.produce('A', 'orders', [{ value: 'x' }]) } finally { await lab.stop() }
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as clients from './clients.ts'
import { KafkaCluster, PortConflictError } from './cluster.ts'
import { mm2Properties, type Properties } from './config.ts'
import { installCleanupHandlers, isAlive, type JvmProcess } from './jvm.ts'
import { MirrorMaker, type Mm2Readiness } from './mirror-maker.ts'
import { isListening, LOOPBACK } from './net.ts'
import { generateSecurityMaterial, LabSecurity, type LabSecurityOptions } from './security.ts'
import type { ClusterClientOptions } from '../sidecar/src/kafka/client-options.ts'
import { describeLine, ensureJars, ensureJmxExporterJar, lineInfo, parseKafkaLine, REPO_ROOT, type KafkaLine } from './versions.ts'

export { waitFor } from './wait.ts'
export type { RawRecord, ProduceRecord } from './clients.ts'
export type { KafkaLine } from './versions.ts'
export type { LabSecurityOptions } from './security.ts'

export interface LabOptions {
  /** Kafka line: `3.9` or `4.1` (default: $MM2_FAILBACK_KAFKA or 3.9). */
  kafka?: KafkaLine | string
  /** Cluster aliases (default `['A', 'B']`). */
  clusters?: string[]
  /** Start MirrorMaker 2 (default true). */
  mm2?: boolean
  /** Extra mm2.properties entries, applied last (separator, policy, offset-syncs.topic.location, filters...). */
  mm2Props?: Properties
  /** Enabled flows (default: every ordered pair, i.e. A->B and B->A). */
  flows?: Array<[string, string]>
  /** What "MM2 is up" means (default `replicating`). */
  mm2Readiness?: Mm2Readiness
  /** Extra server.properties entries for every broker. */
  brokerProps?: Properties
  brokerHeap?: { min: string, max: string }
  mm2Heap?: { min: string, max: string }
  /**
   * Attach the Prometheus JMX exporter javaagent to MM2, serving /metrics on 127.0.0.1:`port` with
   * the exporter config `config` (e.g. mm2-config/jmx-exporter.yaml); `jar` defaults to the one
   * lab/install.sh caches (lab/jmx-exporter/pom.xml). See Lab.mm2MetricsUrl.
   */
  mm2JavaAgent?: { port: number, config: string, jar?: string }
  /**
   * Runs once the clusters answer and before MM2 starts: topics created and filled here are in MM2's
   * first topic listing, so it copies them from their first record without a task restart in between.
   */
  beforeMm2?: (lab: Lab) => Promise<void>
  /** Run directory (default `<repo>/.lab/runs/<time>-kafka-<line>-<pid>`). */
  runDir?: string
  /** Leave the JVMs running when this Node process exits (`npm run lab -- up`). */
  persistent?: boolean
  /** Per-JVM start timeout (default 180 s; the 2-core machine is shared). */
  startTimeoutMs?: number
  /**
   * SASL_SSL + SCRAM on every cluster (certificates generated into `<runDir>/security`), MM2 and the
   * lab's own clients configured to match, and optionally ACLs; see security.ts. Default: PLAINTEXT.
   */
  security?: LabSecurityOptions
}

export interface LabState {
  kafka: KafkaLine
  version: string
  runDir: string
  logDir: string
  createdAt: string
  ownerPid: number
  persistent: boolean
  mm2PropertiesPath: string | null
  clusters: Record<string, { bootstrapServers: string, clientPort: number, controllerPort: number, pid: number | null, dataDir: string }>
  mm2: { pid: number | null } | null
  /** Processes started beside the lab that outlive their starter (the demo's kept sidecar): `lab down` stops them first. */
  attached?: Array<{ name: string, pid: number | null }>
}

export const STATE_FILE = 'lab.json'

export class Lab {
  readonly kafka: KafkaLine
  readonly version: string
  /** "Kafka 4.1.2", or "Kafka 4.4.0 (MM2 4.3.1)" when MM2 is another release than the brokers. */
  readonly description: string
  readonly runDir: string
  readonly logDir: string
  readonly clusters: Record<string, KafkaCluster>
  readonly mm2: MirrorMaker | undefined
  readonly persistent: boolean
  /** MM2's JMX exporter /metrics URL when started with `mm2JavaAgent`, else null. */
  readonly mm2MetricsUrl: string | null
  /** Passwords, key material and client settings of a secured lab; null for the PLAINTEXT lab. */
  readonly security: LabSecurity | null
  /** Milliseconds from startLab() until clusters and MM2 were ready. */
  startupMs = 0
  readonly #peaks = new Map<string, number>()
  readonly #attached: Array<{ name: string, pid: number }> = []
  readonly #sampler: NodeJS.Timeout
  #stopped = false

  constructor (args: {
    kafka: KafkaLine
    runDir: string
    logDir: string
    clusters: Record<string, KafkaCluster>
    mm2: MirrorMaker | undefined
    persistent: boolean
    mm2MetricsUrl?: string | null
    security?: LabSecurity | null
  }) {
    this.kafka = args.kafka
    const info = lineInfo(args.kafka)
    this.version = info.version
    this.description = describeLine(info)
    this.runDir = args.runDir
    this.logDir = args.logDir
    this.clusters = args.clusters
    this.mm2 = args.mm2
    this.persistent = args.persistent
    this.mm2MetricsUrl = args.mm2MetricsUrl ?? null
    this.security = args.security ?? null
    this.#sampler = setInterval(() => this.#sample(), 1000)
    this.#sampler.unref()
  }

  /** The generated mm2.properties (what the sidecar reads), or null when MM2 is not part of this lab. */
  get mm2PropertiesPath (): string | null { return this.mm2?.propertiesFile ?? null }

  cluster (alias: string): KafkaCluster {
    const cluster = this.clusters[alias]
    if (!cluster) throw new Error(`The lab has no cluster ${alias} (it has ${Object.keys(this.clusters).join(', ')}).`)
    return cluster
  }

  bootstrap (alias: string): string { return this.cluster(alias).bootstrapServers }

  /**
   * The sidecar's client options for a cluster of this lab (GroupAdmin, TopicTailer, ... in tests):
   * just the bootstrap servers for the PLAINTEXT lab; TLS and SCRAM as `user` (default: the lab's
   * admin, a super user) for a secured one.
   */
  clientOptions (alias: string, user?: string): ClusterClientOptions {
    const options: ClusterClientOptions = { alias, bootstrapServers: this.bootstrap(alias).split(',') }
    return this.security === null ? options : { ...options, ...this.security.clientOptions(alias, user) }
  }

  jvms (): JvmProcess[] {
    return [...Object.values(this.clusters).map(c => c.jvm), ...(this.mm2 ? [this.mm2.jvm] : [])]
  }

  /** PIDs of the running JVMs. */
  pids (): number[] {
    return this.jvms().filter(j => j.running && j.pid !== undefined).map(j => j.pid!)
  }

  /** Every port a broker of this lab listens on (client and controller). */
  ports (): number[] {
    return Object.values(this.clusters).flatMap(c => [c.ports.client, c.ports.controller])
  }

  /**
   * Peak resident memory of the lab in bytes: per role (broker-A, mm2, ...) the highest VmHWM seen
   * (a restarted JVM keeps its predecessor's peak if higher), summed. An upper bound of the
   * simultaneous peak, since the roles need not peak at the same moment.
   */
  peakRssBytes (): number {
    this.#sample()
    return [...this.#peaks.values()].reduce((a, b) => a + b, 0)
  }

  /** Current RSS per running JVM, bytes. */
  memory (): Record<string, number> {
    const out: Record<string, number> = {}
    for (const jvm of this.jvms()) {
      const m = jvm.memory()
      if (m) out[jvm.name] = m.rssBytes
    }
    return out
  }

  /** Log file of each JVM role. */
  logFiles (): Record<string, string> {
    return Object.fromEntries(this.jvms().map(j => [j.name, j.spec.logFile]))
  }

  /** The last `lines` lines of every JVM log, with headers: print this when a test fails. */
  logTails (lines = 60): string {
    return this.jvms().map(j => `----- ${j.name} (${j.spec.logFile}) -----\n${j.logTail(lines)}`).join('\n')
  }

  // Convenience wrappers over clients.ts, addressed by cluster alias.
  async produce (alias: string, topic: string, records: readonly clients.ProduceRecord[]): Promise<void> {
    await clients.produce(this.bootstrap(alias), topic, records)
  }

  async readTopic (alias: string, topic: string, options?: clients.ReadOptions): Promise<clients.RawRecord[]> {
    return clients.readTopic(this.bootstrap(alias), topic, options)
  }

  async endOffsets (alias: string, topic: string): Promise<bigint[]> {
    return clients.endOffsets(this.bootstrap(alias), topic)
  }

  /** Sum of the log-end offsets of `topic` on `alias` (0 when the topic does not exist yet). */
  async recordCount (alias: string, topic: string): Promise<bigint> {
    return clients.totalEndOffset(this.bootstrap(alias), topic)
  }

  async listTopics (alias: string): Promise<string[]> {
    return clients.listTopics(this.bootstrap(alias))
  }

  async createTopic (alias: string, topic: string, partitions = 1): Promise<void> {
    await clients.createTopic(this.bootstrap(alias), topic, partitions)
  }

  // Failover helpers: the same data dir and ports survive restarts.
  async killCluster (alias: string): Promise<void> { await this.cluster(alias).kill(); this.writeState() }
  async stopCluster (alias: string, graceMs?: number): Promise<void> { await this.cluster(alias).stop(graceMs); this.writeState() }
  async restartCluster (alias: string): Promise<void> {
    const cluster = this.cluster(alias)
    this.#peaks.set(cluster.jvm.name, Math.max(this.#peaks.get(cluster.jvm.name) ?? 0, cluster.jvm.memory()?.hwmBytes ?? 0))
    await cluster.restart()
    this.writeState()
  }

  async killMm2 (): Promise<void> { await this.#requireMm2().kill(); this.writeState() }
  async stopMm2 (graceMs?: number): Promise<void> { await this.#requireMm2().stop(graceMs); this.writeState() }
  async restartMm2 (): Promise<void> {
    const mm2 = this.#requireMm2()
    this.#sample()
    await mm2.restart()
    this.writeState()
  }

  state (): LabState {
    return {
      kafka: this.kafka,
      version: this.version,
      runDir: this.runDir,
      logDir: this.logDir,
      createdAt: new Date().toISOString(),
      ownerPid: process.pid,
      persistent: this.persistent,
      mm2PropertiesPath: this.mm2PropertiesPath,
      clusters: Object.fromEntries(Object.entries(this.clusters).map(([alias, c]) => [alias, {
        bootstrapServers: c.bootstrapServers,
        clientPort: c.ports.client,
        controllerPort: c.ports.controller,
        pid: c.jvm.running ? c.jvm.pid ?? null : null,
        dataDir: c.dataDir
      }])),
      mm2: this.mm2 ? { pid: this.mm2.jvm.running ? this.mm2.jvm.pid ?? null : null } : null,
      attached: this.#attached.map((entry) => ({ ...entry }))
    }
  }

  /** Records a process that outlives its starter (its command line must name this run dir), for `lab down`. */
  attach (name: string, pid: number): void {
    this.#attached.push({ name, pid })
    this.writeState()
  }

  /** Writes `<runDir>/lab.json` (PIDs, ports) so that `npm run lab -- down|status` can find this lab. */
  writeState (): void {
    writeFileSync(join(this.runDir, STATE_FILE), JSON.stringify(this.state(), null, 2) + '\n')
  }

  /**
   * Stops MM2, then the brokers (SIGTERM, SIGKILL after `graceMs`), checks that every PID is gone,
   * and removes the data directories unless `keepData`. Logs stay in `logDir`.
   */
  async stop (options: { graceMs?: number, keepData?: boolean } = {}): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    this.#sample()
    clearInterval(this.#sampler)
    const pids = this.jvms().map(j => j.pid).filter((p): p is number => p !== undefined)
    // MM2 first: stopping brokers under a running MM2 only produces retry noise and slows its shutdown.
    if (this.mm2) await this.mm2.stop(options.graceMs ?? 15_000)
    await Promise.all(Object.values(this.clusters).map(c => c.stop(options.graceMs ?? 15_000)))
    const alive = pids.filter(isAlive)
    this.writeState()
    if (alive.length > 0) throw new Error(`Lab JVMs still alive after stop: ${alive.join(', ')}.`)
    if (!options.keepData) {
      for (const c of Object.values(this.clusters)) rmSync(c.dataDir, { recursive: true, force: true })
    }
    for (const c of Object.values(this.clusters)) if (this.security !== null) clients.setClientSecurity(c.bootstrapServers, null)
    labs.delete(this)
  }

  /** True once stop() ran. */
  get stopped (): boolean { return this.#stopped }

  /** Ports of this lab that still accept connections (expected empty after stop()). */
  async listeningPorts (): Promise<number[]> {
    const open = await Promise.all(this.ports().map(async p => (await isListening(p)) ? p : null))
    return open.filter((p): p is number => p !== null)
  }

  #requireMm2 (): MirrorMaker {
    if (!this.mm2) throw new Error('This lab runs without MirrorMaker 2 (mm2: false).')
    return this.mm2
  }

  #sample (): void {
    for (const jvm of this.jvms()) {
      const hwm = jvm.memory()?.hwmBytes
      if (hwm !== undefined) this.#peaks.set(jvm.name, Math.max(this.#peaks.get(jvm.name) ?? 0, hwm))
    }
  }
}

const labs = new Set<Lab>()

/** Default run directory under the git-ignored `.lab/` of the repository. */
export function defaultRunDir (line: KafkaLine): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-')
  return join(REPO_ROOT, '.lab', 'runs', `${stamp}-kafka-${line}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`)
}

/**
 * Installs the jars if needed, formats and starts every cluster (in parallel), waits until each
 * answers a metadata request, then starts MM2 and waits for its readiness. On any failure the JVMs
 * already started are killed and the error carries the log tails.
 */
export async function startLab (options: LabOptions = {}): Promise<Lab> {
  // A port handed out free can be taken by another process before the broker binds it; such a start
  // is detected (see KafkaCluster.waitReady) and retried on fresh ports, never passed off as ready.
  const attempts = 3
  for (let attempt = 1; ; attempt++) {
    const runDir = options.runDir === undefined || attempt === 1 ? options.runDir : `${options.runDir}-attempt-${attempt}`
    try {
      return await startLabOnce({ ...options, ...(runDir === undefined ? {} : { runDir }) })
    } catch (error) {
      if (!(error instanceof LabPortConflictError) || attempt === attempts) throw error
      console.error(`[lab] ${error.message.split('\n')[0]} Retrying on fresh ports (attempt ${attempt + 1} of ${attempts}).`)
    }
  }
}

/** The lab failed to start because a port it was given was taken by another process. */
class LabPortConflictError extends Error {
  override name = 'LabPortConflictError'
}

async function startLabOnce (options: LabOptions): Promise<Lab> {
  const began = Date.now()
  const line = parseKafkaLine(options.kafka ?? process.env.MM2_FAILBACK_KAFKA ?? '3.9')
  const persistent = options.persistent ?? false
  if (!persistent) installCleanupHandlers()
  ensureJars(line)
  const runDir = options.runDir ?? defaultRunDir(line)
  const logDir = join(runDir, 'logs')
  mkdirSync(logDir, { recursive: true })
  const aliases = options.clusters ?? ['A', 'B']
  const timeoutMs = options.startTimeoutMs ?? 180_000

  const security = options.security ? new LabSecurity(options.security, await generateSecurityMaterial(join(runDir, 'security')), aliases) : null
  const clusters: Record<string, KafkaCluster> = {}
  for (const alias of aliases) {
    clusters[alias] = await KafkaCluster.create({
      alias,
      line,
      dir: join(runDir, alias),
      logDir,
      persistent,
      ...(options.brokerProps ? { brokerProps: options.brokerProps } : {}),
      ...(options.brokerHeap ? { heap: options.brokerHeap } : {}),
      ...(security ? { security } : {})
    })
    // Every helper of clients.ts (readiness checks included) reaches this cluster as the lab's admin.
    if (security) clients.setClientSecurity(clusters[alias].bootstrapServers, security.clientOptions(alias))
  }
  let mm2: MirrorMaker | undefined
  let mm2MetricsUrl: string | null = null
  if (options.mm2 ?? true) {
    const agent = options.mm2JavaAgent
    if (agent) mm2MetricsUrl = `http://${LOOPBACK}:${agent.port}/metrics`
    const endpoints = aliases.map(alias => ({ alias, bootstrapServers: clusters[alias]!.bootstrapServers }))
    const props = mm2Properties(endpoints, { ...security?.mm2Properties(), ...options.mm2Props }, options.flows)
    mm2 = new MirrorMaker({
      line,
      dir: join(runDir, 'mm2'),
      logDir,
      properties: props,
      bootstrap: Object.fromEntries(aliases.map(a => [a, clusters[a]!.bootstrapServers])),
      persistent,
      ...(options.mm2Readiness ? { readiness: options.mm2Readiness } : {}),
      ...(options.mm2Heap ? { heap: options.mm2Heap } : {}),
      ...(security && Object.keys(security.mm2Env).length > 0 ? { env: { ...security.mm2Env } } : {}),
      ...(agent ? { jvmOptions: [`-javaagent:${agent.jar ?? ensureJmxExporterJar()}=${LOOPBACK}:${agent.port}:${agent.config}`] } : {})
    })
  }
  const lab = new Lab({ kafka: line, runDir, logDir, clusters, mm2, persistent, mm2MetricsUrl, security })
  labs.add(lab)
  try {
    await Promise.all(Object.values(clusters).map(c => c.format()))
    await Promise.all(Object.values(clusters).map(async c => {
      await c.start(timeoutMs)
      lab.writeState()
    }))
    await options.beforeMm2?.(lab)
    if (mm2) {
      await mm2.start(timeoutMs)
      lab.writeState()
    }
  } catch (error) {
    const tails = lab.logTails(40)
    await lab.stop({ graceMs: 2000, keepData: true }).catch(() => {})
    const message = `The Kafka ${line} lab in ${runDir} failed to start: ${(error as Error).message}\n${tails}`
    const portTaken = error instanceof PortConflictError || tails.includes('Address already in use')
    throw portTaken ? new LabPortConflictError(message, { cause: error }) : new Error(message, { cause: error })
  }
  lab.startupMs = Date.now() - began
  return lab
}

/** Stops every lab this process started and has not stopped yet (for test teardown). */
export async function stopAllLabs (): Promise<void> {
  await Promise.all([...labs].map(lab => lab.stop()))
}
