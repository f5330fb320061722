// Commits held back because a cluster did not answer (a write refused for want of a connection, a
// proof's read that failed). Asking again for every held commit would hammer a cluster that is down
// with one request per group; asking rarely would leave a returning cluster out of line for seconds.
// So one held commit per cluster is tried again every `probeMs` (a probe); once the cluster answers
// (`answered`: the caller saw a write or a proof's reads get through), all its held commits are
// released at once.
import type { CommittedOffset } from '../../core/sync/committed-offsets.ts'
import { compositeKey } from '../../core/keys.ts'

export class FailureRetries {
  private readonly held = new Map<string, Map<string, CommittedOffset>>()
  private readonly timers = new Map<string, NodeJS.Timeout>()
  private readonly resubmit: (commits: CommittedOffset[], probe: boolean) => void
  private readonly probeMs: number
  private stopped = false

  /** `resubmit` gets the commits to try again (their latest version is the caller's business); `probe` for one probe. */
  constructor (resubmit: (commits: CommittedOffset[], probe: boolean) => void, probeMs: number) {
    this.resubmit = resubmit
    this.probeMs = probeMs
  }

  /** Holds a commit until `cluster` answers; the latest hold of a partition replaces an older one. */
  hold (cluster: string, commit: CommittedOffset): void {
    if (this.stopped) return
    const commits = this.held.get(cluster) ?? new Map<string, CommittedOffset>()
    this.held.set(cluster, commits)
    const key = compositeKey(commit.cluster, commit.group, commit.topic, commit.partition)
    // Re-inserted at the end, so probes take the held commits in turn.
    commits.delete(key)
    commits.set(key, commit)
    if (!this.timers.has(cluster)) this.schedule(cluster)
  }

  /** The cluster answered: every commit held for it is tried again now. */
  answered (cluster: string): void {
    const commits = this.held.get(cluster)
    if (commits === undefined || commits.size === 0) return
    this.held.delete(cluster)
    clearTimeout(this.timers.get(cluster))
    this.timers.delete(cluster)
    this.resubmit([...commits.values()], false)
  }

  /** Whether the commit's partition is held for some cluster (re-evaluations leave it to the probes). */
  isHeld (commit: CommittedOffset): boolean {
    if (this.held.size === 0) return false
    const key = compositeKey(commit.cluster, commit.group, commit.topic, commit.partition)
    for (const commits of this.held.values()) if (commits.has(key)) return true
    return false
  }

  /** Commits held for a cluster (tests). */
  heldCount (cluster: string): number {
    return this.held.get(cluster)?.size ?? 0
  }

  stop (): void {
    this.stopped = true
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
    this.held.clear()
  }

  private schedule (cluster: string): void {
    const timer = setTimeout(() => {
      this.timers.delete(cluster)
      const commits = this.held.get(cluster)
      const first = commits?.entries().next().value
      if (commits === undefined || first === undefined) return
      // The probe leaves the hold; a failure holds it again (at the end), which schedules the next probe.
      commits.delete(first[0])
      if (commits.size > 0) this.schedule(cluster)
      this.resubmit([first[1]], true)
    }, this.probeMs)
    timer.unref()
    this.timers.set(cluster, timer)
  }
}
