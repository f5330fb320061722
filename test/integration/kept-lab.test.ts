// The demo's --keep leaves a lab and a sidecar running and prints the command that stops them: that
// command must work as printed, from a shell in the checkout, after the process that started them is
// gone (here: the sidecar runs in its own session, as the demo's does, and the lab is persistent).
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { stopKeptLabCommand } from '../../lab/current.ts'
import { isAlive } from '../../lab/jvm.ts'
import { startLab, waitFor } from '../../lab/lab.ts'
import { startSidecarProcess } from '../../lab/process/sidecar-process.ts'
import { REPO_ROOT } from '../../lab/versions.ts'
import { testedKafkaLines } from '../kafka-lines.ts'

const kafka = testedKafkaLines().at(-1)!

describe(`a kept lab and sidecar (Kafka ${kafka})`, () => {
  it('the printed stop command stops the sidecar, MM2 and both brokers', async () => {
    const lab = await startLab({ kafka, persistent: true })
    const pids = lab.pids()
    let sidecarPid = 0
    try {
      const sidecar = await startSidecarProcess({ mm2Config: lab.mm2PropertiesPath!, logDir: lab.logDir, outlive: true })
      sidecarPid = sidecar.child.pid!
      lab.attach('sidecar', sidecarPid)
      expect(await waitFor(async () => await sidecar.ready() || null, { timeoutMs: 60_000, description: 'the kept sidecar to be ready' })).toBe(true)
      const command = stopKeptLabCommand(lab.runDir)
      const output = execFileSync('bash', ['-c', command], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 })
      expect(output).toMatch(new RegExp(`sidecar pid ${sidecarPid}: stopped`))
      expect(output).toMatch(/mm2 pid \d+: stopped/)
      expect(output).toMatch(new RegExp(`lab in ${lab.runDir} is down`))
      expect([sidecarPid, ...pids].filter(isAlive)).toEqual([])
    } finally {
      if (sidecarPid !== 0 && isAlive(sidecarPid)) process.kill(sidecarPid, 'SIGKILL')
      await lab.stop()
    }
  })
})
