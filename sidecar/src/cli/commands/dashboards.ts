// `mm2-failback dashboards generate|lint`: renders the Grafana dashboards (dashboards/*.ts) for a
// MonitoringConfig built from flags, to stdout or to files, or lints the whole bundle. Thin: the
// dashboards are pure functions; this only turns flags into a config and writes the result.
// The renderers are imported when the command runs, so that the rest of the CLI starts without them.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Argv, CommandModule } from 'yargs'
import {
  DEFAULT_MONITORING_CONFIG, SIDECAR_RUNBOOK, validateMonitoringConfig, monitoringConfig, type MonitoringConfig
} from '../../metrics/monitoring/config.ts'
import { Mm2FailbackError } from '../../errors.ts'
import { EXIT_FAILURE, EXIT_OK, type CliContext } from '../context.ts'

/** Flags shared by `dashboards` and `alerts`: everything in MonitoringConfig a user commonly changes. */
export interface MonitoringArgs {
  namespace: string
  job: string
  'mm2-job': string
  'consumer-groups-selector': string
  'uid-prefix': string
  'runbook-base-url': string
  'consumer-lag-groups': 'active' | 'all'
  'group-active-window': string
  'replication-delay-seconds': number
  'mm2-down-seconds': number
  'offset-sync-age-seconds': number
  'offset-sync-lag-records': number
  'consumer-lag-seconds': number
  'reread-window-records': number
  out?: string
}

const DEFAULTS = DEFAULT_MONITORING_CONFIG

/** Adds the MonitoringConfig flags to a command. */
export function monitoringOptions<T> (yargs: Argv<T>): Argv<T & MonitoringArgs> {
  const t = DEFAULTS.thresholds
  return yargs
    .option('namespace', {
      type: 'string',
      default: DEFAULTS.namespace,
      requiresArg: true,
      describe: 'Metric namespace the sidecar exports under (its metrics.namespace)'
    })
    .option('job', { type: 'string', default: 'mm2-failback', requiresArg: true, describe: 'Prometheus job name of the sidecar scrape' })
    .option('mm2-job', { type: 'string', default: 'mirrormaker2', requiresArg: true, describe: 'Prometheus job name of the MM2 JMX exporter scrape' })
    .option('consumer-groups-selector', {
      type: 'string',
      default: '',
      describe: 'Extra label matchers for the consumer lag alerts, e.g. \'kafka_cluster="A"\''
    })
    .option('consumer-lag-groups', {
      choices: ['active', 'all'] as const,
      default: DEFAULTS.consumerLagGroups,
      describe: 'Groups the consumer lag alerts watch: active (live members, or a commit within --group-active-window) or all'
    })
    .option('group-active-window', {
      type: 'string',
      default: DEFAULTS.consumerGroupActiveWindow,
      requiresArg: true,
      describe: 'How long after its last commit a group without members still counts as active (Prometheus duration)'
    })
    .option('uid-prefix', { type: 'string', default: DEFAULTS.dashboardUidPrefix, requiresArg: true, describe: 'Prefix of the fixed dashboard UIDs' })
    .option('runbook-base-url', {
      alias: 'runbook-url',
      type: 'string',
      default: DEFAULTS.runbookBaseUrl,
      requiresArg: true,
      describe: `URL of alerts/runbook.md as your operators can open it; alerts link to <url>#<alertname>. "${SIDECAR_RUNBOOK}": the runbook each sidecar serves at /runbook, on a live instance's scrape address`
    })
    .option('replication-delay-seconds', {
      type: 'number',
      default: t.replicationDelaySeconds,
      requiresArg: true,
      describe: 'MM2ReplicationDelayHigh threshold (heartbeat age)'
    })
    .option('mm2-down-seconds', { type: 'number', default: t.mm2DownSeconds, requiresArg: true, describe: 'MM2Down threshold (heartbeat age)' })
    .option('offset-sync-age-seconds', {
      type: 'number',
      default: t.offsetSyncAgeSeconds,
      requiresArg: true,
      describe: 'MM2OffsetSyncsStale: age of the newest offset sync'
    })
    .option('offset-sync-lag-records', {
      type: 'number',
      default: t.offsetSyncLagRecords,
      requiresArg: true,
      describe: 'MM2OffsetSyncsStale: records after the newest sync'
    })
    .option('consumer-lag-seconds', { type: 'number', default: t.consumerLagSeconds, requiresArg: true, describe: 'MM2ConsumerLagHigh threshold' })
    .option('reread-window-records', {
      type: 'number',
      default: t.rereadWindowRecords,
      requiresArg: true,
      describe: 'Dashboards: re-read window shown in red above this'
    })
    .option('out', {
      type: 'string',
      requiresArg: true,
      describe: 'Directory to write the files to (default: print to stdout)'
    }) as unknown as Argv<T & MonitoringArgs>
}

