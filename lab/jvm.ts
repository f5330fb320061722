// One JVM of the lab (broker or MM2): spawn, stop (SIGTERM, then SIGKILL), kill, RSS, log tail.
// Every live JVM is tracked here so that the parent can kill them all on exit or on a signal.
import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { waitFor } from './wait.ts'

export interface JvmSpec {
  /** Role name, unique within a lab: `broker-A`, `mm2`. Used in log file names and errors. */
  name: string
  mainClass: string
  args: string[]
  classPath: string
  /** Heap bounds, e.g. `{ min: '64m', max: '384m' }`. */
  heap: { min: string, max: string }
  systemProperties?: Record<string, string>
  /** Extra JVM flags, appended after the lab defaults (so they win). */
  jvmOptions?: string[]
  /** Extra environment variables (e.g. what MM2's `${env:...}` config references read). */
  env?: Record<string, string>
  /** stdout and stderr are appended here (one file per role, restarts append). */
  logFile: string
  cwd: string
  /**
   * Detached JVMs outlive this Node process (`npm run lab -- up`): they are not killed on exit
   * and are stopped later through the run's lab.json.
   */
  persistent?: boolean
}

export interface MemoryUsage {
  /** Current resident set size, bytes (VmRSS). */
  rssBytes: number
  /** Peak resident set size of this process so far, bytes (VmHWM). */
  hwmBytes: number
}

// Small heaps, serial GC and C1 only: the lab is tiny and shares 2 cores, so startup CPU and
// footprint matter more than peak throughput.
const DEFAULT_JVM_OPTIONS = [
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-XX:+ExitOnOutOfMemoryError',
  '-Djava.awt.headless=true',
  '-Djava.net.preferIPv4Stack=true'
]

const live = new Set<JvmProcess>()

export function javaBinary (): string {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java'
}

export class JvmProcess {
  readonly spec: JvmSpec
  #child: ChildProcess | undefined
  #exited: Promise<void> = Promise.resolve()
  #exit: { code: number | null, signal: NodeJS.Signals | null } | undefined
  #starts = 0

  constructor (spec: JvmSpec) {
    this.spec = spec
  }

  get name (): string { return this.spec.name }
  get pid (): number | undefined { return this.#child?.pid }
  get running (): boolean { return this.#child !== undefined && this.#exit === undefined }
  /** Exit code/signal of the last run, once it has ended. */
  get exit (): { code: number | null, signal: NodeJS.Signals | null } | undefined { return this.#exit }
  /** Resolves when the current run ends. */
  get exited (): Promise<void> { return this.#exited }
  get commandLine (): string[] {
    const { spec } = this
    return [
      `-Xms${spec.heap.min}`, `-Xmx${spec.heap.max}`,
      ...DEFAULT_JVM_OPTIONS,
      ...Object.entries(spec.systemProperties ?? {}).map(([k, v]) => `-D${k}=${v}`),
      ...(spec.jvmOptions ?? []),
      '-cp', spec.classPath,
      spec.mainClass,
      ...spec.args
    ]
  }

  /** Spawns the JVM. Does not wait for readiness: that is the caller's protocol-level check. */
  start (): void {
    if (this.running) throw new Error(`${this.name} is already running (pid ${this.pid}).`)
    this.#starts++
    const fd = openSync(this.spec.logFile, 'a')
    writeSync(fd, `\n===== lab: start #${this.#starts} of ${this.name} at ${new Date().toISOString()}: java ${this.commandLine.join(' ')}\n`)
    let child: ChildProcess
    try {
      child = spawn(javaBinary(), this.commandLine, {
        cwd: this.spec.cwd,
        stdio: ['ignore', fd, fd],
        detached: true,
        env: { ...process.env, KAFKA_HEAP_OPTS: undefined, KAFKA_OPTS: undefined, ...this.spec.env }
      })
    } finally {
      closeSync(fd)
    }
    this.#child = child
    this.#exit = undefined
    this.#exited = new Promise(resolve => {
      child.once('exit', (code, signal) => {
        this.#exit = { code, signal }
        live.delete(this)
        resolve()
      })
      child.once('error', error => {
        this.#exit = { code: null, signal: null }
        live.delete(this)
        writeLine(this.spec.logFile, `lab: cannot spawn ${this.name}: ${error.message}`)
        resolve()
      })
    })
    if (this.spec.persistent) child.unref()
    else live.add(this)
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  async stop (graceMs = 20_000): Promise<void> {
    if (!this.running) return
    this.#signal('SIGTERM')
    const timer = setTimeout(() => this.#signal('SIGKILL'), graceMs)
    try {
      await this.#exited
    } finally {
      clearTimeout(timer)
    }
  }

  /** SIGKILL (a crash, for failover tests); resolves when the process is gone. */
  async kill (): Promise<void> {
    if (!this.running) return
    this.#signal('SIGKILL')
    await this.#exited
  }

  /** Memory of the running process from /proc/<pid>/status, or undefined when it is not running. */
  memory (): MemoryUsage | undefined {
    return this.pid !== undefined && this.running ? readMemory(this.pid) : undefined
  }

  /** Last `lines` lines of this JVM's log. */
  logTail (lines = 50): string {
    return tailFile(this.spec.logFile, lines)
  }

  /** Rejects with the log tail if the process exits before `promise` settles (fail fast on a crash). */
  async whileRunning<T> (promise: Promise<T>): Promise<T> {
    const exited = this.#exited.then(() => {
      throw new Error(`${this.name} exited (code ${this.#exit?.code}, signal ${this.#exit?.signal}) while the lab waited for it. Log tail:\n${this.logTail(40)}`)
    })
    return Promise.race([promise, exited])
  }

  #signal (signal: NodeJS.Signals): void {
    const pid = this.pid
    if (pid === undefined || !this.running) return
    try {
      process.kill(pid, signal)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error
    }
  }
}

export function readMemory (pid: number): MemoryUsage | undefined {
  let status: string
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8')
  } catch {
    return undefined
  }
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024
  return { rssBytes: kb('VmRSS'), hwmBytes: kb('VmHWM') }
}

