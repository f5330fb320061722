// How the CLI reports the error that ended a command, and its exit code. For people: one line, escaped,
// as messages name groups and topics read from Kafka, which may hold control characters or line breaks;
// a hint follows a usage error. When the command line asked for JSON: one JSON object on stderr that a
// script can parse, with the error's code and context.
import { isMm2FailbackError } from '../errors.ts'
import { EXIT_FAILURE, EXIT_USAGE, type CliIo } from './context.ts'
import { escapeText, formatJson } from './output-encoding.ts'

/**
 * The last `--output` / `-o` value on the command line, read from argv itself rather than from yargs, so
 * that a usage error yargs rejects the command line for is reported in the format it asked for.
 */
export function requestedOutput (argv: readonly string[]): string | undefined {
  let output: string | undefined
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!
    if (arg === '--') break
    const inline = /^(?:--output|-o)=([\s\S]*)$/.exec(arg)
    if (inline !== null) output = inline[1]
    else if ((arg === '--output' || arg === '-o') && index + 1 < argv.length) output = argv[++index]
  }
  return output
}

/** The JSON view of an error: code and message first, then where it happened (cluster, group, topic, partition...). */
export function errorObject (error: unknown): Record<string, unknown> {
  if (!isMm2FailbackError(error)) {
    // Not raised by mm2-failback on purpose: the same code the metrics give such errors.
    return { code: 'MM2_INTERNAL', message: error instanceof Error ? error.message : String(error), retriable: false }
  }
  const context = Object.fromEntries(Object.entries(error.context).filter(([key]) => !['code', 'message', 'retriable', 'cause'].includes(key)))
  const cause = error.cause instanceof Error ? { cause: { name: error.cause.name, message: error.cause.message } } : {}
  return { code: error.code, message: error.message, ...context, retriable: error.retriable, ...cause }
}

/** Prints `error` and returns the exit code: 2 for bad usage or config, 1 otherwise. */
export function reportError (error: unknown, io: CliIo, json: boolean): number {
  const usage = isMm2FailbackError(error) && (error.code === 'MM2_USAGE' || error.code === 'MM2_CONFIG_INVALID')
  if (json) {
    io.stderr(formatJson({ error: errorObject(error) }, 0))
  } else {
    const message = error instanceof Error ? error.message : String(error)
    io.stderr(`mm2-failback: ${escapeText(message)}\n`)
    if (usage) io.stderr('hint: run `mm2-failback --help`, or `mm2-failback <command> --help`.\n')
  }
  return usage ? EXIT_USAGE : EXIT_FAILURE
}
