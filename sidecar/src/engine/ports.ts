// What the engine needs from Kafka, as narrow interfaces. The daemon's composition root
// (daemon/daemon.ts) and reconcile get them from an AdapterFactory: kafka-adapters.ts builds the real
// ones from mm2.properties, unit tests pass fakes, so every part of the engine is tested without a
// broker.
import type { OffsetSync } from '../core/codec/offset-sync.ts'
import type { HistoryRecord } from '../core/codec/sync-history.ts'
import type { ClusterClientOptions } from '../kafka/client-options.ts'
import type { CommitResult, CommittedOffset, GroupLiveness, OffsetToCommit } from '../kafka/group-admin.ts'
import type { RangeRead } from '../kafka/partition-reader.ts'
import type { FetchedRecord, RecordSet } from '../kafka/record-set.ts'
import type { ShardMembershipHandlers, ShardMembershipOptions } from '../kafka/shard-membership.ts'
import type { PartitionProgress, TailerHandlers } from '../kafka/tailer.ts'

export type { CommitResult, CommittedOffset, FetchedRecord, GroupLiveness, OffsetToCommit, PartitionProgress, RangeRead, RecordSet }

/** Callbacks of a topic follower: the tailer's handlers. */
export type FollowerHandlers = TailerHandlers

/** Follows a set of topics on one cluster from their start, without a consumer group. */
export interface TopicFollower {
  start: () => void
  /** True once every partition was read to the end it had when first seen. */
  isCaughtUp: () => boolean
  endOffset: (topic: string, partition: number) => Promise<bigint>
  waitForPosition: (topic: string, partition: number, offset: bigint) => Promise<void>
  /** Follows only these partitions of a topic of the spec's `assigned` (null: every one); see TopicTailer.assign. */
  assign: (topic: string, partitions: ReadonlySet<number> | null) => void
  isPartitionCaughtUp: (topic: string, partition: number) => boolean
  /** The topic's partition count, undefined before the cluster first answered. */
  partitionCount: (topic: string) => number | undefined
  close: () => Promise<void>
}

export interface FollowerSpec {
  topics: readonly string[]
  readCommitted: boolean
  maxWaitMs: number
  retryDelayMs: number
  /** Topics whose partitions are dealt by assign() (__consumer_offsets, shared by the instances). */
  assigned?: readonly string[]
}

/** Group administration on one cluster. */
export interface GroupAdminPort {
  readonly cluster: ClusterClientOptions
  liveness: (groupIds: readonly string[]) => Promise<Map<string, GroupLiveness>>
  commit: (groupId: string, offsets: readonly OffsetToCommit[]) => Promise<CommitResult[]>
  /** The committed offsets of one group, every topic. */
  committedOffsets: (groupId: string) => Promise<CommittedOffset[]>
  groupIds: () => Promise<string[]>
  committedOffsetsOf: (groupIds: readonly string[]) => Promise<Array<CommittedOffset & { group: string }>>
  endOffsets: (partitions: ReadonlyArray<{ topic: string, partition: number }>) => Promise<Array<{ topic: string, partition: number, offset: bigint }>>
  close: () => Promise<void>
}

/** Reads ranges of partitions (reconcile's exact proofs and its reading of whole topics). */
export interface PartitionReaderPort {
  /** Requests sent so far (for the benchmark's request count). */
  readonly requests: number
  /** One metadata request, to tell an unreachable cluster early. */
  probe: () => Promise<void>
  /** The topic's partition count, null when the topic does not exist. */
  partitionCount: (topic: string) => Promise<number | null>
  read: (topic: string, partition: number, from: bigint, maxBytes: number) => Promise<RangeRead>
  close: () => Promise<void>
}

/** Writes reverse offset syncs into one offset-syncs topic, fenced by a transactional id. */
export interface ReverseSyncWriterPort {
  readonly cluster: ClusterClientOptions
  readonly topic: string
  readonly isFenced: boolean
  claim: () => Promise<void>
  write: (syncs: readonly OffsetSync[]) => Promise<void>
  close: () => Promise<void>
}

/** Writes snapshots (the index's syncs, the proven pairs) to the history topic of one cluster. */
export interface HistoryWriterPort {
  readonly cluster: ClusterClientOptions
  readonly topic: string
  write: (snapshots: readonly HistoryRecord[]) => Promise<void>
  close: () => Promise<void>
}

/** How the instances of one deployment share a cluster's __consumer_offsets partitions (see MembershipPort). */
export type MembershipSpec = Omit<ShardMembershipOptions, 'client' | 'now'>

/** What a membership reports: its share on every change, its failures, and the moment before a rejoin. */
export type MembershipHandlers = ShardMembershipHandlers

/** This instance's membership in the deployment's consumer group on one cluster. */
export interface MembershipPort {
  /** The coordination topic's partitions owned now. */
  readonly partitions: readonly number[]
  /** The coordination topic's partition count, undefined until known. */
  readonly partitionCount: number | undefined
  start: () => void
  /** Leaves the group, so the others take over at once. */
  close: () => Promise<void>
}

/** The adapters of one cluster. */
export interface ClusterAdapters {
  readonly client: ClusterClientOptions
  follower: (spec: FollowerSpec, handlers: FollowerHandlers) => TopicFollower
  /** `commitConnections`: connections group commits are spread over (groupSync.commitConnections). */
  admin: (commitConnections?: number) => GroupAdminPort
  reader: () => PartitionReaderPort
  reverseSyncWriter: (topic: string) => ReverseSyncWriterPort
  historyWriter: (topic: string, replicationFactor: number) => HistoryWriterPort
  membership: (spec: MembershipSpec, handlers: MembershipHandlers) => MembershipPort
}

/** Builds the adapters of a cluster alias of mm2.properties. */
export type AdapterFactory = (alias: string) => ClusterAdapters