export function tailFile (file: string, lines: number): string {
  if (!existsSync(file)) return `(no log at ${file})`
  const text = readFileSync(file, 'utf8')
  return text.split('\n').slice(-lines - 1).join('\n')
}

export function isAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
  // A zombie (exited, not yet reaped) is not alive for our purposes.
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))
  } catch {
    return false
  }
}

/**
 * Stops a JVM known only by PID (a lab started by another process). `mustContain` guards against
 * PID reuse: the process's command line must contain it (the run directory), or it is left alone.
 */
export async function stopPid (pid: number, mustContain: string, graceMs = 20_000): Promise<'stopped' | 'not-running' | 'not-ours'> {
  if (!isAlive(pid)) return 'not-running'
  let cmdline: string
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
  } catch {
    return 'not-running'
  }
  if (!cmdline.includes(mustContain)) return 'not-ours'
  const send = (signal: NodeJS.Signals) => {
    try { process.kill(pid, signal) } catch {}
  }
  send('SIGTERM')
  try {
    await waitFor(() => !isAlive(pid), { timeoutMs: graceMs, intervalMs: 200, description: `pid ${pid} to exit after SIGTERM` })
  } catch {
    send('SIGKILL')
    await waitFor(() => !isAlive(pid), { timeoutMs: 10_000, intervalMs: 100, description: `pid ${pid} to exit after SIGKILL` })
  }
  return 'stopped'
}

/** SIGKILL every JVM this process started (synchronous: safe in 'exit' and signal handlers). */
export function killAllSync (): number[] {
  const pids: number[] = []
  for (const jvm of live) {
    const pid = jvm.pid
    if (pid === undefined) continue
    try {
      process.kill(pid, 'SIGKILL')
      pids.push(pid)
    } catch {}
  }
  return pids
}

let handlersInstalled = false

/**
 * Kills every JVM on exit of this Node process and on SIGINT/SIGTERM/SIGHUP, which then exit
 * with the conventional 128+n code. Installed once, on first use of the lab.
 */
export function installCleanupHandlers (): void {
  if (handlersInstalled) return
  handlersInstalled = true
  process.once('exit', () => { killAllSync() })
  for (const [signal, number] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]] as const) {
    process.once(signal, () => {
      const pids = killAllSync()
      if (pids.length > 0) process.stderr.write(`lab: ${signal}: killed JVMs ${pids.join(', ')}\n`)
      process.exit(128 + number)
    })
  }
}

function writeLine (file: string, line: string): void {
  try {
    const fd = openSync(file, 'a')
    writeSync(fd, line + '\n')
    closeSync(fd)
  } catch {}
}
