// The layering rules in eslint.config.js, checked from the outside: imports that break a rule, placed
// virtually at real paths (lintText with a filePath; the files need not exist), must be reported;
// imports along the layers must not be. Also pins the line-length rule's configuration.
import { ESLint, type Linter } from 'eslint'
import { beforeAll, describe, expect, it } from 'vitest'

const repoRoot = new URL('../../../', import.meta.url).pathname
const eslint = new ESLint({ cwd: repoRoot })
const LAYERING_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax'])

/** The layering problems ESLint reports for `code` placed at `filePath` (other rules, e.g. unused imports, are ignored). */
async function layeringProblems (filePath: string, code: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(`${code}\n`, { filePath })
  expect(result, `${filePath} was linted`).toBeDefined()
  const messages = result!.messages
  expect(messages.filter((message) => message.fatal), `${filePath} parses`).toEqual([])
  return messages.filter((message) => message.ruleId !== null && LAYERING_RULES.has(message.ruleId))
}

beforeAll(async () => {
  // The first lint loads neostandard and the TypeScript parser; keep that out of the cases' timeouts.
  await eslint.lintText('export {}\n', { filePath: 'sidecar/src/errors-warmup.ts' })
}, 60_000)

// The message each rule reports (eslint.config.js).
const CORE = /sidecar\/src\/core imports only core\/ and errors\.ts/
const CORE_IO = /sidecar\/src\/core is pure/
const KAFKA = /sidecar\/src\/kafka imports only core\/, kafka\/ and errors\.ts/
const CONFIG = /sidecar\/src\/config imports only core\/, config\/ and errors\.ts/
const METRICS = /sidecar\/src\/metrics imports only core\/, metrics\/ and errors\.ts/
const ENGINE = /sidecar\/src\/engine does not import cli\//
const CLIENT = /only sidecar\/src\/kafka imports @platformatic\/kafka/
const DYNAMIC = /import statically/
const TEST = /only tests import test\//
const SHIPPED = /sidecar\/ ships in the npm package/
const DASHBOARDS = /dashboards\/ does not import alerts\//
const ALERTS = /alerts\/ does not import dashboards\//

