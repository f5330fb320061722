// One memory-reducing garbage collection after a burst of work: the catch-up and the group-sync pass that
// follows readiness, or a new share's (docs/design.md §2.7, "Memory per tracked group-partition"). Such a
// burst leaves the entries it keeps for good (a commit, a key, a series) scattered over old-generation pages
// among the garbage around them; V8 collects the garbage but keeps the pages (measured: a heap total of
// 135-186 MB for 70 MB live, 15 s after readiness, RSS 230-290 MB), and does not give them back while the
// process keeps allocating a little every second. V8's "last resort" collection compacts and returns them;
// it is what V8 itself runs under memory pressure. It runs once the burst's work is done and nothing new
// started for `quietMs`, at most once per `minIntervalMs`; a collection pauses the process (105-227 ms measured), so
// steady work (the periodic pass, every commit) never triggers one.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import type { Logger } from '../logger.ts'

type GcFunction = (options: { type: 'major', execution: 'async', flavor: 'last-resort' }) => Promise<void>

let v8Gc: GcFunction | null | undefined

/**
 * V8's own memory-reducing collection, or null when this runtime does not offer it. `--expose-gc` set at
 * run time installs gc() in contexts created afterwards (the main one stays as it was).
 */
export function lastResortCollection (): (() => Promise<void>) | null {
  if (v8Gc === undefined) {
    try {
      setFlagsFromString('--expose-gc')
      const gc: unknown = runInNewContext('gc')
      v8Gc = typeof gc === 'function' ? gc as GcFunction : null
    } catch {
      v8Gc = null
    }
  }
  const gc = v8Gc
  return gc === null ? null : async () => { await gc({ type: 'major', execution: 'async', flavor: 'last-resort' }) }
}

export interface HeapCompactorOptions {
  collect: () => Promise<void>
  logger: Logger
  /** How long after the burst's work is done nothing new may start before collecting. */
  quietMs: number
  /** Least time between two collections. */
  minIntervalMs: number
  now?: () => number
}

export class HeapCompactor {
  private readonly options: HeapCompactorOptions
  private readonly now: () => number
  /** Bumped by every burst: a wait that finds it changed leaves the collection to the newer burst. */
  private generation = 0
  private lastAt = Number.NEGATIVE_INFINITY
  private stopped = false

  constructor (options: HeapCompactorOptions) {
    this.options = options
    this.now = options.now ?? Date.now
  }

  /** A burst of work started; `idle` resolves when it is done. Collects once it is, and once things stayed quiet. */
  afterBurst (idle: () => Promise<void>): void {
    const generation = ++this.generation
    this.collectWhenQuiet(generation, idle).catch((error: unknown) => {
      this.options.logger.warn(`heap compaction failed: ${error instanceof Error ? error.message : String(error)}`)
    })
  }

  /** No collection after this (a wait under way ends without one). */
  stop (): void {
    this.stopped = true
  }

  private async collectWhenQuiet (generation: number, idle: () => Promise<void>): Promise<void> {
    await idle()
    // Work the burst caused elsewhere (its own writes read back) lands within moments: wait it out.
    await this.sleep(this.options.quietMs)
    await idle()
    if (this.stopped || generation !== this.generation) return
    const wait = this.lastAt + this.options.minIntervalMs - this.now()
    if (wait > 0) await this.sleep(wait)
    if (this.stopped || generation !== this.generation) return
    await this.collect()
  }

  private async collect (): Promise<void> {
    this.lastAt = this.now()
    const before = process.memoryUsage()
    const started = performance.now()
    await this.options.collect()
    const after = process.memoryUsage()
    const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0)
    this.options.logger.info(
      `heap compacted after a burst of work in ${(performance.now() - started).toFixed(0)} ms: V8 heap ${mb(before.heapTotal)} -> ${mb(after.heapTotal)} MB ` +
      `(${mb(after.heapUsed)} MB live), RSS ${mb(before.rss)} -> ${mb(after.rss)} MB`,
      { heapTotalBefore: before.heapTotal, heapTotalAfter: after.heapTotal, rssBefore: before.rss, rssAfter: after.rss }
    )
  }

  /** A wait that never holds the process open. */
  private async sleep (ms: number): Promise<void> {
    await new Promise<void>((resolve) => { setTimeout(resolve, ms).unref() })
  }
}
