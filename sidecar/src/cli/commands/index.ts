// The list of commands the CLI offers. Each module exports one factory returning a yargs CommandModule.
import type { CommandModule } from 'yargs'
import type { CliContext } from '../context.ts'

export function commands (_context: CliContext): CommandModule[] {
  return []
}
