// Parsing mm2.properties end to end: the reference file, problems reported together, secrets kept secret.
import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { parseMm2Properties } from '../../../sidecar/src/config/mm2-properties.ts'
import { enabledFlows, remoteTopicName } from '../../../sidecar/src/core/mm2/flows.ts'
import { displayValue, reveal, Secret } from '../../../sidecar/src/core/mm2/secret.ts'
import { lines, AB, flow, failure, problemsOf } from './mm2-builders.ts'

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
    expect(ab.topics).toMatchObject({
      include: ['.*'],
      exclude: ['.*[\\-\\.]internal', '.*\\.replica', '__.*'],
      includeKey: '(default)',
      excludeKey: '(default)'
    })
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

  it('rejects offset-syncs topic settings with offset syncs turned off: MM2 refuses the source connector (MirrorSourceConnector.validate, KIP-1031)', () => {
    const off = 'A->B.enabled = true\nemit.offset-syncs.enabled = false\nemit.checkpoints.enabled = false\n'
    expect(failure(AB + off + 'offset-syncs.topic.replication.factor = 1\n').message)
      .toBe('mm2.properties line 7: A->B: emit.offset-syncs.enabled=false while offset-syncs.topic.replication.factor is set: MM2 refuses to start the flow\'s ' +
        'MirrorSourceConnector ("can\'t setup offset-syncs feature"), so it replicates nothing; remove it.')
    expect(failure(AB + off + 'A->B.offset-syncs.topic.location = target\nA->B.offset-syncs-source-producer.acks = all\n').message)
      .toMatch(new RegExp('^mm2\\.properties line 7: A->B: emit\\.offset-syncs\\.enabled=false while ' +
        'A->B\\.offset-syncs\\.topic\\.location, A->B\\.offset-syncs-source-producer\\.acks are set:'))
    // Another flow's settings, and top-level names the connectors never see, are no concern of this flow.
    expect(() => parseMm2Properties(AB + off + 'B->A.offset-syncs.topic.location = source\noffset-syncs.topic.other = 1\n')).not.toThrow()
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
