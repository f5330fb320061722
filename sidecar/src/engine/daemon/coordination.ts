// How the instances of one deployment share the work (docs/design.md §2.7). Each instance is a member of
// one consumer group on every cluster it works on, subscribed to a coordination topic with one partition
// per partition of __consumer_offsets, and the group coordinator deals those partitions over the live
// members (kafka/shard-membership.ts). Kafka's group protocol does
// the membership: a crashed instance stops heartbeating, the coordinator evicts it after the session
// timeout and deals its partitions to the others.
//   - Group sync: the owner of partition p of cluster C's __consumer_offsets mirrors the commits of the
//     groups stored there (groupPartition) from C to the other cluster.
//   - Reverse syncs: the owner of partition 0 on cluster C writes the reverse offset syncs that go to C
//     (claiming the topic fences the previous writer, so a zombie can never write after a takeover).
//
// Where a cluster refuses the group (no READ on it), this instance works alone there: it owns every
// partition, and the transactional id still fences a second instance, which then stays a standby.
import type { SidecarConfig } from '../../config/schema.ts'
import { CONSUMER_OFFSETS_TOPIC, type FollowPlan } from '../../core/mm2/follow-plan.ts'
import type { Mm2Config, Mm2Flow } from '../../core/mm2/model.ts'
import { authorizationFailure, messageOf } from '../../kafka/client-errors.ts'
import type { SidecarMetrics } from '../../metrics/registry.ts'
import type { Logger } from '../logger.ts'
import type { AdapterFactory, MembershipPort, MembershipSpec } from '../ports.ts'
import { reverseSyncClusters } from './reverse-sync-writers.ts'
import { partitionRanges } from '../../core/coordination/partition-ranges.ts'

const sameMembers = (a: ReadonlySet<number>, b: ReadonlySet<number>): boolean => a.size === b.size && [...a].every((value) => b.has(value))

/** The membership the sidecar's configuration asks for: the group shares each cluster's __consumer_offsets. */
export function membershipSpec (config: SidecarConfig): MembershipSpec {
  const { groupId, topic, sessionTimeoutMs, heartbeatIntervalMs } = config.coordination
  // A rebalance waits this long for every member to rejoin; a live member rejoins within a heartbeat.
  return { groupId, topic, replicationFactor: config.history.replicationFactor, sessionTimeoutMs, heartbeatIntervalMs, rebalanceTimeoutMs: sessionTimeoutMs }
}

/** The clusters whose groups this instance mirrors (their commits are followed) or whose reverse syncs it writes. */
export function coordinatedClusters (mm2: Mm2Config, config: SidecarConfig, plan: FollowPlan, flows: readonly Mm2Flow[]): string[] {
  const commitClusters = config.features.groupSync ? [...plan].filter(([, topics]) => topics.has(CONSUMER_OFFSETS_TOPIC)).map(([alias]) => alias) : []
  const writerClusters = config.features.reverseSyncs ? reverseSyncClusters(mm2, flows) : []
  return [...new Set([...commitClusters, ...writerClusters])]
}

/** Which instance writes the reverse offset syncs that go to a cluster (what the reverse-sync writers need). */
export interface WriterSeats {
  isElected: (cluster: string) => boolean
  /** Calls `listener` on every change of this instance's seat on `cluster`, and at once when it already holds it. */
  onChange: (cluster: string, listener: (elected: boolean) => void) => void
}

export interface CoordinationOptions {
  clusters: readonly string[]
  adapters: AdapterFactory
  spec: MembershipSpec
  metrics: Pick<SidecarMetrics, 'reverseSyncWriter' | 'syncFailures'>
  logger: Logger
  /** Called before this instance rejoins its group on `cluster` (it owns nothing meanwhile): let work on the old share finish. */
  beforeRejoin?: (cluster: string) => Promise<void>
}

interface Seat {
  membership: MembershipPort
  owned: ReadonlySet<number>
  /** This instance holds the writer's seat (partition 0), as of the last settled change. */
  elected: boolean
  /** The group was refused: this instance works alone on the cluster and owns every partition. */
  alone: boolean
  writerListeners: Array<(elected: boolean) => void>
  /** The share as of the last settled change: logged when a settled change differs from it. */
  settledShare: ReadonlySet<number>
}

export class Coordination implements WriterSeats {
  private readonly options: CoordinationOptions
  private readonly seats = new Map<string, Seat>()
  private readonly shareListeners: Array<(cluster: string) => void> = []

  constructor (options: CoordinationOptions) {
    this.options = options
    for (const cluster of options.clusters) {
      const seat: Seat = {
        membership: options.adapters(cluster).membership(options.spec, {
          onOwned: (partitions, settled) => { this.update(cluster, new Set(partitions), settled) },
          onError: (error) => { this.failed(cluster, error) },
          beforeRejoin: async () => { await options.beforeRejoin?.(cluster) }
        }),
        owned: new Set(),
        elected: false,
        alone: false,
        writerListeners: [],
        settledShare: new Set()
      }
      this.seats.set(cluster, seat)
      options.metrics.reverseSyncWriter.set({ kafka_cluster: cluster }, 0)
    }
  }

