// What the benches read of a sidecar's log file (JSON lines): its readiness, and when things happened.
// Waiting for readiness on the log rather than on /ready costs the measured process nothing: polling
// /ready every 50 ms had it answer 20 HTTP requests a second out of its own CPU (bench:tail, one instance
// limited to 0.25 CPU: 2.9-3.1 s of CPU to readiness while polled, 2.5-2.6 s since).
import { readFileSync } from 'node:fs'

export interface LogLine { time: string, msg: string, cluster?: string, partitions?: number }

export const READY = 'ready: every followed topic'

export function logLines (file: string): LogLine[] {
  return readFileSync(file, 'utf8').split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as LogLine)
}

/** Whether the sidecar has logged that it is ready. */
export function loggedReady (file: string): boolean {
  return readFileSync(file, 'utf8').includes(`"msg":"${READY}`)
}
