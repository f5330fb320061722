// The naming module predicts every topic an unmodified MirrorMaker 2 creates: for each MM2 setup
// below, a lab is started with that mm2.properties, the sidecar loads the generated file with
// loadMm2Config, predicts the topics of each cluster (MM2's internal topics through the flows'
// internalTopics, remote topics through shouldReplicateTopic/remoteTopicName, and Connect's storage
// topics), and the topics MM2 actually created must be exactly those.
//
// Each lab start costs ~15 s on the 2-core machine, so the variations are spread over the two Kafka
// lines: the default on both, every other variation on one.
import { describe, expect, it } from 'vitest'
import { loadMm2Config } from '../../sidecar/src/config/load-mm2.ts'
import { remoteTopicName, shouldReplicateTopic } from '../../sidecar/src/core/mm2/flows.ts'
import type { Mm2Config } from '../../sidecar/src/core/mm2/model.ts'
import { waitFor, type KafkaLine, type Lab } from '../../lab/lab.ts'
import { suffix, useLab } from './helpers/lab-fixture.ts'

type TopicsByCluster = Record<string, string[]>

interface NamingCase {
  kafka: KafkaLine
  name: string
  mm2Props: Record<string, string>
  flows?: Array<[string, string]>
  /** Topic names that must appear in the prediction (guards against a prediction that is trivially empty or wrong in the same way as the lab). */
  spotChecks: TopicsByCluster
}

const IDENTITY = 'org.apache.kafka.connect.mirror.IdentityReplicationPolicy'

const CASES: NamingCase[] = [
  {
    kafka: '3.9',
    name: 'default policy, offset syncs on the source',
    mm2Props: {},
    spotChecks: {
      A: ['mm2-offset-syncs.B.internal', 'B.checkpoints.internal', 'B.heartbeats'],
      B: ['mm2-offset-syncs.A.internal', 'A.checkpoints.internal', 'A.heartbeats']
    }
  },
  {
    kafka: '4.4',
    name: 'default policy, offset syncs on the source',
    mm2Props: {},
    spotChecks: {
      A: ['mm2-offset-syncs.B.internal', 'B.checkpoints.internal', 'B.heartbeats'],
      B: ['mm2-offset-syncs.A.internal', 'A.checkpoints.internal', 'A.heartbeats']
    }
  },
  {
    // KIP-690 (3.1+): the separator applies to internal topic names as well.
    kafka: '3.9',
    name: 'separator "_" (internal topics too)',
    mm2Props: { 'replication.policy.separator': '_' },
    spotChecks: {
      A: ['mm2-offset-syncs_B_internal', 'B_checkpoints_internal', 'B_heartbeats'],
      B: ['mm2-offset-syncs_A_internal', 'A_checkpoints_internal', 'A_heartbeats']
    }
  },
  {
    // KIP-949 (3.5.2+): remote topics use "_", internal topics keep ".".
    kafka: '4.4',
    name: 'separator "_" with replication.policy.internal.topic.separator.enabled=false',
    mm2Props: { 'replication.policy.separator': '_', 'replication.policy.internal.topic.separator.enabled': 'false' },
    spotChecks: {
      A: ['mm2-offset-syncs.B.internal', 'B.checkpoints.internal', 'B_heartbeats'],
      B: ['mm2-offset-syncs.A.internal', 'A.checkpoints.internal', 'A_heartbeats']
    }
  },
  {
    // KIP-716: the A->B syncs live on B and are named after A.
    kafka: '3.9',
    name: 'offset-syncs.topic.location=target',
    mm2Props: { 'offset-syncs.topic.location': 'target' },
    spotChecks: { A: ['mm2-offset-syncs.B.internal', 'B.checkpoints.internal'], B: ['mm2-offset-syncs.A.internal', 'A.checkpoints.internal'] }
  },
  {
    // Identity keeps topic names, so only A->B is enabled (both ways would loop). B->A still runs a
    // herder whose heartbeat connector writes `heartbeats` on A, which A->B replicates as A.heartbeats.
    kafka: '4.4',
    name: 'IdentityReplicationPolicy, only A->B enabled',
    mm2Props: { 'replication.policy.class': IDENTITY },
    flows: [['A', 'B']],
    spotChecks: { A: ['mm2-offset-syncs.B.internal', 'heartbeats'], B: ['A.checkpoints.internal', 'heartbeats', 'A.heartbeats'] }
  }
]

/**
 * Connect's storage topics of a dedicated MM2 herder source->target, on the target cluster. They are
 * not a replication-policy name (MirrorMakerConfig.workerConfig hard-codes "mm2-<kind>.<source>.internal",
 * whatever the separator), so the naming module does not model them; this is the one rule predicted here.
 */
