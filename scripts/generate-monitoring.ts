// `npm run generate`: renders the monitoring bundle with the default MonitoringConfig into the files
// committed beside their sources (dashboards/generated/*.json, alerts/generated/mm2-failback.rules.yaml)
// and the Kubernetes copies under deploy/ (the PrometheusRule, the JMX exporter config: deploy/generated-files.ts),
// after linting it. `--check` writes nothing and exits 1 when a committed file differs (CI drift check).
// `--runbook-base-url <url>` renders the alerts' runbook links under that URL instead of the default (the
// runbook each sidecar serves at /runbook): for a fork that commits its bundle with links to its own wiki.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { RULES_FILE, renderRules } from '../alerts/rules.ts'
import { DEFAULT_MONITORING_CONFIG, monitoringConfig } from '../sidecar/src/metrics/monitoring/config.ts'
import { renderDashboards, serializeDashboard } from '../dashboards/index.ts'
import { lintBundle } from './lint-monitoring.ts'
import { deployGeneratedFiles } from '../deploy/generated-files.ts'

const root = new URL('..', import.meta.url).pathname
const check = process.argv.includes('--check')
const config = withRunbookBaseUrl(process.argv.slice(2))

/** The default config, with `--runbook-base-url <url>` (or `=<url>`) applied; a bad URL exits 2. */
function withRunbookBaseUrl (args: readonly string[]): typeof DEFAULT_MONITORING_CONFIG {
  const index = args.findIndex((arg) => arg === '--runbook-base-url' || arg.startsWith('--runbook-base-url='))
  if (index === -1) return DEFAULT_MONITORING_CONFIG
  const arg = args[index]!
  const runbookBaseUrl = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[index + 1]
  try {
    if (runbookBaseUrl === undefined) throw new Error('--runbook-base-url needs a URL')
    return monitoringConfig({ runbookBaseUrl })
  } catch (error) {
    console.error(`generate: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(2)
  }
}

const problems = lintBundle(config)
if (problems.length > 0) {
  for (const problem of problems) console.error(`lint: ${problem}`)
  console.error(`generate: the bundle has ${problems.length} lint problem(s); nothing written.`)
  process.exit(1)
}

const files = new Map<string, string>()
for (const rendered of renderDashboards(config)) files.set(join(root, 'dashboards/generated', rendered.file), serializeDashboard(rendered.dashboard))
files.set(join(root, 'alerts/generated', RULES_FILE), renderRules(config))
for (const [path, text] of deployGeneratedFiles(root, config)) files.set(join(root, path), text)

let drift = 0
for (const [path, text] of files) {
  const name = relative(root, path)
  let current: string | undefined
  try { current = readFileSync(path, 'utf8') } catch { current = undefined }
  if (current === text) continue
  if (check) {
    console.error(`generate --check: ${name} is ${current === undefined ? 'missing' : 'out of date'}; run npm run generate.`)
    drift += 1
    continue
  }
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, text)
  console.log(`wrote ${name}`)
}
if (drift > 0) process.exit(1)
console.log(`generate${check ? ' --check' : ''}: ${files.size} files checked, all up to date.`)
