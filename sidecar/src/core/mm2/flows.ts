// What MM2 does with a flow: which flows run, which topics and groups they replicate, and the name a
// topic gets on the other side (MirrorSourceConnector, MirrorCheckpointConnector).
import { isCycle } from '../naming/replication-policy.ts'
import type { Mm2Config, Mm2Flow } from './model.ts'

/** The flows that replicate. */
export function enabledFlows (config: Mm2Config): Mm2Flow[] {
  return config.flows.filter((flow) => flow.enabled)
}

/** The flow running the other way (target->source), when mm2.properties defines it. */
export function reverseFlowOf (config: Mm2Config, flow: Mm2Flow): Mm2Flow | undefined {
  return config.flows.find((candidate) => candidate.source === flow.target && candidate.target === flow.source)
}

/** MirrorSourceConnector.shouldReplicateTopic: the filter (or a heartbeats topic), never internal, never a cycle. */
export function shouldReplicateTopic (flow: Mm2Flow, topic: string): boolean {
  return (flow.topics.matches(topic) || (flow.heartbeatsReplicationEnabled && flow.policy.isHeartbeatsTopic(topic))) &&
    !flow.policy.isInternalTopic(topic) && !isCycle(flow.policy, topic, flow.target)
}

/** MirrorCheckpointConnector's group filter for the flow. */
export function shouldReplicateGroup (flow: Mm2Flow, group: string): boolean {
  return flow.groups.matches(group)
}

/** The name `topic` (on the source) gets on the target. */
export function remoteTopicName (flow: Mm2Flow, topic: string): string {
  return flow.policy.formatRemoteTopic(flow.source, topic)
}
