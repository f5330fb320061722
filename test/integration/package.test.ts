// The package as a user installs it (npm pack -> npm install <tarball>): the CLI must start from
// node_modules/, where Node refuses to strip TypeScript types, so it has to run the compiled dist/.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../../lab/versions.ts'

const dir = mkdtempSync(join(tmpdir(), 'mm2-failback-package-'))
// npm and the pinned Node 24 first on PATH, as the npm scripts have it.
const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` }
const run = (command: string, args: string[], cwd: string): string =>
  execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 })

describe('installed package', () => {
  afterAll(() => { rmSync(dir, { recursive: true, force: true }) })

  it('runs from node_modules through the compiled dist/ (help, dashboards, alerts, usage errors)', () => {
    run('npm', ['pack', '--silent', '--pack-destination', dir], REPO_ROOT)
    const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'))
    expect(tarball).toBeDefined()
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }))
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', `./${tarball!}`], dir)
    const bin = join(dir, 'node_modules', '.bin', 'mm2-failback')
    expect(run(bin, ['--help'], dir)).toMatch(/Failback offset translation beside an unmodified Kafka MirrorMaker 2/)
    run(bin, ['dashboards', 'generate', '--out', join(dir, 'dashboards')], dir)
    expect(readdirSync(join(dir, 'dashboards')).sort()).toEqual(['consumer-groups.json', 'mirrormaker2.json', 'overview.json'])
    expect(run(bin, ['alerts', 'generate'], dir)).toMatch(/alert: MM2FailbackDown/)
    let usage: { status?: number, stderr?: string } = {}
    try { run(bin, ['reconcile', '--no-such-flag'], dir) } catch (error) { usage = error as typeof usage }
    expect(usage.status).toBe(2)
  })
})
