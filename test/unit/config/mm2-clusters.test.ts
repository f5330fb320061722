// Cases marked "MM2:" rewrite apache/kafka's MirrorMakerConfigTest for this model.
// "${provider:path:key}" strings below are MM2 config-provider references, not template literals.
/* eslint no-template-curly-in-string: "off" */
import { describe, expect, it } from 'vitest'
import { parseMm2Properties } from '../../../sidecar/src/config/mm2-properties.ts'
import { remoteTopicName } from '../../../sidecar/src/core/mm2/flows.ts'
import { reveal, Secret } from '../../../sidecar/src/core/mm2/secret.ts'
import { lines, AB, flow, failure } from './mm2-builders.ts'

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
    const text = lines('clusters = a, b', 'a.bootstrap.servers = a:9092', 'b.bootstrap.servers = b:9092', 'security.protocol = abc', 'a->b.enabled = true')
    expect(failure(text).message)
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