// [file the code is placed at, code, the message reported]
const bad: Array<[string, string, RegExp]> = [
  // core: only core/ and errors.ts (the first path is one level short, but a layer's name is caught at any depth)
  ['sidecar/src/core/sync/bad.ts', "import { GroupAdmin } from '../kafka/group-admin.ts'", CORE],
  ['sidecar/src/core/sync/bad.ts', "import { GroupAdmin } from '../../kafka/group-admin.ts'", CORE],
  ['sidecar/src/core/bad.ts', "import { runSidecar } from '../engine/sidecar-process.ts'", CORE],
  ['sidecar/src/core/naming/bad.ts', "import type { Mm2Config } from '../../config/mm2-properties.ts'", CORE],
  ['sidecar/src/core/codec/bad.ts', "export { MetricsRegistry } from '../../metrics/registry.ts'", CORE],
  ['sidecar/src/core/codec/bad.ts', "import { main } from '../../cli/main.ts'", CORE],
  ['sidecar/src/core/codec/bad.ts', "import { defaultConfig } from '../../../../dashboards/config.ts'", CORE],
  ['sidecar/src/core/codec/bad.ts', "import { readFileSync } from 'node:fs'", CORE_IO],
  ['sidecar/src/core/codec/bad.ts', "import { Counter } from 'prom-client'", CORE_IO],
  // @platformatic/kafka: sidecar/src/kafka only
  ['sidecar/src/engine/x.ts', "import { Admin } from '@platformatic/kafka'", CLIENT],
  ['sidecar/src/engine/x.ts', "import type { Admin } from '@platformatic/kafka'", CLIENT],
  ['sidecar/src/cli/commands/x.ts', "import { Admin } from '@platformatic/kafka'", CLIENT],
  ['sidecar/src/config/x.ts', "import type { SASLOptions } from '@platformatic/kafka'", CLIENT],
  ['sidecar/src/metrics/x.ts', "import { Admin } from '@platformatic/kafka'", CLIENT],
  ['sidecar/src/errors.ts', "import { ProtocolError } from '@platformatic/kafka'", CLIENT],
  // engine: not cli/
  ['sidecar/src/engine/x.ts', "import { main } from '../cli/main.ts'", ENGINE],
  ['sidecar/src/engine/sub/x.ts', "import { inspect } from '../../cli/commands/inspect.ts'", ENGINE],
  // kafka, config, metrics: core/, errors.ts and their own folder
  ['sidecar/src/kafka/x.ts', "import { runSidecar } from '../engine/sidecar-process.ts'", KAFKA],
  ['sidecar/src/kafka/x.ts', "import { main } from '../cli/main.ts'", KAFKA],
  ['sidecar/src/kafka/x.ts', "import { loadMm2 } from '../config/load-mm2.ts'", KAFKA],
  ['sidecar/src/kafka/x.ts', "import { MetricsRegistry } from '../metrics/registry.ts'", KAFKA],
  ['sidecar/src/config/x.ts', "import { runSidecar } from '../engine/sidecar-process.ts'", CONFIG],
  ['sidecar/src/config/x.ts', "import { clientOptions } from '../kafka/client-options.ts'", CONFIG],
  ['sidecar/src/config/x.ts', "import { MetricsRegistry } from '../metrics/registry.ts'", CONFIG],
  ['sidecar/src/metrics/x.ts', "import { createLogger } from '../engine/logger.ts'", METRICS],
  ['sidecar/src/metrics/x.ts', "import { GroupAdmin } from '../kafka/group-admin.ts'", METRICS],
  ['sidecar/src/metrics/x.ts', "import { loadConfig } from '../config/load.ts'", METRICS],
  // import() escapes no-restricted-imports, so below the CLI it is not allowed at all
  ['sidecar/src/engine/x.ts', "export const cli = await import('../cli/main.ts')", DYNAMIC],
  ['sidecar/src/kafka/x.ts', "export const engine = await import('../engine/sidecar-process.ts')", DYNAMIC],
  // dashboards/ and alerts/
  ['dashboards/x.ts', "import { ruleGroups } from '../alerts/rules.ts'", DASHBOARDS],
  ['alerts/x.ts', "import { defaultConfig } from '../dashboards/config.ts'", ALERTS],
  // test/ is for tests; sidecar/ imports nothing that is not in the npm package
  ['scripts/x.ts', "import { startLab } from '../test/lab/lab.ts'", TEST],
  ['bench/x.bench.ts', "import { produceSequence } from '../test/e2e/workload.ts'", TEST],
  ['lab/x.ts', "import { produceSequence } from '../test/e2e/workload.ts'", TEST],
  ['sidecar/src/engine/x.ts', "import { startLab } from '../../../test/lab/lab.ts'", TEST],
  ['sidecar/src/core/x.ts', "import { startLab } from '../../../test/lab/lab.ts'", TEST],
  ['sidecar/src/cli/commands/x.ts', "import { tools } from '../../../../scripts/deploy-tools.ts'", SHIPPED]
]

