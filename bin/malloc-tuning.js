// glibc's malloc settings for the long-running `run` command. glibc starts with a 128 KiB mmap
// threshold and raises it (up to 32 MiB) each time a larger mmap'd block is freed, and then keeps up to
// twice that much free memory at the top of its heap instead of giving it back: after a catch-up, whose
// fetch responses are such blocks, the process held ~50 MB of freed memory for good (docs/design.md §2.7, "Memory per tracked group-partition").
// Fixed thresholds stop that. glibc reads them from the environment when the process starts only, so
// `run` re-executes itself once with them set (same PID, same arguments, same stdio). Any malloc setting
// of the operator's (MALLOC_* or GLIBC_TUNABLES) is left as it is, and so is a C library other than glibc
// (Alpine's musl gives memory back by itself). MM2_FAILBACK_MALLOC_TUNING=off turns this off.

/** The settings: glibc's own starting values, made fixed. */
export const MALLOC_SETTINGS = { MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_TRIM_THRESHOLD_: '131072' }

/**
 * The environment to re-execute `run` with, or null to go on as is.
 * @param {Record<string, string | undefined>} env process.env
 * @param {string[]} args the command's arguments (process.argv.slice(2))
 * @param {string | undefined} glibcVersion the runtime glibc version, undefined with another C library
 * @returns {Record<string, string> | null}
 */
export function mallocTunedEnv (env, args, glibcVersion) {
  if (args[0] !== 'run' || glibcVersion === undefined) return null
  if (env.MM2_FAILBACK_MALLOC_TUNING === 'off') return null
  if (env.GLIBC_TUNABLES !== undefined || Object.keys(env).some((name) => name.startsWith('MALLOC_'))) return null
  const tuned = {}
  for (const [name, value] of Object.entries(env)) if (value !== undefined) tuned[name] = value
  return { ...tuned, ...MALLOC_SETTINGS }
}
