// The README's test command (`npm test`): installs what is missing (scripts/setup.sh, idempotent and
// cached), runs the static checks (ESLint, then tsc --noEmit: one passed/failed check each), every
// vitest project (unit, then the real-Kafka integration lab) and promtool's rule tests, then prints
// one plain closing line, "N passed, N failed, N skipped", and exits non-zero when anything failed or
// nothing ran. Extra arguments go to vitest (e.g. `npm test -- --project unit`); with extra arguments
// promtool is skipped, and so are the static checks when the arguments select vitest projects and
// none of them is `unit` (`npm test -- --project integration` runs the lab tests only).
// ESLint runs with --quiet: errors (line length included) fail the check, warnings are left to `npm run lint`.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

interface Totals { passed: number, failed: number, skipped: number }

const root = new URL('..', import.meta.url).pathname
const extraArgs = process.argv.slice(2)

function run (command: string, args: string[]): number {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' })
  return result.status ?? 1
}

function runVitest (totals: Totals): void {
  const outDir = mkdtempSync(join(tmpdir(), 'mm2-failback-test-'))
  const report = join(outDir, 'vitest.json')
  const status = run(join(root, 'node_modules/.bin/vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extraArgs])
  if (!existsSync(report)) {
    console.error(`vitest exited with status ${status} and wrote no report`)
    totals.failed += 1
    return
  }
  const json = JSON.parse(readFileSync(report, 'utf8')) as {
    numPassedTests: number
    numFailedTests: number
    numPendingTests: number
    numTodoTests: number
    testResults: Array<{ status: string }>
  }
  rmSync(outDir, { recursive: true, force: true })
  totals.passed += json.numPassedTests
  totals.failed += json.numFailedTests
  totals.skipped += json.numPendingTests + json.numTodoTests
  // A file that failed to load (syntax error, failing hook) has no failed test but a failed suite.
  const brokenFiles = json.testResults.filter((file) => file.status === 'failed').length
  if (brokenFiles > 0 && json.numFailedTests === 0) totals.failed += brokenFiles
  if (status !== 0 && totals.failed === 0) totals.failed += 1
}

/** The vitest projects the extra arguments select (`--project x` or `--project=x`); empty: all of them. */
function selectedProjects (): string[] {
  return extraArgs.flatMap((arg, index) => {
    if (arg.startsWith('--project=')) return [arg.slice('--project='.length)]
    if (arg === '--project' && index + 1 < extraArgs.length) return [extraArgs[index + 1]!]
    return []
  })
}

/** ESLint and the type check, one check each; their output goes to the terminal as it comes. */
function runStaticChecks (totals: Totals): void {
  const projects = selectedProjects()
  if (projects.length > 0 && !projects.includes('unit')) return
  const checks: Array<[string, string, string[]]> = [
    ['lint (eslint .)', join(root, 'node_modules/.bin/eslint'), ['--quiet', '.']],
    ['typecheck (tsc --noEmit)', join(root, 'node_modules/.bin/tsc'), ['--noEmit']]
  ]
  for (const [name, command, args] of checks) {
    const status = run(command, args)
    if (status === 0) {
      totals.passed += 1
      console.log(`${name}: passed`)
    } else {
      totals.failed += 1
      console.error(`${name}: failed with status ${status}`)
    }
  }
}

function runPromtool (totals: Totals): void {
  const testsDir = join(root, 'alerts/tests')
  if (!existsSync(testsDir) || extraArgs.length > 0) return
  const files = readdirSync(testsDir).filter((name) => name.endsWith('.yaml')).map((name) => join('alerts/tests', name))
  for (const file of files) {
    const status = run('promtool', ['test', 'rules', file])
    if (status === 0) totals.passed += 1
    else totals.failed += 1
  }
}

if (!process.env.MM2_FAILBACK_SKIP_SETUP) {
  const status = run('bash', [join(root, 'scripts/setup.sh')])
  if (status !== 0) {
    console.error(`scripts/setup.sh failed with status ${status}`)
    process.exit(1)
  }
}
const totals: Totals = { passed: 0, failed: 0, skipped: 0 }
runStaticChecks(totals)
runVitest(totals)
runPromtool(totals)
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`)
process.exit(totals.failed > 0 || totals.passed === 0 ? 1 : 0)
