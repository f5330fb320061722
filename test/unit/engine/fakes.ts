// In-memory stand-ins for the daemon's ports (sidecar/src/engine/ports.ts): a cluster whose
// topics a test fills with encoded records, whose groups have members and committed offsets, and
// whose writers record what they were given. They follow the real adapters' contracts: a follower
// delivers records in offset order per partition and is caught up once it delivered what the topic
// held when it started; an admin commit into a group with members is refused per partition with
// UNKNOWN_MEMBER_ID (error 25), as a broker does for generation -1.
import { encodeOffsetCommitKey, encodeOffsetCommitValue } from '../../../sidecar/src/core/codec/consumer-offsets.ts'
import { encodeOffsetSync } from '../../../sidecar/src/core/codec/offset-sync.ts'
import { groupPartition } from '../../../sidecar/src/core/naming/group-partition.ts'
import { Mm2FailbackError } from '../../../sidecar/src/errors.ts'
import { ArrayRecordSet } from '../../../sidecar/src/kafka/record-set.ts'
import type { OffsetSync } from '../../../sidecar/src/core/codec/offset-sync.ts'
import type { HistoryRecord } from '../../../sidecar/src/core/codec/sync-history.ts'
import type {
  AdapterFactory, ClusterAdapters, CommitResult, FetchedRecord, FollowerHandlers, FollowerSpec, GroupAdminPort, GroupLiveness,
  HistoryWriterPort, MembershipHandlers, MembershipPort, OffsetToCommit, PartitionReaderPort, RangeRead, ReverseSyncWriterPort, TopicFollower
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
  /** Per topic of spec.assigned, the partitions dealt to this follower (null: every one). */
  private readonly assignments = new Map<string, ReadonlySet<number> | null>()

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
        if (!this.isAssigned(topic, partition)) continue
        const key = `${topic}/${partition}`
        const from = this.positions.get(key) ?? 0
        if (from >= log.length) continue
        const records: FetchedRecord[] = log.slice(from).map((record, index) => ({
          offset: BigInt(from + index), timestamp: record.timestamp ?? 0n, key: record.key, value: record.value, headers: []
        }))
        this.positions.set(key, log.length)
        this.handlers.onRecords(topic, partition, new ArrayRecordSet(records, BigInt(log.length)), { highWatermark: BigInt(log.length), logStartOffset: 0n })
      }
    }
    this.caughtUp = true
    this.handlers.onSuccess?.()
    this.reportCaughtUp()
  }

  private wasCaughtUp = false
  /** Calls onCaughtUp when isCaughtUp() turned true since the last call, as the real tailer does. */
  reportCaughtUp (): void {
    const caughtUp = this.isCaughtUp()
    if (caughtUp && !this.wasCaughtUp) this.handlers.onCaughtUp?.()
    this.wasCaughtUp = caughtUp
  }

  isCaughtUp (): boolean {
    if ((this.spec.assigned ?? []).some((topic) => !this.assignments.has(topic))) return false
    return this.caughtUp && !this.cluster.holdCatchUp
  }

  /** A partition dealt anew is read from its start, as the real tailer does. */
  assign (topic: string, partitions: ReadonlySet<number> | null): void {
    this.assignments.set(topic, partitions)
    for (const key of [...this.positions.keys()]) {
      const [keyTopic, partition] = [key.slice(0, key.lastIndexOf('/')), Number(key.slice(key.lastIndexOf('/') + 1))]
      if (keyTopic === topic && !this.isAssigned(topic, partition)) this.positions.delete(key)
    }
    this.wasCaughtUp = false
    this.pump()
    for (const [partition] of this.cluster.partitionsOf(topic)) if (this.isAssigned(topic, partition)) this.handlers.onPartitionCaughtUp?.(topic, partition)
  }

  isPartitionCaughtUp (topic: string, partition: number): boolean {
    return this.caughtUp && this.isAssigned(topic, partition)
  }

  partitionCount (topic: string): number | undefined {
    return topic === '__consumer_offsets' ? this.cluster.offsetsPartitions : Math.max(0, ...this.cluster.partitionsOf(topic).keys()) + 1
  }

  private isAssigned (topic: string, partition: number): boolean {
    if (!(this.spec.assigned ?? []).includes(topic)) return true
    const assigned = this.assignments.get(topic)
    return assigned === null || (assigned !== undefined && assigned.has(partition))
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
      if (this.fake.logCommits) {
        const value = {
          version: 3 as const, offset: entry.offset, leaderEpoch: -1, metadata: entry.metadata, commitTimestamp: BigInt(Date.now()), expireTimestamp: -1n
        }
        this.fake.append('__consumer_offsets', groupPartition(groupId, this.fake.offsetsPartitions), {
          key: encodeOffsetCommitKey({ group: groupId, topic: entry.topic, partition: entry.partition }),
          value: encodeOffsetCommitValue(value)
        })
      }
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
  private readonly fake: FakeCluster

  constructor (fake: FakeCluster, topic: string) {
    this.cluster = fake.client
    this.topic = topic
    this.fake = fake
  }

  /** Like a transactional id's InitProducerId: this writer is the topic's writer now, every earlier one is fenced. */
  async claim (): Promise<void> {
    if (this.fake.down) throw new Error(`connect ECONNREFUSED (fake cluster ${this.fake.alias})`)
    this.claims++
    this.isFenced = false
    this.fake.transactionalOwners.set(this.topic, this)
  }

  async write (syncs: readonly OffsetSync[]): Promise<void> {
    if (this.fake.transactionalOwners.get(this.topic) !== this) {
      this.isFenced = true
      const context = { cluster: this.fake.alias, topic: this.topic, fenced: true }
      throw new Mm2FailbackError('MM2_KAFKA_REQUEST_FAILED', `fenced on fake cluster ${this.fake.alias}`, context)
    }
    this.written.push(...syncs)
    // What MM2 (and every instance's follower) reads back.
    if (this.fake.echoReverseSyncs) this.fake.append(this.topic, 0, ...syncs.map((sync) => encodeOffsetSync(sync)))
  }

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
  /** Per offset-syncs topic, the reverse-sync writer that claimed it last (the others are fenced). */
  readonly transactionalOwners = new Map<string, FakeReverseSyncWriter>()
  /** Partitions of the fake's __consumer_offsets (the groups' commits go where groupPartition says). */
  offsetsPartitions = 50
  /** Group commits are appended to __consumer_offsets too (the group's partition), as a real cluster logs them. */
  logCommits = false
  /** Reverse syncs written are appended to their topic too, as a real cluster would have them. */
  echoReverseSyncs = false
  /** The consumer groups the sidecar's instances share the cluster's partitions through, by group id. */
  readonly groups = new Map<string, FakeMembershipGroup>()
  down = false
  /** Answers and delivers, but its followers never report being read to the end (a slow first read). */
  holdCatchUp = false
  maxRecordsPerRead = 100

  /** Ends holdCatchUp: the followers report being read to their end, as a tailer does when it gets there. */
  releaseCatchUp (): void {
    this.holdCatchUp = false
    for (const follower of this.followers) follower.reportCaughtUp()
  }

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
      },
      membership: (spec, handlers) => {
        const group = this.groups.get(spec.groupId) ?? new FakeMembershipGroup()
        group.partitionCount = this.offsetsPartitions
        this.groups.set(spec.groupId, group)
        return new FakeMembership(group, handlers)
      }
    }
  }
}

