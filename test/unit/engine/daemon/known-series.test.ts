// A daemon exports its event counters at 0 from the moment it is built, for the label values its
// configuration determines: flows whose reverse syncs it writes, topics and record types followed per
// cluster, operations per cluster. Nothing here connects to Kafka (fake adapters, and the constructor
// does no I/O).
import { describe, expect, it } from 'vitest'
import { parseMm2Properties } from '../../../../sidecar/src/config/mm2-properties.ts'
import { defaultConfig, type SidecarConfig } from '../../../../sidecar/src/config/schema.ts'
import { createLogger } from '../../../../sidecar/src/engine/logger.ts'
import { Daemon } from '../../../../sidecar/src/engine/daemon/daemon.ts'
import { RECORD_SKIP_REASONS } from '../../../../sidecar/src/metrics/initial-series.ts'
import { createMetrics } from '../../../../sidecar/src/metrics/registry.ts'
import { fakeClusters } from '../fakes.ts'

const TWO_WAY = [
  'clusters = A, B',
  'A.bootstrap.servers = 127.0.0.1:1',
  'B.bootstrap.servers = 127.0.0.1:2',
  'A->B.enabled = true',
  'B->A.enabled = true'
].join('\n')

const ONE_WAY = [
  'clusters = primary, backup',
  'primary.bootstrap.servers = 127.0.0.1:1',
  'backup.bootstrap.servers = 127.0.0.1:2',
  'primary->backup.enabled = true',
  'primary->backup.offset-syncs.topic.location = target',
  'backup->primary.enabled = false'
].join('\n')

/** The zero series of the three event counters a freshly built sidecar exports, as `labels` strings. */
async function zeroSeries (
  properties: string,
  configure: (config: SidecarConfig) => void = () => {}
): Promise<Record<'reverseWritten' | 'reverseSkipped' | 'failures' | 'recordsSkipped', string[]>> {
  const config = defaultConfig()
  configure(config)
  const metrics = createMetrics()
  const daemon = new Daemon({
    mm2: parseMm2Properties(properties),
    config,
    metrics,
    logger: createLogger({ level: 'error', write: () => {} }),
    adapters: fakeClusters().factory
  })
  expect(daemon.isReady).toBe(false)
  const text = await metrics.registry.metrics()
  const labels = (name: string): string[] => text.split('\n').filter((line) => line.startsWith(`mm2_failback_${name}{`)).map((line) => {
    expect(line.endsWith('} 0'), line).toBe(true)
    return line.slice(line.indexOf('{') + 1, -3)
  })
  return {
    reverseWritten: labels('reverse_syncs_written_total'),
    reverseSkipped: labels('reverse_syncs_skipped_total'),
    failures: labels('sync_failures_total'),
    recordsSkipped: labels('records_skipped_total')
  }
}

describe('Daemon: event counters at zero from startup', () => {
  it('two-way A<->B with every feature: reverse syncs written and skipped per flow, failures per cluster and operation, records skipped per followed record type', async () => {
    const { reverseWritten, reverseSkipped, failures, recordsSkipped } = await zeroSeries(TWO_WAY)
    expect(reverseWritten.sort()).toEqual(['flow="A->B"', 'flow="B->A"'])
    expect(reverseSkipped.sort()).toEqual(['flow="A->B",reason="not-newer"', 'flow="B->A",reason="not-newer"'])
    // Reverse syncs of A->B go to flow B->A's offset-syncs topic, on B (its source) by default.
    // coordination: the deployment's group on each cluster (writer election and group-sync shares).
    const operations = ['describe-group', 'commit', 'coordination', 'history', 'lag']
    expect(failures.sort()).toEqual([
      ...['A', 'B'].flatMap((cluster) => [...operations, 'reverse-sync-claim', 'reverse-sync']
        .map((operation) => `kafka_cluster="${cluster}",operation="${operation}"`))
    ].sort())
    // On each cluster: one flow's offset syncs (at its source), the other's checkpoints and replicated heartbeats, group commits, history.
    const followed = (cluster: string, other: string): Array<[string, string]> => [
      [`mm2-offset-syncs.${other}.internal`, 'offset-sync'],
      [`${other}.checkpoints.internal`, 'checkpoint'],
      [`${other}.heartbeats`, 'heartbeat'],
      ['__consumer_offsets', 'consumer-offsets'],
      ['mm2-failback.history.internal', 'history']
    ]
    const expected = [['A', 'B'], ['B', 'A']].flatMap(([cluster, other]) => followed(cluster!, other!).flatMap(([topic, type]) =>
      RECORD_SKIP_REASONS.map((reason) => `kafka_cluster="${cluster}",topic="${topic}",record_type="${type}",reason="${reason}"`)))
    expect(recordsSkipped.sort()).toEqual(expected.sort())
  })

  it('one-way primary->backup: no reverse syncs (MM2 would not read them), only what is followed and done', async () => {
    const { reverseWritten, reverseSkipped, failures, recordsSkipped } = await zeroSeries(ONE_WAY, (config) => {
      config.features.history = false
      config.features.lag = false
    })
    expect(reverseWritten).toEqual([])
    expect(reverseSkipped).toEqual([])
    const failureSeries = (cluster: string): string[] =>
      ['commit', 'coordination', 'describe-group'].map((operation) => `kafka_cluster="${cluster}",operation="${operation}"`)
    expect(failures.sort()).toEqual(['backup', 'primary'].flatMap(failureSeries).sort())
    const types = new Set(recordsSkipped.map((labels) => labels.replace(/,reason="[^"]*"$/, '')))
    // offset-syncs.topic.location = target: the flow's offset syncs, checkpoints and replicated heartbeats are all on backup.
    expect([...types].sort()).toEqual([
      'kafka_cluster="backup",topic="__consumer_offsets",record_type="consumer-offsets"',
      'kafka_cluster="backup",topic="mm2-offset-syncs.primary.internal",record_type="offset-sync"',
      'kafka_cluster="backup",topic="primary.checkpoints.internal",record_type="checkpoint"',
      'kafka_cluster="backup",topic="primary.heartbeats",record_type="heartbeat"',
      'kafka_cluster="primary",topic="__consumer_offsets",record_type="consumer-offsets"'
    ])
  })

  it('with reverse syncs and group sync off, no failure series for them', async () => {
    const { reverseWritten, reverseSkipped, failures } = await zeroSeries(TWO_WAY, (config) => {
      config.features.reverseSyncs = false
      config.features.groupSync = false
    })
    expect(reverseWritten).toEqual([])
    expect(reverseSkipped).toEqual([])
    expect(failures.sort())
      .toEqual(['A', 'B'].flatMap((cluster) => [`kafka_cluster="${cluster}",operation="history"`, `kafka_cluster="${cluster}",operation="lag"`]).sort())
  })
})
