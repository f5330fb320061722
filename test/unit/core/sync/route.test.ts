import { describe, expect, it } from 'vitest'
import { flowName } from '../../../../sidecar/src/core/mm2/flow-name.ts'
import { routeCommit, type RoutableFlow } from '../../../../sidecar/src/core/sync/route.ts'
import { createReplicationPolicy } from '../../../../sidecar/src/core/naming/replication-policy.ts'

const all = { matches: () => true }
function flow (source: string, target: string, options: Partial<RoutableFlow> = {}): RoutableFlow {
  return { source, target, enabled: true, policy: createReplicationPolicy(), topics: all, groups: all, ...options }
}

const summary = (routes: ReturnType<typeof routeCommit>): string[] =>
  routes.map((route) => `${route.direction} ${flowName(route.flow)} ${route.syncTopic} => ${route.targetCluster}:${route.targetTopic}`)

describe('routeCommit', () => {
  const flows = [flow('A', 'B'), flow('B', 'A')]

  it('a commit on a remote topic goes back to its origin (failback), reverse through the origin flow', () => {
    expect(summary(routeCommit(flows, 'B', 'A.orders', 'G'))).toEqual(['reverse A->B orders => A:orders'])
  })

  it('a commit on a native topic goes forward (failover), as MM2 checkpoints do', () => {
    expect(summary(routeCommit(flows, 'A', 'orders', 'G'))).toEqual(['forward A->B orders => B:A.orders'])
  })

  it('a remote topic is never routed forward back to its origin (MM2 cycle rule)', () => {
    expect(summary(routeCommit([flow('B', 'A')], 'B', 'A.orders', 'G'))).toEqual([])
  })

  it('honours a custom separator', () => {
    const policy = createReplicationPolicy({ separator: '_' })
    const custom = [flow('east', 'west', { policy }), flow('west', 'east', { policy })]
    expect(summary(routeCommit(custom, 'west', 'east_orders', 'G'))).toEqual(['reverse east->west orders => east:orders'])
  })

  it('skips disabled flows, filtered topics and groups, and internal topics', () => {
    expect(routeCommit([flow('A', 'B', { enabled: false })], 'A', 'orders', 'G')).toEqual([])
    expect(routeCommit([flow('A', 'B', { topics: { matches: (t) => t !== 'orders' } })], 'A', 'orders', 'G')).toEqual([])
    expect(routeCommit([flow('A', 'B', { groups: { matches: (g) => g !== 'G' } })], 'A', 'orders', 'G')).toEqual([])
    expect(routeCommit(flows, 'A', '__consumer_offsets', 'G')).toEqual([])
    expect(routeCommit(flows, 'A', 'mm2-offset-syncs.B.internal', 'G')).toEqual([])
  })

  it('with the identity policy offers both routes, reverse first', () => {
    const identity = [
      flow('A', 'B', { policy: createReplicationPolicy({ kind: 'identity', sourceClusterAlias: 'A' }) }),
      flow('B', 'A', { policy: createReplicationPolicy({ kind: 'identity', sourceClusterAlias: 'B' }) })
    ]
    expect(summary(routeCommit(identity, 'B', 'orders', 'G'))).toEqual(['reverse A->B orders => A:orders', 'forward B->A orders => A:orders'])
  })
})
