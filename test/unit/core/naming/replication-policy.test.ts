// Cases marked "MM2:" are apache/kafka's own unit tests, rewritten: ReplicationPolicyTest, MirrorClientTest
// (connect/mirror-client), IdentityReplicationPolicyTest, MirrorCheckpointTaskTest.testDownstreamTopicRenaming.
import { describe, expect, it } from 'vitest'
import {
  allSources, checkpointTopics, countHopsForTopic, createReplicationPolicy, defaultReplicationPolicy,
  flowInternalTopics, heartbeatTopics, identityReplicationPolicy, isCycle, isRemoteTopic, remoteTopics,
  renameTopic, renameTopicPartition, replicationHops, upstreamClusters
} from '../../../../sidecar/src/core/naming/replication-policy.ts'
import { isMm2FailbackError } from '../../../../sidecar/src/errors.ts'

const dflt = defaultReplicationPolicy()
const underscores = defaultReplicationPolicy({ separator: '__' })
const underscoresDotInternal = defaultReplicationPolicy({ separator: '__', internalTopicSeparatorEnabled: false })

describe('DefaultReplicationPolicy naming', () => {
  it.each([
    // [separator, source alias, topic, remote name]
    ['.', 'us-west', 'topic1', 'us-west.topic1'],
    ['.', 'A', 'orders', 'A.orders'],
    ['.', 'B', 'A.orders', 'B.A.orders'],
    ['__', 'b', 'topic1', 'b__topic1'], // MM2: MirrorMakerConfigTest.testClientConfigProperties
    ['-', 'dc1', 'orders.v2', 'dc1-orders.v2'],
    ['_', 'dc1', 'heartbeats', 'dc1_heartbeats']
  ])('separator %j: formatRemoteTopic(%j, %j) = %j', (separator, alias, topic, remote) => {
    expect(defaultReplicationPolicy({ separator }).formatRemoteTopic(alias, topic)).toBe(remote)
  })

  it.each([
    // [separator, topic, topicSource, upstreamTopic, originalTopic]
    ['.', 'topic1', null, null, 'topic1'],
    ['.', 'us-west.topic1', 'us-west', 'topic1', 'topic1'],
    ['.', 'source2.source1.topic', 'source2', 'source1.topic', 'topic'],
    ['.', 'a.', null, null, 'a.'], // Java's split drops trailing empty strings: "a." is not remote
    ['.', '.', null, null, '.'],
    ['.', 'a..', null, null, 'a..'],
    ['.', '.a', '', 'a', 'a'], // ...but keeps a leading one
    ['.', 'a..b', 'a', '.b', 'b'],
    ['__', 'source1__topic4', 'source1', 'topic4', 'topic4'],
    ['__', 'source1__source2__topic5', 'source1', 'source2__topic5', 'topic5'],
    ['__', 'source1.topic4', null, null, 'source1.topic4'],
    ['__', 'a___b', 'a', '_b', '_b'],
    ['-', 'dc1-orders-v2', 'dc1', 'orders-v2', 'v2']
  ])('separator %j: %j has source %j, upstream %j, original %j', (separator, topic, source, upstream, original) => {
    const policy = defaultReplicationPolicy({ separator })
    expect(policy.topicSource(topic)).toBe(source)
    expect(policy.upstreamTopic(topic)).toBe(upstream)
    expect(policy.originalTopic(topic)).toBe(original)
  })

  it('round-trips formatRemoteTopic through topicSource and upstreamTopic', () => {
    for (const policy of [dflt, underscores, defaultReplicationPolicy({ separator: '-' })]) {
      const remote = policy.formatRemoteTopic('A', 'orders')
      expect(policy.topicSource(remote)).toBe('A')
      expect(policy.upstreamTopic(remote)).toBe('orders')
    }
  })

  it('rejects an empty separator with MM2_CONFIG_INVALID', () => {
    let caught: unknown
    try { defaultReplicationPolicy({ separator: '' }) } catch (error) { caught = error }
    expect(isMm2FailbackError(caught, 'MM2_CONFIG_INVALID')).toBe(true)
    expect((caught as Error).message).toBe('replication.policy.separator must not be empty (got "").')
  })

  it('is frozen and carries its settings', () => {
    expect(Object.isFrozen(dflt)).toBe(true)
    expect(dflt).toMatchObject({ kind: 'default', separator: '.', internalTopicSeparatorEnabled: true, sourceClusterAlias: null })
    expect(createReplicationPolicy()).toMatchObject({ kind: 'default', separator: '.' })
  })
})

