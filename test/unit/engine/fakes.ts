// In-memory stand-ins for the daemon's ports (sidecar/src/engine/ports.ts): a cluster whose
// topics a test fills with encoded records, whose groups have members and committed offsets, and
// whose writers record what they were given. They follow the real adapters' contracts: a follower
// delivers records in offset order per partition and is caught up once it delivered what the topic
// held when it started; an admin commit into a group with members is refused per partition with
// UNKNOWN_MEMBER_ID (error 25), as a broker does for generation -1.
import type { OffsetSync } from '../../../sidecar/src/core/codec/offset-sync.ts'
import type { HistoryRecord } from '../../../sidecar/src/core/codec/sync-history.ts'
import type {
  AdapterFactory, ClusterAdapters, CommitResult, FetchedRecord, FollowerHandlers, FollowerSpec, GroupAdminPort, GroupLiveness,
  HistoryWriterPort, OffsetToCommit, PartitionReaderPort, RangeRead, ReverseSyncWriterPort, TopicFollower
} from '../../../sidecar/src/engine/ports.ts'

export interface FakeRecord {
  key: Uint8Array | null
  value: Uint8Array | null
  timestamp?: bigint
  headers?: Array<[Uint8Array | null, Uint8Array | null]>
  /** Part of an aborted transaction (reconcile's reader reports these). */
  aborted?: boolean
}

class FakeFollower implements TopicFollower {
  private readonly cluster: FakeCluster
  readonly spec: FollowerSpec
  private readonly handlers: FollowerHandlers
  private readonly positions = new Map<string, number>()
  private started = false
  private caughtUp = false
  private closed = false

  constructor (cluster: FakeCluster, spec: FollowerSpec, handlers: FollowerHandlers) {
    this.cluster = cluster
    this.spec = spec
    this.handlers = handlers
  }

  start (): void {
    this.started = true
    this.pump()
  }

  /** Delivers what is new, as one fetch round; called by the cluster whenever records are appended. */
  pump (): void {
    if (!this.started || this.closed) return
    if (this.cluster.down) {
      this.handlers.onError?.(new Error(`connect ECONNREFUSED (fake cluster ${this.cluster.alias})`))
      return
    }
    for (const topic of this.spec.topics) {
      if (this.cluster.unauthorized.has(topic)) {
        this.handlers.onUnauthorized?.(topic)
        continue
      }
      for (const [partition, log] of this.cluster.partitionsOf(topic)) {
        const key = `${topic}/${partition}`
        const from = this.positions.get(key) ?? 0
        if (from >= log.length) continue
        const records: FetchedRecord[] = log.slice(from).map((record, index) => ({
          offset: BigInt(from + index), timestamp: record.timestamp ?? 0n, key: record.key, value: record.value, headers: []
        }))
        this.positions.set(key, log.length)
        this.handlers.onRecords(topic, partition, records, { highWatermark: BigInt(log.length), logStartOffset: 0n })
      }
    }
    this.caughtUp = true
    this.handlers.onSuccess?.()
  }

  isCaughtUp (): boolean {
    return this.caughtUp && !this.cluster.holdCatchUp
  }

  async endOffset (topic: string, partition: number): Promise<bigint> {
    return BigInt(this.cluster.partitionsOf(topic).get(partition)?.length ?? 0)
  }

  async waitForPosition (): Promise<void> {}

  async close (): Promise<void> {
    this.closed = true
  }
}

export class FakeAdmin implements GroupAdminPort {
  readonly fake: FakeCluster
  readonly cluster
  constructor (fake: FakeCluster) {
    this.fake = fake
    this.cluster = fake.client
  }

  async liveness (groupIds: readonly string[]): Promise<Map<string, GroupLiveness>> {
    this.fake.requests.push('liveness')
    if (this.fake.down) throw new Error(`connect ECONNREFUSED (fake cluster ${this.fake.alias})`)
    return new Map(groupIds.map((groupId) => {
      const members = this.fake.members.get(groupId) ?? 0
      return [groupId, { groupId, exists: true, state: members > 0 ? 'Stable' : 'Empty', members, protocol: 'classic' as const }]
    }))
  }

  async commit (groupId: string, offsets: readonly OffsetToCommit[]): Promise<CommitResult[]> {
    this.fake.requests.push('commit')
    if (this.fake.down) throw new Error(`connect ECONNREFUSED (fake cluster ${this.fake.alias})`)
    const live = (this.fake.members.get(groupId) ?? 0) > 0
    return offsets.map((entry) => {
      if (live) return { topic: entry.topic, partition: entry.partition, errorCode: 25 }
      this.fake.commits.push({ group: groupId, ...entry })
      this.fake.offsets.set(JSON.stringify([groupId, entry.topic, entry.partition]), { offset: entry.offset, metadata: entry.metadata })
      return { topic: entry.topic, partition: entry.partition, errorCode: 0 }
    })
  }

  async committedOffsets (groupId: string): Promise<Array<{ topic: string, partition: number, offset: bigint, metadata: string | null }>> {
    return (await this.committedOffsetsOf([groupId])).map(({ group: _group, ...offset }) => offset)
  }

  async groupIds (): Promise<string[]> {
    return [...new Set([...this.fake.offsets.keys()].map((key) => (JSON.parse(key) as [string])[0]))]
  }

  async committedOffsetsOf (groupIds: readonly string[]): Promise<Array<{
    group: string
    topic: string
    partition: number
    offset: bigint
    metadata: string | null
  }>> {
    return [...this.fake.offsets].flatMap(([key, value]) => {
      const [group, topic, partition] = JSON.parse(key) as [string, string, number]
      return groupIds.includes(group) ? [{ group, topic, partition, offset: value.offset, metadata: value.metadata }] : []
    })
  }

