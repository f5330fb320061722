// What the sidecar follows on each cluster, derived from mm2.properties: for every enabled flow its
// offset-syncs topic (wherever offset-syncs.topic.location puts it), its checkpoints topic and its
// replicated heartbeats topic, plus __consumer_offsets on every cluster a flow touches.
import { enabledFlows } from './flows.ts'
import type { Mm2Config, Mm2Flow } from './model.ts'

/** The topic where Kafka keeps committed group offsets, followed on every cluster a flow touches. */
export const CONSUMER_OFFSETS_TOPIC = '__consumer_offsets'

export type TopicRole =
  | { kind: 'offset-syncs', flow: Mm2Flow }
  | { kind: 'checkpoints', flow: Mm2Flow }
  | { kind: 'heartbeats', flow: Mm2Flow }
  | { kind: 'consumer-offsets' }
  | { kind: 'history' }

/** The `record_type` label of records_decoded_total and records_skipped_total for the records of each role. */
export const RECORD_TYPE = {
  'offset-syncs': 'offset-sync',
  checkpoints: 'checkpoint',
  heartbeats: 'heartbeat',
  'consumer-offsets': 'consumer-offsets',
  history: 'history'
} as const satisfies Record<TopicRole['kind'], string>

/** cluster alias -> topic -> roles. */
export type FollowPlan = Map<string, Map<string, TopicRole[]>>

/** What to follow; `historyTopic` adds the sidecar's own history topic on every cluster. */
export function followPlan (mm2: Mm2Config, historyTopic: string | null = null): FollowPlan {
  const plan: FollowPlan = new Map()
  const add = (cluster: string, topic: string, role: TopicRole): void => {
    const topics = plan.get(cluster) ?? new Map<string, TopicRole[]>()
    plan.set(cluster, topics)
    const roles = topics.get(topic) ?? []
    topics.set(topic, roles)
    roles.push(role)
  }
  for (const flow of enabledFlows(mm2)) {
    const topics = flow.internalTopics
    if (flow.emitOffsetSyncsEnabled) add(topics.offsetSyncs.cluster, topics.offsetSyncs.topic, { kind: 'offset-syncs', flow })
    if (flow.emitCheckpointsEnabled) add(topics.checkpoints.cluster, topics.checkpoints.topic, { kind: 'checkpoints', flow })
    add(topics.heartbeats.replicated.cluster, topics.heartbeats.replicated.topic, { kind: 'heartbeats', flow })
    for (const cluster of [flow.source, flow.target]) add(cluster, CONSUMER_OFFSETS_TOPIC, { kind: 'consumer-offsets' })
  }
  for (const topics of plan.values()) {
    // One consumer-offsets role per cluster is enough.
    const roles = topics.get(CONSUMER_OFFSETS_TOPIC)
    if (roles !== undefined) topics.set(CONSUMER_OFFSETS_TOPIC, [{ kind: 'consumer-offsets' }])
    if (historyTopic !== null) topics.set(historyTopic, [{ kind: 'history' }])
  }
  return plan
}