describe('internal topic names (KIP-690, KIP-949)', () => {
  it.each([
    // [policy, offsetSyncsTopic("CLUSTER"), checkpointsTopic("CLUSTER")]
    ['default', dflt, 'mm2-offset-syncs.CLUSTER.internal', 'CLUSTER.checkpoints.internal'],
    // MM2: ReplicationPolicyTest.offsetSyncsTopic_/checkpointsTopic_shouldBeEffectedByInternalTopicSeparatorEnabled
    ['"__", enabled', underscores, 'mm2-offset-syncs__CLUSTER__internal', 'CLUSTER__checkpoints__internal'],
    ['"__", disabled', underscoresDotInternal, 'mm2-offset-syncs.CLUSTER.internal', 'CLUSTER.checkpoints.internal'],
    ['"-", enabled', defaultReplicationPolicy({ separator: '-' }), 'mm2-offset-syncs-CLUSTER-internal', 'CLUSTER-checkpoints-internal'],
    ['identity "_"', identityReplicationPolicy({ separator: '_' }), 'mm2-offset-syncs_CLUSTER_internal', 'CLUSTER_checkpoints_internal']
  ])('%s: offset-syncs %j, checkpoints %j', (_name, policy, offsetSyncs, checkpoints) => {
    expect(policy.offsetSyncsTopic('CLUSTER')).toBe(offsetSyncs)
    expect(policy.checkpointsTopic('CLUSTER')).toBe(checkpoints)
    expect(policy.isCheckpointsTopic(checkpoints)).toBe(true)
    expect(policy.isMM2InternalTopic(offsetSyncs)).toBe(true)
    expect(policy.isMM2InternalTopic(checkpoints)).toBe(true)
    expect(policy.isInternalTopic(offsetSyncs)).toBe(true)
  })

  it('MM2: heartbeatsTopic is not affected by the separator or the KIP-949 flag', () => {
    for (const policy of [dflt, underscores, underscoresDotInternal, identityReplicationPolicy()]) {
      expect(policy.heartbeatsTopic()).toBe('heartbeats')
    }
  })

  it('a custom separator changes what counts as a checkpoints or MM2-internal topic', () => {
    expect(underscores.isCheckpointsTopic('A.checkpoints.internal')).toBe(false)
    expect(underscores.isMM2InternalTopic('mm2-offset-syncs.B.internal')).toBe(false)
    // ...but isInternalTopic still catches Connect's ".internal" names
    expect(underscores.isInternalTopic('mm2-offset-syncs.B.internal')).toBe(true)
    expect(underscoresDotInternal.isCheckpointsTopic('A.checkpoints.internal')).toBe(true)
  })

  it.each([
    // MM2: ReplicationPolicyTest.testInternalTopic
    ['__consumer_offsets', true],
    ['.hiddentopic', true],
    ['mm2-offsets.CLUSTER.internal', true],
    ['mm2-offsets-CLUSTER-internal', true],
    ['mm2-offsets_CLUSTER_internal', false],
    ['orders', false],
    ['A.orders', false],
    ['_schemas', false]
  ])('MM2: isInternalTopic(%j) = %j', (topic, internal) => {
    expect(dflt.isInternalTopic(topic)).toBe(internal)
  })

  it.each([
    // MM2: MirrorClientTest.testIsHeartbeatTopic
    ['heartbeats', true],
    ['source1.heartbeats', true],
    ['source2.source1.heartbeats', true],
    ['heartbeats!', false],
    ['!heartbeats', false],
    ['source1heartbeats', false],
    ['source1-heartbeats', false]
  ])('MM2: isHeartbeatsTopic(%j) = %j', (topic, expected) => {
    expect(dflt.isHeartbeatsTopic(topic)).toBe(expected)
  })

  it.each([
    // MM2: MirrorClientTest.testIsCheckpointTopic
    ['source1.checkpoints.internal', true],
    ['checkpoints.internal', false],
    ['checkpoints-internal', false],
    ['checkpoints.internal!', false],
    ['!checkpoints.internal', false],
    ['source1checkpointsinternal', false]
  ])('MM2: isCheckpointsTopic(%j) = %j', (topic, expected) => {
    expect(dflt.isCheckpointsTopic(topic)).toBe(expected)
  })
})