  async endOffsets (partitions: ReadonlyArray<{ topic: string, partition: number }>): Promise<Array<{ topic: string, partition: number, offset: bigint }>> {
    return partitions.map(({ topic, partition }) => ({ topic, partition, offset: this.fake.endOffsets.get(`${topic}/${partition}`) ?? 0n }))
  }

  async close (): Promise<void> {}
}

/** Reads a fake cluster's partitions as PartitionReader does: at most `maxRecordsPerRead` records a read. */
export class FakeReader implements PartitionReaderPort {
  private readonly fake: FakeCluster
  requests = 0
  constructor (fake: FakeCluster) {
    this.fake = fake
  }

  async probe (): Promise<void> {
    this.requests++
    if (this.fake.down) throw new Error(`connect ECONNREFUSED (fake cluster ${this.fake.alias})`)
  }

  async partitionCount (topic: string): Promise<number | null> {
    this.requests++
    const partitions = this.fake.topics.get(topic)
    return partitions === undefined ? null : Math.max(...partitions.keys()) + 1
  }

  async read (topic: string, partition: number, from: bigint): Promise<RangeRead> {
    this.requests++
    if (this.fake.down) throw new Error(`connect ECONNREFUSED (fake cluster ${this.fake.alias})`)
    const log = this.fake.partitionsOf(topic).get(partition) ?? []
    const start = Number(from)
    const slice = log.slice(start, start + this.fake.maxRecordsPerRead)
    return {
      records: slice.map((record, index) => ({
        offset: BigInt(start + index),
        timestamp: record.timestamp ?? 0n,
        key: record.key,
        value: record.value,
        headers: record.headers ?? [],
        ...(record.aborted === true ? { aborted: true } : {})
      })),
      nextOffset: BigInt(start + slice.length),
      endOffset: BigInt(log.length),
      logStartOffset: 0n
    }
  }

  async close (): Promise<void> {}
}

export class FakeReverseSyncWriter implements ReverseSyncWriterPort {
  readonly cluster
  readonly topic: string
  readonly written: OffsetSync[] = []
  isFenced = false
  claims = 0
  constructor (fake: FakeCluster, topic: string) {
    this.cluster = fake.client
    this.topic = topic
  }

  async claim (): Promise<void> { this.claims++ }
  async write (syncs: readonly OffsetSync[]): Promise<void> { this.written.push(...syncs) }
  async close (): Promise<void> {}
}

export class FakeHistoryWriter implements HistoryWriterPort {
  readonly cluster
  readonly topic: string
  readonly written: HistoryRecord[] = []
  constructor (fake: FakeCluster, topic: string) {
    this.cluster = fake.client
    this.topic = topic
  }

  async write (snapshots: readonly HistoryRecord[]): Promise<void> { this.written.push(...snapshots) }
  async close (): Promise<void> {}
}

/** One fake cluster: topics of records, groups with members and offsets, and what was written to it. */
export class FakeCluster {
  readonly alias: string
  readonly client
  readonly topics = new Map<string, Map<number, FakeRecord[]>>()
  readonly members = new Map<string, number>()
  readonly offsets = new Map<string, { offset: bigint, metadata: string }>()
  readonly endOffsets = new Map<string, bigint>()
  readonly commits: Array<{ group: string } & OffsetToCommit> = []
  readonly unauthorized = new Set<string>()
  readonly requests: string[] = []
  readonly followers: FakeFollower[] = []
  readonly reverseSyncWriters: FakeReverseSyncWriter[] = []
  readonly historyWriters: FakeHistoryWriter[] = []
  readonly readers: FakeReader[] = []
  down = false
  /** Answers and delivers, but its followers never report being read to the end (a slow first read). */
  holdCatchUp = false
  maxRecordsPerRead = 100

  constructor (alias: string) {
    this.alias = alias
    this.client = { alias, bootstrapServers: [`fake-${alias}:9092`] }
  }

  partitionsOf (topic: string): Map<number, FakeRecord[]> {
    return this.topics.get(topic) ?? new Map()
  }

  /** Appends records to a partition and lets every follower fetch them. */
  append (topic: string, partition: number, ...records: FakeRecord[]): void {
    const partitions = this.topics.get(topic) ?? new Map<number, FakeRecord[]>()
    this.topics.set(topic, partitions)
    partitions.set(partition, [...(partitions.get(partition) ?? []), ...records])
    for (const follower of this.followers) follower.pump()
  }

  adapters (): ClusterAdapters {
    return {
      client: this.client,
      follower: (spec, handlers) => {
        const follower = new FakeFollower(this, spec, handlers)
        this.followers.push(follower)
        return follower
      },
      admin: () => new FakeAdmin(this),
      reader: () => {
        const reader = new FakeReader(this)
        this.readers.push(reader)
        return reader
      },
      reverseSyncWriter: (topic) => {
        const writer = new FakeReverseSyncWriter(this, topic)
        this.reverseSyncWriters.push(writer)
        return writer
      },
      historyWriter: (topic) => {
        const writer = new FakeHistoryWriter(this, topic)
        this.historyWriters.push(writer)
        return writer
      }
    }
  }
}

/** Fake clusters by alias, created on first use, as an AdapterFactory. */
export function fakeClusters (...aliases: string[]): { clusters: Map<string, FakeCluster>, factory: AdapterFactory } {
  const clusters = new Map(aliases.map((alias) => [alias, new FakeCluster(alias)]))
  const factory: AdapterFactory = (alias) => {
    let cluster = clusters.get(alias)
    if (cluster === undefined) {
      cluster = new FakeCluster(alias)
      clusters.set(alias, cluster)
    }
    return cluster.adapters()
  }
  return { clusters, factory }
}
