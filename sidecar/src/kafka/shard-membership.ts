// Membership of the sidecar instances of one deployment in a consumer group on one cluster, subscribed
// to __consumer_offsets (docs/design.md §2.7): the broker's group coordinator assigns that topic's
// partitions over the live instances, so owning a partition means owning the groups stored in it, and
// the owner of partition 0 writes the reverse offset syncs that go to this cluster. Kafka's own classic
// group protocol does the membership: join, heartbeats, rebalances, eviction after the session timeout.
//
// Two rules keep two instances from acting on one partition at once:
//   - eager rebalancing: everything owned is released before this instance (re)joins, and the
//     coordinator hands a partition to its next owner only once every live member has rejoined;
//   - a member cut off from the coordinator (no successful heartbeat for half the session timeout)
//     releases everything, well before the coordinator evicts it and gives its partitions away.
// Nothing is read or committed through the group: the partitions are read by the sidecar's own tailer.
import { Consumer, type GroupAssignment } from '@platformatic/kafka'
import { toConsumerOptions, type ClusterClientOptions } from './client-options.ts'
import { messageOf } from './client-errors.ts'

export interface ShardMembershipOptions {
  client: ClusterClientOptions
  /** The group id the instances of one deployment share. */
  groupId: string
  /** The topic whose partitions are shared out. */
  topic: string
  sessionTimeoutMs: number
  heartbeatIntervalMs: number
  /** How long the coordinator waits for every member to rejoin during a rebalance. */
  rebalanceTimeoutMs: number
  now?: () => number
}

export interface ShardMembershipHandlers {
  /** The partitions this instance owns now (empty while it rejoins or is cut off). Called on every change. */
  onOwned: (partitions: readonly number[]) => void
  /** The group could not be joined or a heartbeat failed; the membership retries by itself. */
  onError: (error: unknown) => void
  /** Awaited before every (re)join, once everything owned was released, as a Java consumer's onPartitionsRevoked. */
  beforeRejoin?: () => Promise<void>
}

const RETRY_MS = 1000

export class ShardMembership {
  readonly cluster: ClusterClientOptions
  private readonly options: ShardMembershipOptions
  private readonly handlers: ShardMembershipHandlers
  private readonly now: () => number
  private readonly consumer: Consumer<Buffer, Buffer, Buffer, Buffer>
  private owned: readonly number[] = []
  private lastContactMs = 0
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
      // on it finish, before the coordinator can deal it to another member (eager rebalancing).
      protocolsMetadata: async () => {
        this.setOwned([])
        await this.handlers.beforeRejoin?.()
        return Buffer.alloc(0)
      }
    })
    this.consumer.on('consumer:group:join', (payload) => {
      this.lastContactMs = this.now()
      this.setOwned(partitionsOf(payload.assignments ?? [], options.topic))
    })
    this.consumer.on('consumer:heartbeat:end', () => { this.lastContactMs = this.now() })
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

  /** This instance's member id in the group, '' before it joined. */
  get memberId (): string {
    return this.consumer.memberId ?? ''
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
    this.setOwned([])
    // Errors are ignored: leaving fails only when the coordinator is unreachable, and the session timeout then does it.
    await new Promise<void>((resolve) => { this.consumer.leaveGroup(true, () => { resolve() }) })
    await this.consumer.close(true).catch(() => {})
  }

  private join (): void {
    if (this.closed) return
    this.consumer.joinGroup({}).then(() => {
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

  /** Cut off for half the session timeout: the coordinator may soon give the partitions to another instance. */
  private checkContact (): void {
    if (this.owned.length === 0) return
    if (this.now() - this.lastContactMs > this.options.sessionTimeoutMs / 2) this.setOwned([])
  }

  private setOwned (partitions: readonly number[]): void {
    const sorted = [...partitions].sort((a, b) => a - b)
    if (sorted.length === this.owned.length && sorted.every((partition, index) => partition === this.owned[index])) return
    this.owned = sorted
    this.handlers.onOwned(sorted)
  }
}

function partitionsOf (assignments: readonly GroupAssignment[], topic: string): number[] {
  return assignments.filter((assignment) => assignment.topic === topic).flatMap((assignment) => assignment.partitions)
}
