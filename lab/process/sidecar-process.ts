// Runs `mm2-failback run` as a child process, as a user would (the CLI, a real process, its own
// logs), and finds its /metrics address from its startup log line. Stopped by PID.
import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, createWriteStream, openSync } from 'node:fs'
import { join } from 'node:path'
import { freePort } from '../net.ts'
import { waitFor } from '../wait.ts'

const ROOT = new URL('../../', import.meta.url).pathname

export interface SidecarProcess {
  child: ChildProcess
  url: string
  logFile: string
  scrape: () => Promise<string>
  ready: () => Promise<boolean>
  /** SIGTERM (graceful) or SIGKILL. */
  stop: (signal?: 'SIGTERM' | 'SIGKILL') => Promise<void>
}

/** `env` is added to this process's environment (e.g. what `${env:...}` references in mm2.properties read). */
export async function startSidecarProcess (options: {
  mm2Config: string
  logDir: string
  name?: string
  sets?: string[]
  env?: Record<string, string>
  /** Options of the node command itself, before the script (e.g. V8 flags NODE_OPTIONS does not allow). */
  nodeFlags?: string[]
  /**
   * Keep running after this process exits (the demo's --keep): its own session, output straight to the
   * log file instead of through this process, and no kill on exit. Stop it by PID (`npm run lab -- down`
   * stops the sidecars attached to a lab).
   */
  outlive?: boolean
  /** Called with the PID right after the spawn, before the sidecar does any work (e.g. to put it in a control group). */
  onSpawn?: (pid: number) => void
}): Promise<SidecarProcess> {
  if (options.outlive === true) return await startDetached(options)
  const logFile = join(options.logDir, `${options.name ?? 'sidecar'}.log`)
  const log = createWriteStream(logFile, { flags: 'a' })
  const args = [
    ...(options.nodeFlags ?? []), join(ROOT, 'bin/mm2-failback.js'), 'run', '--mm2-config', options.mm2Config,
    '--set', 'metrics.port=0', '--set', 'log.level=debug', ...(options.sets ?? []).flatMap((set) => ['--set', set])
  ]
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } })
  if (child.pid !== undefined) options.onSpawn?.(child.pid)
  let url: string | null = null
  let exited = false
  child.on('exit', () => { exited = true })
  child.stdout?.pipe(log, { end: false })
  child.stderr?.on('data', (chunk: Buffer) => {
    log.write(chunk)
    const match = /serving \/metrics, \/ready and \/healthz on (http:\/\/[^\s"]+)/.exec(chunk.toString())
    if (match !== null) url = match[1]!
  })
  const cleanup = (): void => { if (!exited) child.kill('SIGKILL') }
  process.once('exit', cleanup)
  await waitFor(() => url !== null || exited, { timeoutMs: 30_000, description: 'the sidecar to serve /metrics' })
  if (url === null) throw new Error(`the sidecar exited before serving /metrics; see ${logFile}`)
  return handle(child, url, logFile, () => exited, {
    before: () => { process.off('exit', cleanup) },
    after: () => { log.end() }
  })
}

/** A sidecar in its own session writing to its log file: it survives this process. */
async function startDetached (options: {
  mm2Config: string
  logDir: string
  name?: string
  sets?: string[]
  env?: Record<string, string>
}): Promise<SidecarProcess> {
  const logFile = join(options.logDir, `${options.name ?? 'sidecar'}.log`)
  const port = await freePort()
  const args = [
    join(ROOT, 'bin/mm2-failback.js'), 'run', '--mm2-config', options.mm2Config,
    '--set', `metrics.port=${port}`, '--set', 'log.level=debug', ...(options.sets ?? []).flatMap((set) => ['--set', set])
  ]
  const fd = openSync(logFile, 'a')
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', fd, fd], env: { ...process.env, ...options.env }, detached: true })
  closeSync(fd)
  child.unref()
  let exited = false
  child.on('exit', () => { exited = true })
  const base = `http://127.0.0.1:${port}`
  const healthy = async (): Promise<boolean> => (await fetch(`${base}/healthz`).catch(() => null))?.ok === true
  await waitFor(async () => exited || await healthy(), { timeoutMs: 30_000, description: 'the sidecar to serve /healthz' })
  if (exited) throw new Error(`the sidecar exited before serving /metrics; see ${logFile}`)
  return handle(child, base, logFile, () => exited)
}

/** The handle of a started sidecar: its endpoints and a stop by PID (SIGTERM, SIGKILL after 20 s). */
function handle (
  child: ChildProcess, base: string, logFile: string, exited: () => boolean, hooks: { before?: () => void, after?: () => void } = {}
): SidecarProcess {
  return {
    child,
    url: base,
    logFile,
    scrape: async () => await (await fetch(`${base}/metrics`)).text(),
    ready: async () => (await fetch(`${base}/ready`).catch(() => null))?.status === 200,
    stop: async (signal = 'SIGTERM') => {
      hooks.before?.()
      if (exited()) return
      child.kill(signal)
      await waitFor(() => exited(), { timeoutMs: 20_000, description: `the sidecar (pid ${child.pid}) to exit` }).catch(() => { child.kill('SIGKILL') })
      hooks.after?.()
    }
  }
}
