// Routes the records the followers fetch (docs/design.md §2.1) by the role their topic has in the
// follow plan: MM2's offset syncs and the history topic go to the shared sync ingest (the index, then
// reverse syncs, history snapshots and a re-evaluation of the groups committed on those partitions),
// checkpoints and heartbeats to the flow freshness gauges, and group commits (from __consumer_offsets
// or the admin poller) to the committed-offset store and, once ready, to group sync. The parts it
// hands records to are injected by the daemon; its only state is the re-evaluations it has coalesced.
import { compositeKey } from '../../core/keys.ts'
import type { Mm2Flow } from '../../core/mm2/model.ts'
import { decodeCheckpoint } from '../../core/codec/checkpoint.ts'
import { decodeHeartbeat } from '../../core/codec/heartbeat.ts'
import type { CommittedOffset, CommittedOffsets } from '../../core/sync/committed-offsets.ts'
import { RECORD_TYPE, type FollowPlan, type TopicRole } from '../../core/mm2/follow-plan.ts'
import { recordsOf, type RecordSet } from '../../kafka/record-set.ts'
import { CommitIngest } from '../ingest/commit-ingest.ts'
import type { RecordIngest } from '../ingest/record-ingest.ts'
import type { SyncIngest, TopicPartition } from '../ingest/sync-ingest.ts'
import type { FetchedRecord } from '../ports.ts'
import type { FlowFreshness } from './flow-freshness.ts'
import type { GroupMirror } from './group-mirror.ts'
import type { HistoryKeeper } from './history-keeper.ts'
import type { ReverseSyncWriters } from './reverse-sync-writers.ts'

export interface RecordRouterOptions {
  plan: FollowPlan
  ingest: RecordIngest
  syncs: Pick<SyncIngest, 'history' | 'offsetSyncs'>
  committed: CommittedOffsets
  freshness: Pick<FlowFreshness, 'syncsRead' | 'checkpoint' | 'heartbeat'>
  reverseSyncs: Pick<ReverseSyncWriters, 'onSync'>
  /** Whether the follower of `cluster` is reading it from the start again (it returned after readiness). */
  isReplaying: (cluster: string) => boolean
  /** The history keeper, once the outputs started with history on; null before. */
  historyKeeper: () => Pick<HistoryKeeper, 'markDirty'> | null
  /** Group sync; null when it is off. */
  groupMirror: () => Pick<GroupMirror, 'submit'> | null
  /** Whether the daemon passed the readiness gate: before it, nothing is submitted to group sync. */
  isReady: () => boolean
  /** At most one re-evaluation for new syncs per this many ms (default 1 s); the first after a quiet spell goes at once. */
  reevaluateDelayMs?: number
}

/**
 * Every new sync of a partition (MM2's, and the reverse syncs the sidecar writes itself, read back)
 * re-evaluates every group committed there: with a thousand groups and syncs arriving many times a
 * second, doing it per sync costs more than the commits themselves. At most one re-evaluation a second
 * goes (measured: one every 250 ms left the exact sidecar at 93 % of a core at 1,000 group commits a
 * second, one a second at 72 %).
 */
const REEVALUATE_DELAY_MS = 1000

export class RecordRouter {
  private readonly options: RecordRouterOptions
  /** Partitions with new syncs whose groups are re-evaluated when the timer fires, per flow and topic. */
  private readonly due = new Map<string, { flow: Mm2Flow, topic: string, partitions: Set<number> }>()
  private timer: NodeJS.Timeout | null = null
  private readonly commits: CommitIngest

  constructor (options: RecordRouterOptions) {
    this.options = options
    this.commits = new CommitIngest(options.ingest, options.committed)
  }

