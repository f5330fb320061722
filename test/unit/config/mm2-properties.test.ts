// Cases marked "MM2:" rewrite apache/kafka's MirrorMakerConfigTest for this model.
// "${provider:path:key}" strings below are MM2 config-provider references, not template literals.
/* eslint no-template-curly-in-string: "off" */
import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { parseMm2Properties, type Mm2ParseOptions } from '../../../sidecar/src/config/mm2-properties.ts'
import { enabledFlows, remoteTopicName, shouldReplicateGroup } from '../../../sidecar/src/core/mm2/flows.ts'
import type { Mm2Config, Mm2Flow } from '../../../sidecar/src/core/mm2/model.ts'
import { displayValue, reveal, Secret } from '../../../sidecar/src/core/mm2/secret.ts'
import { isMm2FailbackError, type Mm2FailbackError } from '../../../sidecar/src/errors.ts'

const lines = (...text: string[]): string => text.join('\n') + '\n'
const AB = lines('clusters = A, B', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092')

function flow (config: Mm2Config, name: string): Mm2Flow {
  const found = config.flows.find((candidate) => candidate.name === name)
  if (found === undefined) throw new Error(`no flow ${name}`)
  return found
}

function failure (text: string, options?: Mm2ParseOptions): Mm2FailbackError {
  try {
    parseMm2Properties(text, options)
  } catch (error) {
    if (isMm2FailbackError(error, 'MM2_CONFIG_INVALID')) return error
    throw error
  }
  throw new Error('expected MM2_CONFIG_INVALID')
}

const problemsOf = (text: string): string[] =>
  ((failure(text).context.problems ?? []) as Array<{ line?: number, message: string }>).map((problem) => `${problem.line ?? '-'}: ${problem.message}`)

describe('the reference file (apache/kafka config/connect-mirror-maker.properties shape)', () => {
  const config = parseMm2Properties(lines(
    'clusters = A, B',
    'A.bootstrap.servers = localhost:9092',
    'B.bootstrap.servers = localhost:19092',
    'A->B.enabled = true',
    'B->A.enabled = true',
    'replication.factor = 1',
    'checkpoints.topic.replication.factor = 1',
    'refresh.topics.interval.seconds = 5',
    'sync.group.offsets.enabled = true',
    'sync.group.offsets.interval.seconds = 5',
    'offset.lag.max = 10'
  ))

  it('has the clusters, both flows and MM2 defaults', () => {
    expect(config.clusters.map((cluster) => [cluster.alias, cluster.bootstrapServers, cluster.securityProtocol, cluster.line]))
      .toEqual([['A', ['localhost:9092'], 'PLAINTEXT', 2], ['B', ['localhost:19092'], 'PLAINTEXT', 3]])
    expect(enabledFlows(config).map((candidate) => candidate.name)).toEqual(['A->B', 'B->A'])
    expect(config.replicationPolicy).toEqual({
      className: 'org.apache.kafka.connect.mirror.DefaultReplicationPolicy', kind: 'default', separator: '.', internalTopicSeparatorEnabled: true
    })
    expect(config.warnings).toEqual([])
    const ab = flow(config, 'A->B')
    expect(ab).toMatchObject({
      source: 'A',
      target: 'B',
      herder: true,
      enabled: true,
      offsetSyncsTopicLocation: 'source',
      emitOffsetSyncsEnabled: true,
      emitCheckpointsEnabled: true,
      emitCheckpointsIntervalSeconds: 60,
      syncGroupOffsetsEnabled: true,
      syncGroupOffsetsIntervalSeconds: 5,
      emitHeartbeatsEnabled: true,
      heartbeatsReplicationEnabled: true
    })
    expect(ab.topics).toMatchObject({ include: ['.*'], exclude: ['.*[\\-\\.]internal', '.*\\.replica', '__.*'], includeKey: '(default)', excludeKey: '(default)' })
    expect(ab.groups).toMatchObject({ include: ['.*'], exclude: ['console-consumer-.*', 'connect-.*', '__.*'] })
  })

  it('places the internal topics of each flow', () => {
    expect(flow(config, 'A->B').internalTopics.offsetSyncs).toEqual({ topic: 'mm2-offset-syncs.B.internal', cluster: 'A', location: 'source' })
    expect(flow(config, 'B->A').internalTopics.checkpoints).toEqual({ topic: 'B.checkpoints.internal', cluster: 'A' })
    expect(remoteTopicName(flow(config, 'A->B'), 'orders')).toBe('A.orders')
  })

  it('keeps keys it does not use', () => {
    expect(config.properties.get('offset.lag.max')).toEqual({ key: 'offset.lag.max', value: '10', line: 11 })
    expect(config.properties.get('replication.factor')?.value).toBe('1')
  })
})

describe('cluster settings (MirrorMakerConfig.clusterProps)', () => {
  it('MM2: testClientConfigProperties: alias beats top level, role beats alias, unknown keys stay out of clients', () => {
    const config = parseMm2Properties(lines(
      'clusters = a, b',
      'replication.policy.separator = __',
      'ssl.key.password = ${fake:secret:password}',
      'security.protocol = SSL',
      'a.security.protocol = PLAINTEXT',
      'a.producer.security.protocol = SSL',
      'a.bootstrap.servers = 127.0.0.1:9092, 127.0.0.2:9092',
      'b.bootstrap.servers = 127.0.0.3:9092, 127.0.0.4:9092',
      'metrics.reporter = FakeMetricsReporter',
      'a.xxx = yyy',
      'xxx = zzz',
      'a->b.enabled = true'
    ))
    const [a, b] = config.clusters
    expect(config.replicationPolicy.separator).toBe('__')
    expect(remoteTopicName(flow(config, 'a->b'), 'topic1')).toBe('a__topic1')
    expect(a?.bootstrapServers).toEqual(['127.0.0.1:9092', '127.0.0.2:9092'])
    expect(a?.clients.admin['bootstrap.servers']).toBe('127.0.0.1:9092, 127.0.0.2:9092')
    expect(a?.clients.admin['security.protocol']).toBe('PLAINTEXT')
    expect(a?.clients.producer['security.protocol']).toBe('SSL')
    expect(a?.securityProtocol).toBe('PLAINTEXT')
    expect(b?.securityProtocol).toBe('SSL')
    expect(a?.clients.admin).not.toHaveProperty('xxx')
    expect(a?.clients.admin).not.toHaveProperty('metrics.reporter')
    expect(a?.settings.xxx).toBe('yyy')
    expect(a?.clients.admin['ssl.key.password']).toBeInstanceOf(Secret)
    expect(reveal(a?.clients.admin['ssl.key.password'] as Secret)).toBe('${fake:secret:password}')
  })

  it('MM2: testWorkerConfigs: role-prefixed and security settings reach the role clients', () => {
    const config = parseMm2Properties(lines(
      'clusters = a, b',
      'a.bootstrap.servers = a:9092',
      'b.bootstrap.servers = b:9092',
      'b.producer.client.id = client-one',
      'b.security.protocol = PLAINTEXT',
      'b.producer.security.protocol = SASL_SSL',
      'ssl.truststore.password = secret1',
      'b.xxx = yyy',
      'a->b.enabled = true'
    ))
    const b = config.clusters[1]
    expect(b?.clients.producer['client.id']).toBe('client-one')
    expect(b?.clients.producer['security.protocol']).toBe('SASL_SSL')
    expect(b?.clients.consumer['security.protocol']).toBe('PLAINTEXT')
    expect(reveal(b?.clients.producer['ssl.truststore.password'] as Secret)).toBe('secret1')
    expect(b?.settings['producer.ssl.truststore.password']).toBeInstanceOf(Secret)
    expect(b?.clients.consumer).not.toHaveProperty('client.id')
  })

  it('inherits a top-level bootstrap.servers, as clusterProps does for every client key', () => {
    const config = parseMm2Properties(lines('clusters = A, B', 'bootstrap.servers = shared:9092', 'B.bootstrap.servers = b:9092', 'A->B.enabled = true'))
    expect(config.clusters.map((cluster) => [cluster.bootstrapServers, cluster.line])).toEqual([[['shared:9092'], 2], [['b:9092'], 3]])
  })

  it('MM2: testCaseInsensitiveSecurityProtocol', () => {
    const config = parseMm2Properties(AB + 'A.security.protocol = sasl_ssl\nA.sasl.mechanism = PLAIN\nA->B.enabled = true\n')
    expect(config.clusters[0]?.securityProtocol).toBe('SASL_SSL')
    expect(config.clusters[0]?.saslMechanism).toBe('PLAIN')
  })

  it('MM2: testInvalidSecurityProtocol, reported with its key and line', () => {
    expect(failure(lines('clusters = a, b', 'a.bootstrap.servers = a:9092', 'b.bootstrap.servers = b:9092', 'security.protocol = abc', 'a->b.enabled = true')).message)
      .toBe('mm2.properties line 4: security.protocol must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL (got "abc").')
    expect(failure(AB + 'A.consumer.security.protocol = TLS\nA->B.enabled = true\n').message)
      .toBe('mm2.properties line 4: A.consumer.security.protocol must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL (got "TLS").')
  })

  it('warns when SASL settings are ignored because the protocol has no SASL', () => {
    const config = parseMm2Properties(AB + 'A.sasl.mechanism = SCRAM-SHA-512\nA->B.enabled = true\n')
    expect(config.warnings).toEqual(['mm2.properties line 4: cluster A: A.sasl.mechanism is set but security.protocol is PLAINTEXT, so SASL is not used.'])
  })

  it.each([
    ['missing', 'clusters = A, B\nA.bootstrap.servers = a:9092\nA->B.enabled = true\n',
      'mm2.properties: B.bootstrap.servers is required: cluster "B" is listed in clusters but has no bootstrap servers.'],
    ['empty', 'clusters = A, B\nA.bootstrap.servers = a:9092\nB.bootstrap.servers =\nA->B.enabled = true\n',
      'mm2.properties line 3: B.bootstrap.servers must list at least one host:port (got "").'],
    ['no port', 'clusters = A, B\nA.bootstrap.servers = a:9092\nB.bootstrap.servers = b1:9092, b2\nA->B.enabled = true\n',
      'mm2.properties line 3: B.bootstrap.servers must list host:port entries (got "b2").']
  ])('rejects a used cluster whose bootstrap servers are %s', (_name, text, message) => {
    expect(failure(text).message).toBe(message)
  })

  it('only warns about bootstrap servers of a cluster no enabled flow uses', () => {
    const config = parseMm2Properties(AB + 'clusters = A, B, C\nA->B.enabled = true\n')
    expect(config.warnings).toContain('mm2.properties: C.bootstrap.servers is required: cluster "C" is listed in clusters but has no bootstrap servers.')
  })

  it('accepts config-provider references in bootstrap servers', () => {
    const config = parseMm2Properties('clusters = A, B\nA.bootstrap.servers = ${file:/etc/mm2/a.properties:bootstrap}\nB.bootstrap.servers = b:9092\nA->B.enabled = true\n')
    expect(config.clusters[0]?.bootstrapServers).toEqual(['${file:/etc/mm2/a.properties:bootstrap}'])
  })
})

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
      'a->d.enabled = true', 'a->e.enabled = false', 'a->f.enabled = false', ...['a', 'b', 'c', 'd'].map((alias) => `${alias}.bootstrap.servers = ${alias}:9092`)), 3],
    // MM2: testClusterPairsWithGloballyDisabledHeartbeatsCentralLocal
    ['central/local', lines('clusters = central, local_one, local_two, beats_emitter', 'emit.heartbeats.enabled = false', 'central->local_one.enabled = true',
      'central->local_two.enabled = true', 'beats_emitter->central.emit.heartbeats.enabled = true',
      ...['central', 'local_one', 'local_two'].map((alias) => `${alias}.bootstrap.servers = ${alias}:9092`)), 3]
  ])('MM2: %s', (_name, text, count) => {
    expect(herders(text)).toHaveLength(count)
  })

  it('MM2: the pair b->a has no herder when nothing enables it and heartbeats are off', () => {
    const text = lines('clusters = a, b', 'emit.heartbeats.enabled = false', 'a->b.enabled = true', 'a.bootstrap.servers = a:9092', 'b.bootstrap.servers = b:9092')
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
      'A->B.enabled = true', 'B->A.enabled = true', 'topics = shared.*', 'A->B.topics = topic1, topic2', 'A->B.topics.exclude = topic3', 'A->B.tasks.max = 123'))
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

