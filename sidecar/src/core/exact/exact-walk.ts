// The exact walk (docs/design.md §6): prove a group's position on the other cluster record by record instead of
// rounding to the nearest offset sync. MM2 copies key, value, headers and timestamp, so from a sync
// (the record at `upstreamOffset` upstream IS the record at `downstreamOffset` downstream) both logs
// can be walked forward and aligned record by record. Offsets are never compared beyond the sync:
// compaction and transaction markers leave gaps in offsets, records are what we match.
//
// The model of the downstream log, from the sync on: every downstream record is either
//   - a copy of the next upstream record (MM2 copies in order), or
//   - a re-delivery: a copy of an upstream record already copied (MM2 restarted a task and re-sent
//     from its last committed source offset).
// Upstream records of aborted transactions are optional: MM2 copies them or not, depending on its
// source consumer's isolation.level. Downstream aborted records are dropped before matching (they are
// MM2's own aborted writes under exactly-once, never visible to read_committed consumers).
// Anything else (a downstream record no upstream record explains: the upstream copy was compacted
// away, a foreign producer) ends the proof with `mismatch`. A downstream record that both rules can
// explain (a copy of the next upstream record AND identical to one already copied) ends it with
// `ambiguous`: one reading puts the answer later than the other, and a later answer may skip
// records. No proof -> the caller falls back to the conservative translation and says why.
//
// The group side is the bounded window [sync offset, group offset) on the cluster where the group
// committed; the other side is walked forward from the sync's other offset as far as needed:
//   forward (group upstream, e.g. failover A->B): the window is upstream; the answer is the downstream
//     offset right after the copy of the window's last record (plus the copies of trailing optional
//     records that are already there);
//   reverse (group downstream, failback B->A): the window is downstream; the answer is the upstream
//     offset right after the upstream record of which the window's last record is a copy.
// Both walks together are capped (`maxRecords`); beyond it: `cap-exceeded`.
import { fingerprint, sameRecord, type MatchRecord } from './match-record.ts'

export { sameRecord, type MatchRecord }

/** Which side the group's window is on: `forward` = upstream (the answer is downstream), `reverse` = downstream. */
export type ExactDirection = 'forward' | 'reverse'

export interface ExactOptions {
  direction: ExactDirection
  /** The sync the walk starts from (upstream offset, downstream offset). */
  sync: { upstreamOffset: bigint, downstreamOffset: bigint }
  /** The group's committed offset on its side (the end of the window, exclusive). */
  groupOffset: bigint
  /** Records walked on both sides at most (default 10,000). */
  maxRecords?: number
  /** Compare timestamps too (default true; false when the other topic uses LogAppendTime). */
  compareTimestamps?: boolean
}

export type ExactFailure =
  /** A record on the walked side that no record of the window explains (compaction on one side only, foreign writes). */
  | 'mismatch'
  /** A record that two readings explain differently; the answer is not unique. */
  | 'ambiguous'
  /** More than maxRecords records would have to be walked. */
  | 'cap-exceeded'
  /** The walked side ended before the window's last record was found there (MM2 lags behind). */
  | 'incomplete'
  /** The window holds no record (all of it compacted away): nothing to align on. */
  | 'empty-window'

export type ExactOutcome =
  | { kind: 'exact', offset: bigint, matched: number, duplicates: number, skipped: number, walked: number, anchor?: 'log-start' }
  | { kind: 'unproven', reason: ExactFailure, detail: string, walked: number }

/** What the walk needs next: more records of a side, or nothing (done). */
export type ExactDemand = { side: 'upstream' | 'downstream', from: bigint } | null

export const DEFAULT_EXACT_MAX_RECORDS = 10_000

/**
 * An incremental walk (see the module comment): feed records of the side it asks for with `push`
 * until `demand()` is null, or call `finish()` when the side asked for has no more records now.
 */
export class ExactWalk {
  private readonly options: Required<ExactOptions>
  private readonly upstream: MatchRecord[] = []
  private readonly downstream: MatchRecord[] = []
  /** Next upstream record to be copied, and next downstream record to explain. */
  private u = 0
  private d = 0
  /** Upstream records already copied, by fingerprint (indices). */
  private readonly copied = new Map<string, number[]>()
  private lastCopiedUpstreamOffset: bigint | null = null
  private lastCopyDownstreamOffset: bigint | null = null
  private matched = 0
  private duplicates = 0
  private skipped = 0
  private walked = 0
  private upstreamNext: bigint
  private downstreamNext: bigint
  private windowComplete = false
  private outcome: ExactOutcome | null = null
  private anchorChecked = false

