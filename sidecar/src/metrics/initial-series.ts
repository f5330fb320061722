// Event counters exported at zero from startup. prom-client creates a labelled series on its first
// inc(), so a counter whose event has not happened yet has no series at all: a dashboard shows "No
// data" instead of 0, and rate() or absent() cannot tell "none happened" from "not exported". The
// Prometheus instrumentation practice is to initialise every label combination known in advance.
// This module holds the label values that are genuinely enumerable (reasons, operations) and does
// the initialisation; which clusters, flows and record types exist comes from the configuration
// (engine/daemon/known-series.ts). Open-ended values (error codes, groups, partitions) are never invented: a
// series carrying one appears with the first event.
import { ERROR_CODES, isMm2FailbackError } from '../errors.ts'
import type { SidecarMetrics } from './registry.ts'

/** Why a reverse offset sync is not written: not-newer = at or below one already in the topic (MM2 would read it as a rewind). */
export const REVERSE_SYNC_SKIP_REASONS = ['not-newer'] as const
export type ReverseSyncSkipReason = (typeof REVERSE_SYNC_SKIP_REASONS)[number]

/** The writes (and the lag read) whose failures sync_failures_total counts, by `operation` label. */
export const SYNC_FAILURE_OPERATIONS = ['reverse-sync-claim', 'reverse-sync', 'describe-group', 'commit', 'history', 'lag', 'coordination'] as const
export type SyncFailureOperation = (typeof SYNC_FAILURE_OPERATIONS)[number]

/** Why an exact proof fell back to the conservative translation (exact_fallbacks_total's `reason`); docs/design.md §6.1. */
export const EXACT_FALLBACK_REASONS = ['not-copied', 'mismatch', 'ambiguous', 'cap-exceeded', 'incomplete', 'empty-window', 'read-failed', 'below-mm2'] as const
export type ExactFallbackReason = (typeof EXACT_FALLBACK_REASONS)[number]

/** How a position was proven (exact_proofs_total's `method`). */
export const EXACT_PROOF_METHODS = ['at-anchor', 'quick', 'walk'] as const

/** The `reason` label of records_skipped_total for an error thrown while decoding or indexing a record. */
export function recordSkipReason (error: unknown): string {
  return isMm2FailbackError(error) ? error.code.replace(/^MM2_/, '').toLowerCase() : 'internal'
}

/** The reasons a record is skipped for: every decode error code (MM2_DECODE_TRUNCATED -> decode_truncated, ...), and `internal` for anything else thrown. */
export const RECORD_SKIP_REASONS: readonly string[] = [
  ...Object.keys(ERROR_CODES).filter((code) => code.startsWith('MM2_DECODE_')).map((code) => code.replace(/^MM2_/, '').toLowerCase()),
  'internal'
]

/** The label values a sidecar knows at startup, from its configuration. */
export interface KnownLabelValues {
  /** Flows ("A->B") whose reverse offset syncs this sidecar writes. */
  readonly reverseSyncFlows: readonly string[]
  /** The topics followed on each cluster, with the type of their records. */
  readonly recordTypes: ReadonlyArray<{ readonly cluster: string, readonly topic: string, readonly recordType: string }>
  /** The operations this sidecar performs on each cluster. */
  readonly operations: ReadonlyArray<{ readonly cluster: string, readonly operation: SyncFailureOperation }>
  /** Flows ("A->B") whose group commits are proven exactly (empty when translation.mode is conservative). */
  readonly exactFlows?: readonly string[]
}

/**
 * Exports reverse_syncs_written_total per flow, reverse_syncs_skipped_total per flow and reason, records_skipped_total per cluster, topic,
 * record type and reason, and sync_failures_total per cluster and operation, at 0. The failure series carry
 * no `code` (an error code is known only once a write failed; the failed write's series carries it),
 * so `sum by (kafka_cluster, operation)` and `rate()` see 0 rather than nothing. Idempotent: adding 0 never
 * changes a series that already counted events.
 */
export function initialiseSeries (metrics: SidecarMetrics, known: KnownLabelValues): void {
  for (const flow of known.reverseSyncFlows) {
    metrics.reverseSyncsWritten.inc({ flow }, 0)
    for (const reason of REVERSE_SYNC_SKIP_REASONS) metrics.reverseSyncsSkipped.inc({ flow, reason }, 0)
  }
  for (const { cluster, topic, recordType } of known.recordTypes) {
    for (const reason of RECORD_SKIP_REASONS) metrics.recordsSkipped.inc({ kafka_cluster: cluster, topic, record_type: recordType, reason }, 0)
  }
  for (const { cluster, operation } of known.operations) metrics.syncFailures.inc({ kafka_cluster: cluster, operation }, 0)
  for (const flow of known.exactFlows ?? []) {
    for (const direction of ['forward', 'reverse']) {
      for (const reason of EXACT_FALLBACK_REASONS) metrics.exactFallbacks.inc({ flow, direction, reason }, 0)
      for (const method of EXACT_PROOF_METHODS) metrics.exactProofs.inc({ flow, direction, method }, 0)
      metrics.exactProofRecordsRead.inc({ flow, direction }, 0)
      metrics.exactProofFetches.inc({ flow, direction }, 0)
      metrics.exactProofReadRecords.zero({ flow, direction })
    }
  }
}
