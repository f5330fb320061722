// Cases marked "MM2:" rewrite apache/kafka's MirrorMakerConfigTest for this model.
import { describe, expect, it } from 'vitest'
import { parseMm2Properties } from '../../../sidecar/src/config/mm2-properties.ts'
import { enabledFlows, remoteTopicName } from '../../../sidecar/src/core/mm2/flows.ts'
import { lines, AB, flow } from './mm2-builders.ts'

describe('flows (MirrorMakerConfig.clusterPairs and connectorBaseConfig)', () => {
  const herders = (text: string): string[] => parseMm2Properties(text).flows.filter((candidate) => candidate.herder).map((candidate) => candidate.name)

  it.each([
    // MM2: testClusterPairsWithDefaultSettings
    ['default settings: a herder per ordered pair', lines('clusters = a, b, c'), 6],
    // MM2: testEmptyClusterPairsWithGloballyDisabledHeartbeats
    ['heartbeats off everywhere', lines('clusters = a, b, c', 'emit.heartbeats.enabled = false'), 0],
    // MM2: testClusterPairsWithTwoDisabledHeartbeats
    ['two pairs without heartbeats', lines('clusters = a, b, c', 'a->b.emit.heartbeats.enabled = false', 'a->c.emit.heartbeats.enabled = false'), 4],
    // MM2: testClusterPairsWithGloballyDisabledHeartbeats
    ['heartbeats off, three flows on', lines('clusters = a, b, c, d, e, f', 'emit.heartbeats.enabled = false', 'a->b.enabled = true', 'a->c.enabled = true',
      'a->d.enabled = true', 'a->e.enabled = false', 'a->f.enabled = false',
      ...['a', 'b', 'c', 'd'].map((alias) => `${alias}.bootstrap.servers = ${alias}:9092`)), 3],
    // MM2: testClusterPairsWithGloballyDisabledHeartbeatsCentralLocal
    ['central/local', lines('clusters = central, local_one, local_two, beats_emitter', 'emit.heartbeats.enabled = false', 'central->local_one.enabled = true',
      'central->local_two.enabled = true', 'beats_emitter->central.emit.heartbeats.enabled = true',
      ...['central', 'local_one', 'local_two'].map((alias) => `${alias}.bootstrap.servers = ${alias}:9092`)), 3]
  ])('MM2: %s', (_name, text, count) => {
    expect(herders(text)).toHaveLength(count)
  })

  it('MM2: the pair b->a has no herder when nothing enables it and heartbeats are off', () => {
    const text = lines('clusters = a, b', 'emit.heartbeats.enabled = false', 'a->b.enabled = true',
      'a.bootstrap.servers = a:9092', 'b.bootstrap.servers = b:9092')
    expect(herders(text)).toEqual(['a->b'])
  })

  it('a flow is disabled unless its enabled key says true', () => {
    const config = parseMm2Properties(AB + 'B->A.enabled = false\n')
    expect(config.flows.map((candidate) => [candidate.name, candidate.herder, candidate.enabled])).toEqual([['A->B', true, false], ['B->A', true, false]])
    expect(config.warnings).toEqual(['mm2.properties: no flow is enabled: set "<source>-><target>.enabled = true" for at least one pair of A, B.'])
  })

  it('a flow whose herder does not exist does not run even with enabled=true at the top level', () => {
    const config = parseMm2Properties(AB + 'emit.heartbeats.enabled = false\nenabled = true\nA->B.enabled = true\n')
    expect(config.flows.map((candidate) => [candidate.name, candidate.herder, candidate.enabled])).toEqual([['A->B', true, true], ['B->A', false, false]])
  })

  it('warns that a top-level enabled=true enables every pair', () => {
    const config = parseMm2Properties(AB + 'enabled = true\n')
    expect(enabledFlows(config).map((candidate) => candidate.name)).toEqual(['A->B', 'B->A'])
    expect(config.warnings).toEqual(['mm2.properties line 4: enabled=true at the top level enables every pair MM2 runs a herder for, not one flow; prefer "<source>-><target>.enabled".'])
  })

  it('MM2: testReplicationConfigProperties and testIncludesTopicFilterProperties: A->B.* overrides reach the flow only', () => {
    const config = parseMm2Properties(AB + lines(
      'A->B.enabled = true', 'B->A.enabled = true', 'topics = shared.*',
      'A->B.topics = topic1, topic2', 'A->B.topics.exclude = topic3', 'A->B.tasks.max = 123'))
    const ab = flow(config, 'A->B')
    expect(ab.topics).toMatchObject({ include: ['topic1', 'topic2'], exclude: ['topic3'], includeKey: 'A->B.topics', excludeKey: 'A->B.topics.exclude' })
    expect(ab.overrides).toEqual({ enabled: 'true', topics: 'topic1, topic2', 'topics.exclude': 'topic3', 'tasks.max': '123' })
    expect(flow(config, 'B->A').topics).toMatchObject({ include: ['shared.*'], includeKey: 'topics', excludeKey: '(default)' })
  })

  it('MM2: testIncludesConnectorConfigProperties: top-level topics and groups reach every flow', () => {
    const config = parseMm2Properties(AB + lines('A->B.enabled = true', 'tasks.max = 100', 'topics = topic-1', 'groups = group-2'))
    expect(flow(config, 'A->B').topics.include).toEqual(['topic-1'])
    expect(flow(config, 'A->B').groups.include).toEqual(['group-2'])
  })

  it.each([
    ['offset-syncs.topic.location = target', { offsetSyncsTopicLocation: 'target' }],
    ['A->B.offset-syncs.topic.location = target', { offsetSyncsTopicLocation: 'target' }],
    ['emit.checkpoints.enabled = false', { emitCheckpointsEnabled: false }],
    ['A->B.emit.checkpoints.interval.seconds = 5', { emitCheckpointsIntervalSeconds: 5 }],
    ['sync.group.offsets.enabled = TRUE', { syncGroupOffsetsEnabled: true }],
    ['A->B.heartbeats.replication.enabled = false', { heartbeatsReplicationEnabled: false }],
    ['emit.offset-syncs.enabled = false\nemit.checkpoints.enabled = false', { emitOffsetSyncsEnabled: false, emitCheckpointsEnabled: false }]
  ])('reads %j', (setting, expected) => {
    expect(flow(parseMm2Properties(AB + 'A->B.enabled = true\n' + setting + '\n'), 'A->B')).toMatchObject(expected)
  })

  it('puts the offset-syncs topic on the target with location=target', () => {
    const ab = flow(parseMm2Properties(AB + 'A->B.enabled = true\nA->B.offset-syncs.topic.location = target\n'), 'A->B')
    expect(ab.internalTopics.offsetSyncs).toEqual({ topic: 'mm2-offset-syncs.A.internal', cluster: 'B', location: 'target' })
  })

  it('gives a flow its own policy when it overrides replication.policy.*, with a warning', () => {
    const config = parseMm2Properties(AB + 'A->B.enabled = true\nA->B.replication.policy.separator = _\n')
    const ab = flow(config, 'A->B')
    expect(ab.replicationPolicy.separator).toBe('_')
    expect(remoteTopicName(ab, 'orders')).toBe('A_orders')
    expect(ab.internalTopics.checkpoints.topic).toBe('A_checkpoints_internal')
    expect(config.replicationPolicy.separator).toBe('.')
    expect(config.warnings).toEqual(['mm2.properties line 5: A->B overrides the replication policy; the Connect workers and RemoteClusterUtils still use the top-level replication.policy.* settings.'])
  })

  it('does not check the settings of a disabled flow', () => {
    const config = parseMm2Properties(AB + 'A->B.enabled = true\nB->A.sync.group.offsets.enabled = maybe\n')
    expect(flow(config, 'B->A').syncGroupOffsetsEnabled).toBe(false)
  })
})
