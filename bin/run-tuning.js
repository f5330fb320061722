// Runtime settings of the long-running `run` command, applied by re-executing it once at start, before
// anything is loaded (same PID, same arguments, same stdio), because both are read at process start only:
//
// - glibc's malloc thresholds. glibc starts with a 128 KiB mmap threshold and raises it (up to 32 MiB)
//   each time a larger mmap'd block is freed, then keeps up to twice that much free memory at the top of
//   its heap instead of giving it back: after a catch-up, whose fetch responses are such blocks, the
//   process held ~50 MB of freed memory for good. Fixed thresholds stop that. Left alone with another C
//   library (Alpine's musl gives memory back by itself) or when the operator set any MALLOC_* or
//   GLIBC_TUNABLES.
// - V8's young generation: V8 sizes its semi-spaces from the machine's memory (up to 64 MiB each on a large
//   host), and the catch-up and first group-sync pass fill them; 4 MiB semi-spaces keep the RSS ~100 MB
//   lower at the same catch-up speed. Left alone when the operator set a semi-space size (NODE_OPTIONS or
//   the node command's own flags).
//
// MM2_FAILBACK_RUNTIME_TUNING=off turns both off. Measured by `npm run bench:tail` (docs/design.md §2.7,
// "Memory per tracked group-partition").

/** The glibc settings: glibc's own starting values, made fixed. */
export const MALLOC_SETTINGS = { MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_TRIM_THRESHOLD_: '131072' }
/** The V8 setting. */
export const SEMI_SPACE_FLAG = '--max-semi-space-size=4'

/**
 * How to re-execute `run`, or null to go on as is.
 * @param {Record<string, string | undefined>} env process.env
 * @param {string[]} execArgv the node command's own flags (process.execArgv)
 * @param {string[]} args the command's arguments (process.argv.slice(2))
 * @param {string | undefined} glibcVersion the runtime glibc version, undefined with another C library
 * @returns {{ env: Record<string, string>, execArgv: string[] } | null}
 */
export function tunedRun (env, execArgv, args, glibcVersion) {
  if (args[0] !== 'run' || env.MM2_FAILBACK_RUNTIME_TUNING === 'off' || env.MM2_FAILBACK_RUNTIME_TUNED === '1') return null
  const mallocSet = env.GLIBC_TUNABLES !== undefined || Object.keys(env).some((name) => name.startsWith('MALLOC_'))
  const tuneMalloc = glibcVersion !== undefined && !mallocSet
  const semiSpaceSet = [...execArgv, env.NODE_OPTIONS ?? ''].some((flag) => /semi[-_]space/.test(flag))
  if (!tuneMalloc && semiSpaceSet) return null
  const tunedEnv = {}
  for (const [name, value] of Object.entries(env)) if (value !== undefined) tunedEnv[name] = value
  // The marker keeps the re-executed process from re-executing again.
  return {
    env: { ...tunedEnv, ...(tuneMalloc ? MALLOC_SETTINGS : {}), MM2_FAILBACK_RUNTIME_TUNED: '1' },
    execArgv: semiSpaceSet ? [...execArgv] : [SEMI_SPACE_FLAG, ...execArgv]
  }
}
