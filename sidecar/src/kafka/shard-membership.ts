// Membership of the sidecar instances of one deployment in a consumer group on one cluster
// (docs/design.md §2.7), subscribed to a coordination topic with as many partitions as the cluster's
// __consumer_offsets (created when missing; nothing is ever written to it). The broker's group
// coordinator deals its partitions over the live instances: owning partition p means owning the groups
// stored in partition p of __consumer_offsets, and the owner of partition 0 writes the reverse offset
// syncs that go to this cluster. (Subscribing to __consumer_offsets itself is not possible: the client
// leaves internal topics out of the metadata the group leader assigns from.) Kafka's own classic group
// protocol does the membership: join, heartbeats, rebalances, eviction after the session timeout; the
// leader deals the partitions balanced and sticky (core/coordination/sticky-assignment.ts).
//
// Two rules keep two instances from acting on one partition at once:
//   - eager rebalancing: everything owned is released before this instance (re)joins, and the
//     coordinator hands a partition to its next owner only once every live member has rejoined;
//   - a member cut off from the coordinator (no successful heartbeat for half the session timeout)
//     releases everything, well before the coordinator evicts it and gives its partitions away.
// Nothing is read or committed through the group: the partitions are read by the sidecar's own tailer.
import { Admin, Consumer, FindCoordinatorKeyTypes, type GroupAssignment } from '@platformatic/kafka'
import { Mm2FailbackError } from '../errors.ts'
import { describeCluster, toAdminOptions, toConsumerOptions, type ClusterClientOptions } from './client-options.ts'
import { authorizationFailure, explainClientError, messageOf, type RequiredPermission } from './client-errors.ts'
import { randomUUID } from 'node:crypto'
import { encodeClaim, readClaim, stickyAssignment } from '../core/coordination/sticky-assignment.ts'
import { RawConsumer } from './raw-consumer.ts'

const CONSUMER_OFFSETS_TOPIC = '__consumer_offsets'
/** Kafka's default offsets.topic.num.partitions. */
export const DEFAULT_OFFSETS_PARTITIONS = 50

export interface ShardMembershipOptions {
  client: ClusterClientOptions
  /** The group id the instances of one deployment share. */
  groupId: string
  /** The coordination topic whose partitions are dealt (one per partition of __consumer_offsets). */
  topic: string
  /** Of the coordination topic when it is created (-1: the broker's default). */
  replicationFactor: number
  sessionTimeoutMs: number
  heartbeatIntervalMs: number
  /** How long the coordinator waits for every member to rejoin during a rebalance. */
  rebalanceTimeoutMs: number
  now?: () => number
}

export interface ShardMembershipHandlers {
  /**
   * The partitions this instance owns now, on every change and on every assignment (an empty one too).
   * `settled` is false for the release before a rejoin (the next assignment follows within the rebalance),
   * true for an assignment, a cut-off and the close.
   */
  onOwned: (partitions: readonly number[], settled: boolean) => void
  /** The group could not be joined or a heartbeat failed; the membership retries by itself. */
  onError: (error: unknown) => void
  /** Awaited before every (re)join, once everything owned was released, as a Java consumer's onPartitionsRevoked. */
  beforeRejoin?: () => Promise<void>
}

const RETRY_MS = 1000

/**
 * This process's identity in the coordination groups of every cluster (the claim carries it): the
 * assignment orders members by it, so this process is dealt the same partition numbers on each cluster.
 */
const PROCESS_INSTANCE = randomUUID()

export class ShardMembership {
  readonly cluster: ClusterClientOptions
  private readonly options: ShardMembershipOptions
  private readonly handlers: ShardMembershipHandlers
  private readonly now: () => number
  private readonly consumer: Consumer<Buffer, Buffer, Buffer, Buffer>
  private owned: readonly number[] = []
  /** The share last dealt to this member: claimed again at the next rebalance (sticky). */
  private lastAssigned: readonly number[] = []
  private topicPartitions: number | undefined
  private lastContactMs = 0
  /** The share was released because the coordinator was out of reach (not for a rebalance). */
  private cutOff = false
  private watchdog: NodeJS.Timeout | null = null
  private retry: NodeJS.Timeout | null = null
  private closed = false

  constructor (options: ShardMembershipOptions, handlers: ShardMembershipHandlers) {
    this.options = options
    this.cluster = options.client
    this.handlers = handlers
    this.now = options.now ?? Date.now
    this.consumer = new Consumer({
      ...toConsumerOptions(options.client, 'shards'),
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: options.heartbeatIntervalMs,
      rebalanceTimeout: options.rebalanceTimeoutMs,
      autocommit: false,
      // Called before every JoinGroup, the first and every rejoin: release everything, and let the work
      // on it finish, before the coordinator can deal it to another member (eager rebalancing). The
      // subscription carries what this member owned, so that the leader's assignment can be sticky.
      protocolsMetadata: async () => {
        this.setOwned([], false)
        await this.handlers.beforeRejoin?.()
        return Buffer.from(encodeClaim(this.lastAssigned, PROCESS_INSTANCE))
      },
      partitionAssigner: (_current, members, _topics, metadata) => {
        const count = metadata.topics.get(options.topic)?.partitionsCount ?? 0
        const claims = [...members.values()].map((member) => {
          const { owned, instance } = readClaim(typeof member.metadata === 'string' ? Buffer.from(member.metadata) : member.metadata)
          return { memberId: member.memberId, previous: owned, ...(instance === undefined ? {} : { instance }) }
        })
        return [...stickyAssignment(claims, count)].map(([memberId, partitions]) => ({
          memberId,
          assignments: new Map([[options.topic, { topic: options.topic, partitions }]])
        }))
      }
    })
    this.consumer.on('consumer:group:join', (payload) => {
      this.lastContactMs = this.now()
      this.lastAssigned = partitionsOf(payload.assignments ?? [], options.topic)
      this.cutOff = false
      this.setOwned(this.lastAssigned, true, true)
    })
    this.consumer.on('consumer:heartbeat:end', () => {
      this.lastContactMs = this.now()
      // Back in touch before the coordinator evicted it: still a member of this generation, so the share
      // released at the cut-off is still this instance's.
      if (this.cutOff) {
        this.cutOff = false
        this.setOwned(this.lastAssigned, true)
      }
    })
    this.consumer.on('consumer:heartbeat:error', (payload) => { this.handlers.onError(payload.error) })
    // A rejoin that fails for good (the coordinator unreachable for longer than the client retries).
    this.consumer.on('error', (error: unknown) => {
      this.handlers.onError(error)
      this.scheduleJoin()
    })
  }

  /** The partitions owned now. */
  get partitions (): readonly number[] {
    return this.owned
  }

  /** The coordination topic's partition count, undefined until it is known. */
  get partitionCount (): number | undefined {
    return this.topicPartitions
  }

  /** Joins the group in the background (retried until it works) and starts the cut-off watchdog. */
  start (): void {
    this.consumer.topics.track(this.options.topic)
    this.join()
    const period = Math.max(100, Math.floor(this.options.heartbeatIntervalMs / 2))
    this.watchdog = setInterval(() => { this.checkContact() }, period)
    this.watchdog.unref()
  }

  /** Leaves the group, so the others take the partitions over at once instead of after the session timeout. */
  async close (): Promise<void> {
    this.closed = true
    if (this.watchdog !== null) clearInterval(this.watchdog)
    if (this.retry !== null) clearTimeout(this.retry)
    this.setOwned([], true)
    // Errors are ignored: leaving fails only when the coordinator is unreachable, and the session timeout then does it.
    await new Promise<void>((resolve) => { this.consumer.leaveGroup(true, () => { resolve() }) })
    await this.consumer.close(true).catch(() => {})
  }

  private join (): void {
    if (this.closed) return
    this.ensureTopic().then(async () => await this.consumer.joinGroup({})).then(() => {
      this.lastContactMs = this.now()
    }, (error: unknown) => {
      this.handlers.onError(new Error(`cannot join group ${this.options.groupId} on cluster ${this.cluster.alias}: ${messageOf(error)}`, { cause: error }))
      this.scheduleJoin()
    })
  }

  private scheduleJoin (): void {
    if (this.closed || this.retry !== null) return
    this.retry = setTimeout(() => {
      this.retry = null
      this.join()
    }, RETRY_MS)
    this.retry.unref()
  }

