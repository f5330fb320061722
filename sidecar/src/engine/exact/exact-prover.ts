// Exact proofs (docs/design.md §6): the position of a group on the other cluster, proven from the
// records of both logs, shared by the daemon's group sync and reconcile. From an anchor (an MM2 sync,
// a pair proven before, or the first records of both logs) the constant-cost check of
// core/exact/quick-proof.ts is tried first; where it is refuted, the pure ExactWalk
// (core/exact/exact-walk.ts) walks from the anchor, up to its cap.
import { ExactWalk, type ExactOutcome } from '../../core/exact/exact-walk.ts'
import { checkCandidate, interpolate, pairSide, sidesOf, type Neighbourhood } from '../../core/exact/quick-proof.ts'
import { compositeKey } from '../../core/keys.ts'
import { flowName } from '../../core/mm2/flow-name.ts'
import type { CommitRoute } from '../../core/sync/route.ts'
import { isBelowMm2Syncs, type OffsetSyncPair, type Translation } from '../../core/translation/translation.ts'
import type { PartitionReaderPort, RangeRead } from '../ports.ts'
import { NeighbourhoodReads } from './neighbourhood-reads.ts'
import type { RecentBatches } from './recent-batches.ts'

/** How a proof was made: at a sync, by the constant-cost check, or by a walk; with what it read. */
export type ProofMethod = 'at-anchor' | 'quick' | 'walk'

export type ProofOutcome = ExactOutcome & {
  method?: ProofMethod
  /** Records the reads of this proof returned (whole batches), and the fetch requests sent. */
  recordsRead: number
  fetches: number
  /** The quick check found that the other log does not hold the copy yet (MM2 lags): worth retrying. */
  notCopied?: boolean
}

const WALK_BYTES = 256 * 1024

interface WalkedTopic { alias: string, topic: string }
interface ProofCost { recordsRead: number, fetches: number }

/** A read of a proof that a cluster did not answer: names the cluster, so the commit waits for that cluster. */
export class ProofReadError extends Error {
  readonly cluster: string
  constructor (cluster: string, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause })
    this.name = 'ProofReadError'
    this.cluster = cluster
  }
}

export class ExactProver {
  private readonly readerOf: (alias: string) => PartitionReaderPort
  private readonly maxExactRecords: number | undefined
  private readonly recent: RecentBatches | null
  private readonly reads = new NeighbourhoodReads()
  /**
   * The first-record lookups out now, per log: the groups of a partition are proven in one pass (a
   * restart, the periodic pass), and hundreds asking the same log for its first record at once share one answer.
   */
  private readonly firstRecordLookups = new Map<string, Promise<bigint | null>>()
  /**
   * The walks out now, by what they prove (route, partition, group offset, anchor): a pass over every
   * commit proves hundreds of groups at one position at once (all below MM2's first sync check the same
   * first records of both logs), and one walk answers them all. The first proof to finish leaves a proven
   * pair, so later proofs at that position start from it at no cost.
   */
  private readonly walks = new Map<string, Promise<ExactOutcome>>()

  /** `recent`: share recent reads between the quick proofs of groups at nearby positions (the daemon). */
  constructor (readerOf: (alias: string) => PartitionReaderPort, maxExactRecords?: number, recent: RecentBatches | null = null) {
    this.readerOf = readerOf
    this.maxExactRecords = maxExactRecords
    this.recent = recent
  }

  /**
   * Reconcile's entry: the proof for a translation the index gave. Conservative -> from its sync;
   * below MM2's first sync -> from the first records of both logs (see proveFromLogStart).
   */
  async prove (route: CommitRoute, partition: number, groupOffset: bigint, translation: Translation): Promise<ProofOutcome | undefined> {
    if (translation.kind === 'translated') {
      if (translation.method === 'exact') return undefined
      return await this.proveFrom(route, partition, groupOffset, translation.sync)
    }
    if (!isBelowMm2Syncs(translation)) return undefined
    return await this.proveFromLogStart(route, partition, groupOffset)
  }

