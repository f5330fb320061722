// The monitoring bundle against the real thing: MirrorMaker 2 with the Prometheus JMX exporter javaagent
// (mm2-config/jmx-exporter.yaml), the sidecar, and a real Prometheus (the Debian binary) scraping both every
// second and evaluating the bundle's rules (rendered with short `for:` durations and low thresholds). Proves
// that every query of every dashboard panel and template variable returns data for a lab workload, with no
// exceptions, that the rules load and evaluate, and that stopping MM2 makes MM2ReplicationDelayHigh and
// MM2Down go pending/firing, with a runbook link that opens the runbook the sidecar serves.
//
// The sidecar's event counters are exported at 0 from startup for the label values its configuration
// determines (sidecar/src/metrics/initial-series.ts), so their panels show 0 on a healthy lab. On top of
// that the workload induces the real events, checked through Prometheus: a group whose committed
// partitions have no offset sync (untranslatable, the `> 0` table), garbage in MM2's heartbeats topic that
// MM2 copies and the sidecar skips, and a sidecar restart whose backlog of reverse syncs is not newer than
// what its predecessor wrote.
import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderRules } from '../../alerts/rules.ts'
import { monitoringConfig } from '../../sidecar/src/metrics/monitoring/config.ts'
import { metricName } from '../../sidecar/src/metrics/names.ts'
import { isAlive } from '../../lab/jvm.ts'
import { startLab, type Lab } from '../../lab/lab.ts'
import { freePort, LOOPBACK } from '../../lab/net.ts'
import { waitFor } from '../../lab/wait.ts'
import { Admins } from '../e2e/safety-helpers.ts'
import { startSidecarProcess, type SidecarProcess } from '../../lab/process/sidecar-process.ts'
import { consumeUntil, DeliveryLedger, produceSequence } from '../../lab/drill/workload.ts'
import { testedKafkaLines } from '../kafka-lines.ts'

const ROOT = new URL('../../', import.meta.url).pathname
const PROMETHEUS = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus'
const VERSIONS = testedKafkaLines()
const TOPIC = 'orders'
const PARTITIONS = 3
const GROUP = 'monitoring-app'
/** A topic on A with no records (so MM2 writes no offset syncs for it), and a group reset to its earliest offsets. */
const IDLE_TOPIC = 'idle'
const IDLE_PARTITIONS = 2
const IDLE_GROUP = 'monitoring-idle'

// Test thresholds: MM2 heartbeats every second, so on a healthy lab the heartbeat age stays at a few
// seconds; stopping MM2 lets it grow by one per second past these within the test's bounded wait.
const TEST_MONITORING = monitoringConfig({
  thresholds: { replicationDelaySeconds: 10, mm2DownSeconds: 20 },
  for: { replicationDelay: '2s', mm2Down: '2s', sidecarDown: '5s', notReady: '5s', clusterUnreachable: '5s' },
  rateWindow: '1m'
})

interface PromQuery { dashboard: string, panel: string, expr: string }

// Every target expression of every panel (rows included) and every template variable of the generated dashboards,
// with the variables as Grafana sends them on opening (substitute()): jobs at their defaults (the lab's), others on "All".
function dashboardQueries (): { panels: PromQuery[], variables: PromQuery[] } {
  const dir = join(ROOT, 'dashboards/generated')
  const panels: PromQuery[] = []
  const variables: PromQuery[] = []
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const dashboard = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      panels?: Panel[]
      templating?: { list?: Array<{ name: string, type: string, query?: unknown, current?: { value?: unknown } }> }
    }
    const defaults = new Map((dashboard.templating?.list ?? [])
      .flatMap((v): Array<[string, string]> => typeof v.current?.value === 'string' ? [[v.name, v.current.value]] : []))
    const expr = (text: string): string => substitute(text, defaults)
    const walk = (list: Panel[] | undefined): void => {
      for (const panel of list ?? []) {
        walk(panel.panels)
        for (const target of panel.targets ?? []) if (target.expr) panels.push({ dashboard: file, panel: panel.title ?? '?', expr: expr(target.expr) })
      }
    }
    walk(dashboard.panels)
    for (const variable of dashboard.templating?.list ?? []) {
      if (variable.type !== 'query') continue
      const query = typeof variable.query === 'string' ? variable.query : (variable.query as { query?: string } | undefined)?.query ?? ''
      // label_values(<selector>, <label>) -> the label's values as series: `count by (<label>) (<selector>)`.
      const match = /^label_values\((.*),\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$/s.exec(query)
      if (match === null) throw new Error(`${file}: variable ${variable.name} has a query this test cannot evaluate: ${query}`)
      variables.push({ dashboard: file, panel: `$${variable.name}`, expr: expr(`count by (${match[2]}) (${match[1]})`) })
    }
  }
  return { panels, variables }
}
interface Panel { title?: string, panels?: Panel[], targets?: Array<{ expr?: string }> }
interface Alert { labels: Record<string, string>, annotations: Record<string, string>, state: string, activeAt: string }

