// Event counters are exported at 0 for every label combination known in advance, so that dashboards
// show 0 instead of "No data" and rate() has a series before the first event.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ERROR_CODES, Mm2FailbackError } from '../../../sidecar/src/errors.ts'
import {
  initialiseSeries, recordSkipReason, RECORD_SKIP_REASONS, REVERSE_SYNC_SKIP_REASONS, SYNC_FAILURE_OPERATIONS
} from '../../../sidecar/src/metrics/initial-series.ts'
import { createMetrics } from '../../../sidecar/src/metrics/registry.ts'

const SRC = new URL('../../../sidecar/src/', import.meta.url).pathname

/** `name{labels} value` lines of one metric in the exposition text. */
function series (text: string, name: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(`${name}{`))
}

function sources (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => entry.isDirectory()
    ? sources(join(dir, entry.name))
    : entry.name.endsWith('.ts') ? [readFileSync(join(dir, entry.name), 'utf8')] : [])
}

describe('initialiseSeries', () => {
  it('exports the known series of the event counters at 0', async () => {
    const metrics = createMetrics()
    initialiseSeries(metrics, {
      reverseSyncFlows: ['A->B'],
      recordTypes: [{ cluster: 'A', topic: 'heartbeats', recordType: 'heartbeat' }],
      operations: [{ cluster: 'B', operation: 'commit' }]
    })
    const text = await metrics.registry.metrics()
    expect(series(text, 'mm2_failback_reverse_syncs_written_total')).toEqual(['mm2_failback_reverse_syncs_written_total{flow="A->B"} 0'])
    expect(series(text, 'mm2_failback_reverse_syncs_skipped_total')).toEqual(['mm2_failback_reverse_syncs_skipped_total{flow="A->B",reason="not-newer"} 0'])
    expect(series(text, 'mm2_failback_sync_failures_total')).toEqual(['mm2_failback_sync_failures_total{kafka_cluster="B",operation="commit"} 0'])
    expect(series(text, 'mm2_failback_records_skipped_total')).toEqual(RECORD_SKIP_REASONS.map((reason) => `mm2_failback_records_skipped_total{kafka_cluster="A",topic="heartbeats",record_type="heartbeat",reason="${reason}"} 0`))
  })

  it('is idempotent, and events count on the same series (failures add their code)', async () => {
    const metrics = createMetrics()
    const known = {
      reverseSyncFlows: ['A->B'],
      recordTypes: [{ cluster: 'A', topic: 'heartbeats', recordType: 'heartbeat' }],
      operations: [{ cluster: 'B', operation: 'commit' as const }]
    }
    initialiseSeries(metrics, known)
    metrics.reverseSyncsSkipped.inc({ flow: 'A->B', reason: 'not-newer' }, 3)
    const reason = recordSkipReason(new Mm2FailbackError('MM2_DECODE_TRUNCATED', 'short'))
    metrics.recordsSkipped.inc({ kafka_cluster: 'A', topic: 'heartbeats', record_type: 'heartbeat', reason })
    metrics.syncFailures.inc({ kafka_cluster: 'B', operation: 'commit', code: 'MM2_CLUSTER_UNREACHABLE' })
    initialiseSeries(metrics, known)
    const text = await metrics.registry.metrics()
    expect(series(text, 'mm2_failback_reverse_syncs_skipped_total')).toEqual(['mm2_failback_reverse_syncs_skipped_total{flow="A->B",reason="not-newer"} 3'])
    expect(series(text, 'mm2_failback_records_skipped_total')).toContain('mm2_failback_records_skipped_total{kafka_cluster="A",topic="heartbeats",record_type="heartbeat",reason="decode_truncated"} 1')
    expect(series(text, 'mm2_failback_records_skipped_total')).toHaveLength(RECORD_SKIP_REASONS.length)
    expect(series(text, 'mm2_failback_sync_failures_total')).toEqual([
      'mm2_failback_sync_failures_total{kafka_cluster="B",operation="commit"} 0',
      'mm2_failback_sync_failures_total{kafka_cluster="B",operation="commit",code="MM2_CLUSTER_UNREACHABLE"} 1'
    ])
  })

  it('record skip reasons are the decode error codes and `internal`, as recordSkipReason spells them', () => {
    const decodeCodes = Object.keys(ERROR_CODES).filter((code) => code.startsWith('MM2_DECODE_')) as Array<keyof typeof ERROR_CODES>
    expect(decodeCodes.length).toBeGreaterThan(3)
    expect([...RECORD_SKIP_REASONS].sort()).toEqual([...decodeCodes.map((code) => recordSkipReason(new Mm2FailbackError(code, 'x'))), 'internal'].sort())
    expect(recordSkipReason(new Mm2FailbackError('MM2_DECODE_BAD_LENGTH', 'x'))).toBe('decode_bad_length')
    expect(recordSkipReason(new RangeError('out of range'))).toBe('internal')
  })

  it('the enumerations name every operation and reverse-sync skip reason the sidecar counts', () => {
    const text = sources(SRC).join('\n')
    const operations = new Set([...text.matchAll(/operation: '([a-z-]+)'/g)].map((match) => match[1]))
    for (const match of text.matchAll(/this\.fail\([^,]+, [^,]+, '([a-z-]+)'/g)) operations.add(match[1])
    expect(operations.size).toBeGreaterThan(3)
    for (const operation of operations) expect(SYNC_FAILURE_OPERATIONS).toContain(operation)
    const reasons = [...text.matchAll(/reverseSyncsSkipped\.inc\(\{[^}]*reason: '([a-z-]+)'/g)].map((match) => match[1])
    expect(reasons.length).toBeGreaterThan(0)
    for (const reason of reasons) expect(REVERSE_SYNC_SKIP_REASONS).toContain(reason)
  })
})
