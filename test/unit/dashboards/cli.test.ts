// `mm2-failback dashboards generate|lint` and `alerts generate`: thin commands over the pure renderers.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from '../../../sidecar/src/cli/main.ts'

async function run (...argv: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await main(argv, { stdout: (text) => { stdout += text }, stderr: (text) => { stderr += text }, isTty: () => false })
  return { code, stdout, stderr }
}

const committed = (path: string): string => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8')

describe('mm2-failback dashboards / alerts', () => {
  it('dashboards generate --dashboard overview prints the committed dashboard with default flags', async () => {
    const result = await run('dashboards', 'generate', '--dashboard', 'overview')
    expect(result).toEqual({ code: 0, stdout: committed('dashboards/generated/overview.json'), stderr: '' })
  })

  it('dashboards generate prints all three, keyed by file name', async () => {
    const result = await run('dashboards', 'generate', '--uid-prefix', 'prod')
    expect(result.code).toBe(0)
    const all = JSON.parse(result.stdout) as Record<string, { uid: string }>
    expect(Object.entries(all).map(([file, dashboard]) => [file, dashboard.uid])).toEqual([
      ['overview.json', 'prod-overview'], ['consumer-groups.json', 'prod-consumer-groups'], ['mirrormaker2.json', 'prod-mirrormaker2']
    ])
  })

  it('dashboards generate --out writes the files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm2-failback-dashboards-'))
    try {
      const result = await run('dashboards', 'generate', '--out', dir)
      expect(result.code).toBe(0)
      expect(readdirSync(dir).sort()).toEqual(['consumer-groups.json', 'mirrormaker2.json', 'overview.json'])
      expect(readFileSync(join(dir, 'mirrormaker2.json'), 'utf8')).toBe(committed('dashboards/generated/mirrormaker2.json'))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('dashboards lint passes on the bundle', async () => {
    expect(await run('dashboards', 'lint', '--namespace', 'other', '--job', 'x'))
      .toEqual({ code: 0, stdout: 'dashboards and rules: no problems.\n', stderr: '' })
  })

  it('alerts generate prints the committed rules with default flags, and follows the flags', async () => {
    expect(await run('alerts', 'generate')).toEqual({ code: 0, stdout: committed('alerts/generated/mm2-failback.rules.yaml'), stderr: '' })
    const custom = await run('alerts', 'generate', '--job', 'dr-sidecar', '--consumer-lag-seconds', '60', '--runbook-url', 'https://wiki.example.com/mm2/runbook')
    expect(custom.stdout).toContain('expr: max by (cluster, group, topic) (mm2_failback_consumer_lag_seconds{job="dr-sidecar"}) > 60')
    expect(custom.stdout).toContain('runbook_url: https://wiki.example.com/mm2/runbook#mm2down')
  })

  it('alerts generate --out writes mm2-failback.rules.yaml', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm2-failback-alerts-'))
    try {
      const result = await run('alerts', 'generate', '--out', dir)
      expect(result).toEqual({ code: 0, stdout: `wrote ${join(dir, 'mm2-failback.rules.yaml')}\n`, stderr: '' })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('rejects bad flags with exit code 2 and every problem', async () => {
    const result = await run('alerts', 'generate', '--namespace', '9x', '--mm2-down-seconds', '-1')
    expect(result.code).toBe(2)
    const invalidFlags = /^mm2-failback: invalid monitoring flags: namespace must be a Prometheus metric name prefix \(got "9x"\); /.source +
      /thresholds.mm2DownSeconds must be a number >= 0 \(got -1\)\.\n/.source
    expect(result.stderr).toMatch(new RegExp(invalidFlags))
  })
})
