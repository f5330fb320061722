// Emits the reverse offset syncs of one flow S->T into the offset-syncs topic of flow T->S
// (core/sync/reverse-syncs.ts says why). Activation order is what keeps the topic monotonic:
//   1. claim the topic (transactional fencing: an earlier writer's open transaction is aborted and
//      its later writes fail);
//   2. read the topic up to its end, so the high-water mark covers every reverse sync in it;
//   3. backfill from the index whatever is above the mark, then follow new syncs as they arrive.
import type { OffsetSync } from '../../core/codec/offset-sync.ts'
import type { ReplicationPolicy } from '../../core/naming/replication-policy.ts'
import { invertSync, type ReverseSyncHighWater } from '../../core/sync/reverse-syncs.ts'
import type { FlowSyncIndex } from '../../core/translation/flow-sync-index.ts'
import { isMm2FailbackError } from '../../errors.ts'
import type { ReverseSyncSkipReason } from '../../metrics/initial-series.ts'
import type { SidecarMetrics } from '../../metrics/registry.ts'
import type { Logger } from '../logger.ts'
import type { ReverseSyncWriterPort } from '../ports.ts'
import { partitionKey } from '../../core/keys.ts'

export interface ReverseSyncEmitterOptions {
  /** "S->T", the flow whose syncs are inverted. */
  flowName: string
  sourceAlias: string
  policy: ReplicationPolicy
  index: FlowSyncIndex
  highWater: ReverseSyncHighWater
  writer: ReverseSyncWriterPort
  /** Resolves when the destination topic has been read to its current end. */
  readToEnd: () => Promise<void>
  metrics: Pick<SidecarMetrics, 'reverseSyncsSkipped' | 'reverseSyncsWritten' | 'syncFailures'>
  logger: Logger
  batchSize?: number
  retryDelayMs?: number
}

/** Syncs kept while inactive (the newest): enough for the proven pairs of a thousand groups' partitions. */
const MAX_INACTIVE_QUEUE = 100_000

export class ReverseSyncEmitter {
  private readonly options: ReverseSyncEmitterOptions
  private queue: OffsetSync[] = []
  private active = false
  private stopped = false
  private flushing: Promise<void> | null = null
  private retryTimer: NodeJS.Timeout | null = null
  /** Bumped by deactivate(): an activation still under way when it happens does not go active. */
  private epoch = 0

  constructor (options: ReverseSyncEmitterOptions) {
    this.options = options
  }

  get isActive (): boolean {
    return this.active
  }

  /** True once another instance took the destination over: this emitter writes nothing more and must not claim it back. */
  get isFenced (): boolean {
    return this.options.writer.isFenced
  }

  /** Claims the destination, reads it to its end and backfills; retried by the caller on failure. */
  async activate (): Promise<void> {
    const { writer, logger, flowName } = this.options
    const epoch = this.epoch
    await writer.claim()
    await this.options.readToEnd()
    if (epoch !== this.epoch || this.stopped) return
    const backlog: OffsetSync[] = []
    for (const history of this.options.index.histories()) {
      for (const pair of history.syncs()) {
        backlog.push({ topic: history.topic, partition: history.partition, upstreamOffset: pair.upstreamOffset, downstreamOffset: pair.downstreamOffset })
      }
    }
    this.queue = backlog.concat(this.queue)
    this.active = true
    logger.info(`reverse offset syncs of flow ${flowName} active: writing to ${writer.topic} on cluster ${writer.cluster.alias}`, { flow: flowName, topic: writer.topic, cluster: writer.cluster.alias, backlog: backlog.length })
    await this.flush()
  }

  /**
   * Stops writing (another instance was elected): nothing queued is written, an activation under way
   * is dropped. The next activate() claims the destination again, fencing whoever wrote meanwhile.
   */
  async deactivate (): Promise<void> {
    this.epoch++
    this.active = false
    await this.flushing?.catch(() => {})
  }

