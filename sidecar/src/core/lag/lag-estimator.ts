// Consumer lag in seconds without reading the data (as kafka-lag-exporter does): per partition, keep
// a short history of (high watermark, time seen). The oldest record a group has not consumed sits at
// its committed offset c. It existed at the first sample whose high watermark exceeded c, and did not
// at the sample before, so it was appended between the two. We report its age from the first of
// those samples: a lower bound that is short by at most one sampling interval, never an overstatement.

export interface WatermarkSample {
  highWatermark: bigint
  timeMs: number
}

/** A bounded history of high-watermark samples of one partition. */
export class WatermarkHistory {
  private readonly samples: WatermarkSample[] = []
  private readonly capacity: number

  constructor (capacity = 64) {
    this.capacity = Math.max(2, capacity)
  }

  /** Records the partition's high watermark at `timeMs`; samples that add nothing are merged. */
  record (highWatermark: bigint, timeMs: number): void {
    const last = this.samples.at(-1)
    if (last !== undefined && highWatermark < last.highWatermark) this.samples.length = 0
    else if (last !== undefined && highWatermark === last.highWatermark) return
    this.samples.push({ highWatermark, timeMs })
    if (this.samples.length > this.capacity) this.samples.splice(1, 1)
  }

  /**
   * Seconds the group at committed offset `committed` is behind at `nowMs`: 0 when caught up, else the
   * age of the first sample whose high watermark passed `committed`; null when unknown (no samples).
   */
  lagSeconds (committed: bigint, nowMs: number): number | null {
    const newest = this.samples.at(-1)
    if (newest === undefined) return null
    if (committed >= newest.highWatermark) return 0
    // The first sample whose high watermark exceeds `committed`: the unconsumed record existed then.
    let first = this.samples.length - 1
    while (first > 0 && this.samples[first - 1]!.highWatermark > committed) first--
    return Math.max(0, (nowMs - this.samples[first]!.timeMs) / 1000)
  }

  get size (): number {
    return this.samples.length
  }
}