describe('replication policy', () => {
  it.each([
    ['org.apache.kafka.connect.mirror.DefaultReplicationPolicy', 'default', 'A.orders'],
    ['org.apache.kafka.connect.mirror.IdentityReplicationPolicy', 'identity', 'orders'],
    ['  org.apache.kafka.connect.mirror.IdentityReplicationPolicy  ', 'identity', 'orders'],
    ['io.strimzi.kafka.connect.mirror.IdentityReplicationPolicy', 'identity', 'orders']
  ])('%j is the %s policy', (className, kind, remote) => {
    const config = parseMm2Properties(AB + `A->B.enabled = true\nreplication.policy.class = ${className}\n`)
    expect(config.replicationPolicy.kind).toBe(kind)
    expect(remoteTopicName(flow(config, 'A->B'), 'orders')).toBe(remote)
  })

  it('configures the identity policy of each flow with its source alias, as MM2 connectors do', () => {
    const config = parseMm2Properties(AB + 'A->B.enabled = true\nreplication.policy.class = org.apache.kafka.connect.mirror.IdentityReplicationPolicy\n')
    expect(flow(config, 'A->B').policy.topicSource('orders')).toBe('A')
    expect(config.policy.topicSource('orders')).toBeNull()
    expect(flow(config, 'A->B').internalTopics.heartbeats.replicated.topic).toBe('A.heartbeats')
  })

  it('rejects an unknown custom policy, unless the caller knows it as an alias', () => {
    const text = AB + 'A->B.enabled = true\nreplication.policy.class = com.acme.kafka.PrefixPolicy\n'
    expect(failure(text).message).toBe('mm2.properties line 5: replication.policy.class "com.acme.kafka.PrefixPolicy" is not a policy mm2-failback can reproduce ' +
      '(expected org.apache.kafka.connect.mirror.DefaultReplicationPolicy or org.apache.kafka.connect.mirror.IdentityReplicationPolicy).')
    const config = parseMm2Properties(text, { replicationPolicyAliases: { 'com.acme.kafka.PrefixPolicy': 'default' } })
    expect(config.replicationPolicy).toMatchObject({ className: 'com.acme.kafka.PrefixPolicy', kind: 'default' })
  })

  it.each([
    ['_', 'A_orders', 'A_checkpoints_internal', 'mm2-offset-syncs_B_internal'],
    ['--', 'A--orders', 'A--checkpoints--internal', 'mm2-offset-syncs--B--internal']
  ])('separator %j names remote and internal topics (KIP-690)', (separator, remote, checkpoints, offsetSyncs) => {
    const ab = flow(parseMm2Properties(AB + `A->B.enabled = true\nreplication.policy.separator = ${separator}\n`), 'A->B')
    expect([remoteTopicName(ab, 'orders'), ab.internalTopics.checkpoints.topic, ab.internalTopics.offsetSyncs.topic]).toEqual([remote, checkpoints, offsetSyncs])
  })

  it('keeps "." in internal topic names with the KIP-949 opt-out', () => {
    const ab = flow(parseMm2Properties(AB + 'A->B.enabled = true\nreplication.policy.separator = _\nreplication.policy.internal.topic.separator.enabled = false\n'), 'A->B')
    expect([remoteTopicName(ab, 'orders'), ab.internalTopics.checkpoints.topic, ab.internalTopics.offsetSyncs.topic, ab.internalTopics.heartbeats.replicated.topic])
      .toEqual(['A_orders', 'A.checkpoints.internal', 'mm2-offset-syncs.B.internal', 'A_heartbeats'])
  })

  it('warns that the KIP-949 opt-out does nothing with the default separator', () => {
    const config = parseMm2Properties(AB + 'A->B.enabled = true\nreplication.policy.internal.topic.separator.enabled = false\n')
    expect(config.warnings).toEqual(['mm2.properties line 5: replication.policy.internal.topic.separator.enabled=false has no effect with the default separator ".".'])
  })

  it.each([
    ['replication.policy.separator =', 'replication.policy.separator must not be empty (got "").'],
    ['replication.policy.separator = ::', 'replication.policy.separator may only contain letters, digits, ".", "_" and "-", as topic names do (got "::"; MM2 keeps trailing spaces).'],
    ['replication.policy.separator = _  ', 'replication.policy.separator may only contain letters, digits, ".", "_" and "-", as topic names do (got "_  "; MM2 keeps trailing spaces).'],
    ['replication.policy.internal.topic.separator.enabled = no', 'replication.policy.internal.topic.separator.enabled must be true or false (got "no").']
  ])('rejects %j', (setting, message) => {
    expect(failure(AB + 'A->B.enabled = true\n' + setting + '\n').message).toBe(`mm2.properties line 5: ${message}`)
  })

  it('rejects aliases that contain the separator, which would defeat cycle detection', () => {
    const text = lines('clusters = us.west, us.east', 'us.west.bootstrap.servers = w:9092', 'us.east.bootstrap.servers = e:9092', 'us.west->us.east.enabled = true')
    expect(problemsOf(text)).toEqual([
      '1: cluster alias "us.west" contains the separator ".", so MM2 would misread remote topic names such as "us.west.orders" and could not detect cycles.',
      '1: cluster alias "us.east" contains the separator ".", so MM2 would misread remote topic names such as "us.east.orders" and could not detect cycles.'
    ])
    expect(enabledFlows(parseMm2Properties(text + 'replication.policy.separator = _\n')).map((candidate) => candidate.name)).toEqual(['us.west->us.east'])
  })

  it('warns that identity naming in both directions cannot detect cycles', () => {
    const config = parseMm2Properties(AB + 'A->B.enabled = true\nB->A.enabled = true\nreplication.policy.class = org.apache.kafka.connect.mirror.IdentityReplicationPolicy\n')
    expect(config.warnings).toEqual(['mm2.properties line 6: A->B and B->A are both enabled with IdentityReplicationPolicy, which cannot detect cycles; make sure their topic filters do not overlap.'])
  })
})

