// Where a group's commit on one cluster should be mirrored on the other, and through which syncs.
//
// A commit of group G on cluster C for topic t has, for each other cluster X, at most two routes:
//   - reverse (failback): t is X's topic replicated onto C (`A.orders` on B, X = A). The syncs of flow
//     X->C keyed by the upstream name (`orders`) translate downstream -> upstream, and the target is
//     the upstream topic on X.
//   - forward (failover): t is replicated by flow C->X (its topic filter accepts t and it is not a
//     cycle). The syncs of flow C->X keyed t translate upstream -> downstream, and the target is the
//     remote name on X (`C.t`), as MM2's checkpoints do.
// With the identity policy both can match the same name; the caller tries the routes in order and
// uses the first whose flow holds syncs for the partition.
import type { ReplicationPolicy } from '../naming/replication-policy.ts'

export type RouteDirection = 'forward' | 'reverse'

/** The parts of an MM2 flow that routing needs (structurally satisfied by config's Mm2Flow). */
export interface RoutableFlow {
  readonly source: string
  readonly target: string
  readonly enabled: boolean
  readonly policy: ReplicationPolicy
  readonly topics: { readonly matches: (topic: string) => boolean }
  readonly groups: { readonly matches: (group: string) => boolean }
}

export interface CommitRoute {
  /** The flow whose syncs translate the offset. */
  flow: RoutableFlow
  direction: RouteDirection
  /** The topic name the flow's syncs are keyed by (the upstream name). */
  syncTopic: string
  targetCluster: string
  targetTopic: string
}

/** The routes for group `group`'s commit on `cluster` for `topic`, reverse first. */
export function routeCommit (flows: readonly RoutableFlow[], cluster: string, topic: string, group: string): CommitRoute[] {
  const routes: CommitRoute[] = []
  for (const flow of flows) {
    if (!flow.enabled || !flow.groups.matches(group)) continue
    const { policy } = flow
    if (policy.isInternalTopic(topic) || policy.isMM2InternalTopic(topic)) continue
    if (flow.target === cluster && policy.topicSource(topic) === flow.source) {
      const upstream = policy.upstreamTopic(topic)
      if (upstream !== null && flow.topics.matches(upstream)) {
        routes.push({ flow, direction: 'reverse', syncTopic: upstream, targetCluster: flow.source, targetTopic: upstream })
      }
    }
  }
  for (const flow of flows) {
    if (!flow.enabled || flow.source !== cluster || !flow.groups.matches(group)) continue
    const { policy } = flow
    if (policy.isInternalTopic(topic) || policy.isMM2InternalTopic(topic) || !flow.topics.matches(topic)) continue
    // MM2 never replicates a topic back to the cluster it came from (MirrorSourceConnector.isCycle).
    if (policy.kind === 'default' && policy.topicSource(topic) === flow.target) continue
    routes.push({ flow, direction: 'forward', syncTopic: topic, targetCluster: flow.target, targetTopic: policy.formatRemoteTopic(flow.source, topic) })
  }
  return routes
}
