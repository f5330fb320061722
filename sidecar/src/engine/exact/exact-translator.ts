// Exact translation of the daemon's group commits (translation.mode exact, docs/design.md §6.1): the
// index's answer (the nearest MM2 sync) is replaced by a proof from the nearest proven anchor, an MM2
// sync or a pair this sidecar proved before, whichever sits closer below the group. A proof's result
// becomes a proven pair itself (cached per flow and partition), so the next commit of a group that
// moved on is proven from right behind it, at constant cost. Where a proof fails, the conservative
// answer stands, the fallback is counted by reason and logged once per partition and reason, and it is
// never below the index's own (MM2's) answer.
import { ProvenPairs, type ProvenPairKey } from '../../core/exact/proven-pairs.ts'
import { pairSide, sidesOf } from '../../core/exact/quick-proof.ts'
import { compositeKey } from '../../core/keys.ts'
import { flowName } from '../../core/mm2/flow-name.ts'
import type { CommitRoute } from '../../core/sync/route.ts'
import { isBelowMm2Syncs, type OffsetSyncPair, type Translation } from '../../core/translation/translation.ts'
import type { ExactFallbackReason } from '../../metrics/initial-series.ts'
import type { SidecarMetrics } from '../../metrics/registry.ts'
import type { Logger } from '../logger.ts'
import { ProofReadError, type ExactProver, type ProofOutcome } from './exact-prover.ts'

/** Default of ExactTranslatorOptions.copyWaitMs (translation.copyWaitMs). */
export const DEFAULT_COPY_WAIT_MS = 10_000

export interface ExactTranslatorOptions {
  prover: ExactProver
  pairs?: ProvenPairs
  metrics: Pick<SidecarMetrics, 'exactProofs' | 'exactFallbacks' | 'exactProofRecordsRead' | 'exactProofFetches' | 'exactProofReadRecords'>
  logger: Logger
  /**
   * How long a commit whose records MM2 has not copied yet (`not-copied-yet`), or whose target cluster does
   * not answer the proof's reads (`target-unreachable`), stays untranslatable before the conservative
   * answer is used: a consumer moved in that time would otherwise re-read what the proof is about to
   * place exactly.
   */
  copyWaitMs?: number
  now?: () => number
  /** A newly proven pair of a flow's partition (to write as a reverse sync and keep in the history topic). */
  onProven?: (route: CommitRoute, partition: number, pair: OffsetSyncPair) => void
  /** A pair of our own was dropped, a proof from it refuted (so that the history topic forgets it too). */
  onForgotten?: (route: CommitRoute, partition: number, pair: OffsetSyncPair) => void
}

export interface ExactTranslation {
  translation: Translation
  /** Why the proof failed, when it did. */
  fallback: ExactFallbackReason | null
  /** The proof may succeed later (MM2 has not copied the records yet, or a cluster did not answer): try again. */
  retry: boolean
  /** The cluster a read of the proof failed on (fallback `read-failed`): try again once it answers. */
  failedCluster?: string
}

export class ExactTranslator {
  readonly pairs: ProvenPairs
  private readonly options: ExactTranslatorOptions
  /** Per commit (flow, direction, topic, partition, offset) waiting for MM2 to copy its records: since when. */
  private readonly waitingSince = new Map<string, number>()

  constructor (options: ExactTranslatorOptions) {
    this.options = options
    this.pairs = options.pairs ?? new ProvenPairs()
  }

