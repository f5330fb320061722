// The package as a user installs it (npm run release -> npm install <tarball> into an empty project):
// the CLI must start from node_modules/, where Node refuses to strip TypeScript types, so it runs the
// compiled dist/; it reports its own version (not the depending project's), carries the docs the README
// links to, and inspects and plans a reconciliation against a real lab.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { waitFor } from '../../lab/lab.ts'
import { REPO_ROOT } from '../../lab/versions.ts'
import { Admins } from '../e2e/safety-helpers.ts'
import { testedKafkaLines } from '../kafka-lines.ts'
import { suffix, useLab } from './helpers/lab-fixture.ts'

const dir = mkdtempSync(join(tmpdir(), 'mm2-failback-package-'))
// npm and the pinned Node 24 first on PATH, as the npm scripts have it.
const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` }
const run = (command: string, args: string[], cwd: string): string =>
  execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 })

const bin = join(dir, 'node_modules', '.bin', 'mm2-failback')
const kafka = testedKafkaLines().at(-1)!

describe('installed package', () => {
  afterAll(() => { rmSync(dir, { recursive: true, force: true }) })

  it('installs from the release tarball and runs from node_modules through the compiled dist/ (version, help, docs, dashboards, alerts, usage errors)', () => {
    const manifest = readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')
    let refused: { status?: number, stderr?: string } = {}
    try {
      const notAUrl = { ...env, MM2_FAILBACK_REPOSITORY: '/tmp/not-a-url' }
      execFileSync('bash', ['scripts/release.sh'], { cwd: REPO_ROOT, env: notAUrl, encoding: 'utf8', stdio: 'pipe' })
    } catch (error) { refused = error as typeof refused }
    expect(refused.status).toBe(2)
    expect(refused.stderr).toContain('MM2_FAILBACK_REPOSITORY must be a git URL')
    const repository = 'https://git.example.invalid/mm2-failback/mm2-failback.git'
    const release = execFileSync('bash', ['scripts/release.sh'], {
      cwd: REPO_ROOT, env: { ...env, MM2_FAILBACK_REPOSITORY: repository }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000
    })
    expect(release).toContain(`repository: ${repository}`)
    // The stamp is for the package only: the checkout's manifest is byte for byte what it was.
    expect(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).toBe(manifest)
    const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version
    const tarball = join(REPO_ROOT, 'release', `mm2-failback-${version}.tgz`)
    expect(release).toContain(`package: release/mm2-failback-${version}.tgz`)
    expect(readFileSync(join(REPO_ROOT, 'release', 'SHA256SUMS'), 'utf8')).toMatch(new RegExp(`^[0-9a-f]{64}  mm2-failback-${version}\\.tgz\n$`))
    // A project of its own at another version: --version must still be the package's.
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }))
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], dir)
    expect(run(bin, ['--version'], dir).trim()).toBe(version)
    expect(run(bin, ['--help'], dir)).toMatch(/Failback offset translation beside an unmodified Kafka MirrorMaker 2/)
    const installed = join(dir, 'node_modules', 'mm2-failback')
    expect(existsSync(join(installed, 'LICENSE'))).toBe(true)
    expect(JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'))).toMatchObject({ repository: { type: 'git', url: repository } })
    // Every relative link of the README resolves inside the installed package.
    const readme = readFileSync(join(installed, 'README.md'), 'utf8')
    const links = [...readme.matchAll(/\]\(([^)#:]+)(#[^)]*)?\)/g)].map((match) => match[1]!)
    expect(links.length).toBeGreaterThan(0)
    expect(links.filter((link) => !existsSync(join(installed, link)))).toEqual([])
    run(bin, ['dashboards', 'generate', '--out', join(dir, 'dashboards')], dir)
    expect(readdirSync(join(dir, 'dashboards')).sort()).toEqual(['consumer-groups.json', 'mirrormaker2.json', 'overview.json'])
    expect(run(bin, ['alerts', 'generate'], dir)).toMatch(/alert: MM2FailbackDown/)
    let usage: { status?: number, stderr?: string } = {}
    try { run(bin, ['reconcile', '--no-such-flag'], dir) } catch (error) { usage = error as typeof usage }
    expect(usage.status).toBe(2)
  })

  describe(`against a Kafka ${kafka} lab with MM2`, () => {
    const lab = useLab(`package ${kafka}`, { kafka })

    it('inspect and reconcile --dry-run from the installed CLI name the clusters, topics and the group\'s plan', async () => {
      const id = suffix()
      const topic = `orders-${id}`
      const group = `billing-${id}`
      await lab().createTopic('A', topic, 2)
      await lab().produce('A', topic, Array.from({ length: 40 }, (_, index) => ({ partition: index % 2, value: `r${index}` })))
      await waitFor(async () => (await lab().endOffsets('B', `A.${topic}`).catch(() => [])).reduce((sum, end) => sum + end, 0n) === 40n ? true : null, {
        timeoutMs: 120_000,
        intervalMs: 1000,
        description: `MM2 to copy ${topic} to B`
      })
      const admins = new Admins(lab())
      try {
        await admins.commit('B', group, `A.${topic}`, [15n, 5n])
      } finally {
        await admins.close()
      }
      const mm2Config = lab().mm2PropertiesPath!
      const inspect = run(bin, ['inspect', '--mm2-config', mm2Config, '--topic', topic], dir)
      expect(inspect).toContain(`A.${topic}`)
      expect(inspect).toMatch(/A->B/)
      const plan = run(bin, ['reconcile', '--mm2-config', mm2Config, '--group', group, '--from', 'B', '--to', 'A', '--dry-run', '-o', 'json'], dir)
      type Row = { sourceTopic: string, targetTopic: string, partition: number, sourceOffset: string }
      const parsed = JSON.parse(plan) as { groups: Array<{ group: string, rows: Row[] }> }
      expect(parsed.groups.map((entry) => entry.group)).toEqual([group])
      expect(parsed.groups[0]!.rows.map((row) => [row.sourceTopic, row.targetTopic, row.partition, row.sourceOffset]))
        .toEqual([[`A.${topic}`, topic, 0, '15'], [`A.${topic}`, topic, 1, '5']])
    })
  })
})
