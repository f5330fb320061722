// The drill's workload: sequence-numbered records, and a real consumer group (classic protocol,
// @platformatic/kafka) that records every sequence number it is handed, so that lost and re-read
// records can be counted exactly.
import { Consumer, stringDeserializers } from '@platformatic/kafka'
import { produce } from '../clients.ts'

/** Value of sequence number `seq` produced by `origin` ("A-17"). */
export const seqValue = (origin: string, seq: number): string => `${origin}-${seq}`

/** The warm-up record produced to `partition` on cluster `origin` before the drill's sequence. */
export const warmUpValue = (origin: string, partition: number): string => `warmup-${origin}-${partition}`

/** Whether a value is a warm-up record (kept out of the drill's ledger). */
export const isWarmUp = (value: string): boolean => value.startsWith('warmup-')

/** The partition sequence number `seq` is produced to (round robin, so each partition holds its numbers in order). */
export const partitionOf = (seq: number, partitions: number): number => seq % partitions

/**
 * Per "topic\u0000partition", the offset at which sequence numbers 0 .. `count - 1`, produced by
 * produceSequence from 0 on into a topic whose partitions each held `firstOffset` records, end: each
 * partition holds its numbers in order from `firstOffset`, plus how many of them went to the partition.
 * For consumeUntil's `stopAt`.
 */
export function sequenceEnds (topic: string, count: number, partitions: number, firstOffset = 0n): Map<string, bigint> {
  const ends = new Map<string, bigint>()
  for (let partition = 0; partition < partitions; partition++) {
    ends.set(`${topic}\u0000${partition}`, firstOffset + BigInt(Math.max(0, Math.ceil((count - partition) / partitions))))
  }
  return ends
}

/**
 * Produces `count` records `origin-<seq>` from `first` on, spread over `partitions` partitions, on one
 * producer in sends of `batchSize` records (acks=all), one after the other.
 */
export async function produceSequence (
  bootstrap: string,
  topic: string,
  origin: string,
  first: number,
  count: number,
  partitions: number,
  batchSize = 200
): Promise<string[]> {
  const records = Array.from({ length: count }, (_, index) => ({
    key: null,
    value: seqValue(origin, first + index),
    partition: partitionOf(first + index, partitions)
  }))
  await produce(bootstrap, topic, records, batchSize)
  return records.map((record) => record.value)
}

/** Which of a fixed list of expected values are still undelivered, kept up to date by the ledger on every delivery. */
export interface ExpectedRecords {
  /** How many are still undelivered (constant time: cheap enough to ask after every record). */
  missingCount: () => number
  /** The undelivered values, in the order they were expected. */
  missing: () => string[]
}

/** Counts deliveries per value across the whole drill. */
export class DeliveryLedger {
  private readonly deliveries = new Map<string, number>()
  private readonly watched: Array<Set<string>> = []

  /** Records one delivery and says whether it was a re-read. */
  deliver (value: string): boolean {
    const count = (this.deliveries.get(value) ?? 0) + 1
    this.deliveries.set(value, count)
    if (count === 1) for (const pending of this.watched) pending.delete(value)
    return count > 1
  }

  delivered (value: string): boolean {
    return this.deliveries.has(value)
  }

  /** The expected values not delivered yet (linear in `expected`; see `watch` for a check made after every record). */
  missing (expected: readonly string[]): string[] {
    return expected.filter((value) => !this.deliveries.has(value))
  }

  /** Follows `expected` from now on: its missing values are updated on every delivery instead of recomputed on every question. */
  watch (expected: readonly string[]): ExpectedRecords {
    const pending = new Set(this.missing(expected))
    this.watched.push(pending)
    return { missingCount: () => pending.size, missing: () => [...pending] }
  }
}

export interface ConsumeResult {
  /** True when `done()` never said so before the timeout; the missing records then count as lost. */
  timedOut: boolean
  delivered: number
  reread: number
  /** Per topic-partition, the next offset committed at the end. */
  committed: Map<string, bigint>
  /** Deliveries of values `ignore` matched (kept out of the ledger). */
  ignored: number
}

