// Security, on Kafka 3.9 and 4.1: clusters A and B listen on SASL_SSL only (SCRAM; a CA and
// broker certificate generated for the run), and the unmodified MM2 connects to both from an
// mm2.properties whose passwords are not in the file: A's come from a properties file through
// `${file:...}` and B's from MM2's environment through `${env:...}`. Cluster A is reached with
// SCRAM-SHA-512 and a PKCS12 truststore made by keytool, B with SCRAM-SHA-256 and the CA as PEM.
// The sidecar runs from that same mm2.properties: it follows, writes reverse offset syncs, syncs a
// group, and `reconcile` plans and commits; a wrong password says so in one line naming the cluster;
// and no secret appears in anything the commands print or serve.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startLab, waitFor, type Lab } from '../../lab/lab.ts'
import { envVarName, MM2_USER } from '../../lab/security.ts'
import { runCli, type CliResult } from '../../lab/process/cli-process.ts'
import { Admins, metricSum, readOffsetSyncs, waitMirrored } from './safety-helpers.ts'
import { startSidecarProcess, type SidecarProcess } from '../../lab/process/sidecar-process.ts'
import { produceSequence } from '../../lab/drill/workload.ts'
import { testedKafkaLines } from '../kafka-lines.ts'

const VERSIONS = testedKafkaLines()
const TOPIC = 'orders'
const REMOTE = `A.${TOPIC}`
const PARTITIONS = 3