/** Turns the flags into a config; bad values are a usage error (exit 2) that lists every problem. */
export function configFromArgs (args: MonitoringArgs): MonitoringConfig {
  const candidate: MonitoringConfig = {
    ...DEFAULTS,
    namespace: args.namespace,
    selectors: {
      sidecar: `job=${JSON.stringify(args.job)}`,
      mm2: `job=${JSON.stringify(args['mm2-job'])}`,
      consumerGroups: args['consumer-groups-selector']
    },
    thresholds: {
      ...DEFAULTS.thresholds,
      replicationDelaySeconds: args['replication-delay-seconds'],
      mm2DownSeconds: args['mm2-down-seconds'],
      offsetSyncAgeSeconds: args['offset-sync-age-seconds'],
      offsetSyncLagRecords: args['offset-sync-lag-records'],
      consumerLagSeconds: args['consumer-lag-seconds'],
      rereadWindowRecords: args['reread-window-records']
    },
    consumerLagGroups: args['consumer-lag-groups'],
    consumerGroupActiveWindow: args['group-active-window'],
    dashboardUidPrefix: args['uid-prefix'],
    runbookBaseUrl: args['runbook-base-url']
  }
  const problems = validateMonitoringConfig(candidate)
  if (problems.length > 0) throw new Mm2FailbackError('MM2_CONFIG_INVALID', `invalid monitoring flags: ${problems.join('; ')}.`)
  return monitoringConfig({}, candidate)
}

/** Writes `files` under `dir` (created if missing) and reports each path on stdout. */
export async function writeFiles (context: CliContext, dir: string, files: ReadonlyArray<{ file: string, text: string }>): Promise<void> {
  await mkdir(dir, { recursive: true })
  for (const { file, text } of files) {
    const path = join(dir, file)
    await writeFile(path, text)
    context.io.stdout(`wrote ${path}\n`)
  }
}

export interface DashboardsArgs extends MonitoringArgs {
  action: 'generate' | 'lint'
  dashboard?: string
}

export function dashboardsCommand (context: CliContext): CommandModule<object, DashboardsArgs> {
  return {
    command: 'dashboards <action>',
    describe: 'Generate the Grafana dashboards (JSON) for your job names and thresholds, or lint the monitoring bundle.',
    builder: (yargs: Argv<object>) => monitoringOptions(yargs
      .usage('$0 dashboards generate [--out <dir>] [--dashboard <name>] [flags]\n$0 dashboards lint [flags]\n\n' +
        'generate renders the Overview, Consumer groups and MirrorMaker 2 dashboards; without --out it prints one\n' +
        'JSON object keyed by file name (or the one --dashboard). lint checks every PromQL expression of the\n' +
        'dashboards and alert rules (parses; names only exported metrics) and every panel (unit, description,\n' +
        'datasource variable), and exits 1 when it finds a problem.')
      .positional('action', { choices: ['generate', 'lint'] as const, describe: 'What to do' })
      .option('dashboard', { type: 'string', choices: ['overview', 'consumer-groups', 'mirrormaker2'], describe: 'Only this dashboard (generate)' })
      .example('$0 dashboards generate --job mm2-failback --out ./grafana', 'Write the three dashboards to ./grafana')
      .example(
        '$0 dashboards generate --dashboard overview | curl -H "Content-Type: application/json" ...',
        'Pipe one dashboard'
      )) as unknown as Argv<DashboardsArgs>,
    handler: async (args) => {
      const config = configFromArgs(args)
      if (args.action === 'lint') {
        const { lintBundle } = await import('../../../../scripts/lint-monitoring.ts')
        const problems = lintBundle(config)
        for (const problem of problems) context.io.stderr(`lint: ${problem}\n`)
        context.io.stdout(problems.length === 0 ? 'dashboards and rules: no problems.\n' : `dashboards and rules: ${problems.length} problem(s).\n`)
        context.exitCode = problems.length === 0 ? EXIT_OK : EXIT_FAILURE
        return
      }
      const { renderDashboards, serializeDashboard } = await import('../../../../dashboards/index.ts')
      const rendered = renderDashboards(config).filter((entry) => args.dashboard === undefined || entry.slug === args.dashboard)
      if (args.out !== undefined) {
        await writeFiles(context, args.out, rendered.map((entry) => ({ file: entry.file, text: serializeDashboard(entry.dashboard) })))
      } else if (args.dashboard !== undefined && rendered[0] !== undefined) {
        context.io.stdout(serializeDashboard(rendered[0].dashboard))
      } else {
        context.io.stdout(serializeDashboard(Object.fromEntries(rendered.map((entry) => [entry.file, entry.dashboard]))))
      }
      context.exitCode = EXIT_OK
    }
  }
}
