// Follows every partition of a set of topics on one cluster from a start position, without joining a
// consumer group (plain Fetch requests, so MM2's group filters and the cluster's group list never see
// the sidecar), and reports when each partition has been read to the high watermark it had when the
// tailer first saw it: the readiness gate of docs/design.md §2.1. Topics that do not exist yet count as read
// and are picked up when they appear.
import { partitionKey } from '../core/keys.ts'
import { toConsumerOptions, type ClusterClientOptions } from './client-options.ts'
import { RawConsumer, type FetchedPartitionSet, type RawClusterMetadata } from './raw-consumer.ts'
import type { RecordSet } from './record-set.ts'
import { WakeableDelay } from './wakeable-delay.ts'

export type StartPosition = 'earliest' | 'latest'

export interface PartitionProgress {
  highWatermark: bigint
  logStartOffset: bigint
}

export interface TailerHandlers {
  /** Called with the records of one partition, to walk in offset order; it must not throw (decode errors are the caller's to count). */
  onRecords: (topic: string, partition: number, records: RecordSet, progress: PartitionProgress) => void
  /** Called when a fetch round fails as a whole (cluster unreachable, authorization); the tailer retries by itself. */
  onError?: (error: unknown) => void
  /** Called after every successful fetch round (the cluster answered). */
  onSuccess?: () => void
  /** Called once per topic the cluster refuses to let us read (TOPIC_AUTHORIZATION_FAILED); the tailer stops following it. */
  onUnauthorized?: (topic: string) => void
  /** Called when a partition was read to the end it had when the tailer started following it. */
  onPartitionCaughtUp?: (topic: string, partition: number) => void
  /** Called when isCaughtUp() turns true: every followed partition was read to its end once (again, after a share dealt anew). */
  onCaughtUp?: () => void
}

export interface TailerOptions {
  client: ClusterClientOptions
  topics: readonly string[]
  start?: StartPosition
  /** Long-poll wait of each Fetch; bounds how late an event is seen when the topic is quiet. */
  maxWaitMs?: number
  readCommitted?: boolean
  /** How often the list of topics is refreshed so topics created later are followed. */
  topicRefreshMs?: number
  /** Wait between failed rounds. */
  retryDelayMs?: number
  /** Topics whose partitions are dealt by assign(): none is followed, and the tailer is not caught up, before the first call. */
  assigned?: readonly string[]
}

interface PartitionState {
  topic: string
  partition: number
  nextOffset: bigint
  /** The high watermark to reach before the partition counts as read once; null until first known. */
  readyAt: bigint | null
  ready: boolean
}

const ERROR_OFFSET_OUT_OF_RANGE = 1
const ERROR_TOPIC_AUTHORIZATION_FAILED = 29

/** Follows topics on one cluster; see the module comment. */
export class TopicTailer {
  readonly cluster: string
  private readonly options: Required<Omit<TailerOptions, 'client' | 'topics'>> & Pick<TailerOptions, 'client' | 'topics'>
  private readonly handlers: TailerHandlers
  private readonly consumer: RawConsumer
  private readonly partitions = new Map<string, PartitionState>()
  private readonly unauthorized = new Set<string>()
  private readonly topicIds = new Map<string, string>()
  private readonly partitionCounts = new Map<string, number>()
  /** Per topic of `assigned`, the partitions to follow (null: every one); a topic missing here waits for its first assignment. */
  private readonly assignments = new Map<string, ReadonlySet<number> | null>()
  private metadata: RawClusterMetadata | null = null
  private lastTopicRefresh = 0
  private closed = false
  private loop: Promise<void> | null = null
  private initialRefreshDone = false
  private readyWaiters: Array<() => void> = []
  private wasCaughtUp = false
  /** The idle wait of a round with nothing to fetch: a share dealt meanwhile ends it at once. */
  private readonly idle = new WakeableDelay()

  constructor (options: TailerOptions, handlers: TailerHandlers) {
    this.cluster = options.client.alias
    this.options = { start: 'earliest', maxWaitMs: 500, readCommitted: false, topicRefreshMs: 5000, retryDelayMs: 1000, assigned: [], ...options }
    this.handlers = handlers
    this.consumer = new RawConsumer(toConsumerOptions(options.client, 'tailer'))
  }

