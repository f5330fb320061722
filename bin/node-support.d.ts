/** Why this Node cannot run mm2-failback, or null when it can (see node-support.js). */
export function unsupportedNode (version: string, range: string): string | null
