// `run` re-executes itself once with fixed glibc malloc thresholds and 4 MiB V8 semi-spaces (bin/run-tuning.js);
// nothing else does, and the operator's own settings win.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { MALLOC_SETTINGS, SEMI_SPACE_FLAG, tunedRun } from '../../../bin/run-tuning.js'

const root = join(import.meta.dirname, '../../..')
const GLIBC = '2.36'
const glibcVersion = (): string | undefined => (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime
const TUNED_ENV = { ...MALLOC_SETTINGS, MM2_FAILBACK_RUNTIME_TUNED: '1' }

describe('runtime tuning of run', () => {
  it('on glibc: the fixed malloc thresholds and the semi-space flag, the rest of the environment and flags kept', () => {
    const given = { PATH: '/usr/bin', NODE_OPTIONS: '--max-old-space-size=512' }
    expect(tunedRun(given, ['--enable-source-maps'], ['run', '--mm2-config', 'mm2.properties'], GLIBC))
      .toEqual({ env: { ...given, ...TUNED_ENV }, execArgv: [SEMI_SPACE_FLAG, '--enable-source-maps'] })
  })

  it('the operator\'s own settings win, each on its own', () => {
    expect(tunedRun({ MALLOC_ARENA_MAX: '2' }, [], ['run'], GLIBC))
      .toEqual({ env: { MALLOC_ARENA_MAX: '2', MM2_FAILBACK_RUNTIME_TUNED: '1' }, execArgv: [SEMI_SPACE_FLAG] })
    expect(tunedRun({ GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=0' }, [], ['run'], GLIBC)?.env.MALLOC_MMAP_THRESHOLD_).toBeUndefined()
    expect(tunedRun({ MALLOC_MMAP_THRESHOLD_: '1048576' }, [], ['run'], GLIBC)?.env.MALLOC_MMAP_THRESHOLD_).toBe('1048576')
    expect(tunedRun({ NODE_OPTIONS: '--max-semi-space-size=16' }, [], ['run'], GLIBC)?.execArgv).toEqual([])
    expect(tunedRun({}, ['--semi-space-growth-factor=2'], ['run'], GLIBC)?.execArgv).toEqual(['--semi-space-growth-factor=2'])
    // Nothing left to change: no re-execution.
    expect(tunedRun({ MALLOC_ARENA_MAX: '2' }, ['--max-semi-space-size=8'], ['run'], GLIBC)).toBeNull()
  })

  it('another C library gets the semi-space flag only; other commands, the opt-out and a re-executed process are left alone', () => {
    expect(tunedRun({}, [], ['run'], undefined)).toEqual({ env: { MM2_FAILBACK_RUNTIME_TUNED: '1' }, execArgv: [SEMI_SPACE_FLAG] })
    expect(tunedRun({ NODE_OPTIONS: SEMI_SPACE_FLAG }, [], ['run'], undefined)).toBeNull()
    expect(tunedRun({}, [], ['reconcile', '--group', 'g'], GLIBC)).toBeNull()
    expect(tunedRun({}, [], ['--help'], GLIBC)).toBeNull()
    expect(tunedRun({ MM2_FAILBACK_RUNTIME_TUNING: 'off' }, [], ['run'], GLIBC)).toBeNull()
    expect(tunedRun({ MM2_FAILBACK_RUNTIME_TUNED: '1' }, [], ['run'], GLIBC)).toBeNull()
  })

  describe('the real process', () => {
    const dirs: string[] = []
    const children: number[] = []
    afterEach(() => {
      for (const pid of children.splice(0)) { try { process.kill(pid, 'SIGKILL') } catch { /* already gone */ } }
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
    })

    /** Starts `run` against clusters nobody listens on (it stays up, retrying); its environment and command line, from /proc once it serves. */
    async function runProcess (extraEnv: Record<string, string>): Promise<{ pid: number, env: Map<string, string>, cmdline: string[] }> {
      const dir = mkdtempSync(join(tmpdir(), 'mm2-failback-tuning-'))
      dirs.push(dir)
      const config = join(dir, 'mm2.properties')
      writeFileSync(config, 'clusters = A, B\nA.bootstrap.servers = 127.0.0.1:1\nB.bootstrap.servers = 127.0.0.1:2\nA->B.enabled = true\n')
      const env: Record<string, string | undefined> = { ...process.env }
      for (const name of Object.keys(env)) {
        if (/^MALLOC_|^MM2_FAILBACK_RUNTIME_/.test(name) || name === 'GLIBC_TUNABLES' || name === 'NODE_OPTIONS') delete env[name]
      }
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
      return {
        pid: child.pid!,
        env: new Map(environ.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)])),
        cmdline: readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0').filter(Boolean)
      }
    }

    it.runIf(process.platform === 'linux' && glibcVersion() !== undefined)(
      'run serves tuned in the process it was started as (same PID); with the opt-out, as started', async () => {
        const tuned = await runProcess({})
        for (const [name, value] of Object.entries(MALLOC_SETTINGS)) expect(tuned.env.get(name), name).toBe(value)
        expect(tuned.cmdline.slice(1, 3)).toEqual([SEMI_SPACE_FLAG, join(root, 'bin/mm2-failback.js')])
        expect(children).toContain(tuned.pid)
        process.kill(tuned.pid, 'SIGKILL')
        const untouched = await runProcess({ MM2_FAILBACK_RUNTIME_TUNING: 'off' })
        expect(untouched.env.has('MALLOC_MMAP_THRESHOLD_')).toBe(false)
        expect(untouched.cmdline.slice(1, 2)).toEqual([join(root, 'bin/mm2-failback.js')])
      }, 30_000)
  })
})
