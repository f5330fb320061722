// `mm2-failback reconcile`: one-shot failback (or failover) of consumer-group offsets, without a
// running sidecar. Thin: flags -> engine/reconcile/reconcile-session.ts -> print the plan (table, json or csv).
import type { Argv, CommandModule } from 'yargs'
import { loadMm2Config } from '../../config/load-mm2.ts'
import { summaryLine, type PlanRow } from '../../core/reconcile/plan.ts'
import { reconcile, type ReconcileResult } from '../../engine/reconcile/reconcile-session.ts'
import { Mm2FailbackError } from '../../errors.ts'
import { EXIT_FAILURE, EXIT_OK, type CliContext, type CliIo } from '../context.ts'
import { escapeText, formatCsv, formatJson, formatTable, type CsvValue } from '../output-encoding.ts'
import { defaultConfig } from '../../config/schema.ts'

/** Dry run whose plan has untranslatable partitions: scripts can stop before --execute. */
export const EXIT_UNTRANSLATABLE = 3

export interface ReconcileArgs {
  'mm2-config': string
  group: string[]
  'groups-regex'?: string
  from: string
  to: string
  topics?: string
  'dry-run': boolean
  execute: boolean
  exact: boolean
  conservative: boolean
  'allow-rewind': boolean
  output: 'table' | 'json' | 'csv'
  'timeout-ms': number
  'history-topic': string
  'max-exact-records': number
}

/** Compiles a user regex, anchored as MM2's filters are; MM2_USAGE naming the flag otherwise. */
export function compileRegex (flag: string, source: string): RegExp {
  try {
    return new RegExp(`^(?:${source})$`)
  } catch (error) {
    throw new Mm2FailbackError('MM2_USAGE', `${flag} ${source} is not a valid regular expression: ${(error as Error).message}.`)
  }
}

