// `mm2-failback alerts generate`: renders the Prometheus alert and recording rules (alerts/rules.ts) for a
// MonitoringConfig built from the same flags as `dashboards`, to stdout or to <out>/mm2-failback.rules.yaml.
import type { Argv, CommandModule } from 'yargs'
import { EXIT_OK, type CliContext } from '../context.ts'
import { configFromArgs, monitoringOptions, writeFiles, type MonitoringArgs } from './dashboards.ts'

export interface AlertsArgs extends MonitoringArgs {
  action: 'generate'
}

export function alertsCommand (context: CliContext): CommandModule<object, AlertsArgs> {
  return {
    command: 'alerts <action>',
    describe: 'Generate the Prometheus alert and recording rules (YAML) for your job names and thresholds.',
    builder: (yargs: Argv<object>) => monitoringOptions(yargs
      .usage('$0 alerts generate [--out <dir>] [flags]\n\n' +
        'Renders the rules file that `promtool check rules` accepts; every alert links to its section of\n' +
        'alerts/runbook.md under --runbook-base-url (default: the runbook each sidecar serves at /runbook,\n' +
        'opened on a live instance\'s scrape address). Without --out it prints the YAML.')
      .positional('action', { choices: ['generate'] as const, describe: 'What to do' })
      .example('$0 alerts generate --job mm2-failback --runbook-base-url https://git.example.com/ops/mm2-failback/alerts/runbook.md --out /etc/prometheus/rules', 'Write mm2-failback.rules.yaml')) as unknown as Argv<AlertsArgs>,
    handler: async (args) => {
      const config = configFromArgs(args)
      const { RULES_FILE, renderRules } = await import('../../../../alerts/rules.ts')
      const text = renderRules(config)
      if (args.out !== undefined) await writeFiles(context, args.out, [{ file: RULES_FILE, text }])
      else context.io.stdout(text)
      context.exitCode = EXIT_OK
    }
  }
}
