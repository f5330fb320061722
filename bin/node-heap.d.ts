/** The initial old-generation size `mm2-failback run` asks V8 for, in MiB (see node-heap.js). */
export const INITIAL_OLD_SPACE_MB: number
/** The node flags to re-execute `mm2-failback <args>` with, or none (see node-heap.js). */
export function heapFlags (args: string[], execArgv: string[], nodeOptions: string): string[]
