// Consumer-group administration on one cluster: who is live in a group (classic groups through
// DescribeGroups, KIP-848 consumer groups through ConsumerGroupDescribe), what it has committed, and
// committing offsets *with metadata* the way an admin client does (generation -1, no member id), so
// the broker itself refuses the write when the group has live members. @platformatic/kafka's
// alterConsumerGroupOffsets drops the metadata, and the sidecar needs it to recognise its own writes.
import {
  Admin, FindCoordinatorKeyTypes, kGetApi, kGetConnection, type Broker, type Callback, type CallbackWithPromise, type Connection
} from '@platformatic/kafka'
import { isMm2FailbackError, Mm2FailbackError } from '../errors.ts'
import { describeCluster, toAdminOptions, type ClusterClientOptions } from './client-options.ts'
import { carriedResponse, explainClientError, isCoordinatorError } from './client-errors.ts'

export type GroupProtocol = 'classic' | 'consumer' | 'none'

export interface GroupLiveness {
  groupId: string
  /** False when the cluster does not know the group at all (no members and no offsets). */
  exists: boolean
  /** The broker's state name, e.g. Empty, Stable, PreparingRebalance, Dead. */
  state: string
  members: number
  protocol: GroupProtocol
}

export interface CommittedOffset {
  topic: string
  partition: number
  offset: bigint
  metadata: string | null
}

export interface OffsetToCommit {
  topic: string
  partition: number
  offset: bigint
  metadata: string
}

export interface CommitResult {
  topic: string
  partition: number
  /** Kafka error code for the partition, 0 when committed. */
  errorCode: number
}

type ApiFunction = (connection: Connection, ...args: unknown[]) => void

/** Default number of connections OffsetCommits are spread over (GroupAdmin's `committers`). */
const COMMIT_CONNECTIONS = 16

/** Group administration on one cluster; see the module comment. */
export class GroupAdmin extends Admin {
  readonly cluster: ClusterClientOptions
  /**
   * Each group's coordinator, asked once: a commit costs one round trip instead of two. Forgotten when
   * the broker says it is not the coordinator any more, or the request to it fails.
   */
  private readonly coordinators = new Map<string, Broker>()
  /**
   * More connections for OffsetCommit, opened on the first commit: a broker answers the requests of
   * one connection one at a time, and an OffsetCommit waits for its append to __consumer_offsets
   * (several ms), so one connection caps group sync at a few hundred groups a second. A group always
   * commits over the same connection (by a hash of its id), so its commits stay in order.
   */
  private committers: Admin[] | null = null
  private readonly commitConnections: number

  /** `commitConnections`: connections to each coordinator that OffsetCommits are spread over (see `committers`). */
  constructor (cluster: ClusterClientOptions, commitConnections = COMMIT_CONNECTIONS) {
    super(toAdminOptions(cluster, 'groups'))
    this.cluster = cluster
    this.commitConnections = Math.max(1, commitConnections)
  }

  override close (callback: CallbackWithPromise<void>): void
  override close (): Promise<void>
  override close (callback?: CallbackWithPromise<void>): void | Promise<void> {
    for (const committer of this.committers ?? []) committer.close().catch(() => {})
    this.committers = null
    return callback === undefined ? super.close() : super.close(callback)
  }

  /** Liveness of each named group; groups the cluster does not know come back with exists=false. */
  async liveness (groupIds: readonly string[]): Promise<Map<string, GroupLiveness>> {
    const result = new Map<string, GroupLiveness>()
    if (groupIds.length === 0) return result
    // Both group types: @platformatic/kafka's listGroups lists only classic groups unless told
    // otherwise, and a KIP-848 group missing from the list would count as having no members.
    const listed = await this.listGroups({ types: ['classic', 'consumer'] })
    const classic: string[] = []
    const consumer: string[] = []
    for (const groupId of groupIds) {
      const entry = listed.get(groupId)
      if (entry === undefined) {
        result.set(groupId, { groupId, exists: false, state: 'Dead', members: 0, protocol: 'none' })
      } else if (entry.groupType === 'consumer') {
        consumer.push(groupId)
      } else {
        classic.push(groupId)
      }
    }
    if (classic.length > 0) {
      const described = await this.describeGroups({ groups: classic })
      for (const groupId of classic) {
        const group = described.get(groupId)
        result.set(groupId, { groupId, exists: group !== undefined, state: group?.state ?? 'Dead', members: group?.members.size ?? 0, protocol: 'classic' })
      }
    }
    if (consumer.length > 0) {
      for (const [groupId, group] of await this.describeConsumerGroups(consumer)) {
        result.set(groupId, { groupId, exists: true, state: group.state, members: group.members, protocol: 'consumer' })
      }
    }
    return result
  }