  /** The proof from a proven anchor whose window-side offset is <= the group's offset. */
  async proveFrom (route: CommitRoute, partition: number, groupOffset: bigint, anchor: OffsetSyncPair): Promise<ProofOutcome> {
    const { window, other } = sidesOf(route.direction)
    const at = pairSide(anchor, window)
    if (groupOffset === at) {
      const offset = pairSide(anchor, other)
      return { kind: 'exact', offset, matched: 0, duplicates: 0, skipped: 0, walked: 0, method: 'at-anchor', recordsRead: 0, fetches: 0 }
    }
    const cost = { recordsRead: 0, fetches: 0 }
    if (groupOffset > at) {
      const topics = this.walkedTopics(route)
      const candidate = interpolate(route.direction, anchor, groupOffset)
      const [windowSide, otherSide] = await Promise.all([
        this.neighbourhood(topics[window], partition, groupOffset, cost),
        this.neighbourhood(topics[other], partition, candidate, cost)
      ])
      const verdict = checkCandidate(groupOffset, candidate, windowSide, otherSide)
      if (verdict.kind === 'exact') {
        return { kind: 'exact', offset: verdict.offset, matched: 2, duplicates: 0, skipped: 0, walked: 4, method: 'quick', ...cost }
      }
      if (verdict.kind === 'not-copied') {
        return { kind: 'unproven', reason: 'incomplete', detail: verdict.detail, walked: 0, notCopied: true, ...cost }
      }
    }
    return { ...await this.walk(route, partition, groupOffset, anchor, cost), ...cost, method: 'walk' }
  }

  /**
   * Below MM2's first offset sync (MM2 coalesces the syncs of a burst, e.g. when it catches up after
   * downtime, so the first one may sit far above the start of the log) the proof starts from the
   * first record of both logs instead: MM2 copies in order from where its source consumer started,
   * so when the first records match, they are one record, and the proof goes on from there.
   */
  async proveFromLogStart (route: CommitRoute, partition: number, groupOffset: bigint): Promise<ProofOutcome> {
    const cost = { recordsRead: 0, fetches: 0 }
    const { upstream, downstream } = this.walkedTopics(route)
    const [upFirst, downFirst] = await Promise.all([
      this.firstRecordOffset(upstream, partition, false, cost),
      this.firstRecordOffset(downstream, partition, true, cost)
    ])
    if (upFirst === null || downFirst === null) {
      const emptyLog = upFirst === null ? `${upstream.topic} on cluster ${upstream.alias}` : `${downstream.topic} on cluster ${downstream.alias}`
      const detail = `no offset sync, and ${emptyLog} holds no record to start from`
      // The group's log has records and the other one none yet: MM2 has not copied them (a new topic, a returning cluster).
      const otherEmpty = route.direction === 'forward' ? upFirst !== null : downFirst !== null
      return { kind: 'unproven', reason: 'empty-window', detail, walked: 0, ...(otherEmpty ? { notCopied: true } : {}), ...cost }
    }
    const anchor = { upstreamOffset: upFirst, downstreamOffset: downFirst }
    const windowFirst = route.direction === 'forward' ? upFirst : downFirst
    if (groupOffset <= windowFirst) {
      // The group is at (or before) the first record: the answer is the other log's first record,
      // once the two first records are shown to be one (a one-record walk).
      const check = await this.walk(route, partition, windowFirst + 1n, anchor, cost)
      if (check.kind !== 'exact') return { ...check, ...cost }
      return { ...check, offset: route.direction === 'forward' ? downFirst : upFirst, anchor: 'log-start', method: 'walk', ...cost }
    }
    // The first records must be one record for the anchor to hold, whatever the quick check says.
    const first = await this.walk(route, partition, windowFirst + 1n, anchor, cost)
    if (first.kind !== 'exact') return { ...first, ...cost }
    const outcome = await this.proveFrom(route, partition, groupOffset, anchor)
    const total = { recordsRead: cost.recordsRead + outcome.recordsRead, fetches: cost.fetches + outcome.fetches }
    return outcome.kind === 'exact' ? { ...outcome, anchor: 'log-start', ...total } : { ...outcome, ...total }
  }

  private walkedTopics (route: CommitRoute): { upstream: WalkedTopic, downstream: WalkedTopic } {
    const flow = route.flow
    return {
      upstream: { alias: flow.source, topic: route.syncTopic },
      downstream: { alias: flow.target, topic: flow.policy.formatRemoteTopic(flow.source, route.syncTopic) }
    }
  }

  /** One read of a proof; a failure names the cluster (ProofReadError). */
  private async read (where: WalkedTopic, partition: number, from: bigint, maxBytes: number): Promise<RangeRead> {
    try {
      return await this.readerOf(where.alias).read(where.topic, partition, from, maxBytes)
    } catch (error) {
      throw new ProofReadError(where.alias, error)
    }
  }