describe('IdentityReplicationPolicy', () => {
  const identity = identityReplicationPolicy()

  it('MM2: IdentityReplicationPolicyTest.testFormatRemoteTopic', () => {
    expect(identity.formatRemoteTopic('source1', 'aaa')).toBe('aaa')
    expect(identity.formatRemoteTopic('source1', 'heartbeats')).toBe('source1.heartbeats')
    expect(identity.formatRemoteTopic('source2', 'source1.heartbeats')).toBe('source2.source1.heartbeats')
    const custom = identityReplicationPolicy({ separator: '__' })
    expect(custom.formatRemoteTopic('source1', 'aaa')).toBe('aaa')
    expect(custom.formatRemoteTopic('source1', 'heartbeats')).toBe('source1__heartbeats')
  })

  it('MM2: IdentityReplicationPolicyTest.testTopicSource (no source alias configured)', () => {
    expect(identity.topicSource('source1.aaa')).toBeNull()
    expect(identity.topicSource('heartbeats')).toBeNull()
    expect(identity.topicSource('source1.heartbeats')).toBe('source1')
    expect(identity.topicSource('source2.source1.heartbeats')).toBe('source2')
  })

  it('MM2: IdentityReplicationPolicyTest.testUpstreamTopic', () => {
    expect(identity.upstreamTopic('aaa')).toBe('aaa')
    expect(identity.upstreamTopic('source1.aaa')).toBe('source1.aaa')
    expect(identity.upstreamTopic('source1.heartbeats')).toBe('heartbeats')
  })

  it('MM2: IdentityReplicationPolicyTest.testOriginalTopic', () => {
    expect(identity.originalTopic('aaa')).toBe('aaa')
    expect(identity.originalTopic('source1.aaa')).toBe('source1.aaa')
    expect(identity.originalTopic('source2.source1.aaa')).toBe('source2.source1.aaa')
    expect(identity.originalTopic('heartbeats')).toBe('heartbeats')
    expect(identity.originalTopic('source2.source1.heartbeats')).toBe('heartbeats')
  })

  it('MM2: MirrorClientTest.testIdentityReplicationTopicSource (source alias "primary")', () => {
    const policy = identityReplicationPolicy({ sourceClusterAlias: 'primary' })
    expect(policy.formatRemoteTopic('primary', 'topic1')).toBe('topic1')
    expect(policy.topicSource('topic1')).toBe('primary')
    expect(policy.formatRemoteTopic('backup', 'heartbeats')).toBe('backup.heartbeats')
    expect(policy.topicSource('backup.heartbeats')).toBe('backup')
    expect(policy.sourceClusterAlias).toBe('primary')
  })

  it('treats any name ending in "heartbeats" as a heartbeat, like looksLikeHeartbeat', () => {
    const policy = identityReplicationPolicy({ sourceClusterAlias: 'A' })
    expect(policy.formatRemoteTopic('A', 'myheartbeats')).toBe('A.myheartbeats')
    expect(policy.topicSource('myheartbeats')).toBeNull()
    expect(policy.isHeartbeatsTopic('myheartbeats')).toBe(false)
  })
})

