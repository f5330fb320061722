// One work queue per (cluster, group) for group sync (docs/design.md §2.4): a group's writes to the
// other side happen one after the other, in order, while different groups go on concurrently. Work
// for a partition that has not started yet is merged with newer work for it, so a group that commits
// faster than its commits can be mirrored is mirrored at its latest position, never falling behind.
export class GroupQueues<T> {
  private readonly process: (entries: T[]) => Promise<void>
  private readonly onError: (error: unknown) => void
  /** Per group, the work not started yet, per partition. */
  private readonly pending = new Map<string, Map<string, T>>()
  /** Per group with work, its running loop. */
  private readonly running = new Map<string, Promise<void>>()

  /** `process` gets every partition's work of one group at once; what it throws goes to `onError`. */
  constructor (process: (entries: T[]) => Promise<void>, onError: (error: unknown) => void) {
    this.process = process
    this.onError = onError
  }

  /** Queues work for a partition of a group; `merge` gets the work queued for it and not started yet, if any. */
  add (groupKey: string, partitionKey: string, merge: (queued: T | undefined) => T): void {
    const partitions = this.pending.get(groupKey) ?? new Map<string, T>()
    this.pending.set(groupKey, partitions)
    partitions.set(partitionKey, merge(partitions.get(partitionKey)))
    if (!this.running.has(groupKey)) this.running.set(groupKey, this.loop(groupKey))
  }

  /** Resolves when every queued piece of work has been processed. */
  async idle (): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()])
  }

  private async loop (groupKey: string): Promise<void> {
    try {
      for (;;) {
        const partitions = this.pending.get(groupKey)
        if (partitions === undefined || partitions.size === 0) break
        this.pending.delete(groupKey)
        await this.process([...partitions.values()]).catch(this.onError)
      }
    } finally {
      this.running.delete(groupKey)
    }
  }
}