/**
 * A consumer group of the fake cluster, as the coordinator runs it (eager rebalancing): every member
 * releases everything, then the partitions are dealt round robin in join order.
 */
export class FakeMembershipGroup {
  readonly members: FakeMembership[] = []
  partitionCount = 50

  join (member: FakeMembership): void {
    this.members.push(member)
    this.rebalance()
  }

  /** A member leaves, or the coordinator evicts one that stopped heartbeating (it is not told). */
  remove (member: FakeMembership): void {
    const index = this.members.indexOf(member)
    if (index < 0) return
    this.members.splice(index, 1)
    this.rebalance()
  }

  rebalance (): void {
    for (const member of this.members) member.assign([], false)
    const dealt = this.members.map((): number[] => [])
    for (let partition = 0; partition < this.partitionCount && dealt.length > 0; partition++) dealt[partition % dealt.length]!.push(partition)
    this.members.forEach((member, index) => { member.assign(dealt[index]!) })
  }
}

export class FakeMembership implements MembershipPort {
  partitions: readonly number[] = []
  get partitionCount (): number { return this.group.partitionCount }
  private readonly group: FakeMembershipGroup
  private readonly handlers: MembershipHandlers

  constructor (group: FakeMembershipGroup, handlers: MembershipHandlers) {
    this.group = group
    this.handlers = handlers
  }

  start (): void {
    this.group.join(this)
  }

  async close (): Promise<void> {
    this.group.remove(this)
    this.assign([])
  }

  /** `settled` false: the release before a rejoin, as the real membership reports it. */
  assign (partitions: readonly number[], settled = true): void {
    this.partitions = partitions
    this.handlers.onOwned(partitions, settled)
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