  /** True once every partition known at its first sighting was read up to its then high watermark. */
  isCaughtUp (): boolean {
    if (!this.initialRefreshDone) return false
    for (const topic of this.options.assigned) if (!this.assignments.has(topic) || this.dealtNotFollowed(topic)) return false
    for (const state of this.partitions.values()) if (!state.ready) return false
    return true
  }

  /**
   * Whether a partition dealt to us (assign) is not followed yet: it is added at the next metadata refresh,
   * and until then it has not been read, so the tailer is not caught up (readiness waits for the share).
   */
  private dealtNotFollowed (topic: string): boolean {
    const count = this.partitionCounts.get(topic)
    // A topic that does not exist (yet), or that we may not read, has nothing to wait for.
    if (count === undefined || this.unauthorized.has(topic)) return false
    for (let partition = 0; partition < count; partition++) {
      if (this.isAssigned(topic, partition) && !this.partitions.has(partitionKey(topic, partition))) return true
    }
    return false
  }

  /** True once a followed partition was read to the end it had when the tailer started following it. */
  isPartitionCaughtUp (topic: string, partition: number): boolean {
    // A topic the cluster refuses to let us read is not followed: nothing to wait for (e.g. group offsets
    // polled through the admin API instead of __consumer_offsets).
    if (this.unauthorized.has(topic)) return true
    return this.partitions.get(partitionKey(topic, partition))?.ready ?? false
  }

  /**
   * The topic's partition count as last seen in the metadata, undefined before. It outlives the metadata,
   * which is dropped while the cluster does not answer: a group's partition of __consumer_offsets must
   * not change because its cluster is down for a moment.
   */
  partitionCount (topic: string): number | undefined {
    return this.partitionCounts.get(topic)
  }

  /**
   * Follows only `partitions` of a topic of `assigned` (null: every one). Partitions dealt away are
   * dropped; partitions dealt anew are read from the start position up to their end, as at startup.
   */
  assign (topic: string, partitions: ReadonlySet<number> | null): void {
    this.assignments.set(topic, partitions === null ? null : new Set(partitions))
    for (const [key, state] of this.partitions) if (state.topic === topic && !this.isAssigned(topic, state.partition)) this.partitions.delete(key)
    // Pick the new ones up at the next round, now rather than after an idle wait: readiness, and a
    // takeover of another instance's share, wait for them.
    this.lastTopicRefresh = 0
    this.idle.wake()
    this.notifyIfCaughtUp()
  }

  private isAssigned (topic: string, partition: number): boolean {
    if (!this.options.assigned.includes(topic)) return true
    const assigned = this.assignments.get(topic)
    return assigned === null || (assigned !== undefined && assigned.has(partition))
  }

  /** Resolves when isCaughtUp() first becomes true. */
  async caughtUp (): Promise<void> {
    if (this.isCaughtUp()) return
    await new Promise<void>((resolve) => { this.readyWaiters.push(resolve) })
  }

  /** The next offset the tailer will read for a partition, undefined when it does not follow it (yet). */
  position (topic: string, partition: number): bigint | undefined {
    return this.partitions.get(partitionKey(topic, partition))?.nextOffset
  }

  /** The partition's current end: the last stable offset when reading committed, else the high watermark. */
  async endOffset (topic: string, partition: number): Promise<bigint> {
    const metadata = await this.consumer.rawMetadata([topic])
    const leader = metadata.topics.get(topic)?.leaders[partition]
    const broker = leader === undefined ? undefined : metadata.brokers.get(leader)
    if (broker === undefined) return 0n
    const offsets = await this.consumer.rawListOffsets(broker, topic, [partition], -1n, this.options.readCommitted)
    return offsets.get(partition) ?? 0n
  }