  constructor (options: ExactOptions) {
    this.options = { maxRecords: DEFAULT_EXACT_MAX_RECORDS, compareTimestamps: true, ...options }
    this.upstreamNext = options.sync.upstreamOffset
    this.downstreamNext = options.sync.downstreamOffset
    const windowStart = options.direction === 'forward' ? options.sync.upstreamOffset : options.sync.downstreamOffset
    if (options.groupOffset <= windowStart) {
      // The sync sits at the group's offset (or the group is below it): the sync itself is the answer.
      const other = options.direction === 'forward' ? options.sync.downstreamOffset : options.sync.upstreamOffset
      if (options.groupOffset === windowStart) {
        this.outcome = { kind: 'exact', offset: other, matched: 0, duplicates: 0, skipped: 0, walked: 0 }
      } else {
        const detail = `group offset ${options.groupOffset} is below the sync at ${windowStart}`
        this.outcome = { kind: 'unproven', reason: 'empty-window', detail, walked: 0 }
      }
    } else if (options.groupOffset - windowStart > BigInt(this.options.maxRecords)) {
      this.outcome = { kind: 'unproven', reason: 'cap-exceeded', detail: `${options.groupOffset - windowStart} offsets between the sync and the group offset (cap ${this.options.maxRecords})`, walked: 0 }
    }
  }

  /** The records the walk needs next, or null when it has an outcome. */
  demand (): ExactDemand {
    if (this.outcome !== null) return null
    const windowSide = this.options.direction === 'forward' ? 'upstream' : 'downstream'
    if (!this.windowComplete) return { side: windowSide, from: windowSide === 'upstream' ? this.upstreamNext : this.downstreamNext }
    return windowSide === 'upstream' ? { side: 'downstream', from: this.downstreamNext } : { side: 'upstream', from: this.upstreamNext }
  }

  /** The outcome once known. */
  result (): ExactOutcome | null {
    return this.outcome
  }

  /**
   * Adds records of `side` in offset order, starting at the offset `demand()` asked for (gaps are
   * fine). `nextOffset` is where the side's next read starts (one past the last batch read).
   */
  push (side: 'upstream' | 'downstream', records: readonly MatchRecord[], nextOffset?: bigint): ExactOutcome | null {
    if (this.outcome !== null) return this.outcome
    const windowSide = this.options.direction === 'forward' ? 'upstream' : 'downstream'
    const list = side === 'upstream' ? this.upstream : this.downstream
    let next = side === 'upstream' ? this.upstreamNext : this.downstreamNext
    for (const record of records) {
      if (record.offset < next) continue
      if (side === windowSide && record.offset >= this.options.groupOffset) { this.windowComplete = true; break }
      next = record.offset + 1n
      if (side === 'downstream' && record.aborted === true) continue
      if (++this.walked > this.options.maxRecords) return this.fail('cap-exceeded', `more than ${this.options.maxRecords} records to walk`)
      list.push(record)
    }
    if (nextOffset !== undefined && nextOffset > next) next = nextOffset
    if (side === 'upstream') this.upstreamNext = next
    else this.downstreamNext = next
    if (side === windowSide && next >= this.options.groupOffset) this.windowComplete = true
    if (this.windowComplete) this.align(false)
    return this.outcome
  }

  /** The side holding the group's window: `upstream` for forward, `downstream` for reverse. */
  windowSide (): 'upstream' | 'downstream' {
    return this.options.direction === 'forward' ? 'upstream' : 'downstream'
  }

  /**
   * The window's side has no more records below the group offset (its log ends there, the rest is
   * markers or compacted away): the window is complete, and the walk goes on with the other side.
   */
  endWindow (): ExactOutcome | null {
    if (this.outcome !== null) return this.outcome
    this.windowComplete = true
    this.align(false)
    return this.outcome
  }

  /** The side asked for has no more records for now: decide with what was read. */
  finish (): ExactOutcome {
    if (this.outcome !== null) return this.outcome
    if (!this.windowComplete) {
      // The window's side ended below the group offset (the rest is markers or compacted away).
      this.windowComplete = true
    }
    this.align(true)
    return this.outcome ?? this.fail('incomplete', 'the walk ended without an answer')
  }

  private fail (reason: ExactFailure, detail: string): ExactOutcome {
    this.outcome = { kind: 'unproven', reason, detail, walked: this.walked }
    return this.outcome
  }

  private succeed (offset: bigint): void {
    this.outcome = { kind: 'exact', offset, matched: this.matched, duplicates: this.duplicates, skipped: this.skipped, walked: this.walked }
  }

  // The sync's own pair: the first record on each side at exactly the sync's offsets is one record.
  // When one side lost it (compaction), the other side's copy of it is set aside as explained.
  private checkAnchor (): void {
    this.anchorChecked = true
    const { sync } = this.options
    const up = this.upstream[0]
    const down = this.downstream[0]
    const upAtSync = up !== undefined && up.offset === sync.upstreamOffset
    const downAtSync = down !== undefined && down.offset === sync.downstreamOffset
    if (upAtSync === downAtSync) return
    this.lastCopiedUpstreamOffset = sync.upstreamOffset
    this.lastCopyDownstreamOffset = sync.downstreamOffset
    if (downAtSync) this.d = 1
    else {
      this.u = 1
      this.remember(0)
    }
  }

