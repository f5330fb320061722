// One lab per describe block: started in beforeAll, stopped in afterAll (which also checks that no JVM
// of it survives), and its log tails printed when a test of the block fails (as lab.test.ts does).
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, expect } from 'vitest'
import { isAlive } from '../../../lab/jvm.ts'
import { startLab, type Lab, type LabOptions } from '../../../lab/lab.ts'

/** A short random suffix for topic and group names. */
export const suffix = (): string => randomBytes(4).toString('hex')

/**
 * Registers the lifecycle hooks of a lab in the enclosing describe block and returns an accessor that
 * throws when the lab did not start. `label` prefixes the printed startup line and log tails.
 */
export function useLab (label: string, options: LabOptions): () => Lab {
  let lab: Lab | undefined
  let pids: number[] = []

  beforeAll(async () => {
    lab = await startLab(options)
    pids = lab.pids()
    console.log(`[${label}] lab ${lab.version} up in ${(lab.startupMs / 1000).toFixed(1)} s; run dir ${lab.runDir}`)
  })

  beforeEach(ctx => {
    ctx.onTestFailed(() => { if (lab) console.log(`[${label}] logs after failure of "${ctx.task.name}":\n${lab.logTails(80)}`) })
  })

  afterAll(async () => {
    if (!lab) return
    await lab.stop()
    expect(pids.filter(isAlive), 'lab JVMs alive after stop()').toEqual([])
  })

  return () => {
    if (!lab) throw new Error(`the ${label} lab did not start (see the beforeAll error)`)
    return lab
  }
}
