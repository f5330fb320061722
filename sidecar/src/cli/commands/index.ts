// The list of commands the CLI offers. Each module exports one factory returning a yargs CommandModule.
import type { CommandModule } from 'yargs'
import type { CliContext } from '../context.ts'
import { alertsCommand } from './alerts.ts'
import { dashboardsCommand } from './dashboards.ts'
import { inspectCommand } from './inspect.ts'
import { reconcileCommand } from './reconcile.ts'
import { runCommand } from './run.ts'
import { translateCommand } from './translate.ts'

export function commands (context: CliContext): CommandModule[] {
  return [
    alertsCommand(context) as unknown as CommandModule,
    dashboardsCommand(context) as unknown as CommandModule,
    inspectCommand(context) as unknown as CommandModule,
    reconcileCommand(context) as unknown as CommandModule,
    runCommand(context) as unknown as CommandModule,
    translateCommand(context) as unknown as CommandModule
  ]
}