export function reconcileCommand (context: CliContext): CommandModule<object, ReconcileArgs> {
  return {
    command: 'reconcile',
    describe: 'Translate consumer-group offsets from one cluster to the other once (failback B->A, or failover A->B): plan, then --execute.',
    builder: (yargs: Argv<object>) => yargs
      .usage('$0 reconcile --mm2-config <mm2.properties> --group <G>... --from <B> --to <A> (--dry-run | --execute) [options]\n\n' +
        'Works without a running sidecar. Reads the offset syncs of both flows between the two clusters (MM2\'s\n' +
        'offset-syncs topics and, when present, the sidecar\'s history topic), the groups\' committed offsets on\n' +
        'both clusters and their live members on the target, and prints a plan per topic-partition: the offset on\n' +
        '--from, the current offset on --to, the translated offset, the delta, the method and re-read window, and\n' +
        'the action (commit, or skip: in-sync / would-rewind / group-active / no-sync).\n\n' +
        'Methods: exact (a sync sits at the offset, or exact mode proved it record by record: MM2 copies key, value,\n' +
        'headers and timestamp, so both logs are walked from the nearest sync and matched; zero re-reads),\n' +
        'conservative (MM2\'s rule, the sync\'s other offset + 1: re-reads at most the re-read window, never skips),\n' +
        'untranslatable (no sync at or below the offset, and no exact proof from the first records of both logs:\n' +
        'never guessed, never committed). Below MM2\'s first sync (MM2 coalesces the syncs of a burst, e.g. while it\n' +
        'catches up) exact mode walks from the first record of both logs, and proves or refutes that they are one.\n\n' +
        '--execute refuses groups with live members on --to (classic and KIP-848), commits each group\'s partitions in\n' +
        'one OffsetCommit (tagged so a running sidecar does not echo them), and verifies by reading them back.')
      .option('mm2-config', { type: 'string', demandOption: true, requiresArg: true, describe: 'The mm2.properties MirrorMaker 2 runs with' })
      .option('group', { alias: 'g', type: 'string', array: true, default: [], requiresArg: true, describe: 'Consumer group to reconcile (repeatable)' })
      .option('groups-regex', { type: 'string', requiresArg: true, describe: 'Also every group on --from whose id matches this regex (whole id)' })
      .option('from', {
        type: 'string',
        demandOption: true,
        requiresArg: true,
        describe: 'Alias of the cluster the groups committed on (e.g. B after a failover)'
      })
      .option('to', { type: 'string', demandOption: true, requiresArg: true, describe: 'Alias of the cluster to move them to (e.g. A when failing back)' })
      .option('topics', { type: 'string', requiresArg: true, describe: 'Only topics (names on --from) matching this regex (whole name)' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Print the plan, write nothing' })
      .option('execute', { type: 'boolean', default: false, describe: 'Apply the plan (commits on --to)' })
      .option('exact', { type: 'boolean', default: false, describe: 'Prove positions record by record (the default)' })
      .option('conservative', { type: 'boolean', default: false, describe: 'MM2\'s rule only: no log reads, re-reads up to the window' })
      .option('allow-rewind', { type: 'boolean', default: false, describe: 'Commit even when it moves a group backwards on --to' })
      .option('output', {
        alias: 'o',
        choices: ['table', 'json', 'csv'] as const,
        default: 'table' as const,
        describe: 'table for people, json or csv for scripts'
      })
      .option('timeout-ms', { type: 'number', default: 15000, requiresArg: true, describe: 'Give up on a cluster that does not answer within this time' })
      .option('history-topic', {
        type: 'string',
        default: defaultConfig().history.topic,
        requiresArg: true,
        describe: 'The sidecar\'s history topic (read when present)'
      })
      .option('max-exact-records', {
        type: 'number',
        default: 10000,
        requiresArg: true,
        describe: 'Exact mode walks at most this many records per partition, then falls back to conservative'
      })
      .example('$0 reconcile --mm2-config mm2.properties --group orders-app --from B --to A --dry-run', 'Failback plan for one group (nothing written)')
      .example(
        '$0 reconcile --mm2-config mm2.properties --groups-regex \'orders-.*\' --from B --to A --execute',
        'Failback every orders-* group, exact, after stopping their consumers on A'
      )
      .example('$0 reconcile --mm2-config mm2.properties -g billing --from A --to B --topics \'orders|payments\' --dry-run -o json', 'Failover plan for two topics, as JSON')
      .epilogue('Exit codes: 0 done, or nothing to do; 1 runtime failure (cluster unreachable, a group refused or a commit failed);\n' +
        '2 bad usage or config (unknown flag, alias, group or topic; malformed mm2.properties);\n' +
        '3 dry run whose plan has untranslatable partitions (so a script can stop before --execute).') as Argv<ReconcileArgs>,
    handler: async (args) => {
      if (args['dry-run'] === args.execute) throw new Mm2FailbackError('MM2_USAGE', 'Give exactly one of --dry-run (print the plan) and --execute (apply it).')
      if (args.exact && args.conservative) throw new Mm2FailbackError('MM2_USAGE', '--exact and --conservative contradict each other; give one.')
      if (args.group.length === 0 && args['groups-regex'] === undefined) {
        throw new Mm2FailbackError('MM2_USAGE', 'Name the groups: --group G (repeatable) or --groups-regex R.')
      }
      if (!(args['timeout-ms'] > 0)) {
        throw new Mm2FailbackError('MM2_USAGE', `--timeout-ms must be a positive number of milliseconds (got ${args['timeout-ms']}).`)
      }
      const groupsRegex = args['groups-regex'] === undefined ? undefined : compileRegex('--groups-regex', args['groups-regex'])
      const topicsRegex = args.topics === undefined ? undefined : compileRegex('--topics', args.topics)
      const mm2 = await loadMm2Config(args['mm2-config'])
      // The bar redraws a line of stdout, so only above a table: JSON and CSV output must stay parseable.
      const progress = args.execute && args.output === 'table' && context.io.isTty() ? progressBar(context.io) : undefined
      const result = await reconcile({
        mm2,
        from: args.from,
        to: args.to,
        groups: args.group,
        ...(groupsRegex === undefined ? {} : { groupsRegex }),
        ...(topicsRegex === undefined ? {} : { topicsRegex }),
        mode: args.conservative ? 'conservative' : 'exact',
        execute: args.execute,
        allowRewind: args['allow-rewind'],
        timeoutMs: args['timeout-ms'],
        historyTopic: args['history-topic'],
        maxExactRecords: args['max-exact-records'],
        ...(progress === undefined ? {} : { onProgress: progress })
      })
      if (progress !== undefined) context.io.stdout('\n')
      context.io.stdout(renderReconcile(result, args.output))
      // With JSON, stderr is kept for an error object; the JSON already has these as skipped, unrouted and executions.
      if (args.output !== 'json') for (const line of reconcileWarnings(result, args.from, args.to)) context.io.stderr(line)
      const refusedOrFailed = result.executions.some((execution) => execution.status === 'refused' || execution.status === 'failed')
      if (args.execute) context.exitCode = refusedOrFailed ? EXIT_FAILURE : EXIT_OK
      else context.exitCode = result.plan.untranslatable > 0 ? EXIT_UNTRANSLATABLE : EXIT_OK
    }
  }
}

/** One warning per cluster, topic and reason under which records of MM2's topics or the history topic could not be used. */
export function skippedRecordWarnings (skipped: ReconcileResult['skipped']): string[] {
  return skipped.map((skip) => escapeText(
    `mm2-failback: warning: skipped ${skip.count} bad ${skip.recordType} record(s) in topic ${skip.topic} on cluster ${skip.cluster} (${skip.reason}); ` +
    'they are not used for translation.') + '\n')
}

/** The lines for stderr after a plan: unusable records, topics no flow replicates, groups refused or failed. */
function reconcileWarnings (result: ReconcileResult, from: string, to: string): string[] {
  const unrouted = result.unrouted.map(({ group, topic }) =>
    `mm2-failback: warning: group ${group} committed topic ${topic} on cluster ${from}, which no flow between ${from} and ${to} replicates; not planned.`)
  const failed = result.executions
    .filter((execution) => execution.status === 'refused' || execution.status === 'failed')
    .map((execution) => `mm2-failback: ${execution.message ?? ''}`)
  return [...skippedRecordWarnings(result.skipped), ...[...unrouted, ...failed].map((line) => escapeText(line) + '\n')]
}

function progressBar (io: CliIo): (done: number, total: number) => void {
  return (done, total) => {
    const width = 30
    const filled = Math.round((done / Math.max(1, total)) * width)
    io.stdout(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} groups`)
  }
}

const COLUMNS = [
  'group', 'source', 'target', 'source topic', 'target topic', 'partition', 'source offset', 'target offset',
  'translated', 'delta', 'method', 're-read window', 'action', 'note'
] as const

const DELTA = COLUMNS.indexOf('delta')

/** A row's values, typed: offsets stay numbers (CSV writes them as such), null where there is none. */
function values (row: PlanRow): CsvValue[] {
  return [
    row.group,
    row.sourceCluster,
    row.targetCluster,
    row.sourceTopic,
    row.targetTopic,
    row.partition,
    row.sourceOffset,
    row.targetOffset,
    row.translatedOffset,
    row.delta,
    row.method,
    row.rereadWindow,
    row.action === 'commit' ? 'commit' : `skip: ${row.reason ?? ''}`,
    row.note
  ]
}

/** How a table shows a value: '-' for none, a sign on a forward delta. */
function tableCell (value: CsvValue, column: number): string {
  if (value === null || value === undefined) return '-'
  if (column === DELTA && typeof value === 'bigint' && value > 0n) return `+${value}`
  return String(value)
}

/** Renders the plan (and what --execute did) as a table, JSON or CSV. */
export function renderReconcile (result: ReconcileResult, output: 'table' | 'json' | 'csv'): string {
  if (output === 'json') return formatJson(toJson(result))
  const rows = result.plan.groups.flatMap((group) => group.rows.map(values))
  if (output === 'csv') return formatCsv(COLUMNS, rows)
  const table = formatTable(COLUMNS, rows.map((row) => row.map(tableCell)))
  const committed = result.executions.filter((execution) => execution.status === 'committed').map((execution) => execution.message ?? '')
  // One escape per line: a line break in a group id must not start a line of its own.
  return [...table, '', ...result.plan.groups.map(summaryLine), ...committed].map(escapeText).join('\n') + '\n'
}

function toJson (result: ReconcileResult): unknown {
  return {
    groups: result.plan.groups.map((group) => ({ ...group, rows: group.rows.map(({ metadata: _metadata, ...row }) => row), summaryLine: summaryLine(group) })),
    untranslatable: result.plan.untranslatable,
    commits: result.plan.commits,
    executions: result.executions,
    unrouted: result.unrouted,
    skipped: result.skipped
  }
}
