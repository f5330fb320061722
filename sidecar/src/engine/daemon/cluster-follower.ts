// Follows what the sidecar reads on one cluster (docs/design.md §2.1): MM2's topics and the history
// topic read_uncommitted, as MM2 reads them (a reverse sync whose transaction was aborted is still
// seen by MM2's OffsetSyncStore, so it must count in our high-water mark too), and
// __consumer_offsets read_committed (a transactional commit that was aborted never happened).
// It keeps the cluster's health: `up`, whether it ever answered, and since when it has been failing,
// which readiness uses to go ahead without a cluster that never answers.
import { CONSUMER_OFFSETS_TOPIC } from '../../core/mm2/follow-plan.ts'
import { describeCluster } from '../../kafka/client-options.ts'
import { explainClientError, isAuthenticationFailure, tlsFailure } from '../../kafka/client-errors.ts'
import type { SidecarMetrics } from '../../metrics/registry.ts'
import type { Logger } from '../logger.ts'
import type { ClusterAdapters, RecordSet, TopicFollower } from '../ports.ts'

export interface ClusterFollowerOptions {
  alias: string
  adapters: ClusterAdapters
  /** The topics to follow on this cluster, __consumer_offsets included when group commits are followed. */
  topics: readonly string[]
  maxWaitMs: number
  retryDelayMs: number
  metrics: Pick<SidecarMetrics, 'up'>
  logger: Logger
  onRecords: (topic: string, partition: number, records: RecordSet) => void
  /** A followed topic the cluster refuses to let us read. */
  onUnauthorized: (topic: string) => void
  /** __consumer_offsets' partitions are dealt over the instances (coordination): none is read before assignCommits(). */
  shardedCommits?: boolean
  /** A partition of __consumer_offsets was read to the end it had when it was dealt to this instance. */
  onCommitPartitionCaughtUp?: (partition: number) => void
  /** One of the cluster's followers (MM2's topics, or __consumer_offsets) was read to its end: readiness checks again at once. */
  onCaughtUp?: () => void
  now?: () => number
}

export interface ClusterHealth {
  alias: string
  caughtUp: boolean
  everAnswered: boolean
  /** When the cluster started failing (or when following started, until it first answers); null while it answers. */
  failingSinceMs: number | null
}

export class ClusterFollower {
  readonly alias: string
  /** MM2's topics and the history topic. */
  readonly mm2Topics: TopicFollower
  private readonly commits: TopicFollower | null
  private readonly options: ClusterFollowerOptions
  private everAnswered = false
  private failingSinceMs: number | null
  private readonly now: () => number
  /** Since when __consumer_offsets is being read to its end (start, or the last share dealt), and what: for the log line once it is. */
  private commitsReading: { sinceMs: number, partitions: ReadonlySet<number> | null } | null

