// `mm2-failback translate`: one offset lookup for runbooks, with the same method and re-read window
// explanation as reconcile. Thin: flags -> engine/reconcile/reconcile-session.ts translateOne -> print.
import type { Argv, CommandModule } from 'yargs'
import { loadMm2Config } from '../../config/load-mm2.ts'
import { flowName } from '../../core/mm2/flow-name.ts'
import { translateOne } from '../../engine/reconcile/reconcile-session.ts'
import { Mm2FailbackError } from '../../errors.ts'
import { EXIT_OK, type CliContext } from '../context.ts'
import { escapeText, formatJson } from '../output-encoding.ts'
import { EXIT_UNTRANSLATABLE, skippedRecordWarnings } from './reconcile.ts'
import { defaultConfig } from '../../config/schema.ts'

export interface TranslateArgs {
  'mm2-config': string
  from: string
  to: string
  topic: string
  partition: number
  offset: string
  exact: boolean
  output: 'text' | 'json'
  'timeout-ms': number
  'history-topic': string
}

export function translateCommand (context: CliContext): CommandModule<object, TranslateArgs> {
  return {
    command: 'translate',
    describe: 'Translate one offset of a topic-partition from one cluster to the other, and explain how.',
    builder: (yargs: Argv<object>) => yargs
      .usage('$0 translate --mm2-config <mm2.properties> --from <B> --to <A> --topic <name on --from> --partition <p> --offset <n> [--exact]\n\n' +
        'Reads the offset syncs as reconcile does and prints the offset on --to that a consumer at --offset on --from\n' +
        'resumes at, the topic name there, the sync used, the method (exact / conservative / untranslatable) and the\n' +
        're-read window. With --exact it also walks both logs from the sync and proves the position record by record.')
      .option('mm2-config', { type: 'string', demandOption: true, requiresArg: true, describe: 'The mm2.properties MirrorMaker 2 runs with' })
      .option('from', { type: 'string', demandOption: true, requiresArg: true, describe: 'Alias of the cluster the offset belongs to' })
      .option('to', { type: 'string', demandOption: true, requiresArg: true, describe: 'Alias of the cluster to translate to' })
      .option('topic', { type: 'string', demandOption: true, requiresArg: true, describe: 'Topic name on --from (e.g. A.orders on B)' })
      .option('partition', { type: 'number', demandOption: true, requiresArg: true, describe: 'Partition' })
      .option('offset', { type: 'string', demandOption: true, requiresArg: true, describe: 'Offset on --from (the next record to consume, as committed)' })
      .option('exact', { type: 'boolean', default: false, describe: 'Prove the position record by record' })
      .option('output', { alias: 'o', choices: ['text', 'json'] as const, default: 'text' as const, describe: 'text for people, json for scripts' })
      .option('timeout-ms', { type: 'number', default: 15000, requiresArg: true, describe: 'Give up on a cluster that does not answer within this time' })
      .option('history-topic', {
        type: 'string',
        default: defaultConfig().history.topic,
        requiresArg: true,
        describe: 'The sidecar\'s history topic (read when present)'
      })
      .example('$0 translate --mm2-config mm2.properties --from B --to A --topic A.orders --partition 0 --offset 1234 --exact', 'Where a consumer of A.orders-0 at 1234 on B resumes on orders-0 on A')
      .epilogue('Exit codes: 0 translated; 1 runtime failure (cluster unreachable); 2 bad usage or config (unknown alias or topic);\n3 untranslatable (no sync at or below the offset, and with --exact no proof from the first records of both logs).') as Argv<TranslateArgs>,
    handler: async (args) => {
      if (!/^\d+$/.test(args.offset)) throw new Mm2FailbackError('MM2_USAGE', `--offset must be a non-negative integer (got ${args.offset}).`)
      if (!Number.isInteger(args.partition) || args.partition < 0) {
        throw new Mm2FailbackError('MM2_USAGE', `--partition must be a non-negative integer (got ${args.partition}).`)
      }
      const mm2 = await loadMm2Config(args['mm2-config'])
      const offset = BigInt(args.offset)
      const { route, translation, exact, skipped } = await translateOne({
        mm2,
        from: args.from,
        to: args.to,
        topic: args.topic,
        partition: args.partition,
        offset,
        exact: args.exact,
        timeoutMs: args['timeout-ms'],
        historyTopic: args['history-topic']
      })
      // With JSON, stderr is kept for an error object, so unusable records are reported in the answer instead.
      if (args.output !== 'json') for (const line of skippedRecordWarnings(skipped)) context.io.stderr(line)
      const print = (result: Record<string, unknown>, lines: string[]): void => {
        context.io.stdout(args.output === 'json' ? formatJson({ ...result, skipped }) : lines.map(escapeText).join('\n') + '\n')
      }
      const where = `${args.topic} partition ${args.partition} offset ${offset} on cluster ${args.from}`
      const target = `${route.targetTopic} partition ${args.partition} on cluster ${args.to}`
      const flow = flowName(route.flow)
      // What was asked, first in every JSON answer.
      const asked = { from: args.from, to: args.to, topic: args.topic, targetTopic: route.targetTopic, partition: args.partition, offset }
      if (translation.kind !== 'translated' && exact?.kind === 'exact') {
        // Below MM2's first offset sync, proven from the first record of both logs.
        const proof = `proven over ${exact.matched} records from the first records of both logs (${exact.duplicates} re-deliveries, ${exact.skipped} aborted not copied)`
        print({
          ...asked,
          translatedOffset: exact.offset,
          method: 'exact',
          rereadWindow: 0n,
          sync: null,
          untranslatableReason: translation.reason,
          flow,
          direction: route.direction,
          proof
        }, [
          `${where} -> ${target}: offset ${exact.offset}`,
          `  method exact, re-read window 0 record(s); ${route.direction} through flow ${flow}, no offset sync at or below it (${translation.reason})`,
          `  ${proof}`
        ])
        context.exitCode = EXIT_OK
        return
      }
      if (translation.kind !== 'translated') {
        const failed = exact === null ? '' : ` Exact proof from the first records failed (${exact.kind === 'exact' ? '' : `${exact.reason}: ${exact.detail}`}).`
        print(
          { ...asked, method: 'untranslatable', reason: translation.reason, flow, direction: route.direction },
          [`${where} -> ${target}: untranslatable (${translation.reason}): no offset sync of flow ${flow} at or below it.${failed}`]
        )
        context.exitCode = EXIT_UNTRANSLATABLE
        return
      }
      const proven = exact?.kind === 'exact'
      const answer = proven ? exact.offset : translation.offset
      const method = proven ? 'exact' : translation.method
      const window = proven ? 0n : translation.rereadWindow
      const proof = exact === null ? null : exact.kind === 'exact' ? `proven over ${exact.matched} records (${exact.duplicates} re-deliveries, ${exact.skipped} aborted not copied)` : `exact proof failed (${exact.reason}: ${exact.detail})`
      print({
        ...asked,
        translatedOffset: answer,
        method,
        rereadWindow: window,
        sync: translation.sync,
        flow,
        direction: route.direction,
        proof
      }, [
        `${where} -> ${target}: offset ${answer}`,
        `  method ${method}, re-read window ${window} record(s); ${route.direction} through flow ${flow}, ` +
          `sync ${translation.sync.upstreamOffset}->${translation.sync.downstreamOffset}`,
        ...(proof === null ? [] : [`  ${proof}`])
      ])
      context.exitCode = EXIT_OK
    }
  }
}