// [file the code is placed at, imports that must pass]
const good: Array<[string, string[]]> = [
  ['sidecar/src/engine/x.ts', ["import { GroupAdmin } from '../kafka/group-admin.ts'"]],
  ['sidecar/src/engine/x.ts', [
    "import { loadMm2 } from '../config/load-mm2.ts'",
    "import { MetricsRegistry } from '../metrics/registry.ts'",
    "import { planReconcile } from '../core/reconcile/plan.ts'",
    "import { Mm2FailbackError } from '../errors.ts'"
  ]],
  ['sidecar/src/cli/commands/x.ts', ["import { runSidecar } from '../../engine/sidecar-process.ts'"]],
  ['sidecar/src/cli/commands/x.ts', ["export const dashboards = await import('../../../../dashboards/index.ts')"]],
  ['sidecar/src/core/sync/x.ts', [
    "import { decodeOffsetSync } from '../codec/offset-sync.ts'",
    "import { provenanceMetadata } from './provenance.ts'",
    "import { Mm2FailbackError } from '../../errors.ts'"
  ]],
  ['sidecar/src/kafka/x.ts', [
    "import { Admin } from '@platformatic/kafka'",
    "import { encodeOffsetSync } from '../core/codec/offset-sync.ts'",
    "import { clientOptions } from './client-options.ts'",
    "import { Mm2FailbackError } from '../errors.ts'"
  ]],
  ['sidecar/src/config/x.ts', ["import { policy } from '../core/naming/replication-policy.ts'", "import { Mm2FailbackError } from '../errors.ts'"]],
  ['sidecar/src/metrics/x.ts', ["import type { Translation } from '../core/translation/sync-index.ts'", "import { ERROR_CODES } from '../errors.ts'"]],
  ['test/e2e/x.test.ts', ["import { Admin } from '@platformatic/kafka'", "import { startLab } from '../lab/lab.ts'"]],
  ['lab/x.ts', ["import { Admin } from '@platformatic/kafka'", "import { clientOptions } from '../sidecar/src/kafka/client-options.ts'"]],
  ['scripts/x.ts', ["import { ruleGroups } from '../alerts/rules.ts'", "import { renderDashboards } from '../dashboards/index.ts'"]],
  ['dashboards/x.ts', ["import { METRICS } from '../sidecar/src/metrics/names.ts'"]]
]

describe('eslint layering rules', () => {
  it.each(bad)('%s: reports %s', async (filePath, code, message) => {
    const problems = await layeringProblems(filePath, code)
    expect(problems.length, `${code} at ${filePath}`).toBeGreaterThan(0)
    expect(problems.every((problem) => problem.severity === 2)).toBe(true)
    expect(problems.map((problem) => problem.message).join('\n')).toMatch(message)
  })

  it.each(good)('%s: allows %s', async (filePath, imports) => {
    expect(await layeringProblems(filePath, imports.join('\n'))).toEqual([])
  })
})

describe('eslint line length', () => {
  it('is configured: @stylistic/max-len at 160, exempting only URLs and long literals', async () => {
    const config = await eslint.calculateConfigForFile('sidecar/src/engine/run.ts') as Linter.Config
    const [severity, options] = config.rules?.['@stylistic/max-len'] as [Linter.Severity, Record<string, unknown>]
    // 'error' (2): every line of the repository fits.
    expect(severity).toBe(2)
    expect(options).toMatchObject({ code: 160, ignoreUrls: true })
    for (const option of ['ignoreStrings', 'ignoreTemplateLiterals', 'ignoreRegExpLiterals', 'ignoreComments']) {
      expect(options[option], option).toBeFalsy()
    }
  })

  it('flags a long code line, not a line holding a long string or a URL', async () => {
    const maxLen = async (code: string): Promise<number> => {
      const [result] = await eslint.lintText(`${code}\n`, { filePath: 'sidecar/src/engine/x.ts' })
      return result!.messages.filter((message) => message.ruleId === '@stylistic/max-len').length
    }
    const args = Array.from({ length: 30 }, (_, index) => `argument${index}`).join(', ')
    expect(args.length).toBeGreaterThan(160)
    expect(await maxLen(`export const call = (f: (...args: unknown[]) => void) => f(${args})`)).toBe(1)
    // one short string in a long line does not exempt it
    expect(await maxLen(`export const call = (f: (...args: unknown[]) => void) => f('x', ${args})`)).toBe(1)
    const message = 'a message that is long enough to fill most of a line by itself, so splitting it would only hurt grep '.repeat(2)
    expect(await maxLen(`export const fail = (f: (message: string) => void) => f('${message}')`)).toBe(0)
    expect(await maxLen(`export const fail = (f: (message: string) => void) => f(\`${message}\`)`)).toBe(0)
    expect(await maxLen(`// See https://example.com/${'a'.repeat(200)}`)).toBe(0)
    expect(await maxLen(`// ${'a comment line is wrapped like code '.repeat(5)}`)).toBe(1)
  })
})
