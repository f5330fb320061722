// One work queue per (cluster, group) for group sync (docs/design.md §2.4): a group's writes to the
// other side happen one after the other, in order, while different groups go on concurrently. Work
// for a partition that has not started yet is merged with newer work for it, so a group that commits
// faster than its commits can be mirrored is mirrored at its latest position, never falling behind.
//
// At most `maxRunning` groups are worked on at once; the others wait in line, in the order their work
// arrived. A full pass over every commit (startup, the periodic re-evaluation) queues every group at
// once: unbounded, each group's translations, proofs and requests were all in flight together, and an
// instance following 500 groups x 50 partitions held more than 130 MB for them (bench:tail). Waiting
// work costs one small entry per partition. A group that still has work when it finishes a batch goes
// to the back of the line if others wait, so a busy group cannot keep its seat from them.
export class GroupQueues<T> {
  private readonly process: (entries: T[]) => Promise<void>
  private readonly onError: (error: unknown) => void
  private readonly maxRunning: number
  /** Per group, the work not started yet, per partition. */
  private readonly pending = new Map<string, Map<string, T>>()
  /** Per group being worked on, its running loop. */
  private readonly running = new Map<string, Promise<void>>()
  /** Groups with pending work waiting for a seat, oldest first (a Set keeps insertion order). */
  private readonly waiting = new Set<string>()

  /** `process` gets every partition's work of one group at once; what it throws goes to `onError`. */
  constructor (process: (entries: T[]) => Promise<void>, onError: (error: unknown) => void, maxRunning = Number.POSITIVE_INFINITY) {
    if (!(maxRunning >= 1)) throw new RangeError(`maxRunning must be at least 1 (got ${maxRunning})`)
    this.process = process
    this.onError = onError
    this.maxRunning = maxRunning
  }

  /** Queues work for a partition of a group; `merge` gets the work queued for it and not started yet, if any. */
  add (groupKey: string, partitionKey: string, merge: (queued: T | undefined) => T): void {
    const partitions = this.pending.get(groupKey) ?? new Map<string, T>()
    this.pending.set(groupKey, partitions)
    partitions.set(partitionKey, merge(partitions.get(partitionKey)))
    if (this.running.has(groupKey) || this.waiting.has(groupKey)) return
    if (this.running.size < this.maxRunning) this.start(groupKey)
    else this.waiting.add(groupKey)
  }

  /** Groups being worked on now, and groups waiting for a seat (metrics, tests). */
  get load (): { running: number, waiting: number } {
    return { running: this.running.size, waiting: this.waiting.size }
  }

  /** Resolves when every queued piece of work has been processed. */
  async idle (): Promise<void> {
    // A waiting group is started when a running one ends, so nothing waits once nothing runs.
    while (this.running.size > 0) await Promise.all([...this.running.values()])
  }

  /** Only for a group with pending work: the loop then awaits a batch before it can end, after the set below. */
  private start (groupKey: string): void {
    this.running.set(groupKey, this.loop(groupKey))
  }

  private async loop (groupKey: string): Promise<void> {
    try {
      for (;;) {
        const partitions = this.pending.get(groupKey)
        if (partitions === undefined || partitions.size === 0) break
        this.pending.delete(groupKey)
        await this.process([...partitions.values()]).catch(this.onError)
        // More work arrived meanwhile, and others wait: give the seat up and queue behind them.
        if (this.waiting.size > 0 && (this.pending.get(groupKey)?.size ?? 0) > 0) {
          this.waiting.add(groupKey)
          break
        }
      }
    } finally {
      this.running.delete(groupKey)
      this.startWaiting()
    }
  }

  private startWaiting (): void {
    for (const groupKey of this.waiting) {
      if (this.running.size >= this.maxRunning) return
      this.waiting.delete(groupKey)
      if ((this.pending.get(groupKey)?.size ?? 0) > 0) this.start(groupKey)
    }
  }
}
