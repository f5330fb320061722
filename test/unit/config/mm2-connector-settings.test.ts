// Connector settings of a flow: the replication policy and the topic and group filters.
import { describe, expect, it } from 'vitest'
import { parseMm2Properties } from '../../../sidecar/src/config/mm2-properties.ts'
import { enabledFlows, remoteTopicName, shouldReplicateGroup } from '../../../sidecar/src/core/mm2/flows.ts'
import { lines, AB, flow, failure, problemsOf } from './mm2-builders.ts'

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
    expect([remoteTopicName(ab, 'orders'), ab.internalTopics.checkpoints.topic, ab.internalTopics.offsetSyncs.topic])
      .toEqual([remote, checkpoints, offsetSyncs])
  })

  it('keeps "." in internal topic names with the KIP-949 opt-out', () => {
    const ab = flow(parseMm2Properties(AB + 'A->B.enabled = true\nreplication.policy.separator = _\nreplication.policy.internal.topic.separator.enabled = false\n'), 'A->B')
    const { checkpoints, offsetSyncs, heartbeats } = ab.internalTopics
    expect([remoteTopicName(ab, 'orders'), checkpoints.topic, offsetSyncs.topic, heartbeats.replicated.topic])
      .toEqual(['A_orders', 'A.checkpoints.internal', 'mm2-offset-syncs.B.internal', 'A_heartbeats'])
  })

  it('warns about an empty item in a topic or group filter (MM2 4.2+ refuses it) and still reads the file as MM2 4.1 does', () => {
    const config = parseMm2Properties(AB + 'A->B.enabled = true\nA->B.topics = orders, audit.*,\ngroups.exclude = ,test-.*\n')
    expect(config.warnings).toEqual([
      'mm2.properties line 5: A->B.topics has an empty item ("orders, audit.*,"): MM2 4.2 and later refuse to start with it; remove the stray comma.',
      'mm2.properties line 6: groups.exclude has an empty item (",test-.*"): MM2 4.2 and later refuse to start with it; remove the stray comma.'
    ])
    const ab = flow(config, 'A->B')
    expect([ab.topics.matches('orders'), ab.topics.matches('audit.x'), ab.topics.matches('other')]).toEqual([true, true, false])
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
    const text = lines(
      'clusters = us.west, us.east',
      'us.west.bootstrap.servers = w:9092',
      'us.east.bootstrap.servers = e:9092',
      'us.west->us.east.enabled = true'
    )
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
