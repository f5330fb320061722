import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadMm2Config } from '../../../sidecar/src/config/load-mm2.ts'
import { enabledFlows, remoteTopicName } from '../../../sidecar/src/core/mm2/flows.ts'
import { reveal, type Secret } from '../../../sidecar/src/core/mm2/secret.ts'
import { isMm2FailbackError } from '../../../sidecar/src/errors.ts'

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/mm2-properties/${name}`, import.meta.url))

async function loadError (path: string): Promise<unknown> {
  try {
    await loadMm2Config(path)
  } catch (error) {
    return error
  }
  throw new Error('expected an error')
}

describe('fixtures', () => {
  it('dr-active-passive: one flow, SASL_SSL everywhere, syncs on the target', async () => {
    const config = await loadMm2Config(fixture('dr-active-passive.properties'))
    expect(config.source).toBe(fixture('dr-active-passive.properties'))
    expect(config.warnings).toEqual([])
    const [primary, backup] = config.clusters
    expect(primary?.bootstrapServers).toHaveLength(3)
    expect(backup?.bootstrapServers).toEqual(['kafka-b-1.example.com:9094', 'kafka-b-2.example.com:9094'])
    expect([primary?.securityProtocol, backup?.saslMechanism]).toEqual(['SASL_SSL', 'SCRAM-SHA-512'])
    expect(reveal(primary?.clients.consumer['sasl.jaas.config'] as Secret))
      .toBe('org.apache.kafka.common.security.scram.ScramLoginModule required username="mm2-primary" password="Pr1mary-Pa55";')
    expect(reveal(backup?.clients.admin['ssl.truststore.password'] as Secret)).toBe('truststore-Secret-1')
    expect(backup?.clients.producer['batch.size']).toBe('262144')
    expect(primary?.clients.consumer['max.poll.records']).toBe('2000')
    const flows = enabledFlows(config)
    expect(flows.map((flow) => flow.name)).toEqual(['primary->backup'])
    const flow = flows[0]
    expect(flow?.internalTopics.offsetSyncs).toEqual({ topic: 'mm2-offset-syncs.primary.internal', cluster: 'backup', location: 'target' })
    expect(flow?.topics.matches('inventory.eu')).toBe(true)
    expect(flow?.topics.matches('inventoryXeu')).toBe(false)
    expect([flow?.syncGroupOffsetsEnabled, flow?.syncGroupOffsetsIntervalSeconds]).toEqual([true, 10])
    expect(config.properties.get('dedicated.mode.enable.internal.rest')?.value).toBe('true')
    expect(JSON.stringify(config)).not.toMatch(/Pa55|truststore-Secret/)
  })

  it('bidirectional-custom-separator: "_" for remote topics, "." for internal ones (KIP-949)', async () => {
    const config = await loadMm2Config(fixture('bidirectional-custom-separator.properties'))
    const [eastWest, westEast] = enabledFlows(config)
    expect(config.replicationPolicy).toMatchObject({ separator: '_', internalTopicSeparatorEnabled: false })
    expect(eastWest && remoteTopicName(eastWest, 'orders')).toBe('east_orders')
    expect(eastWest?.internalTopics.checkpoints).toEqual({ topic: 'east.checkpoints.internal', cluster: 'west' })
    expect(westEast?.internalTopics.offsetSyncs).toEqual({ topic: 'mm2-offset-syncs.east.internal', cluster: 'west', location: 'source' })
    expect(westEast?.topics.excludeKey).toBe('west->east.topics.blacklist')
    expect(westEast?.groups.matches('healthcheck-1')).toBe(false)
    expect(config.clusters[1]?.bootstrapServers).toEqual(['west-kafka-0:9092', 'west-kafka-1:9092'])
    expect(config.warnings).toHaveLength(1)
  })

  it('identity-migration: names unchanged, heartbeats off, an unused cluster only warned about', async () => {
    const config = await loadMm2Config(fixture('identity-migration.properties'))
    const flow = enabledFlows(config)[0]
    expect(flow?.replicationPolicy.kind).toBe('identity')
    expect(flow && remoteTopicName(flow, 'orders')).toBe('orders')
    expect(flow?.emitHeartbeatsEnabled).toBe(false)
    expect(flow?.topics.matches('_schemas')).toBe(false)
    expect(config.clusters.map((cluster) => cluster.alias)).toEqual(['legacy', 'modern', 'analytics'])
    expect(config.warnings).toEqual([`${fixture('identity-migration.properties')}: analytics.bootstrap.servers is required: cluster "analytics" is listed in clusters but has no bootstrap servers.`])
  })
})

describe('reading the file', () => {
  let dir = ''
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'mm2-failback-load-')) })
  afterAll(async () => { await rm(dir, { recursive: true, force: true }) })

  it('names the file when it is missing', async () => {
    const path = join(dir, 'nope.properties')
    const error = await loadError(path)
    expect(isMm2FailbackError(error, 'MM2_CONFIG_INVALID')).toBe(true)
    expect((error as Error).message).toBe(`cannot read MirrorMaker 2 config ${path}: no such file (ENOENT).`)
  })

  it('names the file when it is a directory', async () => {
    expect((await loadError(dir) as Error).message).toBe(`cannot read MirrorMaker 2 config ${dir}: it is a directory (EISDIR).`)
  })

  it('decodes ISO-8859-1 as MM2 does', async () => {
    const path = join(dir, 'latin1.properties')
    await writeFile(path, Buffer.concat([Buffer.from('clusters = A, B\nA.bootstrap.servers = a:9092\nB.bootstrap.servers = b:9092\nA->B.enabled = true\nnote = caf'), Buffer.from([0xe9]), Buffer.from('\n')]))
    expect((await loadMm2Config(path)).properties.get('note')?.value).toBe('café')
  })

  it('reports a bad file with its path and line', async () => {
    const path = join(dir, 'bad.properties')
    await writeFile(path, '# mm2\n\nclusters =\n')
    expect((await loadError(path) as Error).message).toBe(`${path} line 3: clusters must list at least one alias (got "").`)
  })
})
