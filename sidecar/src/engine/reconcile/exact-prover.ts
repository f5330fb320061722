// Exact proofs for reconcile (docs/design.md §2.5 and §6): the position of a group on the other
// cluster, proven record by record by the pure ExactWalk (core/reconcile/exact.ts), reading both
// logs through the sides' partition readers.
import type { CommitRoute } from '../../core/sync/route.ts'
import { ExactWalk, type ExactOutcome } from '../../core/reconcile/exact.ts'
import type { Translation } from '../../core/translation/translation.ts'
import type { Side } from './sides.ts'

export class ExactProver {
  private readonly side: (alias: string) => Side
  private readonly maxExactRecords: number | undefined

  constructor (side: (alias: string) => Side, maxExactRecords?: number) {
    this.side = side
    this.maxExactRecords = maxExactRecords
  }

  /**
   * The exact walk for one partition; the group side is `from`. Below MM2's first offset sync (MM2
   * coalesces the syncs of a burst, e.g. when it catches up after downtime, so the first one may sit
   * far above the start of the log) the walk starts from the first record of both logs instead: MM2
   * copies in order from where its source consumer started, so when the first records match, they
   * are one record, and the walk proves (or refutes: mismatch) everything after them.
   */
  async prove (route: CommitRoute, partition: number, groupOffset: bigint, translation: Translation): Promise<ExactOutcome | undefined> {
    if (translation.kind === 'translated') {
      if (translation.method === 'exact') return undefined
      return await this.walk(route, partition, groupOffset, translation.sync)
    }
    if (translation.reason !== 'no-sync-at-or-below' && translation.reason !== 'no-syncs') return undefined
    const { upstream, downstream } = this.walkedTopics(route)
    const [upFirst, downFirst] = await Promise.all([
      this.firstRecordOffset(upstream.side, upstream.topic, partition, false),
      this.firstRecordOffset(downstream.side, downstream.topic, partition, true)
    ])
    if (upFirst === null || downFirst === null) {
      const emptyLog = upFirst === null ? `${upstream.topic} on cluster ${upstream.side.alias}` : `${downstream.topic} on cluster ${downstream.side.alias}`
      return { kind: 'unproven', reason: 'empty-window', detail: `no offset sync, and ${emptyLog} holds no record to start from`, walked: 0 }
    }
    const anchor = { upstreamOffset: upFirst, downstreamOffset: downFirst }
    const windowFirst = route.direction === 'forward' ? upFirst : downFirst
    if (groupOffset <= windowFirst) {
      // The group is at (or before) the first record: the answer is the other log's first record,
      // once the two first records are shown to be one (a one-record walk).
      const check = await this.walk(route, partition, windowFirst + 1n, anchor)
      if (check.kind !== 'exact') return check
      return { ...check, offset: route.direction === 'forward' ? downFirst : upFirst, anchor: 'log-start' }
    }
    const outcome = await this.walk(route, partition, groupOffset, anchor)
    return outcome.kind === 'exact' ? { ...outcome, anchor: 'log-start' } : outcome
  }

  private walkedTopics (route: CommitRoute): { upstream: { side: Side, topic: string }, downstream: { side: Side, topic: string } } {
    const flow = route.flow
    return {
      upstream: { side: this.side(flow.source), topic: route.syncTopic },
      downstream: { side: this.side(flow.target), topic: flow.policy.formatRemoteTopic(flow.source, route.syncTopic) }
    }
  }

  /** Offset of the first record of a partition (downstream: the first not aborted, as the walk drops those), or null when it has none. */
  private async firstRecordOffset (side: Side, topic: string, partition: number, skipAborted: boolean): Promise<bigint | null> {
    let from = 0n
    for (;;) {
      const read = await side.reader.read(topic, partition, from, 64 * 1024)
      const first = read.records.find((record) => !skipAborted || record.aborted !== true)
      if (first !== undefined) return first.offset
      if (read.nextOffset <= from || read.nextOffset >= read.endOffset) return null
      from = read.nextOffset
    }
  }

  private async walk (
    route: CommitRoute,
    partition: number,
    groupOffset: bigint,
    sync: { upstreamOffset: bigint, downstreamOffset: bigint }
  ): Promise<ExactOutcome> {
    const { upstream, downstream } = this.walkedTopics(route)
    const cap = this.maxExactRecords === undefined ? {} : { maxRecords: this.maxExactRecords }
    const walk = new ExactWalk({ direction: route.direction, sync, groupOffset, ...cap })
    for (;;) {
      const demand = walk.demand()
      if (demand === null) return walk.result()!
      const where = demand.side === 'upstream' ? upstream : downstream
      const read = await where.side.reader.read(where.topic, partition, demand.from, 256 * 1024)
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