  private align (sideExhausted: boolean): void {
    const forward = this.options.direction === 'forward'
    if (!this.anchorChecked) {
      const walked = forward ? this.downstream : this.upstream
      if (walked.length === 0 && !sideExhausted) return
      this.checkAnchor()
    }
    const window = forward ? this.upstream : this.downstream
    if (window.length === 0) { this.fail('empty-window', 'no record is left between the sync and the group offset (compacted away)'); return }
    const compare = this.options.compareTimestamps
    for (;;) {
      if (forward) {
        // Done when every upstream window record is copied, or only optional (aborted) ones remain
        // and the next downstream record is not one of their copies.
        let rest = this.u
        while (rest < this.upstream.length && this.upstream[rest]!.aborted === true) rest++
        if (rest >= this.upstream.length) {
          const next = this.downstream[this.d]
          if (this.u >= this.upstream.length || (next === undefined && sideExhausted) || (next !== undefined && !this.explainsAsCopy(next, compare))) {
            this.answer(this.lastCopyDownstreamOffset)
            return
          }
        }
      } else if (this.d >= this.downstream.length) {
        this.answer(this.lastCopiedUpstreamOffset)
        return
      }
      const record = this.downstream[this.d]
      if (record === undefined) {
        if (sideExhausted) this.fail('incomplete', `the downstream log ends at ${this.downstreamNext}, before the copy of upstream offset ${this.upstream[this.u]?.offset ?? '?'}`)
        return
      }
      // The copy candidate: the next upstream record, past optional (aborted) ones it may skip.
      let candidate = this.u
      let copy = -1
      for (;;) {
        if (candidate >= this.upstream.length) {
          if (!forward && !sideExhausted) return // read more upstream first
          break
        }
        if (sameRecord(this.upstream[candidate]!, record, compare)) { copy = candidate; break }
        if (this.upstream[candidate]!.aborted !== true) break
        candidate++
      }
      const duplicate = this.isCopied(record, compare)
      if (copy >= 0 && duplicate) {
        this.fail('ambiguous', `the record at downstream offset ${record.offset} is the copy of upstream offset ${this.upstream[copy]!.offset} or a re-delivery of an identical record copied before`)
        return
      }
      if (copy >= 0) {
        this.skipped += copy - this.u
        this.remember(copy)
        this.lastCopiedUpstreamOffset = this.upstream[copy]!.offset
        this.lastCopyDownstreamOffset = record.offset
        this.matched++
        this.u = copy + 1
        this.d++
        continue
      }
      if (duplicate) { this.duplicates++; this.d++; continue }
      if (!forward && candidate >= this.upstream.length) {
        this.fail('incomplete', `the upstream log ends at ${this.upstreamNext} before the record copied at downstream offset ${record.offset}`)
        return
      }
      this.fail('mismatch', `the record at downstream offset ${record.offset} is no copy of upstream records from offset ${this.upstream[this.u]?.offset ?? this.upstreamNext} on`)
      return
    }
  }

  private answer (lastOffset: bigint | null): void {
    if (lastOffset === null) { this.fail('empty-window', 'the window holds only re-deliveries of records before the sync'); return }
    this.succeed(lastOffset + 1n)
  }

  private remember (index: number): void {
    const key = fingerprint(this.upstream[index]!, this.options.compareTimestamps)
    const list = this.copied.get(key) ?? []
    list.push(index)
    this.copied.set(key, list)
  }

  private explainsAsCopy (record: MatchRecord, compare: boolean): boolean {
    for (let i = this.u; i < this.upstream.length; i++) {
      if (sameRecord(this.upstream[i]!, record, compare)) return !this.isCopied(record, compare)
      if (this.upstream[i]!.aborted !== true) return false
    }
    return false
  }

  private isCopied (record: MatchRecord, compare: boolean): boolean {
    const list = this.copied.get(fingerprint(record, compare))
    if (list === undefined) return false
    return list.some((index) => sameRecord(this.upstream[index]!, record, compare))
  }
}

/** Runs a whole walk over records already read (both sides complete as given); for tests and small windows. */
export function matchExact (options: ExactOptions, upstream: readonly MatchRecord[], downstream: readonly MatchRecord[]): ExactOutcome {
  const walk = new ExactWalk(options)
  const fed = { upstream: false, downstream: false }
  for (;;) {
    const demand = walk.demand()
    if (demand === null) return walk.result()!
    if (fed[demand.side]) {
      if (demand.side !== walk.windowSide()) return walk.finish()
      const ended = walk.endWindow()
      if (ended !== null) return ended
      continue
    }
    fed[demand.side] = true
    const result = walk.push(demand.side, demand.side === 'upstream' ? upstream : downstream)
    if (result !== null) return result
  }
}
