/** glibc malloc settings `run` re-executes itself with (see run-tuning.js). */
export const MALLOC_SETTINGS: Readonly<Record<string, string>>
/** The V8 flag `run` re-executes itself with (see run-tuning.js). */
export const SEMI_SPACE_FLAG: string
/** How to re-execute `run`, or null to go on as is (see run-tuning.js). */
export function tunedRun (
  env: Record<string, string | undefined>, execArgv: readonly string[], args: readonly string[], glibcVersion: string | undefined
): { env: Record<string, string>, execArgv: string[] } | null