describe.each(VERSIONS)('SASL_SSL + SCRAM on Kafka %s', (kafka) => {
  let lab: Lab
  let admins: Admins
  let sidecar: SidecarProcess | undefined
  const sidecars: SidecarProcess[] = []
  /** Everything the commands printed or served, checked for secrets at the end. */
  const outputs: Array<{ what: string, text: string }> = []
  const cli = async (what: string, args: string[], env: Record<string, string>): Promise<CliResult> => {
    const result = await runCli(args, env)
    outputs.push({ what: `${what} (stdout)`, text: result.stdout }, { what: `${what} (stderr)`, text: result.stderr })
    return result
  }
  const security = () => lab.security!
  const mm2Config = () => lab.mm2PropertiesPath!
  const log = (process: SidecarProcess): string => readFileSync(process.logFile, 'utf8')

  beforeAll(async () => {
    lab = await startLab({ kafka, security: { secrets: 'providers' } })
    admins = new Admins(lab)
    console.log(`[security ${lab.version}] lab up in ${(lab.startupMs / 1000).toFixed(1)} s; run dir ${lab.runDir}`)
  })

  beforeEach((context) => {
    context.onTestFailed(() => {
      console.log(`[security ${kafka}] logs after failure of "${context.task.name}":\n${lab?.logTails(60)}`)
      for (const process of sidecars) console.log(`----- ${process.logFile} -----\n${log(process).split('\n').slice(-40).join('\n')}`)
    })
  })

  afterAll(async () => {
    for (const process of sidecars) await process.stop()
    await admins?.close()
    await lab?.stop()
  })

  it('MM2 replicates over SASL_SSL with secrets from a file and the environment; mm2.properties holds none', async () => {
    const text = readFileSync(mm2Config(), 'utf8')
    expect(text).toMatch(/^A\.security\.protocol=SASL_SSL$/m)
    expect(text).toMatch(/^A\.sasl\.mechanism=SCRAM-SHA-512$/m)
    expect(text).toMatch(/^A\.ssl\.truststore\.type=PKCS12$/m)
    expect(text).toMatch(/^B\.sasl\.mechanism=SCRAM-SHA-256$/m)
    expect(text).toMatch(/^B\.ssl\.truststore\.type=PEM$/m)
    expect(text).toContain('password="${file:')
    expect(text).toContain(`password="\${env:${envVarName('B')}}"`)
    for (const secret of security().secrets()) expect(text).not.toContain(secret)

    await lab.createTopic('A', TOPIC, PARTITIONS)
    await lab.createTopic('B', TOPIC, PARTITIONS)
    await produceSequence(lab.bootstrap('A'), TOPIC, 'A', 0, 300, PARTITIONS)
    await waitFor(async () => (await lab.recordCount('B', REMOTE)) >= 300n, {
      timeoutMs: 120_000,
      intervalMs: 1000,
      description: `MM2 to copy 300 records to ${REMOTE} on B`
    })
  })

  it('the sidecar runs from the same mm2.properties: it follows both clusters, writes reverse offset syncs and syncs a group B->A', async () => {
    sidecar = await startSidecarProcess({
      mm2Config: mm2Config(),
      logDir: lab.logDir,
      name: 'sidecar-security',
      env: security().mm2Env,
      sets: ['groupSync.exclude=reconcile-.*']
    })
    sidecars.push(sidecar)
    const running = sidecar
    await waitFor(async () => await running.ready(), { timeoutMs: 90_000, description: 'the sidecar to be ready over SASL_SSL' })
    expect(log(running)).toMatch(/following \d+ topics on cluster A \(127\.0\.0\.1:\d+, SASL_SSL\/SCRAM-SHA-512\)/)
    expect(log(running)).toMatch(/following \d+ topics on cluster B \(127\.0\.0\.1:\d+, SASL_SSL\/SCRAM-SHA-256\)/)

    // Reverse syncs: flow A->B's syncs, inverted, in flow B->A's offset-syncs topic on B (MM2 reads them there).
    const reverse = await waitFor(async () => {
      const { syncs } = await readOffsetSyncs(lab, 'B', 'mm2-offset-syncs.A.internal', false)
      const ours = syncs.filter((sync) => sync.topic === REMOTE)
      return ours.length > 0 ? ours : null
    }, { timeoutMs: 60_000, intervalMs: 1000, description: `reverse offset syncs of ${REMOTE} in mm2-offset-syncs.A.internal on B` })
    expect(reverse.every((sync) => sync.partition < PARTITIONS)).toBe(true)

    // Group sync B->A: a commit on A.orders on B lands, translated and tagged, on orders on A.
    const ends = await lab.endOffsets('B', REMOTE)
    await admins.commit('B', 'billing-security', REMOTE, ends)
    const mirrored = await waitMirrored(admins, { from: 'B', to: 'A', group: 'billing-security', topic: TOPIC, partitions: PARTITIONS, timeoutMs: 60_000 })
    expect(mirrored.size).toBe(PARTITIONS)

    const metrics = await running.scrape()
    outputs.push({ what: 'sidecar /metrics', text: metrics })
    expect(metricSum(metrics, 'mm2_failback_up', { kafka_cluster: 'A' })).toBe(1)
    expect(metricSum(metrics, 'mm2_failback_up', { kafka_cluster: 'B' })).toBe(1)
    expect(metricSum(metrics, 'mm2_failback_reverse_syncs_written_total')).toBeGreaterThan(0)
  })

  it('reconcile --dry-run plans and --execute commits one group over SASL_SSL', async () => {
    const group = 'reconcile-security'
    const ends = await lab.endOffsets('B', REMOTE)
    await admins.commit('B', group, REMOTE, ends.map((end) => end - 10n))
    const env = security().mm2Env
    const plan = await cli('reconcile --dry-run', ['reconcile', '--mm2-config', mm2Config(), '--group', group, '--from', 'B', '--to', 'A', '--dry-run'], env)
    expect([0, 3], plan.stderr).toContain(plan.code)
    expect(plan.stdout).toContain(group)
    expect(await admins.committed('A', group, TOPIC)).toEqual(new Map())
    const execute = await cli('reconcile --execute', ['reconcile', '--mm2-config', mm2Config(), '--group', group, '--from', 'B', '--to', 'A', '--execute'], env)
    expect(execute.code, execute.stderr).toBe(0)
    expect(execute.stdout).toMatch(new RegExp(`committed \\d+ partition\\(s\\) of group ${group} on cluster A, verified by reading them back`))
    expect((await admins.committed('A', group, TOPIC)).size).toBeGreaterThan(0)
  })

  it('a wrong password for cluster B: one clear line naming cluster B, from reconcile and from the running sidecar', async () => {
    const wrong = { ...security().mm2Env, [envVarName('B', MM2_USER)]: 'Wrong-Password-42' }
    const reconcileArgs = ['reconcile', '--mm2-config', mm2Config(), '--group', 'reconcile-security', '--from', 'B', '--to', 'A', '--dry-run']
    const result = await cli('reconcile, wrong password', reconcileArgs, wrong)
    expect(result.code).toBe(1)
    const lines = result.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    const authenticationFailed = new RegExp(
      /^mm2-failback: cannot connect to cluster B \(127\.0\.0\.1:\d+, SASL_SSL\/SCRAM-SHA-256\): .*SASL_AUTHENTICATION_FAILED.*; /.source +
      /authentication to cluster B failed \(SASL SCRAM-SHA-256 as mm2\): check the username and password in B\.sasl\.jaas\.config/.source)
    expect(lines[0]).toMatch(authenticationFailed)
    console.log(`[security ${kafka}] ${lines[0]}`)

    // Read-only: it must not claim the reverse-sync topics from the healthy sidecar once B's grace period passes.
    const readOnly = ['features.reverseSyncs=false', 'features.groupSync=false', 'features.history=false']
    const failing = await startSidecarProcess({ mm2Config: mm2Config(), logDir: lab.logDir, name: 'sidecar-wrong-password', env: wrong, sets: readOnly })
    sidecars.push(failing)
    const errorOnB = (): string | null => log(failing).split('\n').find((entry) => entry.includes('"level":"error"') && entry.includes('cluster B (')) ?? null
    const line = await waitFor(errorOnB, { timeoutMs: 30_000, description: 'the sidecar to log the authentication failure on B' })
    expect(line).toMatch(/cannot read from cluster B \(127\.0\.0\.1:\d+, SASL_SSL\/SCRAM-SHA-256\): .*authentication to cluster B failed/)
    // Cluster A is not affected.
    await waitFor(async () => metricSum(await failing.scrape(), 'mm2_failback_up', { kafka_cluster: 'A' }) === 1, {
      timeoutMs: 30_000,
      description: 'up{kafka_cluster="A"} = 1 beside the failing B'
    })
    outputs.push({ what: 'sidecar with a wrong password, /metrics', text: await failing.scrape() })
    await failing.stop()
  })

  it('a wrong truststore password for cluster A: a config error naming cluster A and the truststore', async () => {
    // The same mm2.properties, its ${file:...} references pointing at a secrets file with a wrong truststore password.
    const secrets = join(security().material.dir, `secrets-${MM2_USER}.properties`)
    const wrongSecrets = join(lab.runDir, 'wrong-truststore-secrets.properties')
    writeFileSync(wrongSecrets, readFileSync(secrets, 'utf8').replace(/^truststore\.password=.*$/m, 'truststore.password=Not-The-Truststore-Password'))
    const wrongConfig = join(lab.runDir, 'wrong-truststore-mm2.properties')
    writeFileSync(wrongConfig, readFileSync(mm2Config(), 'utf8').replaceAll(secrets, wrongSecrets))
    const reconcileArgs = ['reconcile', '--mm2-config', wrongConfig, '--group', 'reconcile-security', '--from', 'B', '--to', 'A', '--dry-run']
    const result = await cli('reconcile, wrong truststore password', reconcileArgs, security().mm2Env)
    expect(result.code).toBe(2)
    expect(result.stderr.split('\n')[0]).toBe(`mm2-failback: cluster A: cannot read the truststore ${security().material.truststoreP12} (ssl.truststore.location, type PKCS12): wrong password; check ssl.truststore.password.`)
  })

  it('no secret appears in any output: sidecar logs, reconcile, inspect, --help, /metrics', async () => {
    const env = security().mm2Env
    await cli('--help', ['--help'], env)
    await cli('run --help', ['run', '--help'], env)
    await cli('reconcile --help', ['reconcile', '--help'], env)
    const inspect = await cli('inspect', ['inspect', '--mm2-config', mm2Config(), '--output', 'json'], env)
    expect(inspect.code, inspect.stderr).toBe(0)
    const report = JSON.parse(inspect.stdout) as { clusters: Array<{ alias: string, settings: Record<string, string> }> }
    for (const cluster of report.clusters) expect(cluster.settings['sasl.jaas.config'], `cluster ${cluster.alias}`).toBe('******')
    expect(report.clusters[0]?.settings['ssl.truststore.password']).toBe('******')
    if (sidecar !== undefined) outputs.push({ what: 'sidecar /metrics (end)', text: await sidecar.scrape() })
    for (const process of sidecars) outputs.push({ what: process.logFile, text: log(process) })
    const secrets = [...security().secrets(), 'Wrong-Password-42', 'Not-The-Truststore-Password']
    expect(outputs.length).toBeGreaterThan(15)
    for (const output of outputs) {
      for (const secret of secrets) expect(output.text.includes(secret), `${output.what} contains a secret`).toBe(false)
    }
  })
})
