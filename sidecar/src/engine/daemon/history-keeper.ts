// Durable history of the translation index (docs/design.md §2.2) and of the proven pairs (§6.1):
// snapshots of changed partitions are written to the history topic on every cluster every flush
// interval; at startup the newest snapshot of each partition, from whichever cluster answers, seeds the
// index before MM2's own syncs are replayed, and the proven pairs (engine/ingest/sync-ingest.ts).
import type { HistoryRecord } from '../../core/codec/sync-history.ts'
import type { ProvenPairKey, ProvenPairs } from '../../core/exact/proven-pairs.ts'
import { compositeKey } from '../../core/keys.ts'
import type { SyncIndex } from '../../core/translation/sync-index.ts'
import { isMm2FailbackError } from '../../errors.ts'
import type { SidecarMetrics } from '../../metrics/registry.ts'
import type { Logger } from '../logger.ts'
import type { HistoryWriterPort } from '../ports.ts'

/** A partition whose snapshot of one kind is due. */
interface DirtyPartition extends ProvenPairKey {
  kind: HistoryRecord['kind']
}

const snapshotKey = (entry: DirtyPartition): string => compositeKey(entry.kind, entry.source, entry.target, entry.topic, entry.partition)

export interface HistoryKeeperOptions {
  index: SyncIndex
  /** The proven pairs of exact mode (§6.1), written beside the index's syncs; absent in conservative mode. */
  pairs?: ProvenPairs | null
  writers: readonly HistoryWriterPort[]
  flushIntervalMs: number
  metrics: Pick<SidecarMetrics, 'syncFailures'>
  logger: Logger
}

/** Writes snapshots of the partitions that changed, to every cluster, each on its own schedule of failures. */
export class HistoryKeeper {
  private readonly options: HistoryKeeperOptions
  /** Per cluster alias, the partitions (and of which kind) changed since that cluster's last successful write. */
  private readonly dirty = new Map<string, Map<string, DirtyPartition>>()
  private timer: NodeJS.Timeout | null = null
  private flushing: Promise<void> | null = null

  constructor (options: HistoryKeeperOptions) {
    this.options = options
    for (const writer of options.writers) this.dirty.set(writer.cluster.alias, new Map())
  }

  markDirty (source: string, target: string, topic: string, partition: number): void {
    this.mark({ kind: 'syncs', source, target, topic, partition })
  }

  /** The proven pairs of a partition changed (a pair was proven, or one was dropped). */
  markPairsDirty (key: ProvenPairKey): void {
    if (this.options.pairs === undefined || this.options.pairs === null) return
    this.mark({ kind: 'proven-pairs', source: key.source, target: key.target, topic: key.topic, partition: key.partition })
  }

  /** Marks every partition of the index and of the proven pairs, e.g. after seeding them, so both clusters get a full copy. */
  markAllDirty (): void {
    for (const flow of this.options.index.flows()) {
      for (const history of flow.histories()) this.markDirty(flow.sourceClusterAlias, flow.targetClusterAlias, history.topic, history.partition)
    }
    for (const { key } of this.options.pairs?.entries() ?? []) this.markPairsDirty(key)
  }

  private mark (entry: DirtyPartition): void {
    const key = snapshotKey(entry)
    for (const partitions of this.dirty.values()) partitions.set(key, entry)
  }

  start (): void {
    this.timer = setInterval(() => { this.flushInBackground() }, this.options.flushIntervalMs)
    this.timer.unref()
  }

  async flush (): Promise<void> {
    if (this.flushing !== null) return await this.flushing
    this.flushing = this.writeAll().finally(() => { this.flushing = null })
    await this.flushing
  }

  private flushInBackground (): void {
    this.flush().catch((error: unknown) => {
      this.options.logger.error(`history flush failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`)
    })
  }

  private async writeAll (): Promise<void> {
    const { writers, metrics, logger } = this.options
    await Promise.all(writers.map(async (writer) => {
      const partitions = this.dirty.get(writer.cluster.alias)!
      if (partitions.size === 0) return
      const taken = [...partitions.entries()]
      partitions.clear()
      const snapshots: HistoryRecord[] = []
      for (const [, entry] of taken) {
        const snapshot = this.snapshot(entry)
        if (snapshot !== undefined) snapshots.push(snapshot)
      }
      try {
        await writer.write(snapshots)
      } catch (error) {
        // Keep them dirty for this cluster: the next flush retries, newer state first.
        for (const [key, entry] of taken) if (!partitions.has(key)) partitions.set(key, entry)
        metrics.syncFailures.inc({ kafka_cluster: writer.cluster.alias, operation: 'history', code: isMm2FailbackError(error) ? error.code : 'MM2_INTERNAL' })
        const message = error instanceof Error ? error.message : String(error)
        logger.once(`history:${writer.cluster.alias}:${message}`, 'warn', `${message}; retrying every ${this.options.flushIntervalMs} ms`, {
          cluster: writer.cluster.alias,
          topic: writer.topic
        })
      }
    }))
  }

  /** The current snapshot of a partition: its retained syncs, or its proven pairs (none left is a snapshot too). */
  private snapshot (entry: DirtyPartition): HistoryRecord | undefined {
    const key = { sourceClusterAlias: entry.source, targetClusterAlias: entry.target, topic: entry.topic, partition: entry.partition }
    if (entry.kind === 'proven-pairs') {
      const pairs = this.options.pairs?.pairsOf(entry)
      return pairs === undefined ? undefined : { kind: 'proven-pairs', ...key, pairs: pairs.map((pair) => ({ ...pair })) }
    }
    const history = this.options.index.findFlow(entry.source, entry.target)?.find(entry.topic, entry.partition)
    return history === undefined ? undefined : { kind: 'syncs', ...key, syncs: [...history.syncs()] }
  }

  async stop (): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer)
    await this.flush().catch(() => {})
    await Promise.all(this.options.writers.map(async (writer) => { await writer.close() }))
  }
}