  /**
   * The exact translation of `offset` (a commit on the route's source side), given the index's answer.
   * `count` is false when the same commit is proven again (a retry): its fallback was counted once.
   */
  async translate (route: CommitRoute, partition: number, offset: bigint, indexed: Translation, count = true): Promise<ExactTranslation> {
    const key = pairKey(route, partition)
    const { window } = sidesOf(route.direction)
    if (indexed.kind === 'translated' && indexed.method === 'exact') {
      this.remember(route, partition, key, window === 'upstream' ? offset : indexed.offset, window === 'upstream' ? indexed.offset : offset)
      this.countProof(route, 'at-anchor')
      return { translation: indexed, fallback: null, retry: false }
    }
    // Offsets the index refuses on purpose (history reset, below the log start, invalid) are not proven.
    if (indexed.kind === 'untranslatable' && !isBelowMm2Syncs(indexed)) {
      return { translation: indexed, fallback: null, retry: false }
    }
    const mm2Anchor = indexed.kind === 'translated' ? indexed.sync : undefined
    const proven = this.pairs.floor(key, window, offset)
    const anchor = closer(mm2Anchor, proven, window)
    let outcome: ProofOutcome
    try {
      outcome = await this.proveFromAnchor(route, partition, offset, anchor)
      if (outcome.kind === 'unproven' && anchor !== undefined && anchor === proven && outcome.notCopied !== true) {
        // A pair of our own no longer holds (the logs changed under it): forget it, and prove from MM2's sync or the log start.
        this.pairs.remove(key, proven)
        this.options.onForgotten?.(route, partition, proven)
        const retried = await this.proveFromAnchor(route, partition, offset, mm2Anchor)
        outcome = { ...retried, recordsRead: retried.recordsRead + outcome.recordsRead, fetches: retried.fetches + outcome.fetches }
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      const detail = `reading the logs failed: ${message}`
      if (!(error instanceof ProofReadError)) return this.fallBack(route, partition, offset, indexed, 'read-failed', detail, true, count)
      // The cluster the offset is for did not answer (down, or just back and still reconnecting): nothing
      // is written now, and the proof is made the moment it answers, rather than the conservative answer
      // committed in between (a group moved at that moment would re-read the difference). After
      // copyWaitMs (reads refused while writes are taken, say), the conservative answer after all.
      const wait = error.cluster === route.targetCluster && !this.waitedTooLong(this.waitKey(route, partition, offset))
      const failed = this.fallBack(route, partition, offset, indexed, 'read-failed', detail, true, count, wait)
      const translation: Translation = wait ? { kind: 'untranslatable', reason: 'target-unreachable' } : indexed
      return { ...failed, translation, failedCluster: error.cluster }
    }
    this.countCost(route, outcome)
    const waitKey = this.waitKey(route, partition, offset)
    if (outcome.kind === 'unproven') {
      const reason: ExactFallbackReason = outcome.notCopied === true ? 'not-copied' : outcome.reason
      // Records MM2 has not copied yet: proven as soon as they arrive; until then, or copyWaitMs, not translated.
      const retry = reason === 'not-copied' || reason === 'incomplete'
      const wait = retry && !this.waitedTooLong(waitKey)
      const result = this.fallBack(route, partition, offset, indexed, reason, outcome.detail, retry, count, wait)
      return wait ? { ...result, translation: { kind: 'untranslatable', reason: 'not-copied-yet' } } : result
    }
    this.waitingSince.delete(waitKey)
    if (indexed.kind === 'translated' && outcome.offset < indexed.offset) {
      const detail = `the proof gave ${outcome.offset}, below MM2's own translation ${indexed.offset}`
      return this.fallBack(route, partition, offset, indexed, 'below-mm2', detail, false, count)
    }
    this.countProof(route, outcome.method ?? 'walk')
    const upstream = window === 'upstream' ? offset : outcome.offset
    const downstream = window === 'upstream' ? outcome.offset : offset
    this.remember(route, partition, key, upstream, downstream)
    const sync = anchor ?? { upstreamOffset: upstream, downstreamOffset: downstream }
    return { translation: { kind: 'translated', offset: outcome.offset, method: 'exact', sync, rereadWindow: 0n }, fallback: null, retry: false }
  }

  /** The proof from an anchor, or from the first records of both logs where there is none. */
  private async proveFromAnchor (route: CommitRoute, partition: number, offset: bigint, anchor: OffsetSyncPair | undefined): Promise<ProofOutcome> {
    return anchor === undefined
      ? await this.options.prover.proveFromLogStart(route, partition, offset)
      : await this.options.prover.proveFrom(route, partition, offset, anchor)
  }

  private waitKey (route: CommitRoute, partition: number, offset: bigint): string {
    return compositeKey(flowName(route.flow), route.direction, route.syncTopic, partition, offset)
  }

  /** Whether a commit, waiting from its first unsuccessful proof on, has waited translation.copyWaitMs. */
  private waitedTooLong (waitKey: string): boolean {
    const now = (this.options.now ?? Date.now)()
    let since = this.waitingSince.get(waitKey)
    if (since === undefined) {
      since = now
      this.rememberWaiting(waitKey, now)
    }
    return now - since >= (this.options.copyWaitMs ?? DEFAULT_COPY_WAIT_MS)
  }

  /** Notes a commit waiting for MM2; entries of commits long settled or abandoned are dropped as the map grows. */
  private rememberWaiting (waitKey: string, now: number): void {
    if (this.waitingSince.size >= 10_000) {
      const horizon = now - 2 * (this.options.copyWaitMs ?? DEFAULT_COPY_WAIT_MS)
      for (const [key, since] of this.waitingSince) if (since < horizon) this.waitingSince.delete(key)
    }
    this.waitingSince.set(waitKey, now)
  }

  private remember (route: CommitRoute, partition: number, key: ProvenPairKey, upstreamOffset: bigint, downstreamOffset: bigint): void {
    const pair = { upstreamOffset, downstreamOffset }
    if (this.pairs.add(key, pair)) this.options.onProven?.(route, partition, pair)
  }

  /** What a proof read: records and fetch requests, and the records of each proof that looked at the logs (not at-anchor). */
  private countCost (route: CommitRoute, outcome: ProofOutcome): void {
    const labels = { flow: flowName(route.flow), direction: route.direction }
    this.options.metrics.exactProofRecordsRead.inc(labels, outcome.recordsRead)
    this.options.metrics.exactProofFetches.inc(labels, outcome.fetches)
    if (outcome.method !== 'at-anchor') this.options.metrics.exactProofReadRecords.observe(labels, outcome.recordsRead)
  }

  private countProof (route: CommitRoute, method: string): void {
    this.options.metrics.exactProofs.inc({ flow: flowName(route.flow), direction: route.direction, method })
  }

  private fallBack (
    route: CommitRoute,
    partition: number,
    offset: bigint,
    indexed: Translation,
    reason: ExactFallbackReason,
    detail: string,
    retry: boolean,
    count: boolean,
    waiting = false
  ): ExactTranslation {
    const flow = flowName(route.flow)
    if (count) this.options.metrics.exactFallbacks.inc({ flow, direction: route.direction, reason })
    const { source, target } = route.flow
    const cluster = route.direction === 'forward' ? source : target
    const topic = route.direction === 'forward' ? route.syncTopic : route.flow.policy.formatRemoteTopic(source, route.syncTopic)
    const conservative = indexed.kind === 'translated' ? `the conservative ${indexed.offset}` : 'no translation yet'
    const copyWaitMs = this.options.copyWaitMs ?? DEFAULT_COPY_WAIT_MS
    const answer = waiting
      ? `nothing is written while it is proven again, for up to ${copyWaitMs} ms (translation.copyWaitMs); then using ${conservative}`
      : `using ${conservative}`
    const where = `cluster ${cluster} ${topic}-${partition} at ${offset}`
    const text = `flow ${flow} ${route.direction}: ${where} not proven exactly (${reason}: ${detail}); ${answer}`
    const onceKey = `exact-fallback:${flow}:${route.direction}:${topic}:${partition}:${reason}`
    this.options.logger.once(onceKey, 'info', text, { flow, cluster, topic, partition, reason })
    return { translation: indexed, fallback: reason, retry }
  }
}

function pairKey (route: CommitRoute, partition: number): ProvenPairKey {
  return { source: route.flow.source, target: route.flow.target, topic: route.syncTopic, partition }
}

/** Of two anchors at or below the group, the one closer to it on the group's side. */
function closer (a: OffsetSyncPair | undefined, b: OffsetSyncPair | undefined, side: 'upstream' | 'downstream'): OffsetSyncPair | undefined {
  if (a === undefined) return b
  if (b === undefined) return a
  return pairSide(b, side) > pairSide(a, side) ? b : a
}
