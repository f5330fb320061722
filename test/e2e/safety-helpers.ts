// Helpers of the sidecar's safety and robustness e2e tests (sidecar-safety.test.ts): Prometheus text
// parsing, admin-style group commits and reads with metadata, a long-running live group member
// (classic or KIP-848), a background producer, and a reader of the reverse offset-syncs topic that
// checks the "never backwards" rule as MM2 sees it.
import { Consumer, Producer } from '@platformatic/kafka'
import { decodeOffsetSync, type OffsetSync } from '../../sidecar/src/core/codec/offset-sync.ts'
import { PROVENANCE_PREFIX } from '../../sidecar/src/core/sync/provenance.ts'
import { GroupAdmin, type CommittedOffset } from '../../sidecar/src/kafka/group-admin.ts'
import { TopicTailer } from '../../sidecar/src/kafka/tailer.ts'
import { recordsOf } from '../../sidecar/src/kafka/record-set.ts'
import type { Lab } from '../../lab/lab.ts'
import { waitFor } from '../../lab/wait.ts'

export const isSidecarTagged = (metadata: string | null): boolean => metadata?.startsWith(PROVENANCE_PREFIX) ?? false

/**
 * Sum of every sample of metric `name` (full name) whose labels include `labels`. Throws when the metric has
 * samples but none carries one of the label names asked for: a renamed label (e.g. `cluster` to
 * `kafka_cluster`) would otherwise sum to 0 and let an assertion on "0" pass for the wrong reason.
 */
