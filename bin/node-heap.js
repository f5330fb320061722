// The V8 heap flag `mm2-failback run` starts with. Plain JavaScript, like node-support.js: the launcher
// decides before it loads the TypeScript sources.
//
// A sidecar's start is a burst: it reads every followed topic to its end, keeping one entry per group and
// partition, then runs one full collection on purpose once the burst is over (docs/design.md §2.7, "Memory
// per tracked group-partition").
// V8 starts with a small old-generation limit that it sizes from the first survivors, so the burst also
// runs one or two full collections of its own: wasted work, as nearly everything they mark is still live,
// and a cost every instance of a deployment pays again on its share. A 256 MiB initial old generation lets
// the burst finish first (docs/design.md §2.7, "The start's heap"; the figures in docs/deployment.md,
// Sizing). Only the first limit changes: after the first full collection V8 sizes the heap from what
// survived, as always.
// NODE_OPTIONS refuses the flag, so the launcher re-executes Node with it (process.execve: same process,
// same PID, nothing left behind).

export const INITIAL_OLD_SPACE_MB = 256

const INITIAL = /^--initial[-_](old[-_]space|heap)[-_]size(=|$)/
const MAX_OLD = /^--max[-_]old[-_]space[-_]size=(\d+)$/

/**
 * The node flags to re-execute `mm2-failback <args>` with, or none.
 * @param {string[]} args the command's arguments (process.argv.slice(2))
 * @param {string[]} execArgv node's own options (process.execArgv)
 * @param {string} nodeOptions the NODE_OPTIONS environment variable ('' when unset)
 * @returns {string[]} empty: run as is (not `run`, or the heap's initial size is the user's choice already)
 */
export function heapFlags (args, execArgv, nodeOptions) {
  if (args[0] !== 'run') return []
  // In the order node applies them: NODE_OPTIONS first, then its command line, which takes precedence.
  const options = [...nodeOptions.split(/\s+/).filter(Boolean), ...execArgv]
  if (options.some((option) => INITIAL.test(option))) return []
  // Within a heap limit the user set: at most half of it, and none when that is too small to matter.
  const max = options.map((option) => MAX_OLD.exec(option)).filter((match) => match !== null).map((match) => Number(match[1])).at(-1)
  const size = max === undefined ? INITIAL_OLD_SPACE_MB : Math.min(INITIAL_OLD_SPACE_MB, Math.floor(max / 2))
  return size < 32 ? [] : [`--initial-old-space-size=${size}`]
}