describe('topic and group filters (DefaultTopicFilter, DefaultGroupFilter)', () => {
  const defaults = flow(parseMm2Properties(AB + 'A->B.enabled = true\n'), 'A->B')

  it.each([
    ['orders', true],
    ['orders.replica2', true],
    ['mm2-offsets.A.internal', false],
    ['my-internal', false],
    ['orders.replica', false],
    ['__consumer_offsets', false],
    ['_schemas', true],
    ['heartbeats', true]
  ])('default topic filter: %j -> %j', (topic, expected) => {
    expect(defaults.topics.matches(topic)).toBe(expected)
  })

  it.each([
    ['my-app', true],
    ['console-consumer-12345', false],
    ['connect-mm2', false],
    ['__internal', false],
    ['app-connect-1', true]
  ])('default group filter: %j -> %j', (group, expected) => {
    expect(shouldReplicateGroup(defaults, group)).toBe(expected)
  })

  it('rejects an invalid pattern with its key and line', () => {
    expect(failure(AB + 'A->B.enabled = true\nA->B.topics = orders, [bad\n').message)
      .toBe('mm2.properties line 5: A->B.topics has "[bad", which is not a regular expression mm2-failback can evaluate: ' +
        'Java rejects it (Unclosed character class near index 3).')
  })

  it('rejects a Java pattern it cannot evaluate exactly, saying why', () => {
    expect(failure(AB + 'A->B.enabled = true\ngroups.exclude = (app)-\\\\1\n').message)
      .toBe('mm2.properties line 5: groups.exclude has "(app)-\\\\1", which is not a regular expression mm2-failback can evaluate: ' +
        '\\1 is a backreference; Java fails it when the group did not take part in the match, where JavaScript matches the empty string (at index 6).')
  })

  it('evaluates the filters with Java semantics', () => {
    const ab = flow(parseMm2Properties(AB + 'A->B.enabled = true\ntopics = (?i)orders\\\\..*, \\\\Qpayments.v1\\\\E\n'), 'A->B')
    expect(['ORDERS.eu', 'payments.v1', 'paymentsXv1'].map((topic) => ab.topics.matches(topic))).toEqual([true, true, false])
  })

  it('an empty topics setting replicates nothing', () => {
    expect(flow(parseMm2Properties(AB + 'A->B.enabled = true\ntopics =\n'), 'A->B').topics.matches('orders')).toBe(false)
  })

  it.each([
    ['topics.blacklist = secret.*', 'topics', 'orders', 'secret.x'],
    ['groups.blacklist = batch-.*', 'groups', 'app', 'batch-1']
  ])('honours the pre-2.7 name %j when the new one is absent, with a warning', (setting, kind, kept, dropped) => {
    const config = parseMm2Properties(AB + 'A->B.enabled = true\n' + setting + '\n')
    const filter = flow(config, 'A->B')[kind as 'topics' | 'groups']
    expect([filter.matches(kept), filter.matches(dropped), filter.excludeKey]).toEqual([true, false, `${kind}.blacklist`])
    expect(config.warnings).toEqual([`mm2.properties line 5: ${kind}.blacklist is the pre-2.7 name of ${kind}.exclude; MM2 4.0 ignores it, so rename it.`])
  })

  it('accepts both names when they agree', () => {
    const config = parseMm2Properties(AB + 'A->B.enabled = true\ntopics.exclude = a, b\ntopics.blacklist = a,b\n')
    expect(flow(config, 'A->B').topics.excludeKey).toBe('topics.exclude')
  })

  it('rejects contradicting names, including a flow-level blacklist hidden by a top-level exclude', () => {
    expect(failure(AB + 'A->B.enabled = true\ntopics.exclude = a\ntopics.blacklist = b\n').message)
      .toBe('mm2.properties line 6: topics.blacklist contradicts topics.exclude (line 5), and MM2 silently uses topics.exclude; keep only topics.exclude.')
    expect(failure(AB + 'A->B.enabled = true\ngroups.exclude = a\nA->B.groups.blacklist = b\n').message)
      .toBe('mm2.properties line 6: A->B.groups.blacklist contradicts groups.exclude (line 5), and MM2 silently uses groups.exclude; keep only groups.exclude.')
  })

  it('warns about custom filter classes', () => {
    const config = parseMm2Properties(AB + 'A->B.enabled = true\ntopic.filter.class = com.acme.MyTopicFilter\n')
    expect(config.warnings).toEqual(['mm2.properties line 5: topic.filter.class is a custom filter; the topics/groups filters shown here describe only MM2\'s default filter.'])
  })
})