export function metricSum (text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0
  const seenKeys = new Set<string>()
  let samples = 0
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line)
    if (match === null || match[1] !== name) continue
    const sample = Object.fromEntries([...(match[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((entry) => [entry[1], entry[2]]))
    samples += 1
    for (const key of Object.keys(sample)) seenKeys.add(key)
    if (Object.entries(labels).every(([key, value]) => sample[key] === value)) total += Number(match[4])
  }
  const unknown = Object.keys(labels).filter((key) => !seenKeys.has(key))
  if (samples > 0 && unknown.length > 0) throw new Error(`no sample of ${name} has the label(s) ${unknown.join(', ')}; it has ${[...seenKeys].join(', ')}`)
  return total
}

/** One GroupAdmin per lab cluster, created on demand (the sidecar's own admin code, used as a plain client). */
export class Admins {
  private readonly admins = new Map<string, GroupAdmin>()
  private readonly lab: Lab

  constructor (lab: Lab) {
    this.lab = lab
  }

  of (alias: string): GroupAdmin {
    let admin = this.admins.get(alias)
    if (admin === undefined) {
      admin = new GroupAdmin({ ...this.lab.clientOptions(alias), clientIdPrefix: 'safety-e2e' })
      this.admins.set(alias, admin)
    }
    return admin
  }

  /** An admin-style OffsetCommit (generation -1, no member) into an empty group; throws on any partition error. */
  async commit (alias: string, group: string, topic: string, offsets: readonly bigint[], metadata = 'test'): Promise<void> {
    const results = await this.of(alias).commit(group, offsets.map((offset, partition) => ({ topic, partition, offset, metadata })))
    const failed = results.filter((result) => result.errorCode !== 0)
    if (failed.length > 0) throw new Error(`commit of ${group} on ${alias} failed: ${JSON.stringify(failed)}`)
  }

  /** The group's committed offsets for one topic on a cluster, by partition. */
  async committed (alias: string, group: string, topic: string): Promise<Map<number, CommittedOffset>> {
    const offsets = await this.of(alias).committedOffsets(group)
    return new Map(offsets.filter((entry) => entry.topic === topic).map((entry) => [entry.partition, entry]))
  }

  async members (alias: string, group: string): Promise<number> {
    return (await this.of(alias).liveness([group])).get(group)?.members ?? 0
  }

  /** Drops the cached client of a cluster (after it was stopped and restarted). */
  async reset (alias: string): Promise<void> {
    await this.admins.get(alias)?.close().catch(() => {})
    this.admins.delete(alias)
  }

  async close (): Promise<void> {
    for (const admin of this.admins.values()) await admin.close().catch(() => {})
    this.admins.clear()
  }
}

/**
 * Waits until the group's offsets for `topic` on cluster `to` carry the sidecar's tag naming `from`
 * on every one of `partitions` partitions: the sidecar mirrored a commit made on `from`.
 */
export async function waitMirrored (admins: Admins, options: {
  from: string
  to: string
  group: string
  topic: string
  partitions: number
  timeoutMs?: number
}): Promise<Map<number, CommittedOffset>> {
  return await waitFor(async () => {
    const offsets = await admins.committed(options.to, options.group, options.topic)
    for (let partition = 0; partition < options.partitions; partition++) {
      const entry = offsets.get(partition)
      if (entry === undefined || !isSidecarTagged(entry.metadata) || !(entry.metadata ?? '').includes(`from=${options.from} `)) return null
    }
    return offsets
  }, { timeoutMs: options.timeoutMs ?? 30_000, intervalMs: 200, description: `the sidecar to mirror group ${options.group}'s commit from ${options.from} onto ${options.topic} on ${options.to}` })
}

/** A real group member that stays in the group until stopped; it never commits. */
export class LiveMember {
  private readonly close: () => Promise<void>

  private constructor (close: () => Promise<void>) {
    this.close = close
  }

  static async start (options: { bootstrap: string, group: string, topic: string, groupProtocol: 'classic' | 'consumer' }): Promise<LiveMember> {
    const base = {
      clientId: `safety-live-${options.group}`,
      groupId: options.group,
      bootstrapBrokers: options.bootstrap.split(','),
      retries: 3,
      autocommit: false
    }
    const consumer = options.groupProtocol === 'consumer'
      ? new Consumer<Buffer, Buffer, Buffer, Buffer>({ ...base, groupProtocol: 'consumer' })
      : new Consumer<Buffer, Buffer, Buffer, Buffer>({ ...base, sessionTimeout: 10_000, heartbeatInterval: 500 })
    const stream = await consumer.consume({ topics: [options.topic], mode: 'committed', fallbackMode: 'latest', autocommit: false, maxWaitTime: 500 })
    stream.on('data', () => {})
    stream.on('error', () => {})
    return new LiveMember(async () => {
      await stream.close().catch(() => {})
      await consumer.close(true).catch(() => {})
    })
  }

  /** Leaves the group (classic LeaveGroup, KIP-848 heartbeat with epoch -1) and closes the client. */
  async stop (): Promise<void> {
    await this.close()
  }
}

/** Produces small batches to one topic in the background until stopped, so MM2 keeps emitting offset syncs. */
export class BackgroundProducer {
  produced = 0
  private stopped = false
  private readonly loop: Promise<void>
  private readonly producer: Producer<Buffer, Buffer, Buffer, Buffer>

  constructor (bootstrap: string, topic: string, partitions: number, options: { batch?: number, intervalMs?: number } = {}) {
    const producer = new Producer<Buffer, Buffer, Buffer, Buffer>({
      clientId: 'safety-background-producer',
      bootstrapBrokers: bootstrap.split(','),
      retries: 10,
      retryDelay: 500
    })
    this.producer = producer
    const batch = options.batch ?? 30
    const intervalMs = options.intervalMs ?? 250
    this.loop = (async () => {
      while (!this.stopped) {
        const messages = Array.from({ length: batch }, (_, index) => ({
          topic,
          partition: (this.produced + index) % partitions,
          value: Buffer.from(`bg-${this.produced + index}`)
        }))
        try {
          await producer.send({ messages, acks: -1 })
          this.produced += batch
        } catch {
          // A cluster outage: keep trying.
        }
        await new Promise((resolve) => setTimeout(resolve, intervalMs))
      }
    })()
  }

  async stop (): Promise<number> {
    this.stopped = true
    await this.loop
    await this.producer.close(true).catch(() => {})
    return this.produced
  }
}

export interface TopicSync extends OffsetSync {
  /** Offset of the record in the offset-syncs topic. */
  at: bigint
}

/**
 * Every record of partition 0 of an offset-syncs topic, read to its end, decoded (undecodable ones
 * counted). `readCommitted: false` sees what MM2 sees: its OffsetSyncStore consumer uses Kafka's
 * default isolation level, read_uncommitted, so records of aborted transactions count too.
 */
export async function readOffsetSyncs (lab: Lab, alias: string, topic: string, readCommitted: boolean): Promise<{ syncs: TopicSync[], undecodable: number }> {
  const syncs: TopicSync[] = []
  let undecodable = 0
  const tailer = new TopicTailer({ client: { ...lab.clientOptions(alias), clientIdPrefix: 'safety-e2e' }, topics: [topic], readCommitted, maxWaitMs: 200 }, {
    onRecords: (_topic, _partition, records) => {
      for (const record of recordsOf(records, () => { undecodable++ })) {
        try {
          syncs.push({ ...decodeOffsetSync(record.key, record.value), at: record.offset })
        } catch {
          undecodable++
        }
      }
    }
  })
  tailer.start()
  try {
    const end = await tailer.endOffset(topic, 0)
    await tailer.waitForPosition(topic, 0, end, 60_000)
  } finally {
    await tailer.close()
  }
  return { syncs, undecodable }
}

/** Per topic-partition of the syncs, every place where upstreamOffset does not strictly increase in topic order. */
export function nonIncreasing (syncs: readonly TopicSync[]): string[] {
  const last = new Map<string, TopicSync>()
  const problems: string[] = []
  for (const sync of syncs) {
    const key = `${sync.topic}-${sync.partition}`
    const previous = last.get(key)
    if (previous !== undefined && sync.upstreamOffset <= previous.upstreamOffset) {
      problems.push(`${key}: upstreamOffset ${sync.upstreamOffset} at topic offset ${sync.at} after ${previous.upstreamOffset} at ${previous.at}`)
    }
    if (previous === undefined || sync.upstreamOffset > previous.upstreamOffset) last.set(key, sync)
  }
  return problems
}

export async function httpStatus (url: string): Promise<number> {
  return (await fetch(url).catch(() => null))?.status ?? 0
}

export const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }
