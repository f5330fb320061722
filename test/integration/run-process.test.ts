// `mm2-failback run` as an operator starts it, in the failure states where readiness and shutdown are
// easiest to get wrong: both clusters refuse connections, or take connections and never answer. /ready
// must stay 503 while no followed cluster has ever answered, and SIGINT/SIGTERM must end the process
// within shutdown.deadlineMs, non-zero when the stop could not complete.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../lab/net.ts'
import { REPO_ROOT } from '../../lab/versions.ts'
import { waitFor } from '../../lab/wait.ts'

interface RunningCli {
  child: ChildProcess
  port: number
  output: () => string
  exited: Promise<{ code: number | null, signal: NodeJS.Signals | null, afterMs: number }>
}

const dir = mkdtempSync(join(tmpdir(), 'mm2-failback-run-'))
const started: ChildProcess[] = []
let blackHole: Server
let blackHolePort = 0
const heldSockets: Socket[] = []

/** A "broker" that accepts connections and never answers a request. */
async function startBlackHole (): Promise<void> {
  blackHole = createServer((socket) => { heldSockets.push(socket); socket.on('error', () => {}) })
  await new Promise<void>((resolve) => { blackHole.listen(0, '127.0.0.1', resolve) })
  const address = blackHole.address()
  blackHolePort = typeof address === 'object' && address !== null ? address.port : 0
}

function mm2Properties (name: string, bootstrapA: string, bootstrapB: string): string {
  const path = join(dir, `${name}.properties`)
  const lines = ['clusters=A,B', `A.bootstrap.servers=${bootstrapA}`, `B.bootstrap.servers=${bootstrapB}`, 'A->B.enabled=true', 'B->A.enabled=true']
  writeFileSync(path, lines.join('\n') + '\n')
  return path
}

/** How node is started: flags before the script, and environment variables over this process's. */
interface NodeStart { flags?: string[], env?: Record<string, string> }

async function startCli (mm2Config: string, sets: string[], node: NodeStart = {}): Promise<RunningCli> {
  const port = await freePort()
  const cliArgs = ['run', '--mm2-config', mm2Config, '--metrics-port', String(port), ...sets.flatMap((set) => ['--set', set])]
  const args = [...(node.flags ?? []), 'bin/mm2-failback.js', ...cliArgs]
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...node.env } })
  started.push(child)
  let text = ''
  child.stdout!.on('data', (chunk: Buffer) => { text += chunk.toString() })
  child.stderr!.on('data', (chunk: Buffer) => { text += chunk.toString() })
  let signalledAt = 0
  const originalKill = child.kill.bind(child)
  child.kill = (signal?: NodeJS.Signals | number) => { signalledAt = Date.now(); return originalKill(signal) }
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null, afterMs: number }>((resolve) => {
    child.on('exit', (code, signal) => { resolve({ code, signal, afterMs: Date.now() - signalledAt }) })
  })
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).then((response) => response.ok, () => false)) || null, {
    timeoutMs: 20_000,
    description: `the sidecar's /healthz on 127.0.0.1:${port}`
  })
  return { child, port, output: () => text, exited }
}

const scrape = async (cli: RunningCli, path: string): Promise<{ status: number, body: string }> => {
  const response = await fetch(`http://127.0.0.1:${cli.port}${path}`)
  return { status: response.status, body: await response.text() }
}

