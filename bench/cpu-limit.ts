// A CPU limit for one benchmarked process, as a pod's `resources.limits.cpu` sets one: a Linux control group
// with a CFS quota (cgroup v2 `cpu.max`, or v1 `cpu.cfs_quota_us`). Needs write access to the cgroup
// filesystem (root, or a delegated subtree); `cpuLimitUnavailable` says why not otherwise, and the
// benchmark prints that instead of the limited figures.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const V2_ROOT = '/sys/fs/cgroup'
const V1_ROOT = '/sys/fs/cgroup/cpu'
const PERIOD_US = 100_000

type Flavour = { version: 2, root: string } | { version: 1, root: string }

function flavour (): Flavour | null {
  if (existsSync(join(V2_ROOT, 'cgroup.controllers'))) {
    const controllers = readFileSync(join(V2_ROOT, 'cgroup.subtree_control'), 'utf8')
    return controllers.split(/\s+/).includes('cpu') ? { version: 2, root: V2_ROOT } : null
  }
  return existsSync(join(V1_ROOT, 'cpu.cfs_quota_us')) ? { version: 1, root: V1_ROOT } : null
}

/** Why processes cannot be CPU-limited here, or null when they can. */
export function cpuLimitUnavailable (): string | null {
  const found = flavour()
  if (found === null) return 'no cgroup CPU controller (neither v2 cpu.max nor v1 cpu.cfs_quota_us) is available'
  const probe = join(found.root, `mm2-failback-bench-probe-${process.pid}`)
  try {
    mkdirSync(probe)
    rmdirSync(probe)
    return null
  } catch (error) {
    return `cannot create a control group under ${found.root}: ${(error as Error).message}`
  }
}

export class CpuLimit {
  private readonly dir: string
  private readonly version: 1 | 2

  /** A group named `name` whose processes together get at most `cores` CPUs. */
  constructor (name: string, cores: number) {
    const found = flavour()
    if (found === null) throw new Error(cpuLimitUnavailable() ?? 'no cgroup CPU controller')
    this.version = found.version
    this.dir = join(found.root, name)
    mkdirSync(this.dir, { recursive: true })
    const quota = Math.round(cores * PERIOD_US)
    if (this.version === 2) writeFileSync(join(this.dir, 'cpu.max'), `${quota} ${PERIOD_US}`)
    else {
      writeFileSync(join(this.dir, 'cpu.cfs_period_us'), String(PERIOD_US))
      writeFileSync(join(this.dir, 'cpu.cfs_quota_us'), String(quota))
    }
  }

  /** Moves a process (all its threads) into the group. */
  add (pid: number): void {
    writeFileSync(join(this.dir, 'cgroup.procs'), String(pid))
  }

  /** Removes the group once its processes have exited (a process still exiting is waited for, up to 5 s). */
  async remove (): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        rmdirSync(this.dir)
        return
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code
        if (code === 'ENOENT') return
        if (code !== 'EBUSY' || attempt >= 50) throw new Error(`cannot remove the control group ${this.dir}: ${(error as Error).message}`)
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
  }
}