describe('contradictions and problems', () => {
  it('reports the brief\'s example exactly', () => {
    const error = failure(lines('# mm2', '', 'clusters = ', 'A.bootstrap.servers = a:9092'))
    expect(error.message).toBe('mm2.properties line 3: clusters must list at least one alias (got "").')
    expect(error.context).toMatchObject({ file: 'mm2.properties', key: 'clusters', line: 3 })
  })

  it('names the file it was given', () => {
    expect(failure('x = 1\n', { source: '/etc/mm2/mm2.properties' }).message)
      .toBe('/etc/mm2/mm2.properties: clusters is required: list the cluster aliases, e.g. "clusters = A, B".')
  })

  it.each([
    ['an empty alias', 'clusters = A,,B', 'clusters has an empty alias (got "A,,B").'],
    ['a space in an alias', 'clusters = A, data center', 'cluster alias "data center" may only contain letters, digits, ".", "_" and "-", because MM2 puts aliases in topic names.']
  ])('rejects %s', (_name, setting, message) => {
    expect(failure(setting + '\n').message).toBe(`mm2.properties line 1: ${message}`)
  })

  it('reports every problem at once, in file order', () => {
    const text = lines(
      'clusters = A, B', // 1
      'A.bootstrap.servers = a:9092', // 2
      'B.bootstrap.servers = b:9092', // 3
      'A->B.enabled = true', // 4
      'A->B.emit.checkpoints.enabled = sometimes', // 5
      'offset-syncs.topic.location = Target', // 6
      'emit.checkpoints.interval.seconds = 1m', // 7
      'A->C.enabled = true' // 8
    )
    expect(problemsOf(text)).toEqual([
      '5: A->B.emit.checkpoints.enabled must be true or false (got "sometimes").',
      '6: offset-syncs.topic.location must be "source" or "target" (got "Target").',
      '7: emit.checkpoints.interval.seconds must be a whole number (got "1m").',
      '8: A->C.enabled does not name a flow between two different clusters listed in clusters (A, B); MM2 ignores it.'
    ])
    expect(failure(text).message).toBe('mm2.properties has 4 problems: line 5: A->B.emit.checkpoints.enabled must be true or false (got "sometimes"). ' +
      'line 6: offset-syncs.topic.location must be "source" or "target" (got "Target"). line 7: emit.checkpoints.interval.seconds must be a whole number (got "1m"). ' +
      'line 8: A->C.enabled does not name a flow between two different clusters listed in clusters (A, B); MM2 ignores it.')
  })

  it('rejects offset syncs turned off while checkpoints are on (MirrorCheckpointConfig.validate, KIP-1031)', () => {
    expect(failure(AB + 'A->B.enabled = true\nA->B.emit.offset-syncs.enabled = false\n').message)
      .toBe('mm2.properties line 5: A->B: A->B.emit.offset-syncs.enabled=false leaves the checkpoint connector without offset syncs, contradicting emit.checkpoints.enabled=true (the default); disable checkpoints and group sync as well, or keep offset syncs on.')
  })

  it('rejects group offset sync without checkpoints', () => {
    expect(failure(AB + 'A->B.enabled = true\nemit.checkpoints.enabled = false\nsync.group.offsets.enabled = true\n').message)
      .toBe('mm2.properties line 6: A->B: sync.group.offsets.enabled=true does nothing while emit.checkpoints.enabled=false (line 5), because MM2 syncs group offsets from its checkpoints.')
  })

  it('rejects two flows writing one offset-syncs topic (KIP-716 collision)', () => {
    expect(failure(AB + 'A->B.enabled = true\nB->A.enabled = true\nA->B.offset-syncs.topic.location = target\n').message)
      .toBe('mm2.properties line 6: A->B (offset-syncs.topic.location=target) and B->A (offset-syncs.topic.location=source) both write mm2-offset-syncs.A.internal on B, so their offset syncs would mix; give both flows the same location.')
    expect(enabledFlows(parseMm2Properties(AB + 'A->B.enabled = true\nB->A.enabled = true\noffset-syncs.topic.location = target\n'))).toHaveLength(2)
  })

  it('rejects a flow to itself that asks to be enabled, and warns about other stray flow keys', () => {
    expect(failure(AB + 'A->A.enabled = true\n').message).toBe('mm2.properties line 4: A->A.enabled does not name a flow between two different clusters listed in clusters (A, B); MM2 ignores it.')
    const config = parseMm2Properties(AB + 'A->B.enabled = true\nA->C.topics = x\nC.bootstrap.servers = c:9092\n')
    expect(config.warnings).toEqual([
      'mm2.properties line 5: A->C.topics does not name a flow between two different clusters listed in clusters (A, B); MM2 ignores it.',
      'mm2.properties line 6: C.bootstrap.servers names cluster "C", which is not in clusters (A, B); MM2 ignores it.'
    ])
  })

  it('rejects a byte order mark, which MM2 would read into the first key', () => {
    expect(problemsOf('\u00ef\u00bb\u00bfclusters = A, B\n')).toEqual([
      '-: clusters is required: list the cluster aliases, e.g. "clusters = A, B".',
      '1: the file starts with a UTF-8 byte order mark, which MM2 reads as part of the first key; save it without one.'
    ])
  })

  it('warns when a key is set twice to different values', () => {
    const config = parseMm2Properties(AB + 'A->B.enabled = true\nA.bootstrap.servers = a2:9092\n')
    expect(config.clusters[0]?.bootstrapServers).toEqual(['a2:9092'])
    expect(config.warnings).toEqual(['mm2.properties line 5: A.bootstrap.servers is set again (first on line 2); MM2 uses the last value.'])
  })
})