  /** Drops the re-evaluations not made yet (shutdown). */
  stop (): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    this.due.clear()
  }

  /** Records fetched from one partition of a followed topic, handed to each role the topic has on `cluster`. */
  onRecords (cluster: string, topic: string, partition: number, records: RecordSet): void {
    const at = { cluster, topic, partition }
    const roles = this.options.plan.get(cluster)?.get(topic) ?? []
    // Group commits are walked from the bytes; the other roles read records as objects, made once.
    let list: FetchedRecord[] | null = null
    const listed = (recordType: string): FetchedRecord[] => (list ??= recordsOf(records, (offset, error) => {
      this.options.ingest.skip({ ...at, recordType }, offset, error)
    }))
    for (const role of roles) {
      if (role.kind === 'offset-syncs') this.onOffsetSyncs(role.flow, at, listed(RECORD_TYPE['offset-syncs']))
      else if (role.kind === 'history') this.options.syncs.history(at, listed(RECORD_TYPE.history))
      else if (role.kind === 'checkpoints') this.onCheckpoints(role, at, listed(RECORD_TYPE.checkpoints))
      else if (role.kind === 'heartbeats') this.onHeartbeats(role, at, listed(RECORD_TYPE.heartbeats))
      else this.onCommits(this.commits.apply(at, records, this.options.isReady()), false)
    }
  }

  /** New group commits on a cluster, from __consumer_offsets (`store` false: already stored) or the admin poller. */
  onCommits (commits: CommittedOffset[], store = true): void {
    if (store) for (const commit of commits) this.options.committed.set(commit)
    if (this.options.isReady() && commits.length > 0) this.options.groupMirror()?.submit(commits)
  }

  private onOffsetSyncs (flow: Mm2Flow, at: TopicPartition, records: FetchedRecord[]): void {
    // A cluster that returns after readiness is read from the start again: replay, don't rewind.
    const mode = this.options.isReplaying(at.cluster) ? 'replay' : 'append'
    const { mm2Syncs, accepted } = this.options.syncs.offsetSyncs(flow, at, records, mode)
    const touched = new Map<string, Set<number>>()
    for (const sync of accepted) {
      this.options.historyKeeper()?.markDirty(flow.source, flow.target, sync.topic, sync.partition)
      this.options.reverseSyncs.onSync(flow, sync)
      const partitions = touched.get(sync.topic) ?? new Set<number>()
      touched.set(sync.topic, partitions.add(sync.partition))
    }
    for (const [topic, partitions] of touched) this.reevaluate(flow, topic, partitions)
    // Only MM2's own syncs say the flow is alive: not our reverse syncs, not garbage.
    if (mm2Syncs > 0) this.options.freshness.syncsRead(flow, Date.now())
  }

  /**
   * New syncs of `flow` for `topic` can translate commits that were untranslatable, or translate them
   * more precisely: re-evaluate the groups committed on those partitions, on both sides of the flow.
   */
  private reevaluate (flow: Mm2Flow, topic: string, partitions: ReadonlySet<number>): void {
    if (!this.options.isReady() || this.options.groupMirror() === null) return
    const key = compositeKey(flow.source, flow.target, topic)
    const due = this.due.get(key) ?? { flow, topic, partitions: new Set<number>() }
    for (const partition of partitions) due.partitions.add(partition)
    this.due.set(key, due)
    // The first syncs after a quiet second go at once (a commit no sync covered yet is mirrored as soon as
    // one arrives); the ones that follow within the second are gathered and go at its end.
    if (this.timer !== null) return
    this.reevaluateDue()
    this.coolDown()
  }

  private coolDown (): void {
    this.timer = setTimeout(() => {
      this.timer = null
      if (this.due.size === 0) return
      this.reevaluateDue()
      this.coolDown()
    }, this.options.reevaluateDelayMs ?? REEVALUATE_DELAY_MS)
    this.timer.unref()
  }

  private reevaluateDue (): void {
    const groupMirror = this.options.groupMirror()
    const due = [...this.due.values()]
    this.due.clear()
    if (groupMirror === null) return
    for (const { flow, topic, partitions } of due) {
      const remote = flow.policy.formatRemoteTopic(flow.source, topic)
      const commits = [...partitions].flatMap((partition) => [
        ...this.options.committed.onPartition(flow.source, topic, partition),
        ...this.options.committed.onPartition(flow.target, remote, partition)
      ])
      if (commits.length > 0) groupMirror.submit(commits, false)
    }
  }

  private onCheckpoints (role: TopicRole & { kind: 'checkpoints' }, at: TopicPartition, records: FetchedRecord[]): void {
    const source = { ...at, recordType: RECORD_TYPE.checkpoints }
    this.options.ingest.each(source, records, (record) => decodeCheckpoint(record.key, record.value), (_checkpoint, record) => {
      this.options.freshness.checkpoint(role.flow, Number(record.timestamp))
    })
  }

  private onHeartbeats (role: TopicRole & { kind: 'heartbeats' }, at: TopicPartition, records: FetchedRecord[]): void {
    const source = { ...at, recordType: RECORD_TYPE.heartbeats }
    this.options.ingest.each(source, records, (record) => decodeHeartbeat(record.key, record.value), (heartbeat) => {
      this.options.freshness.heartbeat(role.flow, Number(heartbeat.timestamp))
    })
  }
}
