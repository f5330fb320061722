// The fallback for clusters where the sidecar may not read __consumer_offsets (no READ ACL on it):
// poll every group's committed offsets through the admin API and report what changed. Slower and
// costlier than following the log, so it is used only when the log is refused.
import { compositeKey } from '../../core/keys.ts'
import type { CommittedOffset } from '../../core/sync/committed-offsets.ts'
import { explainClientError } from '../../kafka/client-errors.ts'
import type { Logger } from '../logger.ts'
import type { GroupAdminPort } from '../ports.ts'

export interface CommitPollerOptions {
  cluster: string
  admin: GroupAdminPort
  intervalMs: number
  /** Groups worth polling (MM2's and the sidecar's group filters). */
  groupFilter: (group: string) => boolean
  onCommits: (commits: CommittedOffset[]) => void
  logger: Logger
}

export class CommitPoller {
  private readonly options: CommitPollerOptions
  private readonly known = new Map<string, string>()
  private timer: NodeJS.Timeout | null = null
  private polling = false
  /** True once one poll completed: the poller's share of readiness. */
  polledOnce = false

  constructor (options: CommitPollerOptions) {
    this.options = options
  }

  start (): void {
    this.tick()
    this.timer = setInterval(() => { this.tick() }, this.options.intervalMs)
    this.timer.unref()
  }

  stop (): void {
    if (this.timer !== null) clearInterval(this.timer)
  }

  private tick (): void {
    if (this.polling) return
    this.polling = true
    this.poll().then(() => { this.polledOnce = true }, (error: unknown) => {
      const message = explainClientError(error, this.options.admin.cluster, [{ operation: 'Describe', resource: 'Group', name: '<each group>' }])
      this.options.logger.once(`commit-poll:${this.options.cluster}:${message}`, 'warn', `polling group offsets on cluster ${this.options.cluster} failed: ${message}; retrying every ${this.options.intervalMs} ms`, { cluster: this.options.cluster })
    }).finally(() => { this.polling = false })
  }

  private async poll (): Promise<void> {
    const { admin, cluster } = this.options
    const groups = (await admin.groupIds()).filter(this.options.groupFilter)
    const changed: CommittedOffset[] = []
    const now = BigInt(Date.now())
    for (let start = 0; start < groups.length; start += 50) {
      for (const entry of await admin.committedOffsetsOf(groups.slice(start, start + 50))) {
        const key = compositeKey(entry.group, entry.topic, entry.partition)
        const value = compositeKey(entry.offset, entry.metadata ?? '')
        if (this.known.get(key) === value) continue
        this.known.set(key, value)
        changed.push({
          cluster,
          group: entry.group,
          topic: entry.topic,
          partition: entry.partition,
          offset: entry.offset,
          metadata: entry.metadata ?? '',
          commitTimestamp: now
        })
      }
    }
    if (changed.length > 0) this.options.onCommits(changed)
  }
}
