// ACLs (docs/acls.md), on Kafka 3.9 and 4.1: brokers with StandardAuthorizer and
// allow.everyone.if.no.acl.found=false (super users: the brokers, MM2 and the lab's admin), and a
// sidecar with its own principal, User:failback, holding exactly the ACLs docs/acls.md grants: its
// kafka-acls.sh commands are run as written (the line's AclCommand), and the cluster must then hold
// exactly the bindings they describe. With them the sidecar follows MM2's topics, writes reverse
// offset syncs, falls back to polling group offsets (no Read on __consumer_offsets: the minimal set
// leaves it out), syncs groups both ways, and reconcile plans and commits. With one ACL removed, the
// error names the operation, the resource, the cluster and the principal. The optional
// __consumer_offsets ACL then turns polling off.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Admin } from '@platformatic/kafka'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createAdmin } from '../../lab/clients.ts'
import { formatProperties } from '../../lab/config.ts'
import { startLab, waitFor, type Lab } from '../../lab/lab.ts'
import { bindingKey, bindingsOf, bindingsOn, deleteBinding, documentedCommands, readAclsDoc, runAclCommand, type DocumentedCommand } from './acl-helpers.ts'
import { runCli } from '../../lab/process/cli-process.ts'
import { Admins, readOffsetSyncs, waitMirrored } from './safety-helpers.ts'
import { startSidecarProcess, type SidecarProcess } from '../../lab/process/sidecar-process.ts'
import { produceSequence } from '../../lab/drill/workload.ts'
import { testedKafkaLines } from '../kafka-lines.ts'

const VERSIONS = testedKafkaLines()
const USER = 'failback'
const PRINCIPAL = `User:${USER}`
const TOPIC = 'orders'
const REMOTE = `A.${TOPIC}`
const PARTITIONS = 3
const POLLING = /cluster (A|B) does not allow reading __consumer_offsets; polling group offsets/