  /** Resolves once the tailer has read a partition up to `offset`; rejects after `timeoutMs`. */
  async waitForPosition (topic: string, partition: number, offset: bigint, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      if (offset <= 0n) return
      const position = this.position(topic, partition)
      if (position !== undefined && position >= offset) return
      if (position === undefined) this.lastTopicRefresh = 0
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms reading ${topic}-${partition} on cluster ${this.cluster} up to offset ${offset} (at ${position ?? 'not followed yet'}).`)
      await delay(50)
    }
  }

  start (): void {
    if (this.loop !== null) return
    this.loop = this.run()
  }

  async close (): Promise<void> {
    this.closed = true
    this.idle.wake()
    // Close the connections first: a request in flight to a broker that never answers (hung, or a
    // black-holed address) would otherwise hold the loop, and the stop, until its timeout.
    await this.consumer.close(true).catch(() => {})
    await this.loop?.catch(() => {})
  }

  private async run (): Promise<void> {
    while (!this.closed) {
      try {
        await this.refreshTopicsIfDue()
        await this.fetchRound()
        this.handlers.onSuccess?.()
      } catch (error) {
        if (this.closed) return
        this.metadata = null
        this.lastTopicRefresh = 0
        this.handlers.onError?.(error)
        await delay(this.options.retryDelayMs)
      }
    }
  }

  private async refreshTopicsIfDue (): Promise<void> {
    const now = Date.now()
    if (this.metadata !== null && now - this.lastTopicRefresh < this.options.topicRefreshMs) return
    this.metadata = await this.consumer.rawMetadata(this.options.topics.filter((topic) => !this.unauthorized.has(topic)))
    this.lastTopicRefresh = now
    for (const topic of this.metadata.unauthorized) this.markUnauthorized(topic)
    const added: Array<{ topic: string, partition: number }> = []
    for (const [topic, info] of this.metadata.topics) {
      this.topicIds.set(topic, info.id)
      this.partitionCounts.set(topic, info.leaders.length)
      for (let partition = 0; partition < info.leaders.length; partition++) {
        if (!this.partitions.has(partitionKey(topic, partition)) && this.isAssigned(topic, partition)) added.push({ topic, partition })
      }
    }
    if (added.length > 0) await this.addPartitions(added)
    this.initialRefreshDone = true
    this.notifyIfCaughtUp()
  }

  private async addPartitions (added: Array<{ topic: string, partition: number }>): Promise<void> {
    const earliest = new Map<string, bigint>()
    const latest = new Map<string, bigint>()
    for (const [node, entries] of this.byLeader(added)) {
      const broker = this.metadata?.brokers.get(node)
      if (broker === undefined) continue
      for (const [topic, partitions] of groupBy(entries, (entry) => entry.topic)) {
        const numbers = partitions.map((entry) => entry.partition)
        const earliestOffsets = await this.consumer.rawListOffsets(broker, topic, numbers, -2n, this.options.readCommitted)
        for (const [partition, offset] of earliestOffsets) earliest.set(partitionKey(topic, partition), offset)
        const latestOffsets = await this.consumer.rawListOffsets(broker, topic, numbers, -1n, this.options.readCommitted)
        for (const [partition, offset] of latestOffsets) latest.set(partitionKey(topic, partition), offset)
      }
    }
    for (const { topic, partition } of added) {
      const start = earliest.get(partitionKey(topic, partition))
      const end = latest.get(partitionKey(topic, partition))
      // A partition whose offsets could not be listed (leader moving) is picked up at the next refresh.
      if (start === undefined || end === undefined) {
        this.lastTopicRefresh = 0
        continue
      }
      const nextOffset = this.options.start === 'latest' ? end : start
      this.partitions.set(partitionKey(topic, partition), { topic, partition, nextOffset, readyAt: end, ready: nextOffset >= end })
      if (nextOffset >= end) this.handlers.onPartitionCaughtUp?.(topic, partition)
    }
  }

  private async fetchRound (): Promise<void> {
    if (this.metadata === null || this.partitions.size === 0) {
      await this.idle.wait(this.options.maxWaitMs)
      return
    }
    const byLeader = this.byLeader([...this.partitions.values()])
    if (byLeader.size === 0) {
      this.lastTopicRefresh = 0
      await this.idle.wait(this.options.maxWaitMs)
      return
    }
    await Promise.all([...byLeader].map(async ([node, states]) => { await this.fetchFrom(node, states) }))
  }

  private byLeader<T extends { topic: string, partition: number }> (entries: readonly T[]): Map<number, T[]> {
    const result = new Map<number, T[]>()
    for (const entry of entries) {
      const leader = this.metadata?.topics.get(entry.topic)?.leaders[entry.partition]
      if (leader === undefined || leader < 0) continue
      const list = result.get(leader) ?? []
      list.push(entry)
      result.set(leader, list)
    }
    return result
  }

  private async fetchFrom (node: number, states: PartitionState[]): Promise<void> {
    const broker = this.metadata?.brokers.get(node)
    if (broker === undefined) {
      this.lastTopicRefresh = 0
      return
    }
    // The records are walked from the response's bytes (record-set.ts), so a large response costs no
    // more heap than its bytes: 4 MiB a fetch, 1 MiB a partition.
    const topics = [...groupBy(states, (state) => state.topic)].map(([topic, list]) => ({
      name: topic,
      id: this.topicIds.get(topic)!,
      partitions: list.map((state) => ({ partition: state.partition, fetchOffset: state.nextOffset, partitionMaxBytes: 1024 * 1024 }))
    }))
    const answers = await this.consumer.fetchRecordSets(broker, {
      topics,
      maxWaitMs: this.options.maxWaitMs,
      maxBytes: 4 * 1024 * 1024,
      isolationLevel: this.options.readCommitted ? 1 : 0
    }, this.cluster)
    for (const answer of answers) this.onPartitionAnswer(answer)
    this.notifyIfCaughtUp()
  }

  private onPartitionAnswer (answer: FetchedPartitionSet): void {
    const { topic, partition } = answer
    const state = this.partitions.get(partitionKey(topic, partition))
    if (state === undefined) return
    if (answer.errorCode === ERROR_TOPIC_AUTHORIZATION_FAILED) {
      this.markUnauthorized(topic)
      return
    }
    if (answer.errorCode === ERROR_OFFSET_OUT_OF_RANGE) {
      // Retention or compaction moved the log start past us: resume at the new start (nothing to read below it).
      state.nextOffset = answer.logStartOffset >= 0n ? answer.logStartOffset : state.nextOffset
      this.lastTopicRefresh = 0
      return
    }
    if (answer.errorCode !== 0) {
      this.lastTopicRefresh = 0
      return
    }
    // Dealt away while the fetch was out: its records are another instance's now.
    if (!this.isAssigned(topic, partition)) return
    const { nextOffset } = answer.records
    state.nextOffset = nextOffset > state.nextOffset ? nextOffset : state.nextOffset
    const progress = { highWatermark: answer.highWatermark, logStartOffset: answer.logStartOffset }
    this.handlers.onRecords(topic, partition, answer.records, progress)
    if (!state.ready) {
      // Compaction or transaction markers can leave the end offsets unreachable by records; the
      // high watermark the broker reports now is the real end.
      const target = state.readyAt ?? answer.highWatermark
      if (state.nextOffset >= target || state.nextOffset >= answer.highWatermark) {
        state.ready = true
        this.handlers.onPartitionCaughtUp?.(topic, partition)
      }
    }
  }

  /** Stops following a topic we may not read (so it does not hold readiness back) and reports it once. */
  private markUnauthorized (topic: string): void {
    if (this.unauthorized.has(topic)) return
    this.unauthorized.add(topic)
    for (const [key, state] of this.partitions) if (state.topic === topic) this.partitions.delete(key)
    this.metadata?.topics.delete(topic)
    this.handlers.onUnauthorized?.(topic)
  }

  private notifyIfCaughtUp (): void {
    const caughtUp = this.isCaughtUp()
    const turned = caughtUp && !this.wasCaughtUp
    this.wasCaughtUp = caughtUp
    if (turned) this.handlers.onCaughtUp?.()
    if (this.readyWaiters.length === 0 || !caughtUp) return
    const waiters = this.readyWaiters
    this.readyWaiters = []
    for (const resolve of waiters) resolve()
  }
}

function groupBy<T> (items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const key = keyOf(item)
    const list = groups.get(key) ?? []
    list.push(item)
    groups.set(key, list)
  }
  return groups
}

async function delay (ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms))
}
