import { describe, expect, it } from 'vitest'
import { main } from '../../../sidecar/src/cli/main.ts'
import type { CliIo } from '../../../sidecar/src/cli/context.ts'

export function captureIo (): CliIo & { out: string[], err: string[] } {
  const out: string[] = []
  const err: string[] = []
  return { out, err, stdout: (text) => { out.push(text) }, stderr: (text) => { err.push(text) }, isTty: () => false }
}

describe('cli main', () => {
  it('--help names the program and the exit codes, exit 0', async () => {
    const io = captureIo()
    expect(await main(['--help'], io)).toBe(0)
    const text = io.out.join('')
    expect(text).toContain('mm2-failback <command>')
    expect(text).toContain('Exit codes')
    expect(io.err).toEqual([])
  })

  it('no command is a usage error with a hint, exit 2', async () => {
    const io = captureIo()
    expect(await main([], io)).toBe(2)
    expect(io.err.join('')).toMatch(/command/i)
    expect(io.err.join('')).toContain('hint:')
  })

  it('an unknown flag is a usage error, exit 2', async () => {
    const io = captureIo()
    expect(await main(['--no-such-flag'], io)).toBe(2)
    expect(io.err.join('')).toMatch(/no-such-flag/)
  })
})
