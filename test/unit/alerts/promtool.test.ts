// promtool on the bundle: `check rules` on the generated file and `test rules` on each alerts/tests file.
// promtool is required (Debian's `prometheus` package; scripts/setup.sh installs it): a missing promtool
// fails these tests with a message rather than skipping them.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const PROMTOOL = process.env.PROMTOOL ?? 'promtool'

function promtool (...args: string[]): { status: number | null, output: string } {
  const result = spawnSync(PROMTOOL, args, { cwd: root, encoding: 'utf8' })
  if (result.error !== undefined) {
    throw new Error(`cannot run ${PROMTOOL} (${result.error.message}): install Debian's prometheus package (apt-get install prometheus), run scripts/setup.sh, or set PROMTOOL to its path.`)
  }
  return { status: result.status, output: `${result.stdout}${result.stderr}` }
}

const testFiles = readdirSync(`${root}/alerts/tests`).filter((name) => name.endsWith('.yaml')).sort()

describe('promtool', () => {
  it('check rules accepts alerts/generated/mm2-failback.rules.yaml', () => {
    const { status, output } = promtool('check', 'rules', 'alerts/generated/mm2-failback.rules.yaml')
    expect(output).toContain('SUCCESS')
    expect(status, output).toBe(0)
  })

  it('alerts/tests holds test files', () => {
    expect(testFiles.length).toBeGreaterThanOrEqual(10)
  })

  for (const file of testFiles) {
    it(`test rules alerts/tests/${file}`, () => {
      const { status, output } = promtool('test', 'rules', `alerts/tests/${file}`)
      expect(status, output).toBe(0)
    })
  }
})
