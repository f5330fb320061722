import { describe, expect, it } from 'vitest'
import { BatchedLiveness } from '../../../../sidecar/src/engine/daemon/batched-liveness.ts'
import type { GroupLiveness } from '../../../../sidecar/src/engine/ports.ts'

const answer = (groupId: string, members: number): GroupLiveness =>
  ({ groupId, exists: true, state: members > 0 ? 'Stable' : 'Empty', members, protocol: 'classic' })

/** A cluster whose answers are released by hand, recording each request's groups. */
function slowCluster (members: (group: string) => number = () => 0): {
  asked: string[][]
  release: () => void
  ask: (groups: readonly string[]) => Promise<Map<string, GroupLiveness>>
} {
  const asked: string[][] = []
  const pending: Array<() => void> = []
  return {
    asked,
    release: () => { for (const resolve of pending.splice(0)) resolve() },
    ask: async (groups) => {
      asked.push([...groups])
      await new Promise<void>((resolve) => pending.push(resolve))
      return new Map(groups.map((group) => [group, answer(group, members(group))]))
    }
  }
}

const settle = async (): Promise<void> => { await new Promise((resolve) => setImmediate(resolve)) }

describe('BatchedLiveness', () => {
  it('asks once for every group asked in the same turn, and once more for all that came while it was out', async () => {
    const cluster = slowCluster()
    const liveness = new BatchedLiveness(cluster.ask, 1000)
    const first = ['g1', 'g2', 'g3'].map(async (group) => await liveness.of(group))
    await settle()
    expect(cluster.asked).toEqual([['g1', 'g2', 'g3']])
    // While that request is out, 50 more groups ask (one of them twice): they wait and go together.
    const second = Array.from({ length: 50 }, async (_, i) => await liveness.of(`h${i}`))
    const twice = liveness.of('h0')
    cluster.release()
    expect((await Promise.all(first)).map((entry) => entry.groupId)).toEqual(['g1', 'g2', 'g3'])
    await settle()
    expect(cluster.asked).toHaveLength(2)
    expect(cluster.asked[1]).toHaveLength(50)
    cluster.release()
    expect((await Promise.all(second)).every((entry) => entry.members === 0)).toBe(true)
    expect((await twice).groupId).toBe('h0')
    expect(liveness.requests).toBe(2)
  })

  it('trusts "no live members" for cacheMs, never "live": a live group is asked again every time', async () => {
    let now = 0
    const cluster = slowCluster((group) => group === 'busy' ? 2 : 0)
    const liveness = new BatchedLiveness(cluster.ask, 1000, () => now)
    const both = Promise.all([liveness.of('idle'), liveness.of('busy')])
    await settle()
    cluster.release()
    expect((await both).map((entry) => entry.members)).toEqual([0, 2])
    now = 999
    expect((await liveness.of('idle')).members).toBe(0)
    expect(cluster.asked).toHaveLength(1)
    const busy = liveness.of('busy')
    await settle()
    expect(cluster.asked).toEqual([['idle', 'busy'], ['busy']])
    cluster.release()
    expect((await busy).members).toBe(2)
    now = 1000
    const idle = liveness.of('idle')
    await settle()
    expect(cluster.asked.at(-1)).toEqual(['idle'])
    cluster.release()
    await idle
  })

  it('renews "no live members" when the broker took an admin commit into the group', async () => {
    let now = 0
    const cluster = slowCluster()
    const liveness = new BatchedLiveness(cluster.ask, 1000, () => now)
    const first = liveness.of('g')
    await settle()
    cluster.release()
    await first
    now = 900
    liveness.tookAdminCommit('g')
    now = 1800
    expect((await liveness.of('g')).members).toBe(0)
    expect(cluster.asked).toHaveLength(1)
  })

  it('fails every ask of a request that failed, and asks again next time', async () => {
    let fail = true
    const liveness = new BatchedLiveness(async (groups) => {
      if (fail) throw new Error('cluster B unreachable')
      return new Map(groups.map((group) => [group, answer(group, 0)]))
    }, 1000)
    const results = await Promise.allSettled([liveness.of('g1'), liveness.of('g2')])
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected'])
    fail = false
    expect((await liveness.of('g1')).members).toBe(0)
  })

  it('answers a group the cluster does not know as not existing, with no members', async () => {
    const liveness = new BatchedLiveness(async () => new Map(), 1000)
    expect(await liveness.of('new-group')).toEqual({ groupId: 'new-group', exists: false, state: 'Dead', members: 0, protocol: 'none' })
  })

  it('splits a very large batch into requests of at most 500 groups', async () => {
    const asked: number[] = []
    const liveness = new BatchedLiveness(async (groups) => {
      asked.push(groups.length)
      return new Map(groups.map((group) => [group, answer(group, 0)]))
    }, 1000)
    await Promise.all(Array.from({ length: 1200 }, async (_, i) => await liveness.of(`g${i}`)))
    expect(asked).toEqual([500, 500, 200])
  })
})