describe('secrets never leak', () => {
  const PASSWORDS = ['hunter2', 'Tru5tst0re', 'K3y-pass', 'jaas-pass', 'client-secret-value', '-----BEGIN PRIVATE KEY-----']
  const text = lines(
    'clusters = A, B',
    'A.bootstrap.servers = a:9092',
    'B.bootstrap.servers = b:9092',
    'A.security.protocol = SASL_SSL',
    'A.sasl.mechanism = PLAIN',
    'A.sasl.jaas.config = org.apache.kafka.common.security.plain.PlainLoginModule required username="mm2" password="jaas-pass";',
    'ssl.truststore.password = Tru5tst0re',
    'B.ssl.key.password = K3y-pass',
    'B.producer.ssl.keystore.password = hunter2',
    'B.sasl.oauthbearer.client.credentials.client.secret = client-secret-value',
    'B.ssl.keystore.key = -----BEGIN PRIVATE KEY-----',
    'A->B.enabled = true'
  )
  const config = parseMm2Properties(text)

  it('keeps the real values behind reveal()', () => {
    expect(reveal(config.clusters[0]?.settings['sasl.jaas.config'] as Secret)).toContain('password="jaas-pass"')
    expect(reveal(config.clusters[1]?.clients.producer['ssl.keystore.password'] as Secret)).toBe('hunter2')
    expect(reveal('plain')).toBe('plain')
  })

  it.each([
    ['JSON.stringify', () => JSON.stringify(config)],
    ['util.inspect', () => inspect(config, { depth: 20 })],
    ['String()', () => config.clusters.map((cluster) => Object.values(cluster.settings).map(String).join(' ')).join(' ')],
    ['template strings', () => `${config.properties.get('B.ssl.key.password')?.value}`],
    ['displayValue', () => [...config.properties.values()].map((property) => displayValue(property.value)).join(' ')]
  ])('%s shows none of them', (_name, render) => {
    const output = render()
    for (const password of PASSWORDS) expect(output).not.toContain(password)
    expect(output).toContain('******')
  })

  it('error messages show none of them', () => {
    const bad = text + lines('B.ssl.truststore.password = hunter2\\u12escape', 'A->B.sync.group.offsets.enabled = nope')
    const error = failure(bad)
    const rendered = error.message + JSON.stringify(error.toJSON())
    for (const password of PASSWORDS) expect(rendered).not.toContain(password)
    expect(error.message).toContain('line 13: B.ssl.truststore.password has a malformed \\uxxxx escape in its value')
  })
})
