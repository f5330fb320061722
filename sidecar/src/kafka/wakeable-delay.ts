// A wait that news can cut short: a loop that idles until its next round is due wakes at once when
// something it should act on happens meanwhile (a share of partitions dealt, a partition read to its end).
// A wake with nobody waiting is kept for the next wait, so news that comes while the loop is busy
// elsewhere (a request in flight) is not lost for a whole delay.
export class WakeableDelay {
  private waiting: (() => void) | null = null
  private pending = false

  /** Resolves after `ms`, or as soon as wake() is called (at once when a wake came since the last wait). */
  async wait (ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false
      return
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting = null
        resolve()
      }, ms)
      this.waiting = () => {
        clearTimeout(timer)
        this.waiting = null
        resolve()
      }
    })
  }

  /** Ends the current wait now, or the next one when nobody waits. */
  wake (): void {
    if (this.waiting === null) {
      this.pending = true
      return
    }
    this.waiting()
  }
}
