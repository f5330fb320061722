import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../../sidecar/src/cli/main.ts'
import type { CliIo } from '../../../sidecar/src/cli/context.ts'

async function run (...argv: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  let stdout = ''
  let stderr = ''
  const io: CliIo = { stdout: (text) => { stdout += text }, stderr: (text) => { stderr += text }, isTty: () => false }
  const code = await main(argv, io)
  return { code, stdout, stderr }
}

let dir = ''
let good = ''
let bad = ''
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mm2-failback-reconcile-'))
  good = join(dir, 'mm2.properties')
  // Port 1 on loopback: nothing listens, so a command that got past usage checks would fail with 1, not 2.
  await writeFile(good, 'clusters = A, B\nA.bootstrap.servers = 127.0.0.1:1\nB.bootstrap.servers = 127.0.0.1:1\nA->B.enabled = true\nB->A.enabled = true\n')
  bad = join(dir, 'bad.properties')
  await writeFile(bad, 'clusters = A, B\nA.bootstrap.servers = \nA->B.enabled = maybe\n')
})
afterAll(async () => { await rm(dir, { recursive: true, force: true }) })

const base = (): string[] => ['reconcile', '--mm2-config', good, '--group', 'G', '--from', 'B', '--to', 'A']

describe('mm2-failback reconcile: usage errors exit 2 with one line, before connecting', () => {
  it.each([
    { name: 'neither --dry-run nor --execute', argv: () => base(), message: /exactly one of --dry-run/ },
    { name: 'both --dry-run and --execute', argv: () => [...base(), '--dry-run', '--execute'], message: /exactly one of --dry-run/ },
    { name: '--exact with --conservative', argv: () => [...base(), '--dry-run', '--exact', '--conservative'], message: /contradict/ },
    { name: 'no group', argv: () => ['reconcile', '--mm2-config', good, '--from', 'B', '--to', 'A', '--dry-run'], message: /Name the groups/ },
    { name: 'bad --topics regex', argv: () => [...base(), '--dry-run', '--topics', '('], message: /--topics \( is not a valid regular expression/ },
    {
      name: 'wrong alias',
      argv: () => ['reconcile', '--mm2-config', good, '--group', 'G', '--from', 'C', '--to', 'A', '--dry-run'],
      message: /--from C: .* has no cluster alias C \(it has A, B\)/
    },
    { name: 'same cluster twice', argv: () => ['reconcile', '--mm2-config', good, '--group', 'G', '--from', 'A', '--to', 'A', '--dry-run'], message: /both A/ },
    {
      name: 'malformed mm2.properties',
      argv: () => ['reconcile', '--mm2-config', bad, '--group', 'G', '--from', 'B', '--to', 'A', '--dry-run'],
      message: /bad\.properties/
    },
    {
      name: 'missing mm2.properties',
      argv: () => ['reconcile', '--mm2-config', join(dir, 'nope'), '--group', 'G', '--from', 'B', '--to', 'A', '--dry-run'],
      message: /no such file/
    },
    { name: 'unknown flag', argv: () => [...base(), '--dry-run', '--no-such-flag'], message: /no-such-flag/ },
    { name: 'bad --output', argv: () => [...base(), '--dry-run', '-o', 'xml'], message: /Invalid values/ }
  ])('$name', async ({ argv, message }) => {
    const result = await run(...argv())
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr.split('\n')[0]).toMatch(message)
  })

  it('an unreachable cluster is a runtime failure (1) naming the cluster', async () => {
    const result = await run(...base(), '--dry-run', '--timeout-ms', '2000')
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/cluster [AB] \(127\.0\.0\.1:1, PLAINTEXT\) is unreachable/)
  })

  it('--help teaches: examples and exit codes', async () => {
    const result = await run('reconcile', '--help')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/Examples:/)
    expect(result.stdout).toMatch(/3 dry run whose plan has untranslatable partitions/)
  })
})

describe('mm2-failback translate: usage errors', () => {
  const t = (): string[] => ['translate', '--mm2-config', good, '--from', 'B', '--to', 'A', '--topic', 'A.orders', '--partition', '0']
  it.each([
    { name: 'negative offset', argv: () => [...t(), '--offset', '-1'], message: /--offset must be a non-negative integer/ },
    { name: 'missing offset', argv: () => t(), message: /offset/ },
    {
      name: 'wrong alias',
      argv: () => ['translate', '--mm2-config', good, '--from', 'X', '--to', 'A', '--topic', 't', '--partition', '0', '--offset', '1'],
      message: /has no cluster alias X/
    }
  ])('$name', async ({ argv, message }) => {
    const result = await run(...argv())
    expect(result.code).toBe(2)
    expect(result.stderr.split('\n')[0]).toMatch(message)
  })

  it('--help shows an example and exit codes', async () => {
    const result = await run('translate', '--help')
    expect(result.stdout).toMatch(/Examples:[\s\S]*translate --mm2-config mm2\.properties/)
    expect(result.stdout).toMatch(/3 untranslatable/)
  })
})
