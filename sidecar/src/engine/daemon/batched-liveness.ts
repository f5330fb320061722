// Whether groups have live members on one cluster, asked for many groups at once (docs/design.md §2.4).
// Every group with something to write needs the answer right before its write. One request per group
// (ListGroups over every broker, then DescribeGroups) does not keep up with a thousand groups committing
// every second: asks that arrive while a request is out wait for it and then go out together in the
// next one, so the number of requests follows the round trip, not the number of groups.
// Only "no live members" is trusted for `cacheMs`: a live group is asked again every time, so it is
// written as soon as it empties. A write the broker took as an admin commit says the same (the broker
// refuses one into a group with members), so it renews the answer.
import type { GroupLiveness } from '../ports.ts'
import { isLiveGroup } from '../../core/sync/safety-rules.ts'

interface Waiter {
  resolve: (value: GroupLiveness) => void
  reject: (error: unknown) => void
}

/** At most this many groups per request (DescribeGroups answers them all in one response). */
const GROUPS_PER_REQUEST = 500

export class BatchedLiveness {
  private readonly ask: (groupIds: readonly string[]) => Promise<Map<string, GroupLiveness>>
  private readonly cacheMs: number
  private readonly now: () => number
  private readonly cache = new Map<string, { value: GroupLiveness, atMs: number }>()
  private waiting = new Map<string, Waiter[]>()
  private draining = false
  /** Requests sent (for tests and the benchmark). */
  requests = 0

  constructor (ask: (groupIds: readonly string[]) => Promise<Map<string, GroupLiveness>>, cacheMs: number, now: () => number = Date.now) {
    this.ask = ask
    this.cacheMs = cacheMs
    this.now = now
  }

  /** The group's liveness: from the cache when it had no live members within `cacheMs`, else asked. */
  async of (groupId: string): Promise<GroupLiveness> {
    const cached = this.cache.get(groupId)
    if (cached !== undefined && this.now() - cached.atMs < this.cacheMs && !isLiveGroup(cached.value.members)) return cached.value
    return await new Promise<GroupLiveness>((resolve, reject) => {
      const waiters = this.waiting.get(groupId) ?? []
      waiters.push({ resolve, reject })
      this.waiting.set(groupId, waiters)
      if (!this.draining) {
        this.draining = true
        this.drain().catch(() => {})
      }
    })
  }

  /** The broker took an admin commit into the group: it had no live members just now. */
  tookAdminCommit (groupId: string): void {
    const cached = this.cache.get(groupId)
    if (cached !== undefined && !isLiveGroup(cached.value.members)) cached.atMs = this.now()
  }

  private async drain (): Promise<void> {
    try {
      // Asks made in the same turn of the event loop go in one request.
      await new Promise((resolve) => setImmediate(resolve))
      while (this.waiting.size > 0) {
        const batch = this.waiting
        this.waiting = new Map()
        const groups = [...batch.keys()]
        const requests: Array<Promise<void>> = []
        for (let start = 0; start < groups.length; start += GROUPS_PER_REQUEST) {
          requests.push(this.answer(groups.slice(start, start + GROUPS_PER_REQUEST), batch))
        }
        await Promise.all(requests)
      }
    } finally {
      this.draining = false
    }
  }

  private async answer (groups: readonly string[], batch: ReadonlyMap<string, readonly Waiter[]>): Promise<void> {
    this.requests++
    let answers: Map<string, GroupLiveness>
    try {
      answers = await this.ask(groups)
    } catch (error) {
      for (const group of groups) for (const waiter of batch.get(group)!) waiter.reject(error)
      return
    }
    const atMs = this.now()
    for (const group of groups) {
      const value = answers.get(group) ?? { groupId: group, exists: false, state: 'Dead', members: 0, protocol: 'none' as const }
      this.cache.set(group, { value, atMs })
      for (const waiter of batch.get(group)!) waiter.resolve(value)
    }
  }
}
