// `npm run generate -- --check`: the committed bundle is current, and --runbook-base-url changes the runbook
// links of the rules (and only of the rules) without writing anything in check mode.
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'

const root = new URL('../../../', import.meta.url).pathname
const generate = (...args: string[]): { status: number | null, stdout: string, stderr: string } => {
  const result = spawnSync(process.execPath, ['scripts/generate-monitoring.ts', ...args], { cwd: root, encoding: 'utf8' })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe('scripts/generate-monitoring.ts', () => {
  it('--check passes on the committed files', () => {
    expect(generate('--check')).toMatchObject({ status: 0, stdout: 'generate --check: 6 files checked, all up to date.\n' })
  })

  it('--runbook-base-url renders other runbook links: the rules differ from the committed ones, the dashboards do not', () => {
    const result = generate('--check', '--runbook-base-url', 'https://wiki.example.com/mm2/runbook')
    expect(result.status).toBe(1)
    expect(result.stderr.trim().split('\n')).toEqual([
      'generate --check: alerts/generated/mm2-failback.rules.yaml is out of date; run npm run generate.',
      'generate --check: deploy/kubernetes/components/prometheus-rule/prometheusrule.yaml is out of date; run npm run generate.'
    ])
  })

  it('refuses a base URL that is not one, with exit code 2', () => {
    const result = generate('--check', '--runbook-base-url=alerts/runbook.md')
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('runbookBaseUrl must be "sidecar" or an http(s) URL')
  })
})
