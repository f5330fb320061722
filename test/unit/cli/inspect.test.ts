import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../../sidecar/src/cli/main.ts'
import type { CliIo } from '../../../sidecar/src/cli/context.ts'
import type { InspectReport } from '../../../sidecar/src/cli/commands/inspect.ts'

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/mm2-properties/${name}`, import.meta.url))

interface Run {
  code: number
  stdout: string
  stderr: string
}

async function run (...argv: string[]): Promise<Run> {
  let stdout = ''
  let stderr = ''
  const io: CliIo = { stdout: (text) => { stdout += text }, stderr: (text) => { stderr += text }, isTty: () => false }
  const code = await main(argv, io)
  return { code, stdout, stderr }
}

let dir = ''
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'mm2-failback-inspect-')) })
afterAll(async () => { await rm(dir, { recursive: true, force: true }) })

async function file (name: string, text: string): Promise<string> {
  const path = join(dir, name)
  await writeFile(path, text)
  return path
}

describe('mm2-failback --help', () => {
  it('lists the inspect command', async () => {
    const result = await run('--help')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/Commands:\n[\s\S]*mm2-failback inspect\s+Show what an mm2\.properties means/)
    expect(result.stderr).toBe('')
  })

  it('teaches inspect with examples', async () => {
    const result = await run('inspect', '--help')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('--mm2-config')
    expect(result.stdout).toContain('Examples:')
    expect(result.stdout).toContain('mm2-failback inspect --mm2-config ./mm2.properties')
    expect(result.stdout).toContain('Secrets (passwords, sasl.jaas.config) are masked.')
  })
})

describe('usage errors exit 2', () => {
  it.each([
    ['an unknown command', ['bogus'], 'mm2-failback: Unknown argument: bogus'],
    ['an unknown flag', ['inspect', '--mm2-config', 'x', '--bogus'], 'mm2-failback: Unknown argument: bogus'],
    ['a missing --mm2-config', ['inspect'], 'mm2-failback: Missing required argument: mm2-config'],
    ['a bad --output', ['inspect', '--mm2-config', 'x', '--output', 'yaml'], 'mm2-failback: Invalid values:'],
    ['no command', [], 'mm2-failback: Name a command']
  ])('%s', async (_name, argv, message) => {
    const result = await run(...argv)
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr.split('\n')[0]).toContain(message)
    expect(result.stderr).toContain('hint: run `mm2-failback --help`')
  })
})

describe('mm2-failback inspect', () => {
  it('prints the topology of a fixture as a table', async () => {
    const path = fixture('dr-active-passive.properties')
    const result = await run('inspect', '--mm2-config', path)
    expect(result.code).toBe(0)
    expect(result.stderr).toBe('')
    const out = result.stdout
    expect(out).toContain(`MirrorMaker 2 config: ${path}`)
    expect(out).toContain('Replication policy: DefaultReplicationPolicy, separator ".", internal topics use "."')
    expect(out).toMatch(/primary\s+kafka-p-1\.example\.com:9094,kafka-p-2\.example\.com:9094,kafka-p-3\.example\.com:9094\s+SASL_SSL \(SCRAM-SHA-512\)/)
    expect(out).toContain('Flow primary->backup')
    expect(out).not.toContain('Flow backup->primary')
    expect(out).toMatch(/mm2-offset-syncs\.primary\.internal\s+backup\s+offset syncs of primary->backup \(offset-syncs\.topic\.location=target\)/)
    expect(out).toMatch(/primary\.checkpoints\.internal\s+backup\s+checkpoints of primary->backup, every 10 s/)
    expect(out).toMatch(/heartbeats\s+backup\s+heartbeats emitted by primary->backup/)
    expect(out).toMatch(/primary\.heartbeats\s+backup\s+primary's heartbeats, replicated/)
    expect(out).toMatch(/primary\.orders\s+backup\s+orders on primary, replicated/)
    expect(out).toContain('sync.group.offsets: every 10 s')
    expect(out).not.toMatch(/Pa55|truststore-Secret/)
  })

  it('prints JSON with --output json, secrets masked', async () => {
    const result = await run('inspect', '--mm2-config', fixture('dr-active-passive.properties'), '--output', 'json')
    expect(result.code).toBe(0)
    const report = JSON.parse(result.stdout) as InspectReport
    expect(report.clusters.map((cluster) => cluster.alias)).toEqual(['primary', 'backup'])
    expect(report.clusters[0]?.settings['sasl.jaas.config']).toBe('******')
    expect(report.clusters[1]?.settings['ssl.truststore.password']).toBe('******')
    expect(report.clusters[1]?.settings['ssl.truststore.location']).toBe('/etc/mm2/truststore.jks')
    expect(report.flows).toHaveLength(1)
    const flow = report.flows[0]
    expect(flow?.internalTopics.map((row) => [row.topic, row.cluster, row.active])).toEqual([
      ['mm2-offset-syncs.primary.internal', 'backup', true],
      ['primary.checkpoints.internal', 'backup', true],
      ['heartbeats', 'backup', true],
      ['heartbeats', 'primary', true],
      ['primary.heartbeats', 'backup', true]
    ])
    expect(flow?.topics).toEqual([{ topic: 'orders', replicated: true, remoteTopic: 'primary.orders', cluster: 'backup' }])
    expect(result.stdout).not.toMatch(/Pa55|truststore-Secret/)
  })

  it('shows each --topic on the other side of every flow, and whether the filter lets it through', async () => {
    const result = await run('inspect', '--mm2-config', fixture('bidirectional-custom-separator.properties'), '-o', 'json',
      '--topic', 'orders', '--topic', 'payments_eu')
    const report = JSON.parse(result.stdout) as InspectReport
    expect(report.replicationPolicy).toEqual({
      className: 'org.apache.kafka.connect.mirror.DefaultReplicationPolicy',
      kind: 'default',
      separator: '_',
      internalTopicSeparator: '.'
    })
    expect(report.flows.map((flow) => [flow.name, flow.topics.map((topic) => `${topic.remoteTopic}:${topic.replicated}`)])).toEqual([
      ['east->west', ['east_orders:true', 'east_payments_eu:true']],
      ['west->east', ['west_orders:true', 'west_payments_eu:false']]
    ])
    expect(report.warnings).toHaveLength(1)
  })

  it('marks topics MM2 will not write and prints warnings', async () => {
    const result = await run('inspect', '--mm2-config', fixture('identity-migration.properties'))
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Replication policy: IdentityReplicationPolicy')
    expect(result.stdout).toMatch(/heartbeats\s+modern\s+heartbeats emitted by legacy->modern \[not written\]/)
    expect(result.stdout).toMatch(/^\s+orders\s+modern\s+orders on legacy, replicated$/m)
    expect(result.stdout).toMatch(/Warnings\n\s+.*analytics\.bootstrap\.servers is required/)
    expect(result.stdout).not.toContain('K3y')
  })

  it('says so when no flow is enabled', async () => {
    const path = await file('none.properties', 'clusters = A, B\nA.bootstrap.servers = a:9092\nB.bootstrap.servers = b:9092\n')
    const result = await run('inspect', '--mm2-config', path)
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('No flow is enabled.')
    expect(result.stdout).toContain('no flow is enabled: set "<source>-><target>.enabled = true"')
  })

  it('a missing file: one line naming the file, exit 2', async () => {
    const path = join(dir, 'missing.properties')
    const result = await run('inspect', '--mm2-config', path)
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr.split('\n')[0]).toBe(`mm2-failback: cannot read MirrorMaker 2 config ${path}: no such file (ENOENT).`)
  })

  it('a bad config: one line naming the file, line and key, exit 2, no secret', async () => {
    const path = await file('bad.properties', [
      'clusters = A, B',
      'A.bootstrap.servers = a:9092',
      'B.bootstrap.servers = b:9092',
      'A.sasl.jaas.config = org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="hunter2";',
      'A->B.enabled = true',
      'A->B.offset-syncs.topic.location = remote'
    ].join('\n'))
    const result = await run('inspect', '--mm2-config', path)
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    const [first, hint, rest] = result.stderr.split('\n')
    expect(first).toBe(`mm2-failback: ${path} line 6: A->B.offset-syncs.topic.location must be "source" or "target" (got "remote").`)
    expect(hint).toContain('hint:')
    expect(rest).toBe('')
    expect(result.stderr).not.toContain('hunter2')
  })
})