  /** A new sync of the flow (MM2's, in the index, or a proven pair, which is not in the index). */
  onSync (sync: OffsetSync): void {
    if (this.stopped) return
    // Inactive (a standby), the newest syncs are kept for the activation, which backfills the index's too;
    // bounded, so that an instance that never writes does not grow.
    if (!this.active && this.queue.length >= MAX_INACTIVE_QUEUE) this.queue.shift()
    this.queue.push(sync)
    if (this.active && this.flushing === null && this.retryTimer === null) this.flushInBackground()
  }

  async flush (): Promise<void> {
    if (this.flushing !== null) return await this.flushing
    this.flushing = this.drain().finally(() => { this.flushing = null })
    await this.flushing
    // Syncs that arrived while a write was in flight.
    if (this.active && this.queue.length > 0 && this.retryTimer === null && !this.stopped) await this.flush()
  }

  private async drain (): Promise<void> {
    const { writer, highWater, metrics, logger, flowName, policy, sourceAlias } = this.options
    const batchSize = this.options.batchSize ?? 500
    while (this.active && this.queue.length > 0 && !this.stopped) {
      const taken = this.queue.splice(0, batchSize)
      const batch: OffsetSync[] = []
      // The mark is advanced per record as the batch is built, so one batch holds strictly increasing offsets per partition.
      const pendingMarks = new Map<string, bigint>()
      for (const sync of taken) {
        const reverse = invertSync(sync, sourceAlias, policy)
        const key = partitionKey(reverse.topic, reverse.partition)
        const pending = pendingMarks.get(key)
        if (!highWater.admits(reverse) || (pending !== undefined && reverse.upstreamOffset <= pending)) {
          metrics.reverseSyncsSkipped.inc({ flow: flowName, reason: 'not-newer' satisfies ReverseSyncSkipReason })
          continue
        }
        pendingMarks.set(key, reverse.upstreamOffset)
        batch.push(reverse)
      }
      if (batch.length === 0) continue
      try {
        await writer.write(batch)
        for (const reverse of batch) highWater.observe(reverse)
        metrics.reverseSyncsWritten.inc({ flow: flowName }, batch.length)
      } catch (error) {
        // The batch may have reached the log (and MM2 reads aborted records too): count it as
        // written, so that nothing at or below it is ever written after it. The syncs still queued
        // are newer and go out on the retry; a lost sync only costs precision, never correctness.
        for (const reverse of batch) highWater.observe(reverse)
        const code = isMm2FailbackError(error) ? error.code : 'MM2_INTERNAL'
        metrics.syncFailures.inc({ kafka_cluster: writer.cluster.alias, operation: 'reverse-sync', code })
        if (writer.isFenced) {
          this.active = false
          this.queue = []
          logger.warn(error instanceof Error ? error.message : String(error), { flow: flowName, cluster: writer.cluster.alias, topic: writer.topic })
          return
        }
        // Once per distinct failure: the batch size in the message would make every retry a new one.
        logger.once(`reverse-sync-failure:${flowName}:${(error instanceof Error ? error.message : String(error)).replace(/^writing \d+ /, 'writing N ')}`, 'warn', `writing reverse offset syncs of flow ${flowName} failed; retrying: ${error instanceof Error ? error.message : String(error)}`, { flow: flowName, cluster: writer.cluster.alias, topic: writer.topic })
        this.scheduleRetry()
        return
      }
    }
  }

  /** drain() reports its own failures; anything escaping it is a bug worth a log line, not a crash. */
  private flushInBackground (): void {
    this.flush().catch((error: unknown) => {
      this.options.logger.error(`reverse offset syncs of flow ${this.options.flowName}: ${error instanceof Error ? error.message : String(error)}`)
    })
  }

  private scheduleRetry (): void {
    if (this.retryTimer !== null || this.stopped) return
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      this.flushInBackground()
    }, this.options.retryDelayMs ?? 2000)
    this.retryTimer.unref()
  }

  async stop (): Promise<void> {
    this.stopped = true
    if (this.retryTimer !== null) clearTimeout(this.retryTimer)
    await this.flushing?.catch(() => {})
    await this.options.writer.close()
  }
}