  /**
   * The records at position - 1 and position of one side (a read or two), and where its log ends: from
   * a recent read when one holds both, else read together with the other proofs of the partition
   * waiting now (neighbourhood-reads.ts).
   */
  private async neighbourhood (where: WalkedTopic, partition: number, position: bigint, cost: ProofCost): Promise<Neighbourhood> {
    const known = this.recentNeighbourhood(where, partition, position)
    if (known !== undefined) return known
    return await this.reads.neighbourhood(
      { cluster: where.alias, topic: where.topic, partition },
      position,
      cost,
      async (from, maxBytes) => await this.read(where, partition, from, maxBytes),
      (records) => { this.recent?.put(where.alias, where.topic, partition, records) })
  }

  /** Both records from a recent read, when it had one at the position: the log's end does not matter then. */
  private recentNeighbourhood (where: WalkedTopic, partition: number, position: bigint): Neighbourhood | undefined {
    const at = this.recent?.get(where.alias, where.topic, partition, position)
    if (at === undefined || at === null || position === 0n) return undefined
    const before = this.recent!.get(where.alias, where.topic, partition, position - 1n)
    return before === undefined ? undefined : { before, at, end: position + 1n }
  }

  /** Offset of the first record of a partition (downstream: the first not aborted, as the walk drops those), or null when it has none. */
  private async firstRecordOffset (where: WalkedTopic, partition: number, skipAborted: boolean, cost: ProofCost): Promise<bigint | null> {
    const key = compositeKey(where.alias, where.topic, partition, skipAborted ? 1 : 0)
    const pending = this.firstRecordLookups.get(key)
    if (pending !== undefined) return await pending
    const lookup = this.readFirstRecordOffset(where, partition, skipAborted, cost)
    this.firstRecordLookups.set(key, lookup)
    try {
      return await lookup
    } finally {
      this.firstRecordLookups.delete(key)
    }
  }

  private async readFirstRecordOffset (where: WalkedTopic, partition: number, skipAborted: boolean, cost: ProofCost): Promise<bigint | null> {
    let from = 0n
    for (;;) {
      const read = await this.read(where, partition, from, 64 * 1024)
      cost.fetches++
      cost.recordsRead += read.records.length
      const first = read.records.find((record) => !skipAborted || record.aborted !== true)
      if (first !== undefined) return first.offset
      if (read.nextOffset <= from || read.nextOffset >= read.endOffset) return null
      from = read.nextOffset
    }
  }

  /** A walk, shared with the same walk out now (see `walks`); what it reads counts for the proof that started it. */
  private async walk (route: CommitRoute, partition: number, groupOffset: bigint, sync: OffsetSyncPair, cost: ProofCost): Promise<ExactOutcome> {
    const key = compositeKey(flowName(route.flow), route.direction, route.syncTopic, partition, groupOffset, sync.upstreamOffset, sync.downstreamOffset)
    const shared = this.walks.get(key)
    if (shared !== undefined) return await shared
    const walking = this.walkAlone(route, partition, groupOffset, sync, cost)
    this.walks.set(key, walking)
    try {
      return await walking
    } finally {
      this.walks.delete(key)
    }
  }

  private async walkAlone (
    route: CommitRoute,
    partition: number,
    groupOffset: bigint,
    sync: OffsetSyncPair,
    cost: ProofCost
  ): Promise<ExactOutcome> {
    const { upstream, downstream } = this.walkedTopics(route)
    const cap = this.maxExactRecords === undefined ? {} : { maxRecords: this.maxExactRecords }
    const walk = new ExactWalk({ direction: route.direction, sync, groupOffset, ...cap })
    for (;;) {
      const demand = walk.demand()
      if (demand === null) return walk.result()!
      const where = demand.side === 'upstream' ? upstream : downstream
      const read = await this.read(where, partition, demand.from, WALK_BYTES)
      cost.fetches++
      cost.recordsRead += read.records.length
      const outcome = walk.push(demand.side, read.records, read.nextOffset)
      if (outcome !== null) return outcome
      const exhausted = (read.records.length === 0 && read.nextOffset <= demand.from) ||
        (read.nextOffset >= read.endOffset && walk.demand()?.side === demand.side)
      if (!exhausted) continue
      if (demand.side !== walk.windowSide()) return walk.finish()
      // The window's log ends below the group offset: go on with the other side.
      const ended = walk.endWindow()
      if (ended !== null) return ended
      if (walk.demand()?.side === demand.side) return walk.finish()
    }
  }
}
