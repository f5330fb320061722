/** glibc malloc settings `run` re-executes itself with (see malloc-tuning.js). */
export const MALLOC_SETTINGS: Readonly<Record<string, string>>
/** The environment to re-execute `run` with, or null to go on as is (see malloc-tuning.js). */
export function mallocTunedEnv (
  env: Record<string, string | undefined>, args: readonly string[], glibcVersion: string | undefined
): Record<string, string> | null