describe.each(VERSIONS)('ACLs on Kafka %s', (kafka) => {
  let lab: Lab
  let admins: Admins
  let commands: DocumentedCommand[] = []
  let sidecarConfig = ''
  const sidecars: SidecarProcess[] = []
  const aclAdmins = new Map<string, Admin>()
  const aclAdmin = (alias: string): Admin => {
    let admin = aclAdmins.get(alias)
    if (admin === undefined) {
      admin = createAdmin(lab.bootstrap(alias), 'acls-e2e')
      aclAdmins.set(alias, admin)
    }
    return admin
  }
  const log = (process: SidecarProcess): string => readFileSync(process.logFile, 'utf8')
  const reconcile = async (group: string, mode: '--dry-run' | '--execute') =>
    await runCli(['reconcile', '--mm2-config', sidecarConfig, '--group', group, '--from', 'B', '--to', 'A', mode])

  beforeAll(async () => {
    lab = await startLab({ kafka, security: { acls: true, users: { [USER]: '' } } })
    admins = new Admins(lab)
    console.log(`[acls ${lab.version}] lab up in ${(lab.startupMs / 1000).toFixed(1)} s; run dir ${lab.runDir}`)
    // The sidecar's mm2.properties: MM2's, with its own credentials.
    sidecarConfig = join(lab.runDir, 'sidecar-mm2.properties')
    const properties = { ...lab.mm2!.properties, ...lab.security!.mm2Properties(USER) }
    writeFileSync(sidecarConfig, formatProperties(properties, `MM2's mm2.properties with the credentials of ${PRINCIPAL}`))
  })

  beforeEach((context) => {
    context.onTestFailed(() => {
      console.log(`[acls ${kafka}] logs after failure of "${context.task.name}":\n${lab?.logTails(60)}`)
      for (const process of sidecars) console.log(`----- ${process.logFile} -----\n${log(process).split('\n').slice(-40).join('\n')}`)
    })
  })

  afterAll(async () => {
    for (const process of sidecars) await process.stop()
    for (const admin of aclAdmins.values()) await admin.close().catch(() => {})
    await admins?.close()
    await lab?.stop()
  })

  it('the kafka-acls.sh commands of docs/acls.md run as written and grant exactly the documented bindings', async () => {
    const security = lab.security!
    const vars: Record<string, string> = { P: PRINCIPAL, APP_TOPICS: TOPIC, APP_GROUPS: 'billing' }
    for (const alias of ['A', 'B']) vars[alias] = `--bootstrap-server ${lab.bootstrap(alias)} --command-config ${security.writeCommandConfig(alias)}`
    commands = documentedCommands(readAclsDoc(), vars)
    const required = commands.filter((command) => !command.optional)
    expect(new Set(required.map((command) => command.cluster))).toEqual(new Set(['A', 'B']))
    const began = Date.now()
    for (const command of required) await runAclCommand(lab.kafka, command.args)
    console.log(`[acls ${kafka}] ${required.length} kafka-acls.sh commands in ${((Date.now() - began) / 1000).toFixed(1)} s`)
    for (const alias of ['A', 'B']) {
      const documented = required.filter((command) => command.cluster === alias).flatMap((command) => bindingsOf(command.args)).map(bindingKey).sort()
      const held = (await bindingsOn(aclAdmin(alias), PRINCIPAL)).map(bindingKey).sort()
      expect(held, `ACLs of ${PRINCIPAL} on ${alias}`).toEqual(documented)
      console.log(`[acls ${kafka}] ${alias}: ${held.join(', ')}`)
    }
  })

  it('with exactly those ACLs the sidecar follows, writes reverse syncs, polls group offsets and syncs groups both ways', async () => {
    await lab.createTopic('A', TOPIC, PARTITIONS)
    await lab.createTopic('B', TOPIC, PARTITIONS)
    await produceSequence(lab.bootstrap('A'), TOPIC, 'A', 0, 300, PARTITIONS)
    await waitFor(async () => (await lab.recordCount('B', REMOTE)) >= 300n, {
      timeoutMs: 120_000,
      intervalMs: 1000,
      description: `MM2 to copy 300 records to ${REMOTE}`
    })

    const sidecar = await startSidecarProcess({
      mm2Config: sidecarConfig,
      logDir: lab.logDir,
      name: 'sidecar-acls',
      sets: ['groupSync.exclude=billing-reconcile.*']
    })
    sidecars.push(sidecar)
    await waitFor(async () => await sidecar.ready(), { timeoutMs: 90_000, description: 'the sidecar to be ready with the documented ACLs' })
    // No Read on __consumer_offsets: the commit poller takes over on both clusters.
    expect(log(sidecar).match(new RegExp(POLLING.source, 'g'))?.length).toBe(2)

    const reverse = await waitFor(async () => {
      const { syncs } = await readOffsetSyncs(lab, 'B', 'mm2-offset-syncs.A.internal', false)
      return syncs.some((sync) => sync.topic === REMOTE) ? syncs : null
    }, { timeoutMs: 60_000, intervalMs: 1000, description: 'reverse offset syncs written by the sidecar on B' })
    expect(reverse.length).toBeGreaterThan(0)

    // B -> A (failback) and A -> B (failover), through the poller on the committing side.
    await admins.commit('B', 'billing-b2a', REMOTE, await lab.endOffsets('B', REMOTE))
    await waitMirrored(admins, { from: 'B', to: 'A', group: 'billing-b2a', topic: TOPIC, partitions: PARTITIONS, timeoutMs: 60_000 })
    await admins.commit('A', 'billing-a2b', TOPIC, await lab.endOffsets('A', TOPIC))
    await waitMirrored(admins, { from: 'A', to: 'B', group: 'billing-a2b', topic: REMOTE, partitions: PARTITIONS, timeoutMs: 60_000 })

    const denied = log(sidecar).split('\n').filter((line) => /AUTHORIZATION_FAILED|denies|does not allow mm2-failback to read/.test(line))
    expect(denied).toEqual([])
    // Without the optional coordination ACLs it says so once per cluster and works alone there.
    expect(log(sidecar).match(/refuses group __mm2-failback/g)?.length).toBe(2)
  })

  it('reconcile --dry-run and --execute work with the same ACLs', async () => {
    const group = 'billing-reconcile'
    const ends = await lab.endOffsets('B', REMOTE)
    await admins.commit('B', group, REMOTE, ends.map((end) => end - 5n))
    const plan = await reconcile(group, '--dry-run')
    expect([0, 3], plan.stderr).toContain(plan.code)
    expect(plan.stdout).toContain(group)
    const execute = await reconcile(group, '--execute')
    expect(execute.code, execute.stderr).toBe(0)
    expect(execute.stdout).toMatch(new RegExp(`committed \\d+ partition\\(s\\) of group ${group} on cluster A, verified by reading them back`))
    expect((await admins.committed('A', group, TOPIC)).size).toBeGreaterThan(0)
  })

  it('without Write on the reverse offset-syncs topic on B, the sidecar names operation, resource, cluster and principal', async () => {
    const sidecar = sidecars[0]!
    await deleteBinding(aclAdmin('B'), PRINCIPAL, { resourceType: 'Topic', name: 'mm2-offset-syncs.A.internal', patternType: 'literal', operation: 'Write' })
    // New records on A: MM2 emits new A->B syncs, the sidecar inverts them and tries to write them on B.
    await produceSequence(lab.bootstrap('A'), TOPIC, 'A', 300, 300, PARTITIONS)
    const reported = (): string | null =>
      log(sidecar).split('\n').find((entry) => entry.includes('cluster B denies Write on Topic mm2-offset-syncs.A.internal')) ?? null
    const line = await waitFor(reported, {
      timeoutMs: 90_000, intervalMs: 500, description: 'the sidecar to report the missing Write ACL'
    })
    const message = (JSON.parse(line) as { msg: string }).msg
    console.log(`[acls ${kafka}] ${message}`)
    const writeFailed = /writing \d+ reverse offset syncs to mm2-offset-syncs\.A\.internal on cluster B /.source +
      /\(127\.0\.0\.1:\d+, SASL_SSL\/SCRAM-SHA-256\) failed: TOPIC_AUTHORIZATION_FAILED/.source
    expect(message).toMatch(new RegExp(writeFailed))
    expect(message).toContain(`cluster B denies Write on Topic mm2-offset-syncs.A.internal to ${PRINCIPAL} (grant it: kafka-acls.sh --add --allow-principal ${PRINCIPAL} --operation Write --topic mm2-offset-syncs.A.internal; see docs/acls.md)`)
  })

  it('without Read on the groups on A, group sync and reconcile --execute name the group permission on cluster A', async () => {
    const sidecar = sidecars[0]!
    await deleteBinding(aclAdmin('A'), PRINCIPAL, { resourceType: 'Group', name: 'billing', patternType: 'prefixed', operation: 'Read' })
    const group = 'billing-denied'
    await admins.commit('B', group, REMOTE, await lab.endOffsets('B', REMOTE))
    // Without Describe on the group, the broker already refuses FindCoordinator (with Describe but no
    // Read it would refuse the OffsetCommit per partition; both name the group's Read).
    const line = await waitFor(() => log(sidecar).split('\n').find((entry) => entry.includes(`group ${group}`) && entry.includes('cluster A denies')) ?? null, {
      timeoutMs: 60_000, intervalMs: 500, description: 'the sidecar to report the refused commit on A'
    })
    const message = (JSON.parse(line) as { msg: string }).msg
    console.log(`[acls ${kafka}] ${message}`)
    expect(message).toMatch(new RegExp(`group sync of ${group} to cluster A failed \\(commit\\): committing offsets of group ${group} on cluster A \\(127\\.0\\.0\\.1:\\d+, SASL_SSL/SCRAM-SHA-512\\) failed: .*GROUP_AUTHORIZATION_FAILED`))
    expect(message).toContain(`cluster A denies Read on Group ${group} to ${PRINCIPAL} (grant it: kafka-acls.sh --add --allow-principal ${PRINCIPAL} --operation Read --group ${group}; see docs/acls.md)`)

    const result = await reconcile(group, '--execute')
    expect(result.code).toBe(1)
    const first = result.stderr.split('\n')[0]!
    console.log(`[acls ${kafka}] ${first}`)
    expect(first).toMatch(new RegExp(`cluster A \\(127\\.0\\.0\\.1:\\d+, SASL_SSL/SCRAM-SHA-512\\) failed: GROUP_AUTHORIZATION_FAILED.*; cluster A denies Read on Group ${group} to ${PRINCIPAL}`))
  })

  it('with the optional Read on __consumer_offsets, a restarted sidecar follows commits instead of polling', async () => {
    // Back to the documented set (the two commands whose ACLs were removed above), plus the optional one.
    const restore = commands.filter((command) => !command.optional && (
      (command.cluster === 'A' && command.args.includes('--group')) ||
      (command.cluster === 'B' && command.args.includes('Write') && command.args.includes('mm2-offset-syncs.A.internal'))))
    expect(restore).toHaveLength(2)
    // Read on __consumer_offsets, and the coordination group and topic, on each cluster.
    const optional = commands.filter((command) => command.optional)
    expect(optional.map((command) => command.cluster).sort()).toEqual(['A', 'A', 'A', 'B', 'B', 'B'])
    for (const command of [...restore, ...optional]) await runAclCommand(lab.kafka, command.args)
    await sidecars[0]!.stop()
    const sidecar = await startSidecarProcess({ mm2Config: sidecarConfig, logDir: lab.logDir, name: 'sidecar-acls-optional' })
    sidecars.push(sidecar)
    await waitFor(async () => await sidecar.ready(), { timeoutMs: 90_000, description: 'the restarted sidecar to be ready' })
    expect(log(sidecar)).not.toMatch(POLLING)
    // With the coordination ACLs it is elected through the group (no "refuses group" warning) and writes the reverse syncs to B.
    await waitFor(async () => /mm2_failback_reverse_sync_writer\{kafka_cluster="B"\} 1/.test(await sidecar.scrape()) ? true : null, {
      timeoutMs: 60_000, intervalMs: 500, description: 'the restarted sidecar to be elected writer on B through the group'
    })
    expect(log(sidecar)).not.toMatch(/refuses group/)
    await admins.commit('B', 'billing-event', REMOTE, await lab.endOffsets('B', REMOTE))
    await waitMirrored(admins, { from: 'B', to: 'A', group: 'billing-event', topic: TOPIC, partitions: PARTITIONS, timeoutMs: 60_000 })
  })
})