  start (): void {
    for (const seat of this.seats.values()) seat.membership.start()
  }

  /**
   * True when this instance mirrors the commits stored in partition `partition` of `cluster`'s
   * __consumer_offsets: it owns that partition of the coordination topic (modulo its partition count,
   * in case the two topics differ).
   */
  owns (cluster: string, partition: number): boolean {
    const seat = this.seats.get(cluster)
    // A cluster outside coordination (it gets no reverse syncs and no group sync) is nobody's to share.
    if (seat === undefined || seat.alone) return true
    const count = seat.membership.partitionCount
    return count !== undefined && seat.owned.has(partition % count)
  }

  /** Whether this instance works alone on `cluster` (or it is outside coordination): it owns every partition. */
  isAlone (cluster: string): boolean {
    const seat = this.seats.get(cluster)
    return seat === undefined || seat.alone
  }

  isElected (cluster: string): boolean {
    const seat = this.seats.get(cluster)
    return seat !== undefined && (seat.alone || seat.elected)
  }

  onChange (cluster: string, listener: (elected: boolean) => void): void {
    const seat = this.seats.get(cluster)
    if (seat === undefined) return
    seat.writerListeners.push(listener)
    if (this.isElected(cluster)) listener(true)
  }

  /** Calls `listener` whenever this instance's share of a cluster changes. */
  onShareChange (listener: (cluster: string) => void): void {
    this.shareListeners.push(listener)
  }

  async stop (): Promise<void> {
    await Promise.all([...this.seats.values()].map(async (seat) => { await seat.membership.close() }))
  }

  /**
   * Group sync follows every change at once (a group is never mirrored by two instances). The writer's
   * seat follows only settled changes: the release before a rejoin is followed, within the rebalance, by
   * the next assignment, which usually gives the seat back (sticky); and the transactional id fences a
   * writer that kept writing meanwhile anyway.
   */
  private update (cluster: string, owned: ReadonlySet<number>, settled: boolean): void {
    const seat = this.seats.get(cluster)
    if (seat === undefined || seat.alone) return
    seat.owned = owned
    for (const listener of this.shareListeners) listener(cluster)
    if (!settled) return
    // A rebalance releases the share, then deals it (usually the same again): only a different share is news.
    if (!sameMembers(seat.settledShare, owned)) {
      seat.settledShare = owned
      const { groupId } = this.options.spec
      const count = seat.membership.partitionCount
      const text = `cluster ${cluster}: this instance now mirrors the groups stored in ${owned.size}${count === undefined ? '' : ` of ${count}`} ` +
        `partitions of ${CONSUMER_OFFSETS_TOPIC} (${owned.size === 0 ? 'none' : partitionRanges(owned)}; group ${groupId})`
      this.options.logger.info(text, { cluster, group: groupId, partitions: owned.size })
    }
    const elected = owned.has(0)
    if (elected !== seat.elected) this.seatChanged(cluster, seat, elected)
  }

  private seatChanged (cluster: string, seat: Seat, elected: boolean): void {
    seat.elected = elected
    this.options.metrics.reverseSyncWriter.set({ kafka_cluster: cluster }, elected ? 1 : 0)
    const { groupId, topic } = this.options.spec
    const text = elected
      ? `this instance now writes the reverse offset syncs that go to cluster ${cluster} (partition 0 of ${topic} in group ${groupId})`
      : `this instance no longer writes the reverse offset syncs that go to cluster ${cluster} (group ${groupId} rebalanced, or its coordinator was out of reach)`
    this.options.logger.info(text, { cluster, group: groupId })
    for (const listener of seat.writerListeners) listener(elected)
  }

  private failed (cluster: string, error: unknown): void {
    const seat = this.seats.get(cluster)
    if (seat === undefined) return
    const { groupId } = this.options.spec
    const refused = authorizationFailure(error) !== null
    const code = refused ? 'MM2_KAFKA_REQUEST_FAILED' : 'MM2_CLUSTER_UNREACHABLE'
    this.options.metrics.syncFailures.inc({ kafka_cluster: cluster, operation: 'coordination', code })
    if (refused && !seat.alone) {
      const { topic } = this.options.spec
      const text = `cluster ${cluster} refuses group ${groupId} or its topic ${topic} (grant READ on Group ${groupId}, CREATE and DESCRIBE on Topic ${topic}, ` +
        'so that instances share the work and take over from each other); this instance works alone there: it mirrors every group and writes ' +
        'reverse offset syncs unless another instance fenced it'
      this.options.logger.warn(text, { cluster, group: groupId })
      seat.membership.close().catch(() => {})
      const wasElected = this.isElected(cluster)
      seat.alone = true
      for (const listener of this.shareListeners) listener(cluster)
      if (!wasElected) this.seatChanged(cluster, seat, true)
      return
    }
    const text = `group ${groupId} on cluster ${cluster}: ${messageOf(error)}; retrying`
    this.options.logger.once(`coordination:${cluster}:${messageOf(error)}`, 'warn', text, { cluster, group: groupId })
  }
}
