// `mm2-failback run`: the sidecar daemon. Thin: flags -> engine/sidecar-process.ts.
import type { Argv, CommandModule } from 'yargs'
import { runUntilStopped } from '../../engine/sidecar-process.ts'
import { EXIT_OK, type CliContext } from '../context.ts'
import { escapeLogLine } from '../output-encoding.ts'

interface RunArgs {
  'mm2-config': string
  config?: string
  set: string[]
  'metrics-port'?: number
}

export function runCommand (context: CliContext): CommandModule<object, RunArgs> {
  return {
    command: 'run',
    describe: 'Run the sidecar beside MirrorMaker 2: reverse offset syncs, two-way group sync and metrics.',
    builder: (yargs: Argv<object>) => yargs
      .usage('$0 run --mm2-config <mm2.properties> [--config sidecar.yaml] [--set key=value ...]\n\n' +
        'Follows, on every cluster of your mm2.properties, the offset-syncs, checkpoints and heartbeats topics of\n' +
        'each enabled flow and the groups\' commits (__consumer_offsets). Once every one was read to its end, it:\n' +
        '  - writes reverse offset syncs (A->B syncs inverted into flow B->A\'s offset-syncs topic), so MM2\'s own\n' +
        '    B->A checkpoint connector translates positions on A.orders back to orders on A (failback);\n' +
        '  - mirrors each group commit to the other cluster: only into groups with no live members there, only\n' +
        '    forward, never when already in sync, and never echoing its own writes.\n' +
        'Serves Prometheus metrics on /metrics, readiness on /ready and liveness on /healthz.\n' +
        'Settings: defaults < --config YAML < MM2_FAILBACK_* environment < --set (see docs/reference-config.yaml).')
      .option('mm2-config', {
        type: 'string',
        demandOption: true,
        requiresArg: true,
        describe: 'The mm2.properties MirrorMaker 2 runs with (clusters, security, flows, policy, filters)'
      })
      .option('config', { type: 'string', requiresArg: true, describe: 'Sidecar settings (YAML): metrics, features, groupSync, history, lag, log' })
      .option('set', {
        type: 'string',
        array: true,
        default: [],
        requiresArg: true,
        describe: 'Override one setting, e.g. --set metrics.port=9465 (repeatable)'
      })
      .option('metrics-port', { type: 'number', requiresArg: true, describe: 'Shortcut for --set metrics.port=N' })
      .example('$0 run --mm2-config /etc/mm2/mm2.properties', 'Run beside MM2 with the defaults (metrics on 127.0.0.1:9464)')
      .example('$0 run --mm2-config mm2.properties --set metrics.host=0.0.0.0 --set features.groupSync=false', 'Only reverse syncs, metrics on every interface')
      .epilogue('Stops on SIGINT/SIGTERM. Exit codes: 0 stopped, 1 runtime failure, 2 bad usage or config.') as Argv<RunArgs>,
    handler: async (args) => {
      const sets = [...args.set, ...(args['metrics-port'] === undefined ? [] : [`metrics.port=${args['metrics-port']}`])]
      await runUntilStopped({
        mm2ConfigPath: args['mm2-config'],
        configPath: args.config,
        sets,
        env: process.env,
        // Log messages name groups and topics read from Kafka.
        write: (line) => { context.io.stderr(escapeLogLine(line) + '\n') }
      })
      context.exitCode = EXIT_OK
    }
  }
}
