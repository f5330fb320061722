// `run` re-executes itself once with fixed glibc malloc thresholds (bin/malloc-tuning.js); nothing else does,
// and an operator's own malloc settings win.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { MALLOC_SETTINGS, mallocTunedEnv } from '../../../bin/malloc-tuning.js'

const root = join(import.meta.dirname, '../../..')
const GLIBC = '2.36'
const glibcVersion = (): string | undefined => (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime

describe('glibc malloc tuning of run', () => {
  it('sets the fixed thresholds for run on glibc, keeping the rest of the environment', () => {
    const given = { PATH: '/usr/bin', NODE_OPTIONS: '--max-semi-space-size=4' }
    expect(mallocTunedEnv(given, ['run', '--mm2-config', 'mm2.properties'], GLIBC))
      .toEqual({ ...given, MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_TRIM_THRESHOLD_: '131072' })
  })

  it('leaves other commands, other C libraries, the operator\'s malloc settings and the opt-out alone', () => {
    expect(mallocTunedEnv({}, ['reconcile', '--group', 'g'], GLIBC)).toBeNull()
    expect(mallocTunedEnv({}, ['--help'], GLIBC)).toBeNull()
    expect(mallocTunedEnv({}, ['run'], undefined)).toBeNull()
    expect(mallocTunedEnv({ MALLOC_ARENA_MAX: '2' }, ['run'], GLIBC)).toBeNull()
    expect(mallocTunedEnv({ MALLOC_MMAP_THRESHOLD_: '1048576' }, ['run'], GLIBC)).toBeNull()
    expect(mallocTunedEnv({ MALLOC_ARENA_MAX_: '2' }, ['run'], GLIBC)).toBeNull()
    expect(mallocTunedEnv({ GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=0' }, ['run'], GLIBC)).toBeNull()
    expect(mallocTunedEnv({ MM2_FAILBACK_MALLOC_TUNING: 'off' }, ['run'], GLIBC)).toBeNull()
  })

  describe('the real process', () => {
    const dirs: string[] = []
    const children: number[] = []
    afterEach(() => {
      for (const pid of children.splice(0)) { try { process.kill(pid, 'SIGKILL') } catch { /* already gone */ } }
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
    })

    /** Starts `run` against clusters nobody listens on (it stays up, retrying); its environment, from /proc once it serves. */
    async function environmentOfRun (extraEnv: Record<string, string>): Promise<{ pid: number, env: Map<string, string> }> {
      const dir = mkdtempSync(join(tmpdir(), 'mm2-failback-malloc-'))
      dirs.push(dir)
      const config = join(dir, 'mm2.properties')
      writeFileSync(config, 'clusters = A, B\nA.bootstrap.servers = 127.0.0.1:1\nB.bootstrap.servers = 127.0.0.1:2\nA->B.enabled = true\n')
      const env: Record<string, string | undefined> = { ...process.env, ...extraEnv }
      for (const name of Object.keys(env)) if (/^MALLOC_/.test(name) || name === 'GLIBC_TUNABLES') delete env[name]
      Object.assign(env, extraEnv)
      const args = [join(root, 'bin/mm2-failback.js'), 'run', '--mm2-config', config, '--metrics-port', '0']
      const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
      children.push(child.pid!)
      let output = ''
      await new Promise<void>((resolve, reject) => {
        const read = (chunk: Buffer): void => {
          output += chunk.toString()
          if (output.includes('serving /metrics')) resolve()
        }
        child.stdout.on('data', read)
        child.stderr.on('data', read)
        child.on('exit', (code) => { reject(new Error(`run exited with ${code}: ${output}`)) })
        setTimeout(() => { reject(new Error(`run did not serve within 20 s: ${output}`)) }, 20_000).unref()
      })
      const environ = readFileSync(`/proc/${child.pid}/environ`, 'utf8').split('\0').filter(Boolean)
      return { pid: child.pid!, env: new Map(environ.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)])) }
    }

    it.runIf(process.platform === 'linux' && glibcVersion() !== undefined)(
      'run serves with the thresholds set, in the process it was started as (same PID); the opt-out keeps the environment as given', async () => {
        const tuned = await environmentOfRun({})
        for (const [name, value] of Object.entries(MALLOC_SETTINGS)) expect(tuned.env.get(name), name).toBe(value)
        expect(children).toContain(tuned.pid)
        process.kill(tuned.pid, 'SIGKILL')
        const untouched = await environmentOfRun({ MM2_FAILBACK_MALLOC_TUNING: 'off' })
        expect(untouched.env.has('MALLOC_MMAP_THRESHOLD_')).toBe(false)
        expect(untouched.env.get('MM2_FAILBACK_MALLOC_TUNING')).toBe('off')
      }, 30_000)
  })
})