  /** The group's committed offsets on this cluster, every topic. */
  async committedOffsets (groupId: string): Promise<CommittedOffset[]> {
    return (await this.committedOffsetsOf([groupId])).map(({ group: _group, ...offset }) => offset)
  }

  /** The ids of every group on the cluster, classic and KIP-848 (listGroups lists only classic ones unless told). */
  async groupIds (): Promise<string[]> {
    return [...(await this.listGroups({ types: ['classic', 'consumer'] })).keys()]
  }

  /** The committed offsets of several groups in one request. */
  async committedOffsetsOf (groupIds: readonly string[]): Promise<Array<CommittedOffset & { group: string }>> {
    if (groupIds.length === 0) return []
    const groups = await this.listConsumerGroupOffsets({ groups: [...groupIds] })
    const offsets: Array<CommittedOffset & { group: string }> = []
    for (const group of groups) {
      for (const topic of group.topics) {
        for (const partition of topic.partitions) {
          if (partition.committedOffset < 0n) continue
          offsets.push({
            group: group.groupId,
            topic: topic.name,
            partition: partition.partitionIndex,
            offset: partition.committedOffset,
            metadata: partition.metadata ?? null
          })
        }
      }
    }
    return offsets
  }

  /** The end offset (high watermark) of each partition. */
  async endOffsets (partitions: ReadonlyArray<{ topic: string, partition: number }>): Promise<Array<{ topic: string, partition: number, offset: bigint }>> {
    const byTopic = new Map<string, number[]>()
    for (const { topic, partition } of partitions) byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition])
    if (byTopic.size === 0) return []
    const listed = await this.listOffsets({
      topics: [...byTopic].map(([name, indexes]) => ({ name, partitions: indexes.map((partitionIndex) => ({ partitionIndex, timestamp: -1n })) }))
    })
    return listed.flatMap((topic) => topic.partitions.map((partition) => ({
      topic: topic.name,
      partition: partition.partitionIndex,
      offset: partition.offset
    })))
  }

  /**
   * Commits offsets for a group in one OffsetCommit request, as an admin client does. The broker
   * accepts it only when the group has no live members; per-partition error codes come back so the
   * caller can count them. Throws Mm2FailbackError when the request as a whole fails.
   */
  async commit (groupId: string, offsets: readonly OffsetToCommit[]): Promise<CommitResult[]> {
    if (offsets.length === 0) return []
    const topics = new Map<string, Array<{ partitionIndex: number, committedOffset: bigint, committedLeaderEpoch: number, committedMetadata: string }>>()
    for (const entry of offsets) {
      const list = topics.get(entry.topic) ?? []
      list.push({ partitionIndex: entry.partition, committedOffset: entry.offset, committedLeaderEpoch: -1, committedMetadata: entry.metadata })
      topics.set(entry.topic, list)
    }
    const request = [...topics].map(([name, partitions]) => ({ name, partitions }))
    try {
      // Inside the try: FindCoordinator is where a principal without Describe on the group is refused.
      let results = await this.commitTo(await this.coordinatorOf(groupId), groupId, request)
      if (results.some((result) => isCoordinatorError(result.errorCode))) {
        // The coordinator moved (a broker restarted, the partition of __consumer_offsets moved): ask again, once.
        this.coordinators.delete(groupId)
        results = await this.commitTo(await this.coordinatorOf(groupId), groupId, request)
      }
      return results
    } catch (error) {
      if (isMm2FailbackError(error)) throw error
      this.coordinators.delete(groupId)
      throw new Mm2FailbackError('MM2_KAFKA_REQUEST_FAILED', `committing offsets of group ${groupId} on ${describeCluster(this.cluster)} failed: ${explainClientError(error, this.cluster, [{ operation: 'Read', resource: 'Group', name: groupId }, ...[...topics.keys()].map((name) => ({ operation: 'Read' as const, resource: 'Topic' as const, name }))])}`, { cluster: this.cluster.alias, group: groupId }, { cause: error })
    }
  }

  /** One OffsetCommit to the coordinator; per-partition error codes come back, not thrown. */
  private async commitTo (coordinator: Broker, groupId: string, request: unknown[]): Promise<CommitResult[]> {
    const response = await this.callApiOn<OffsetCommitResponse>(this.committerOf(groupId), coordinator, 'OffsetCommit', groupId, -1, '', null, request)
      .catch((error: unknown) => carriedResponse<OffsetCommitResponse>(error))
    return response.topics.flatMap((topic) => topic.partitions.map((partition) => ({
      topic: topic.name,
      partition: partition.partitionIndex,
      errorCode: partition.errorCode
    })))
  }

  /** KIP-848 consumer groups: one ConsumerGroupDescribe per coordinator for all of them. */
  private async describeConsumerGroups (groupIds: readonly string[]): Promise<Map<string, { state: string, members: number }>> {
    const byCoordinator = new Map<string, { broker: Broker, groups: string[] }>()
    const coordinators = await this.coordinatorsOf(groupIds)
    for (const groupId of groupIds) {
      const broker = coordinators.get(groupId)!
      const key = `${broker.host}:${broker.port}`
      const entry = byCoordinator.get(key) ?? { broker, groups: [] }
      entry.groups.push(groupId)
      byCoordinator.set(key, entry)
    }
    const result = new Map<string, { state: string, members: number }>()
    await Promise.all([...byCoordinator.values()].map(async ({ broker, groups }) => {
      const response = await this.callApi<ConsumerGroupDescribeResponse>(broker, 'ConsumerGroupDescribe', groups, false).catch((error: unknown) => {
        for (const groupId of groups) this.coordinators.delete(groupId)
        throw error
      })
      for (const groupId of groups) {
        const group = response.groups.find((entry) => entry.groupId === groupId)
        if (group !== undefined && isCoordinatorError(group.errorCode)) this.coordinators.delete(groupId)
        const known = group !== undefined && group.errorCode === 0
        result.set(groupId, known ? { state: group.groupState, members: group.members.length } : { state: 'Dead', members: 0 })
      }
    }))
    return result
  }

  private async coordinatorOf (groupId: string): Promise<Broker> {
    return (await this.coordinatorsOf([groupId])).get(groupId)!
  }

  /** The coordinators of the groups: cached ones, and one FindCoordinator for the others. */
  private async coordinatorsOf (groupIds: readonly string[]): Promise<Map<string, Broker>> {
    const result = new Map<string, Broker>()
    const unknown: string[] = []
    for (const groupId of groupIds) {
      const cached = this.coordinators.get(groupId)
      if (cached === undefined) unknown.push(groupId)
      else result.set(groupId, cached)
    }
    if (unknown.length === 0) return result
    const found = await this.findCoordinator({ keyType: FindCoordinatorKeyTypes.GROUP, keys: unknown })
    for (const groupId of unknown) {
      const coordinator = found.find((entry) => entry.key === groupId)
      if (coordinator === undefined) {
        const message = `no coordinator found for group ${groupId} on ${describeCluster(this.cluster)}.`
        throw new Mm2FailbackError('MM2_CLUSTER_UNREACHABLE', message, { cluster: this.cluster.alias, group: groupId })
      }
      const broker = { host: coordinator.host, port: coordinator.port }
      this.coordinators.set(groupId, broker)
      result.set(groupId, broker)
    }
    return result
  }

  /** The client whose connection carries the group's OffsetCommits: this one, or one of the committers. */
  private committerOf (groupId: string): Admin {
    if (this.commitConnections === 1) return this
    this.committers ??= Array.from({ length: this.commitConnections - 1 }, () => new Admin(toAdminOptions(this.cluster, 'groups')))
    let hash = 0
    for (let i = 0; i < groupId.length; i++) hash = (hash * 31 + groupId.charCodeAt(i)) | 0
    const slot = Math.abs(hash) % this.commitConnections
    return slot === 0 ? this : this.committers[slot - 1]!
  }

  private async callApi<T> (broker: Broker, apiName: string, ...args: unknown[]): Promise<T> {
    return await this.callApiOn<T>(this, broker, apiName, ...args)
  }

  /** One request to `broker` over the connection of `client` (this one or a committer); API versions are this client's. */
  private async callApiOn<T> (client: Admin, broker: Broker, apiName: string, ...args: unknown[]): Promise<T> {
    const connection = await new Promise<Connection>((resolve, reject) => {
      client[kGetConnection](broker, (error, value) => { if (error !== null && error !== undefined) reject(error); else resolve(value as Connection) })
    })
    const api = await new Promise<ApiFunction>((resolve, reject) => {
      this[kGetApi](apiName, ((error: Error | null, value: unknown) => {
        if (error !== null && error !== undefined) reject(error); else resolve(value as ApiFunction)
      }) as Callback<unknown>)
    })
    return await new Promise<T>((resolve, reject) => {
      api(connection, ...args, (error: Error | null, value: T) => { if (error !== null && error !== undefined) reject(error); else resolve(value) })
    })
  }
}

/** What the OffsetCommit response gives back: an error code per partition. */
interface OffsetCommitResponse { topics: Array<{ name: string, partitions: Array<{ partitionIndex: number, errorCode: number }> }> }

/** What the ConsumerGroupDescribe response gives back of each group. */
interface ConsumerGroupDescribeResponse { groups: Array<{ groupId: string, errorCode: number, groupState: string, members: unknown[] }> }