  constructor (options: ClusterFollowerOptions) {
    this.options = options
    this.alias = options.alias
    const now = options.now ?? Date.now
    this.now = now
    this.failingSinceMs = now()
    this.commitsReading = options.shardedCommits === true ? null : { sinceMs: now(), partitions: null }
    const { adapters, alias, metrics, logger, retryDelayMs } = options
    const handlers = {
      onRecords: (topic: string, partition: number, records: RecordSet) => { options.onRecords(topic, partition, records) },
      onError: (error: unknown) => {
        metrics.up.set({ kafka_cluster: alias }, 0)
        this.failingSinceMs ??= now()
        const message = explainClientError(error, adapters.client)
        // Wrong credentials or an untrusted certificate need the operator; an outage heals by itself.
        const level = isAuthenticationFailure(error) || tlsFailure(error) !== null ? 'error' : 'warn'
        const text = `cannot read from ${describeCluster(adapters.client)}: ${message}; retrying every ${retryDelayMs} ms`
        logger.once(`tailer-error:${alias}:${message}`, level, text, { cluster: alias })
      },
      onSuccess: () => {
        metrics.up.set({ kafka_cluster: alias }, 1)
        this.everAnswered = true
        this.failingSinceMs = null
      },
      onUnauthorized: (topic: string) => { options.onUnauthorized(topic) },
      onPartitionCaughtUp: (topic: string, partition: number) => {
        if (topic === CONSUMER_OFFSETS_TOPIC) options.onCommitPartitionCaughtUp?.(partition)
      },
      onCaughtUp: () => { options.onCaughtUp?.() }
    }
    const common = { maxWaitMs: options.maxWaitMs, retryDelayMs }
    const mm2Topics = options.topics.filter((topic) => topic !== CONSUMER_OFFSETS_TOPIC)
    this.mm2Topics = adapters.follower({ ...common, topics: mm2Topics, readCommitted: false }, handlers)
    const assigned = options.shardedCommits === true ? [CONSUMER_OFFSETS_TOPIC] : []
    this.commits = options.topics.includes(CONSUMER_OFFSETS_TOPIC)
      ? adapters.follower({ ...common, topics: [CONSUMER_OFFSETS_TOPIC], readCommitted: true, assigned }, {
        ...handlers,
        onCaughtUp: () => {
          this.logCommitsRead(now())
          handlers.onCaughtUp()
        }
      })
      : null
  }

  /** Reads only these partitions of __consumer_offsets (null: every one): this instance's share, and its counterpart's. */
  assignCommits (partitions: ReadonlySet<number> | null): void {
    this.commitsReading = { sinceMs: this.now(), partitions }
    this.commits?.assign(CONSUMER_OFFSETS_TOPIC, partitions)
  }

  /** Says when the partitions of __consumer_offsets to read (all, or the share dealt) were read to their end, and how long it took. */
  private logCommitsRead (nowMs: number): void {
    const reading = this.commitsReading
    this.commitsReading = null
    if (reading === null || reading.partitions?.size === 0) return
    const { alias, logger } = this.options
    const count = reading.partitions?.size ?? 0
    const which = reading.partitions === null ? 'every partition' : `the ${count} partition${count === 1 ? '' : 's'} followed for this instance's share`
    const seconds = (nowMs - reading.sinceMs) / 1000
    logger.info(`cluster ${alias}: ${CONSUMER_OFFSETS_TOPIC} read to its end (${which}) in ${seconds.toFixed(2)} s`, { cluster: alias, seconds })
  }

  /** True when a partition of __consumer_offsets is followed and was read to its end once. */
  isCommitPartitionCaughtUp (partition: number): boolean {
    return this.commits?.isPartitionCaughtUp(CONSUMER_OFFSETS_TOPIC, partition) ?? true
  }

  /** __consumer_offsets' partition count, undefined before the cluster answered. */
  commitPartitionCount (): number | undefined {
    return this.commits?.partitionCount(CONSUMER_OFFSETS_TOPIC)
  }

  start (): void {
    const { metrics, logger, alias, adapters, topics } = this.options
    metrics.up.set({ kafka_cluster: alias }, 0)
    logger.info(`following ${topics.length} topics on ${describeCluster(adapters.client)}`, { cluster: alias, topics })
    this.mm2Topics.start()
    this.commits?.start()
  }

  /** True once every followed topic was read to its end once. */
  isCaughtUp (): boolean {
    return this.mm2Topics.isCaughtUp() && this.commits?.isCaughtUp() !== false
  }

  /** True while MM2's topics are read again from their start (after an outage): syncs are replayed, not appended. */
  isReplaying (): boolean {
    return !this.mm2Topics.isCaughtUp()
  }

  health (): ClusterHealth {
    return { alias: this.alias, caughtUp: this.isCaughtUp(), everAnswered: this.everAnswered, failingSinceMs: this.failingSinceMs }
  }

  async close (): Promise<void> {
    await Promise.all([this.mm2Topics.close(), this.commits?.close()])
  }
}
