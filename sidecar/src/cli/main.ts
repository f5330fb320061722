// The command line: thin yargs commands that parse flags, call the engine, print, and map errors to
// exit codes (0 success, 1 runtime failure, 2 bad usage or config; a command may define more, as
// reconcile's 3). Commands that do not exist yet are absent rather than stubbed. Everything printed
// goes through output-encoding.ts; errors through report-error.ts (JSON when `-o json` was asked for).
import yargs, { type Argv } from 'yargs'
import { Mm2FailbackError } from '../errors.ts'
import { PACKAGE } from '../package-info.ts'
import { commands } from './commands/index.ts'
import { EXIT_OK, type CliContext, type CliIo } from './context.ts'
import { reportError, requestedOutput } from './report-error.ts'

const processIo: CliIo = {
  stdout: (text) => { process.stdout.write(text) },
  stderr: (text) => { process.stderr.write(text) },
  isTty: () => process.stdout.isTTY === true
}

/** Builds the yargs parser; exported so tests can render --help without a process. */
export function buildCli (argv: string[], context: CliContext): Argv {
  let cli = yargs(argv)
    .scriptName('mm2-failback')
    .usage('$0 <command> [options]\n\nFailback offset translation beside an unmodified Kafka MirrorMaker 2.')
    .strict()
    // "--no-such-flag" must be reported as written, not as "such-flag"; a command that wants a --no-x flag declares it.
    .parserConfiguration({ 'boolean-negation': false })
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version(PACKAGE.version)
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .epilogue('Exit codes: 0 success, 1 runtime failure, 2 bad usage or config. Docs: README.md.')
    .exitProcess(false)
    .fail((message, error) => {
      // yargs reports usage problems with a message; errors thrown by handlers pass through untouched.
      if (error !== undefined && error !== null) throw error
      throw new Mm2FailbackError('MM2_USAGE', message ?? 'invalid command line')
    })
  for (const command of commands(context)) cli = cli.command(command)
  return cli
}

/** Runs the CLI and returns the process exit code; never calls process.exit itself. */
export async function main (argv: string[], io: CliIo = processIo): Promise<number> {
  const context: CliContext = { io, exitCode: EXIT_OK }
  try {
    let printed = false
    const parsed = await buildCli(argv, context).parseAsync(argv, {}, (error, _argv, output) => {
      // --help and --version end here with their text; errors are reported below.
      if ((error === undefined || error === null) && output !== '') {
        printed = true
        io.stdout(output.endsWith('\n') ? output : output + '\n')
      }
    })
    // Checked here rather than with yargs' demandCommand, which runs before the strict check and would
    // answer "name a command" to an unknown flag; strict mode only rejects unknown commands when some exist.
    if (!printed) {
      const names = new Set(commands(context).map((command) => String(command.command ?? '').split(' ')[0]))
      const [first] = parsed._
      if (first === undefined) throw new Mm2FailbackError('MM2_USAGE', 'Name a command (`mm2-failback --help` lists them).')
      if (!names.has(String(first))) throw new Mm2FailbackError('MM2_USAGE', `Unknown command: ${String(first)}`)
    }
    return context.exitCode
  } catch (error) {
    return reportError(error, io, requestedOutput(argv) === 'json')
  }
}
