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
    const custom = await run('alerts', 'generate', '--job', 'dr-sidecar', '--consumer-lag-seconds', '60', '--runbook-base-url', 'https://wiki.example.com/mm2/runbook')
    expect(custom.stdout).toContain([
      'expr: |-',
      '          max by (namespace, job, kafka_cluster, group, topic) (mm2_failback_consumer_lag_seconds{job="dr-sidecar"}) > 60',
      '            and on (namespace, job, kafka_cluster, group)',
      '          kafka_cluster_group:mm2_failback_consumer_group_active:bool'
    ].join('\n'))
    expect(custom.stdout).toContain('runbook_url: https://wiki.example.com/mm2/runbook#mm2down')
    // The flag's former name still works.
    expect((await run('alerts', 'generate', '--runbook-url', 'https://wiki.example.com/rb')).stdout).toContain('runbook_url: https://wiki.example.com/rb#mm2down')
  })

  it('alerts generate links to the runbook a live sidecar of the --job serves by default', async () => {
    const result = await run('alerts', 'generate', '--job', 'dr-sidecar')
    expect(result.stdout).toContain('runbook_url: http://{{ with query `up{job="dr-sidecar"} == 1` }}' +
      '{{ . | sortByLabel "instance" | first | label "instance" }}{{ else }}{{ $labels.instance }}{{ end }}/runbook#mm2consumerlaghigh')
  })

  it('alerts generate --consumer-lag-groups all watches every group; --group-active-window widens "active"', async () => {
    const all = await run('alerts', 'generate', '--consumer-lag-groups', 'all')
    expect(all.stdout).toContain('expr: max by (namespace, job, kafka_cluster, group, topic) (mm2_failback_consumer_lag_seconds{job="mm2-failback"}) > 900\n')
    const week = await run('alerts', 'generate', '--group-active-window', '7d')
    expect(week.stdout).toContain('min by (namespace, job, kafka_cluster, group) (mm2_failback_consumer_group_commit_age_seconds{job="mm2-failback"}) < 604800')
    expect((await run('alerts', 'generate', '--consumer-lag-groups', 'some')).code).toBe(2)
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