describe('mm2-failback run with no reachable cluster', () => {
  beforeAll(startBlackHole)
  afterEach(() => {
    for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  afterAll(async () => {
    for (const socket of heldSockets) socket.destroy()
    await new Promise<void>((resolve) => { blackHole.close(() => { resolve() }) })
    rmSync(dir, { recursive: true, force: true })
  })

  it('/ready stays 503 past the unreachable grace while neither cluster has ever answered, and SIGINT stops it cleanly', async () => {
    const cli = await startCli(mm2Properties('refused', '127.0.0.1:1', '127.0.0.1:2'), ['follow.unreachableGraceMs=300', 'follow.retryDelayMs=200'])
    await new Promise((resolve) => setTimeout(resolve, 3000))
    const ready = await scrape(cli, '/ready')
    expect(ready.status).toBe(503)
    expect(JSON.parse(ready.body)).toEqual({ ready: false, detail: { A: 'not answering', B: 'not answering' } })
    const metrics = (await scrape(cli, '/metrics')).body.split('\n')
    expect(metrics).toContain('mm2_failback_ready 0')
    const up = metrics.filter((line) => line.startsWith('mm2_failback_up{'))
    expect(up).toEqual(expect.arrayContaining([expect.stringMatching(/kafka_cluster="A".* 0$/), expect.stringMatching(/kafka_cluster="B".* 0$/)]))
    cli.child.kill('SIGINT')
    const exit = await cli.exited
    expect(exit).toMatchObject({ code: 0, signal: null })
    expect(exit.afterMs).toBeLessThan(10_000)
    expect(cli.output()).toMatch(/"msg":"stopped"/)
  })

  it('SIGTERM while both clusters take connections and never answer: a clean stop, well inside the deadline', async () => {
    const bootstrap = `127.0.0.1:${blackHolePort}`
    const cli = await startCli(mm2Properties('silent', bootstrap, bootstrap), ['shutdown.deadlineMs=3000'])
    await new Promise((resolve) => setTimeout(resolve, 2000))
    expect((await scrape(cli, '/ready')).status).toBe(503)
    cli.child.kill('SIGTERM')
    const exit = await cli.exited
    // Requests in flight to brokers that never answer must not hold the stop: it closes the
    // connections first, so it finishes cleanly well inside the deadline.
    expect(exit).toMatchObject({ code: 0, signal: null })
    expect(exit.afterMs).toBeLessThan(3000)
    expect(cli.output()).toMatch(/"msg":"stopped"/)
  })

  it('a stop that cannot finish in shutdown.deadlineMs is reported and exits 1; a second signal cuts a stop short', async () => {
    const bootstrap = `127.0.0.1:${blackHolePort}`
    const tight = await startCli(mm2Properties('tight', bootstrap, bootstrap), ['shutdown.deadlineMs=1'])
    tight.child.kill('SIGTERM')
    const tightExit = await tight.exited
    expect(tightExit).toMatchObject({ code: 1, signal: null })
    expect(tight.output()).toMatch(/"level":"error","msg":"stopping did not finish within 1 ms; exiting"/)
    expect(tight.output()).toMatch(/mm2-failback: stopping did not finish within 1 ms; exiting without a clean stop/)

    const twice = await startCli(mm2Properties('twice', bootstrap, bootstrap), ['shutdown.deadlineMs=600000'])
    twice.child.kill('SIGINT')
    twice.child.kill('SIGTERM')
    const twiceExit = await twice.exited
    expect(twiceExit.signal).toBeNull()
    expect(twiceExit.afterMs).toBeLessThan(5000)
    // The first signal's stop may win the race against the second; either way it ends, and says which. Two
    // signals sent back to back may also be handled in either order (libuv's handlers run on any thread),
    // so the one "while stopping" is whichever came second.
    if (twiceExit.code === 1) expect(twice.output()).toMatch(/SIG(INT|TERM) while stopping: not waiting for a clean stop/)
    else expect(twice.output()).toMatch(/"msg":"stopped"/)
  })
  it('runs in the process it was started as, with the launcher\'s initial old generation unless the user chose one', async () => {
    const config = mm2Properties('heap', `127.0.0.1:${await freePort()}`, `127.0.0.1:${await freePort()}`)
    // The node command line of the process serving /healthz: the PID spawn() returned, after the launcher's execve.
    const nodeArgs = (cli: RunningCli): string[] => {
      const argv = readFileSync(`/proc/${cli.child.pid}/cmdline`, 'utf8').split('\0').filter(Boolean)
      return argv.slice(1, argv.findIndex((arg) => arg.endsWith('mm2-failback.js')))
    }
    const cases: Array<{ node: NodeStart, expected: string[] }> = [
      { node: {}, expected: ['--initial-old-space-size=256'] },
      { node: { flags: ['--initial-old-space-size=64'] }, expected: ['--initial-old-space-size=64'] },
      { node: { env: { NODE_OPTIONS: '--max-old-space-size=200' } }, expected: ['--initial-old-space-size=100'] }
    ]
    for (const { node, expected } of cases) {
      const cli = await startCli(config, [], node)
      expect(nodeArgs(cli), JSON.stringify(node)).toEqual(expected)
      cli.child.kill('SIGTERM')
      expect((await cli.exited).code, cli.output()).toBe(0)
    }
  })
})