describe('MirrorClient helpers (MM2: MirrorClientTest)', () => {
  it.each([
    ['topic', 'source', -1],
    ['source', 'source', -1],
    ['sourcetopic', 'source', -1],
    ['source1.topic', 'source2', -1],
    ['source1.topic', 'source1', 1],
    ['source2.source1.topic', 'source2', 1],
    ['source2.source1.topic', 'source1', 2],
    ['source3.source2.source1.topic', 'source1', 3],
    ['source3.source2.source1.topic', 'source4', -1]
  ])('countHopsForTopic(%j, %j) = %j', (topic, alias, hops) => {
    expect(countHopsForTopic(dflt, topic, alias)).toBe(hops)
  })

  it('countHopsForTopic stops on the identity policy instead of looping', () => {
    expect(countHopsForTopic(identityReplicationPolicy({ sourceClusterAlias: 'A' }), 'orders', 'B')).toBe(-1)
    expect(countHopsForTopic(identityReplicationPolicy({ sourceClusterAlias: 'A' }), 'orders', 'A')).toBe(1)
  })

  it('heartbeatTopicsTest', () => {
    const topics = ['topic1', 'topic2', 'heartbeats', 'source1.heartbeats', 'source2.source1.heartbeats', 'source3.heartbeats']
    expect(heartbeatTopics(dflt, topics)).toEqual(new Set(['heartbeats', 'source1.heartbeats', 'source2.source1.heartbeats', 'source3.heartbeats']))
  })

  it('checkpointsTopicsTest', () => {
    const topics = ['topic1', 'topic2', 'checkpoints.internal', 'source1.checkpoints.internal',
      'source2.source1.checkpoints.internal', 'source3.checkpoints.internal']
    expect(checkpointTopics(dflt, topics)).toEqual(new Set(['source1.checkpoints.internal',
      'source2.source1.checkpoints.internal', 'source3.checkpoints.internal']))
  })

  it('replicationHopsTest', () => {
    const topics = ['topic1', 'topic2', 'heartbeats', 'source1.heartbeats', 'source1.source2.heartbeats', 'source3.heartbeats']
    expect(replicationHops(dflt, topics, 'source1')).toBe(1)
    expect(replicationHops(dflt, topics, 'source2')).toBe(2)
    expect(replicationHops(dflt, topics, 'source3')).toBe(1)
    expect(replicationHops(dflt, topics, 'source4')).toBe(-1)
  })

  it.each([
    ['default', dflt],
    // testIdentityReplicationUpstreamClusters: heartbeats are a special case, so this works as usual
    ['identity', identityReplicationPolicy({ sourceClusterAlias: 'source' })]
  ])('upstreamClustersTest (%s)', (_name, policy) => {
    const topics = ['topic1', 'topic2', 'heartbeats', 'source1.heartbeats', 'source1.source2.heartbeats', 'source3.source4.source5.heartbeats']
    expect(upstreamClusters(policy, topics)).toEqual(new Set(['source1', 'source2', 'source3', 'source4', 'source5']))
  })

  it('remoteTopicsTest', () => {
    const remote = remoteTopics(dflt, ['topic1', 'topic2', 'topic3', 'source1.topic4', 'source1.source2.topic5', 'source3.source4.source5.topic6'])
    expect(remote).toEqual(new Set(['source1.topic4', 'source1.source2.topic5', 'source3.source4.source5.topic6']))
    expect(remoteTopics(dflt, ['source1.topic4', 'source2.topic4'], 'source1')).toEqual(new Set(['source1.topic4']))
  })

  it('testIdentityReplicationRemoteTopics: every topic is remote except plain heartbeats', () => {
    const remote = remoteTopics(identityReplicationPolicy({ sourceClusterAlias: 'source' }), ['topic1', 'topic2', 'topic3', 'heartbeats', 'backup.heartbeats'])
    expect(remote).toEqual(new Set(['topic1', 'topic2', 'topic3', 'backup.heartbeats']))
  })

  it('remoteTopicsSeparatorTest', () => {
    const remote = remoteTopics(underscores, ['topic1', 'topic2', 'topic3', 'source1__topic4', 'source1__source2__topic5', 'source3__source4__source5__topic6'])
    expect(remote).toEqual(new Set(['source1__topic4', 'source1__source2__topic5', 'source3__source4__source5__topic6']))
  })

  it('isRemoteTopic excludes internal topics', () => {
    expect(isRemoteTopic(dflt, 'A.checkpoints.internal')).toBe(false)
    expect(isRemoteTopic(dflt, 'A.orders')).toBe(true)
  })

  it('allSources stops at a repeated alias', () => {
    expect(allSources(dflt, 'a.b.a.t')).toEqual(new Set(['a', 'b']))
    expect(allSources(dflt, 'plain')).toEqual(new Set())
  })
})