/**
 * Runs group `group` on one cluster until `done(positions)` says so (positions: next offset per
 * "topic\u0000partition" delivered so far) (checked after every record and every
 * 200 ms) or the timeout passes, commits the position it reached, leaves the group and returns what it saw. New groups
 * start at the earliest offset (auto.offset.reset=earliest: a missing translation shows as re-reads,
 * not as loss). Values `ignore` matches are counted apart and not recorded in the ledger. Without
 * `stopAtDone`, records already in flight when `done()` turns true are still counted and committed.
 */
export async function consumeUntil (options: {
  bootstrap: string
  group: string
  topics: string[]
  ledger: DeliveryLedger
  done: (positions: ReadonlyMap<string, bigint>) => boolean
  timeoutMs: number
  ignore?: (value: string) => boolean
  stopAtDone?: boolean
  /**
   * Per "topic\u0000partition", the offset the application stops reading that partition at: records at
   * or beyond it are not handed to the application (neither counted nor committed), as if it paused
   * the partition there.
   */
  stopAt?: ReadonlyMap<string, bigint>
  /** The group protocol (default `classic`); `consumer` is KIP-848's, Kafka 4.0+. */
  groupProtocol?: 'classic' | 'consumer'
}): Promise<ConsumeResult> {
  const base = {
    clientId: `drill-${options.group}`,
    groupId: options.group,
    bootstrapBrokers: [options.bootstrap],
    deserializers: stringDeserializers,
    retries: 3
  }
  // KIP-848 members take their session and heartbeat interval from the broker.
  const consumer = options.groupProtocol === 'consumer'
    ? new Consumer({ ...base, groupProtocol: 'consumer' })
    : new Consumer({ ...base, sessionTimeout: 10_000, heartbeatInterval: 500 })
  const result: ConsumeResult = { timedOut: false, delivered: 0, reread: 0, committed: new Map(), ignored: 0 }
  const positions = new Map<string, { topic: string, partition: number, offset: bigint, leaderEpoch: number }>()
  try {
    // read_committed, as applications reading transactional data do (@platformatic/kafka still lets some
    // aborted records through: see `ignore`).
    const stream = await consumer.consume({
      topics: options.topics,
      mode: 'committed',
      fallbackMode: 'earliest',
      autocommit: false,
      maxWaitTime: 200,
      isolationLevel: 1
    })
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => {
        result.timedOut = true
        finish()
      }, options.timeoutMs)
      const nextOffsets = (): Map<string, bigint> => new Map([...positions].map(([key, position]) => [key, position.offset]))
      const check = setInterval(() => { if (options.done(nextOffsets())) finish() }, 200)
      let finished = false
      const finish = (): void => {
        // With `stopAtDone`, records the stream still pushes after this are not handed to the application:
        // neither counted nor committed (the next run gets them from the committed position).
        finished = options.stopAtDone === true
        clearTimeout(deadline)
        clearInterval(check)
        resolve()
      }
      stream.on('data', (message) => {
        if (finished) return
        const key = `${message.topic}\u0000${message.partition}`
        const stopAt = options.stopAt?.get(key)
        if (stopAt !== undefined && message.offset >= stopAt) return
        result.delivered++
        const value = String(message.value)
        if (options.ignore?.(value) === true) {
          result.ignored++
        } else if (options.ledger.deliver(value)) {
          result.reread++
        }
        positions.set(key, {
          topic: message.topic,
          partition: message.partition,
          offset: message.offset + 1n,
          leaderEpoch: message.leaderEpoch
        })
        if (options.done(nextOffsets())) finish()
      })
      stream.on('error', (error: unknown) => { clearTimeout(deadline); clearInterval(check); reject(error) })
    })
    if (positions.size > 0) await consumer.commit({ offsets: [...positions.values()] })
    for (const [key, position] of positions) result.committed.set(key, position.offset)
    await stream.close()
  } finally {
    await consumer.close(true).catch(() => {})
  }
  return result
}