/** What Grafana would send: single-value variables at their default, the others on "All" (regex `.*`), interval macros resolved. */
function substitute (expr: string, defaults: ReadonlyMap<string, string>): string {
  return expr
    .replaceAll('$__rate_interval', '1m')
    .replaceAll('$__interval', '15s')
    .replaceAll('$__range', '1h')
    .replace(/\$\{?([a-zA-Z_][a-zA-Z0-9_]*)\}?/g, (whole, name: string) => (name === 'datasource' ? whole : defaults.get(name) ?? '.*'))
}

class Prometheus {
  readonly url: string
  readonly child: ChildProcess
  readonly logFile: string
  #exited = false

  constructor (url: string, child: ChildProcess, logFile: string) {
    this.url = url
    this.child = child
    this.logFile = logFile
    child.once('exit', () => { this.#exited = true })
  }

  get exited (): boolean { return this.#exited }

  static async start (options: { dir: string, sidecar: string, mm2: string, rulesFile: string }): Promise<Prometheus> {
    const port = await freePort()
    const config = [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      'rule_files:',
      `  - ${JSON.stringify(options.rulesFile)}`,
      'scrape_configs:',
      '  - job_name: mm2-failback',
      '    static_configs:',
      `      - targets: [${JSON.stringify(options.sidecar)}]`,
      '  - job_name: mirrormaker2',
      '    static_configs:',
      `      - targets: [${JSON.stringify(options.mm2)}]`,
      ''
    ].join('\n')
    const configFile = join(options.dir, 'prometheus.yml')
    writeFileSync(configFile, config)
    const logFile = join(options.dir, 'prometheus.log')
    const log = createWriteStream(logFile, { flags: 'a' })
    const child = spawn(PROMETHEUS, [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(options.dir, 'data')}`,
      `--web.listen-address=${LOOPBACK}:${port}`,
      '--log.level=warn'
    ], { cwd: options.dir, stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout?.pipe(log, { end: false })
    child.stderr?.pipe(log, { end: false })
    const prometheus = new Prometheus(`http://${LOOPBACK}:${port}`, child, logFile)
    process.once('exit', () => prometheus.#kill('SIGKILL'))
    await waitFor(async () => prometheus.#exited || (await fetch(`${prometheus.url}/-/ready`).catch(() => null))?.status === 200, {
      timeoutMs: 30_000, intervalMs: 250, description: 'Prometheus to be ready'
    })
    if (prometheus.#exited) throw new Error(`Prometheus exited at startup; see ${logFile}:\n${readFileSync(logFile, 'utf8')}`)
    return prometheus
  }

  async api<T> (path: string, params: Record<string, string> = {}): Promise<T> {
    const response = await fetch(`${this.url}/api/v1/${path}?${new URLSearchParams(params).toString()}`)
    const body = await response.json() as { status: string, data: T, error?: string }
    if (body.status !== 'success') throw new Error(`Prometheus ${path} ${JSON.stringify(params)}: ${body.error ?? response.status}`)
    return body.data
  }

  async query (expr: string): Promise<Array<{ metric: Record<string, string>, value: [number, string] }>> {
    const data = await this.api<{ resultType: string, result: unknown }>('query', { query: expr })
    if (data.resultType !== 'vector') throw new Error(`expected a vector from ${expr}, got ${data.resultType}`)
    return data.result as Array<{ metric: Record<string, string>, value: [number, string] }>
  }

  async alerts (): Promise<Alert[]> {
    return (await this.api<{ alerts: Alert[] }>('alerts')).alerts
  }

  /** SIGTERM by PID, SIGKILL after 10 s. */
  async stop (): Promise<void> {
    if (this.#exited) return
    this.#kill('SIGTERM')
    await waitFor(() => this.#exited, { timeoutMs: 10_000, intervalMs: 100, description: `Prometheus (pid ${this.child.pid}) to exit` })
      .catch(async () => {
        this.#kill('SIGKILL')
        await waitFor(() => this.#exited, { timeoutMs: 5000, intervalMs: 100, description: `Prometheus (pid ${this.child.pid}) to exit after SIGKILL` })
      })
  }

  #kill (signal: NodeJS.Signals): void {
    const pid = this.child.pid
    if (pid === undefined || this.#exited) return
    try { process.kill(pid, signal) } catch {}
  }
}

describe.each(VERSIONS)('monitoring bundle on Kafka %s: JMX exporter + sidecar + real Prometheus', (kafka) => {
  let lab: Lab | undefined
  let sidecar: SidecarProcess | undefined
  let prometheus: Prometheus | undefined
  let pids: number[] = []
  let admins: Admins | undefined
  const L = (): Lab => { if (!lab) throw new Error('the lab did not start'); return lab }
  const P = (): Prometheus => { if (!prometheus) throw new Error('Prometheus did not start'); return prometheus }

  beforeAll(async () => {
    expect(existsSync(PROMETHEUS), `${PROMETHEUS} (Debian package prometheus; scripts/setup.sh installs it)`).toBe(true)
    lab = await startLab({
      kafka,
      mm2JavaAgent: { port: await freePort(), config: join(ROOT, 'mm2-config/jmx-exporter.yaml') }
    })
    pids = lab.pids()
    console.log(`[monitoring ${kafka}] lab ${lab.version} up in ${(lab.startupMs / 1000).toFixed(1)} s; run dir ${lab.runDir}; MM2 metrics at ${lab.mm2MetricsUrl}`)

    // Workload: records on every partition of a multi-partition topic on A, a real consumer group that
    // consumes half and commits on A, then more records, so that the group lags on A.
    await lab.createTopic('A', TOPIC, PARTITIONS)
    await produceSequence(lab.bootstrap('A'), TOPIC, 'A', 0, 300, PARTITIONS)
    sidecar = await startSidecarProcess({ mm2Config: lab.mm2PropertiesPath!, logDir: lab.logDir, name: 'sidecar-monitoring' })
    await waitFor(async () => await sidecar!.ready(), { timeoutMs: 60_000, intervalMs: 250, description: 'the sidecar to be ready' })
    const ledger = new DeliveryLedger()
    let seen = 0
    await consumeUntil({ bootstrap: lab.bootstrap('A'), group: GROUP, topics: [TOPIC], ledger, done: () => ++seen >= 150, timeoutMs: 60_000 })
    await produceSequence(lab.bootstrap('A'), TOPIC, 'A', 300, 150, PARTITIONS)

    // Untranslatable partitions: an operator resets a group to the earliest offsets of a topic that has no
    // records yet (what `kafka-consumer-groups --reset-offsets --to-earliest --execute` commits: offset 0,
    // admin-style). MM2 replicates the empty topic but has no record to write an offset sync for, so the
    // sidecar cannot translate these commits to B and reports every partition (reason no-syncs).
    await lab.createTopic('A', IDLE_TOPIC, IDLE_PARTITIONS)
    admins = new Admins(lab)
    await admins.commit('A', IDLE_GROUP, IDLE_TOPIC, new Array<bigint>(IDLE_PARTITIONS).fill(0n), '')

    // Records skipped: undecodable records in A's heartbeats topic (keyed: it is compacted). MM2 copies
    // them byte for byte into A.heartbeats on B, which the sidecar follows for flow A->B (the test of the
    // induced events waits for them there); nothing in MM2 decodes heartbeats, so MM2 is unaffected.
    await lab.produce('A', 'heartbeats', [
      { key: Buffer.from([0xde, 0xad, 0xbe, 0xef]), value: Buffer.from([1, 2, 3]), partition: 0 },
      { key: Buffer.from('not a heartbeat'), value: Buffer.from('garbage'), partition: 0 }
    ])

    // Reverse syncs skipped (not-newer): once the sidecar wrote reverse syncs, a restarted one finds them in
    // the topic and skips its backlog at or below them. Prometheus scrapes the restarted sidecar.
    await waitFor(async () => new RegExp(`^${metricName('reverseSyncsWritten')}\\{flow="A->B"\\} [1-9]`, 'm').test(await sidecar!.scrape()), {
      timeoutMs: 60_000, intervalMs: 500, description: 'the sidecar to write reverse syncs of flow A->B'
    })
    await sidecar.stop()
    sidecar = await startSidecarProcess({ mm2Config: lab.mm2PropertiesPath!, logDir: lab.logDir, name: 'sidecar-monitoring-restarted' })
    await waitFor(async () => await sidecar!.ready(), { timeoutMs: 60_000, intervalMs: 250, description: 'the restarted sidecar to be ready' })

    // Group sync by the sidecar Prometheus scrapes: the group commits again on A, which the restarted sidecar
    // translates to B (commits applied, translation latency) and then sees come back as its own write (commits
    // skipped). Its predecessor may have synced the first commits before it stopped, and a restarted sidecar
    // finding B already in sync counts nothing, so without these commits the group-sync panels could stay empty.
    seen = 0
    await consumeUntil({ bootstrap: lab.bootstrap('A'), group: GROUP, topics: [TOPIC], ledger, done: () => ++seen >= 30, timeoutMs: 60_000 })
    await waitFor(async () => new RegExp(`^${metricName('groupCommitsSkipped')}\\{[^}]*group="${GROUP}"`, 'm').test(await sidecar!.scrape()), {
      timeoutMs: 60_000, intervalMs: 500, description: `the restarted sidecar to apply group ${GROUP}'s new commits on B and skip them coming back`
    })

    const dir = join(lab.runDir, 'prometheus')
    mkdirSync(dir, { recursive: true })
    const rulesFile = join(dir, 'mm2-failback.rules.yaml')
    writeFileSync(rulesFile, renderRules(TEST_MONITORING))
    prometheus = await Prometheus.start({ dir, rulesFile, sidecar: new URL(sidecar.url).host, mm2: new URL(lab.mm2MetricsUrl!).host })
  })

  afterAll(async () => {
    await prometheus?.stop()
    await sidecar?.stop()
    await admins?.close()
    if (lab) {
      await lab.stop()
      expect(pids.filter(isAlive), 'lab JVMs alive after stop()').toEqual([])
    }
    if (prometheus) expect(isAlive(prometheus.child.pid!), 'Prometheus alive after stop()').toBe(false)
  })

  it('Prometheus scrapes both targets and loads every rule of the bundle without evaluation errors', async () => {
    const p = P()
    await waitFor(async () => {
      const { activeTargets } = await p.api<{ activeTargets: Array<{ labels: Record<string, string>, health: string, lastError: string }> }>('targets')
      return activeTargets.length === 2 && activeTargets.every((t) => t.health === 'up')
    }, { timeoutMs: 30_000, intervalMs: 500, description: 'both scrape targets to be up' })
    const { groups } = await p.api<{ groups: Array<{ name: string, rules: Array<{ name: string, health: string, lastError?: string }> }> }>('rules')
    const rules = groups.flatMap((g) => g.rules)
    expect(rules.length).toBeGreaterThan(10)
    await waitFor(async () => {
      const response = await p.api<{ groups: Array<{ rules: Array<{ name: string, health: string, lastError?: string }> }> }>('rules')
      const current = response.groups.flatMap((g) => g.rules)
      return current.every((r) => r.health === 'ok')
    }, { timeoutMs: 15_000, intervalMs: 500, description: 'every rule to evaluate without error' })
  })

  it('every dashboard panel query and template variable returns data', async () => {
    const p = P()
    const { panels, variables } = dashboardQueries()
    const all = [...panels, ...variables]
    let missing: PromQuery[] = []
    // The workload's effects arrive over several MM2 intervals (checkpoints every 5 s, group refresh every 5 s).
    await waitFor(async () => {
      missing = []
      for (const q of all) {
        const result = await p.query(q.expr)
        if (result.length === 0) missing.push(q)
      }
      return missing.length === 0
    }, { timeoutMs: 120_000, intervalMs: 2000, description: 'every dashboard query to return data' }).catch(() => {
      // Printed as it happens: the assertion's diff reaches the summary only if the run gets that far.
      console.log(`[monitoring ${kafka}] still empty after 120 s:\n  ${missing.map((q) => `${q.dashboard} / ${q.panel}: ${q.expr}`).join('\n  ')}`)
    })
    expect(missing.map((q) => `${q.dashboard} / ${q.panel}: ${q.expr}`)).toEqual([])
    console.log(`[monitoring ${kafka}] all ${panels.length} panel queries and all ${variables.length} template variables return data`)
  })

  it('the induced events show in Prometheus: untranslatable partitions (and their alert pending), skipped records, skipped reverse syncs', async () => {
    const p = P()
    const value = async (expr: string): Promise<number> => Number((await p.query(expr))[0]?.value[1] ?? Number.NaN)
    const expected = {
      untranslatable: `max(${metricName('untranslatablePartitions')}{flow="A->B", direction="forward", group="${IDLE_GROUP}"})`,
      table: `count(max by (flow, direction, group) (${metricName('untranslatablePartitions')}{group="${IDLE_GROUP}"}) > 0)`,
      heartbeatsSkipped: `sum(${metricName('recordsSkipped')}{kafka_cluster="B", record_type="heartbeat"})`,
      reverseSkipped: `sum(${metricName('reverseSyncsSkipped')}{reason="not-newer"})`,
      // Per cluster (A, B): describe-group, commit, history, lag, reverse-sync-claim, reverse-sync, coordination.
      zeroFailureSeries: `count(${metricName('syncFailures')}{code=""})`
    }
    let seen: Record<keyof typeof expected, number> | undefined
    let pending: Array<{ labels: Record<string, string>, state: string }> = []
    await waitFor(async () => {
      const values = await Promise.all(Object.entries(expected).map(async ([key, expr]) => [key, await value(expr)]))
      seen = Object.fromEntries(values) as Record<keyof typeof expected, number>
      pending = (await p.alerts()).filter((a) => a.labels.alertname === 'MM2FailbackUntranslatablePartitions' && a.labels.group === IDLE_GROUP)
      return seen.untranslatable === IDLE_PARTITIONS && seen.table === 1 && seen.heartbeatsSkipped >= 2 && seen.reverseSkipped > 0 &&
        seen.zeroFailureSeries === 14 && pending.length > 0
    }, { timeoutMs: 60_000, intervalMs: 1000, description: 'the induced events to be scraped' }).catch(() => {})
    expect(seen).toMatchObject({ untranslatable: IDLE_PARTITIONS, table: 1 })
    expect(seen!.heartbeatsSkipped).toBeGreaterThanOrEqual(2)
    expect(seen!.reverseSkipped).toBeGreaterThan(0)
    // No write fails on a healthy lab; the series are there from startup, without a code.
    expect(seen!.zeroFailureSeries).toBe(14)
    expect(pending.map((a) => `${a.labels.flow} ${a.labels.direction} ${a.labels.group}`)).toEqual([`A->B forward ${IDLE_GROUP}`])
    expect(['pending', 'firing']).toContain(pending[0]!.state)
    console.log(`[monitoring ${kafka}] induced: ${JSON.stringify(seen)}; MM2FailbackUntranslatablePartitions ${pending[0]!.state}`)
  })

  it('stopping MM2 makes MM2ReplicationDelayHigh and MM2Down go pending/firing', async () => {
    const p = P()
    const watched = new Set(['MM2ReplicationDelayHigh', 'MM2Down'])
    const before = (await p.alerts()).filter((a) => watched.has(a.labels.alertname!))
    expect(before, 'MM2 alerts active before the failure').toEqual([])

    const stoppedAt = Date.now()
    await L().stopMm2()
    // Each alert, once per flow (A->B and B->A): every flow lost its heartbeats. Keyed `alert{flow}`.
    const expected = [...watched].flatMap((name) => ['A->B', 'B->A'].map((flow) => `${name}{flow=${flow}}`))
    const seen = new Map<string, { ms: number, state: string }>()
    await waitFor(async () => {
      for (const alert of await p.alerts()) {
        const key = `${alert.labels.alertname}{flow=${alert.labels.flow}}`
        if (watched.has(alert.labels.alertname!) && !seen.has(key)) seen.set(key, { ms: Date.now() - stoppedAt, state: alert.state })
      }
      return expected.every((key) => seen.has(key))
    }, { timeoutMs: 90_000, intervalMs: 500, description: `${expected.join(', ')} to be pending or firing after MM2 stopped` })
    for (const { state } of seen.values()) expect(['pending', 'firing']).toContain(state)
    expect([...seen.keys()].sort()).toEqual(expected.sort())
    // The default runbook link: Prometheus expands it to the live sidecar's scrape address, which serves the runbook.
    const down = (await p.alerts()).find((alert) => alert.labels.alertname === 'MM2Down')
    expect(down?.annotations.runbook_url).toBe(`http://${new URL(sidecar!.url).host}/runbook#mm2down`)
    const runbook = await fetch(down!.annotations.runbook_url!)
    expect(runbook.status).toBe(200)
    expect(await runbook.text()).toContain('<h2 id="mm2down">MM2Down</h2>')
    console.log(`[monitoring ${kafka}] after lab.stopMm2() (${(L().mm2!.jvm.exit ? 'exited' : 'running')}): ${[...seen].map(([key, { ms, state }]) => `${key} ${state} after ${(ms / 1000).toFixed(1)} s`).join(', ')}`)
  })
})