describe('flowInternalTopics', () => {
  it.each([
    // [policy, flow, location, offset-syncs topic, cluster holding it, checkpoints, replicated heartbeats]
    ['default, location=source', dflt, 'A', 'B', 'source', 'mm2-offset-syncs.B.internal', 'A', 'A.checkpoints.internal', 'A.heartbeats'],
    ['default, location=target', dflt, 'A', 'B', 'target', 'mm2-offset-syncs.A.internal', 'B', 'A.checkpoints.internal', 'A.heartbeats'],
    ['reverse flow', dflt, 'B', 'A', 'source', 'mm2-offset-syncs.A.internal', 'B', 'B.checkpoints.internal', 'B.heartbeats'],
    ['"_" separator', defaultReplicationPolicy({ separator: '_' }),
      'east', 'west', 'source', 'mm2-offset-syncs_west_internal', 'east', 'east_checkpoints_internal', 'east_heartbeats'],
    ['"_" separator, KIP-949 off', defaultReplicationPolicy({ separator: '_', internalTopicSeparatorEnabled: false }),
      'east', 'west', 'target', 'mm2-offset-syncs.east.internal', 'west', 'east.checkpoints.internal', 'east_heartbeats'],
    ['identity', identityReplicationPolicy({ sourceClusterAlias: 'A' }),
      'A', 'B', 'source', 'mm2-offset-syncs.B.internal', 'A', 'A.checkpoints.internal', 'A.heartbeats']
  ] as const)('%s', (_name, policy, source, target, location, syncsTopic, syncsCluster, checkpoints, replicatedHeartbeats) => {
    const topics = flowInternalTopics(policy, { source, target }, location)
    expect(topics).toEqual({
      source,
      target,
      offsetSyncs: { topic: syncsTopic, cluster: syncsCluster, location },
      checkpoints: { topic: checkpoints, cluster: target },
      heartbeats: {
        emitted: { topic: 'heartbeats', cluster: target },
        upstream: { topic: 'heartbeats', cluster: source },
        replicated: { topic: replicatedHeartbeats, cluster: target }
      }
    })
  })

  it('defaults to offset-syncs.topic.location=source', () => {
    expect(flowInternalTopics(dflt, { source: 'A', target: 'B' }).offsetSyncs)
      .toEqual({ topic: 'mm2-offset-syncs.B.internal', cluster: 'A', location: 'source' })
  })

  it('shows the KIP-716 collision: A->B at the target and B->A at the source share one topic on B', () => {
    const ab = flowInternalTopics(dflt, { source: 'A', target: 'B' }, 'target').offsetSyncs
    const ba = flowInternalTopics(dflt, { source: 'B', target: 'A' }, 'source').offsetSyncs
    expect([ab.topic, ab.cluster]).toEqual([ba.topic, ba.cluster])
  })
})

describe('renameTopic (MirrorCheckpointTask.renameTopicPartition)', () => {
  const flow = { source: 'source1', target: 'target2' }

  it.each([
    // MM2: MirrorCheckpointTaskTest.testDownstreamTopicRenaming
    [dflt, 'topic3', 'source1.topic3'],
    [dflt, 'target2.topic3', 'topic3'],
    [dflt, 'source6.topic7', 'source1.source6.topic7'],
    // a topic that came from the target through more hops returns to its innermost name, as in MM2
    [dflt, 'target2.other.topic', 'topic'],
    [underscores, 'topic3', 'source1__topic3'],
    [underscores, 'target2__topic3', 'topic3'],
    [identityReplicationPolicy({ sourceClusterAlias: 'source1' }), 'topic3', 'topic3'],
    [identityReplicationPolicy({ sourceClusterAlias: 'source1' }), 'target2.topic3', 'target2.topic3']
  ])('%#: %j -> %j', (policy, topic, renamed) => {
    expect(renameTopic(policy, flow, topic)).toBe(renamed)
  })

  it('keeps the partition', () => {
    expect(renameTopicPartition(dflt, flow, { topic: 'target2.topic3', partition: 5 })).toEqual({ topic: 'topic3', partition: 5 })
    expect(renameTopicPartition(dflt, flow, { topic: 'topic3', partition: 4 })).toEqual({ topic: 'source1.topic3', partition: 4 })
  })

  it('failback direction: B->A renames A.orders on B back to orders on A', () => {
    expect(renameTopic(dflt, { source: 'B', target: 'A' }, 'A.orders')).toBe('orders')
  })
})

describe('isCycle (MirrorSourceConnector)', () => {
  it.each([
    [dflt, 'orders', 'B', false],
    [dflt, 'B.orders', 'B', true],
    [dflt, 'C.B.orders', 'B', true],
    [dflt, 'C.orders', 'B', false],
    [identityReplicationPolicy({ sourceClusterAlias: 'A' }), 'orders', 'B', false],
    [identityReplicationPolicy({ sourceClusterAlias: 'A' }), 'B.heartbeats', 'B', true]
  ])('%#: isCycle(%j, target %j) = %j', (policy, topic, target, cycle) => {
    expect(isCycle(policy, topic, target)).toBe(cycle)
  })
})
