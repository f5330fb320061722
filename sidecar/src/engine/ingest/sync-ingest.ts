// Builds the translation index from what the clusters hold (docs/design.md §2.2), for the daemon and
// for reconcile alike: the sidecar's history snapshots first, then MM2's offset syncs replayed on top
// (replaySync skips what the snapshots already cover, so the older records of MM2's topic never look
// like a rewind). Before `seed()` everything is collected; after it, MM2's new syncs go straight into
// the index. Reverse syncs found in an offset-syncs topic are the sidecar's own (the inverted syncs of
// the other flow): they never enter this flow's index, and are handed to `onReverseSync`. The history
// topic's proven-pair snapshots (§6.1) seed `provenPairs` when given (the daemon in exact mode); without
// it (reconcile) they are well-formed records that are not for us, decoded and left alone.
import { decodeOffsetSync, type OffsetSync } from '../../core/codec/offset-sync.ts'
import { decodeHistoryRecord } from '../../core/codec/sync-history.ts'
import type { ProvenPairs } from '../../core/exact/proven-pairs.ts'
import type { Mm2Flow } from '../../core/mm2/model.ts'
import { isReverseSync } from '../../core/sync/reverse-syncs.ts'
import { replaySync } from '../../core/translation/replay.ts'
import { ProvenPairsCollector, SnapshotCollector } from '../../core/translation/snapshot-collector.ts'
import type { SyncIndex } from '../../core/translation/sync-index.ts'
import { RECORD_TYPE } from '../../core/mm2/follow-plan.ts'
import type { IngestRecord, RecordIngest, RecordSource } from './record-ingest.ts'
import { flowName } from '../../core/mm2/flow-name.ts'

export interface TopicPartition {
  cluster: string
  topic: string
  partition: number
}

/** How a sync read after seeding enters the index: appended, or replayed (a cluster re-read from its start after an outage). */
export type LiveSyncMode = 'append' | 'replay'

export interface SyncIngestOptions {
  index: SyncIndex
  ingest: RecordIngest
  /** The flows whose syncs and snapshots are kept; others are ignored. */
  flows: readonly Mm2Flow[]
  /** A reverse sync (ours or an earlier run's) read from `flow`'s offset-syncs topic. */
  onReverseSync?: (flow: Mm2Flow, sync: OffsetSync) => void
  /** Where the proven-pair snapshots of the history topic go at seeding; absent: they are ignored. */
  provenPairs?: ProvenPairs | null
}

export interface SeedSummary {
  /** Syncs taken from history snapshots. */
  seeded: number
  /** Syncs of MM2's offset-syncs topics that were newer than the snapshots. */
  replayed: number
  /** Proven pairs taken from history snapshots (0 without `provenPairs`). */
  provenPairs: number
}

export interface OffsetSyncsRead {
  /** MM2's own syncs decoded (reverse syncs and bad records excluded): the flow's sign of life. */
  mm2Syncs: number
  /** The syncs that entered the index. */
  accepted: OffsetSync[]
}

interface PendingSync {
  sync: OffsetSync
  source: RecordSource
  offset: bigint
}

export class SyncIngest {
  private readonly options: SyncIngestOptions
  private readonly flowKeys: Set<string>
  private readonly snapshots = new SnapshotCollector()
  private readonly pairSnapshots = new ProvenPairsCollector()
  private readonly pending = new Map<Mm2Flow, PendingSync[]>()
  private seededAlready = false

  constructor (options: SyncIngestOptions) {
    this.options = options
    this.flowKeys = new Set(options.flows.map(flowName))
  }

  /**
   * Records of a history topic, both kinds. Tombstones are compaction's, not data: not counted. After
   * seeding, what comes back is the sidecar's own writes, which the index is already ahead of.
   */
  history (at: TopicPartition, records: readonly IngestRecord[]): void {
    const source = { ...at, recordType: RECORD_TYPE.history }
    const live = records.filter((record) => record.value !== null)
    this.options.ingest.each(source, live, (record) => decodeHistoryRecord(record.key, record.value), (snapshot) => {
      if (this.seededAlready) return
      if (!this.flowKeys.has(flowName({ source: snapshot.sourceClusterAlias, target: snapshot.targetClusterAlias }))) return
      if (snapshot.kind === 'syncs') this.snapshots.offer(snapshot)
      else if (this.options.provenPairs !== undefined && this.options.provenPairs !== null) this.pairSnapshots.offer(at.cluster, snapshot)
    })
  }

  /**
   * Records of `flow`'s offset-syncs topic. Returns how many of MM2's own syncs were read, and those
   * that entered the index (none before seeding, and none that a replay found superseded), in order.
   */
  offsetSyncs (flow: Mm2Flow, at: TopicPartition, records: readonly IngestRecord[], mode: LiveSyncMode = 'append'): OffsetSyncsRead {
    const source = { ...at, recordType: RECORD_TYPE['offset-syncs'] }
    const accepted: OffsetSync[] = []
    let mm2Syncs = 0
    const flowIndex = this.options.index.flow(flow.source, flow.target)
    this.options.ingest.each(source, records, (record) => decodeOffsetSync(record.key, record.value), (sync, record) => {
      if (isReverseSync(sync, flow.target, flow.policy)) {
        this.options.onReverseSync?.(flow, sync)
        return
      }
      mm2Syncs++
      if (!this.seededAlready) {
        const list = this.pending.get(flow) ?? []
        list.push({ sync, source, offset: record.offset })
        this.pending.set(flow, list)
        return
      }
      const history = flowIndex.history(sync.topic, sync.partition)
      if (mode === 'replay') {
        if (replaySync(history, sync.upstreamOffset, sync.downstreamOffset) === 'superseded') return
      } else {
        flowIndex.appendSync(sync)
      }
      accepted.push(sync)
    })
    return { mm2Syncs, accepted }
  }

  /**
   * Seeds the index from the snapshots, then replays MM2's syncs read so far; from then on syncs go
   * straight in. The proven pairs are seeded from theirs.
   */
  seed (): SeedSummary {
    const { index, ingest, provenPairs } = this.options
    let seeded = 0
    for (const snapshot of this.snapshots.all()) {
      const history = index.flow(snapshot.sourceClusterAlias, snapshot.targetClusterAlias).history(snapshot.topic, snapshot.partition)
      for (const sync of snapshot.syncs) {
        if (replaySync(history, sync.upstreamOffset, sync.downstreamOffset) !== 'superseded') seeded++
      }
    }
    let replayed = 0
    for (const [flow, syncs] of this.pending) {
      const flowIndex = index.flow(flow.source, flow.target)
      for (const { sync, source, offset } of syncs) {
        try {
          if (replaySync(flowIndex.history(sync.topic, sync.partition), sync.upstreamOffset, sync.downstreamOffset) !== 'superseded') replayed++
        } catch (error) {
          ingest.skip(source, offset, error)
        }
      }
    }
    let pairs = 0
    for (const snapshot of this.pairSnapshots.all()) {
      const key = { source: snapshot.sourceClusterAlias, target: snapshot.targetClusterAlias, topic: snapshot.topic, partition: snapshot.partition }
      for (const pair of snapshot.pairs) {
        if (provenPairs?.add(key, pair) === true) pairs++
      }
    }
    this.snapshots.clear()
    this.pairSnapshots.clear()
    this.pending.clear()
    this.seededAlready = true
    return { seeded, replayed, provenPairs: pairs }
  }
}