function connectStorageTopics (source: string): string[] {
  return ['configs', 'offsets', 'status'].map(kind => `mm2-${kind}.${source}.internal`)
}

/**
 * The topics MM2 will have created on each cluster once it has replicated `produced` (topics created by
 * the test, per cluster): storage and heartbeats of every herder, offset syncs and checkpoints of every
 * enabled flow, and, to a fixed point, the remote copy of every topic a flow replicates.
 */
function predictTopics (config: Mm2Config, produced: TopicsByCluster): Map<string, Set<string>> {
  const topics = new Map(config.clusters.map(c => [c.alias, new Set(produced[c.alias] ?? [])]))
  const on = (alias: string): Set<string> => topics.get(alias)!
  for (const flow of config.flows) {
    if (!flow.herder) continue
    for (const topic of connectStorageTopics(flow.source)) on(flow.target).add(topic)
    if (flow.emitHeartbeatsEnabled) on(flow.internalTopics.heartbeats.emitted.cluster).add(flow.internalTopics.heartbeats.emitted.topic)
    if (!flow.enabled) continue
    const { offsetSyncs, checkpoints } = flow.internalTopics
    if (flow.emitOffsetSyncsEnabled) on(offsetSyncs.cluster).add(offsetSyncs.topic)
    if (flow.emitCheckpointsEnabled) on(checkpoints.cluster).add(checkpoints.topic)
  }
  for (let round = 0; ; round++) {
    let added = 0
    for (const flow of config.flows.filter(f => f.enabled)) {
      for (const topic of [...on(flow.source)]) {
        if (!shouldReplicateTopic(flow, topic)) continue
        const remote = remoteTopicName(flow, topic)
        if (!on(flow.target).has(remote)) { on(flow.target).add(remote); added++ }
      }
    }
    if (added === 0) break
    if (round > 5) throw new Error(`remote topic names do not converge: ${JSON.stringify(Object.fromEntries([...topics].map(([k, v]) => [k, [...v]])))}`)
  }
  return topics
}

// Kafka's own internal topics (__consumer_offsets, __transaction_state, __share_group_state) are the
// brokers' business, not MM2's.
const visible = (topics: string[]): string[] => topics.filter(t => !t.startsWith('__')).sort()

async function actualTopics (lab: Lab, aliases: string[]): Promise<TopicsByCluster> {
  return Object.fromEntries(await Promise.all(aliases.map(async alias => [alias, visible(await lab.listTopics(alias))] as const)))
}

describe.each(CASES)('Kafka $kafka, $name', ({ kafka, name, mm2Props, flows, spotChecks }) => {
  // readiness 'none': the lab's own readiness check has its own idea of MM2's topic names; here the
  // test alone decides what MM2 should have created.
  const lab = useLab(`naming ${kafka} ${name}`, { kafka, mm2Props, mm2Readiness: 'none', ...(flows ? { flows } : {}) })

  it('predicts exactly the topics MM2 creates on each cluster', async () => {
    const l = lab()
    const config = await loadMm2Config(l.mm2PropertiesPath!)
    const aliases = config.clusters.map(c => c.alias)
    expect(aliases).toEqual(['A', 'B'])
    // One topic per cluster; the one on B must not come back to A when only A->B is enabled.
    const produced: TopicsByCluster = { A: [`orders-${suffix()}`], B: [`payments-${suffix()}`] }
    for (const alias of aliases) {
      const topic = produced[alias]![0]!
      await l.createTopic(alias, topic, 2)
      await l.produce(alias, topic, [{ key: 'k', value: 'v', partition: 0 }, { key: 'k', value: 'v', partition: 1 }])
    }

    const predicted = predictTopics(config, produced)
    const expected: TopicsByCluster = Object.fromEntries(aliases.map(alias => [alias, [...predicted.get(alias)!].sort()]))
    for (const [alias, names] of Object.entries(spotChecks)) expect(expected[alias], `prediction for ${alias}`).toEqual(expect.arrayContaining(names))
    // The remote copies of the produced topics come last (after MM2's first topic refresh), so once every
    // predicted topic exists MM2 has settled; a topic MM2 creates that the prediction lacks then shows.
    let actual: TopicsByCluster = {}
    await waitFor(async () => {
      actual = await actualTopics(l, aliases)
      return aliases.every(alias => expected[alias]!.every(t => actual[alias]!.includes(t)))
    }, { timeoutMs: 150_000, intervalMs: 1000, description: `MM2 (${name}) to create ${JSON.stringify(expected)}` }).catch(() => {})
    actual = await actualTopics(l, aliases)
    console.log(`[naming ${kafka} ${name}] ${JSON.stringify(actual)}`)
    expect(actual).toEqual(expected)
  })
})