  /**
   * Creates the coordination topic with as many partitions as __consumer_offsets when it is missing, and
   * learns its partition count. Another instance may create it at the same moment: that is fine.
   */
  private async ensureTopic (): Promise<void> {
    if (this.topicPartitions !== undefined) return
    const { client, topic, replicationFactor } = this.options
    const raw = new RawConsumer(toConsumerOptions(client, 'shards-metadata'))
    const admin = new Admin(toAdminOptions(client, 'shards-admin'))
    try {
      let metadata = await raw.rawMetadata([topic, CONSUMER_OFFSETS_TOPIC])
      if (!metadata.topics.has(topic)) {
        // A cluster where no group was ever used has no __consumer_offsets yet: looking up a group's
        // coordinator makes the broker create it, with its offsets.topic.num.partitions.
        let refusal: unknown = null
        // A principal that may not describe __consumer_offsets (group offsets polled through the admin API)
        // cannot learn its partition count.
        const hidden = metadata.unauthorized.has(CONSUMER_OFFSETS_TOPIC)
        const attempts = hidden ? 0 : 40
        for (let attempt = 0; attempt < attempts && !metadata.topics.has(CONSUMER_OFFSETS_TOPIC); attempt++) {
          await admin.findCoordinator({ keyType: FindCoordinatorKeyTypes.GROUP, keys: [this.options.groupId] }).catch((error: unknown) => {
            // A principal without Describe on the group: the coordinator lookup is refused, and so would the group be.
            if (authorizationFailure(error) !== null) refusal = error
          })
          if (refusal !== null) throw refusal
          await new Promise((resolve) => setTimeout(resolve, 250))
          metadata = await raw.rawMetadata([topic, CONSUMER_OFFSETS_TOPIC])
        }
        // Still not there (or not to be described): Kafka's default. Any count works, since a group's partition
        // p stands for the coordination partition p modulo its count, the same in every instance.
        const partitions = metadata.topics.get(CONSUMER_OFFSETS_TOPIC)?.leaders.length ?? DEFAULT_OFFSETS_PARTITIONS
        await admin.createTopics({ topics: [topic], partitions, replicas: replicationFactor }).catch((error: unknown) => {
          if (!messageOf(error).includes('TOPIC_ALREADY_EXISTS')) throw error
        })
        metadata = await raw.rawMetadata([topic])
      }
      const count = metadata.topics.get(topic)?.leaders.length
      if (count === undefined || count === 0) throw new Error(`topic ${topic} has no partitions yet`)
      this.topicPartitions = count
    } catch (error) {
      const needs: RequiredPermission[] = [
        { operation: 'Create', resource: 'Topic', name: topic },
        { operation: 'Describe', resource: 'Topic', name: topic },
        { operation: 'Read', resource: 'Group', name: this.options.groupId }
      ]
      const text = `cannot set up the coordination topic ${topic} on ${describeCluster(client)}: ${explainClientError(error, client, needs)}`
      throw new Mm2FailbackError('MM2_KAFKA_REQUEST_FAILED', text, { cluster: client.alias, topic }, { cause: error })
    } finally {
      await Promise.all([raw.close(true).catch(() => {}), admin.close().catch(() => {})])
    }
  }

  /** Cut off for half the session timeout: the coordinator may soon give the partitions to another instance. */
  private checkContact (): void {
    if (this.owned.length === 0) return
    if (this.now() - this.lastContactMs > this.options.sessionTimeoutMs / 2) {
      this.cutOff = true
      this.setOwned([], true)
    }
  }

  /** `assignment`: an assignment from the coordinator, reported even when it changes nothing (the first may be empty). */
  private setOwned (partitions: readonly number[], settled: boolean, assignment = false): void {
    const sorted = [...partitions].sort((a, b) => a - b)
    const same = sorted.length === this.owned.length && sorted.every((partition, index) => partition === this.owned[index])
    if (same && !assignment) return
    this.owned = sorted
    this.handlers.onOwned(sorted, settled)
  }
}

function partitionsOf (assignments: readonly GroupAssignment[], topic: string): number[] {
  return assignments.filter((assignment) => assignment.topic === topic).flatMap((assignment) => assignment.partitions)
}
