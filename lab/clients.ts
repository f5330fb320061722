// Thin helpers over @platformatic/kafka for lab readiness checks, tests and fixture capture.
import { randomUUID } from 'node:crypto'
import { Admin, Consumer, Producer, type Message, type SASLOptions } from '@platformatic/kafka'
import type { ConnectionOptions as TlsOptions } from 'node:tls'
import { waitFor } from './wait.ts'

/** TLS and SASL settings of a secured lab cluster, for every client created here. */
export interface ClientSecurity {
  tls?: TlsOptions
  sasl?: SASLOptions
}

// Keyed by bootstrap string: a secured lab registers its clusters (startLab) so that every helper
// below, called with just a bootstrap string, connects with the right TLS and SASL settings.
const securityByBootstrap = new Map<string, ClientSecurity>()

/** Registers (or with null, forgets) the connection security of a cluster reached at `bootstrapServers`. */
export function setClientSecurity (bootstrapServers: string, security: ClientSecurity | null): void {
  if (security === null) securityByBootstrap.delete(bootstrapServers)
  else securityByBootstrap.set(bootstrapServers, security)
}

/** The TLS/SASL options to spread into a @platformatic/kafka client for `bootstrapServers` (empty for a PLAINTEXT lab). */
export function clientSecurity (bootstrapServers: string): ClientSecurity {
  const security = securityByBootstrap.get(bootstrapServers)
  if (security === undefined) return {}
  return { ...(security.tls ? { tls: security.tls } : {}), ...(security.sasl ? { sasl: security.sasl } : {}) }
}

/** A record as bytes, with its coordinates. */
export interface RawRecord {
  topic: string
  partition: number
  offset: bigint
  timestamp: bigint
  key: Buffer | null
  value: Buffer | null
}

export interface ProduceRecord {
  key?: string | Buffer | null
  value: string | Buffer | null
  partition?: number
}

const toBuffer = (v: string | Buffer | null | undefined): Buffer | undefined =>
  v === null || v === undefined ? undefined : (typeof v === 'string' ? Buffer.from(v) : v)

export function createAdmin (bootstrapServers: string, clientId = 'mm2-failback-lab-admin'): Admin {
  return new Admin({ clientId, bootstrapBrokers: bootstrapServers.split(','), retries: 0, timeout: 10_000, ...clientSecurity(bootstrapServers) })
}

/** Runs `fn` with a short-lived admin client. */
export async function withAdmin<T> (bootstrapServers: string, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = createAdmin(bootstrapServers)
  try {
    return await fn(admin)
  } finally {
    await admin.close().catch(() => {})
  }
}

/** Broker id list from a fresh metadata request; throws when the cluster does not answer. */
/** The cluster id and broker ids a metadata request on `bootstrapServers` returns. */
export async function clusterIdentity (bootstrapServers: string): Promise<{ clusterId: string, brokerIds: number[] }> {
  return withAdmin(bootstrapServers, async admin => {
    const metadata = await admin.metadata({ topics: [], forceUpdate: true })
    return { clusterId: metadata.id, brokerIds: [...metadata.brokers.keys()] }
  })
}

export async function listTopics (bootstrapServers: string, includeInternals = true): Promise<string[]> {
  return withAdmin(bootstrapServers, admin => admin.listTopics({ includeInternals }))
}

export async function createTopic (bootstrapServers: string, topic: string, partitions = 1): Promise<void> {
  await withAdmin(bootstrapServers, admin => admin.createTopics({ topics: [topic], partitions, replicas: 1 }))
}

/** Latest (log end) offset per partition; partitions missing from metadata are absent. */
export async function endOffsets (bootstrapServers: string, topic: string): Promise<bigint[]> {
  return withAdmin(bootstrapServers, async admin => {
    const metadata = await admin.metadata({ topics: [topic], forceUpdate: true })
    const count = metadata.topics.get(topic)?.partitionsCount ?? 0
    if (count === 0) return []
    const partitions = Array.from({ length: count }, (_, i) => ({ partitionIndex: i, timestamp: -1n }))
    const [listed] = await admin.listOffsets({ topics: [{ name: topic, partitions }] })
    const offsets = new Array<bigint>(count).fill(0n)
    for (const p of listed?.partitions ?? []) offsets[p.partitionIndex] = p.offset
    return offsets
  })
}

/** Sum of log-end offsets of `topic` (0 when it does not exist). */
export async function totalEndOffset (bootstrapServers: string, topic: string): Promise<bigint> {
  const offsets = await endOffsets(bootstrapServers, topic).catch(() => [])
  return offsets.reduce((a, b) => a + b, 0n)
}

/**
 * Produces records with acks=all (the single broker) and waits for the acknowledgements: one producer,
 * sends of `batchSize` records (default: all in one send) one after the other, so order is kept.
 */
export async function produce (bootstrapServers: string, topic: string, records: readonly ProduceRecord[], batchSize = records.length): Promise<void> {
  // Idempotent: a retried batch must not be written twice (the drill counts every record).
  const producer = new Producer({
    clientId: 'mm2-failback-lab-producer',
    bootstrapBrokers: bootstrapServers.split(','),
    autocreateTopics: true,
    retries: 5,
    idempotent: true,
    ...clientSecurity(bootstrapServers)
  })
  try {
    for (let start = 0; start < records.length; start += Math.max(1, batchSize)) {
      await producer.send({
        messages: records.slice(start, start + Math.max(1, batchSize)).map(r => ({
          topic,
          key: toBuffer(r.key),
          value: toBuffer(r.value) as Buffer,
          ...(r.partition === undefined ? {} : { partition: r.partition })
        })),
        acks: -1
      })
    }
  } finally {
    await producer.close().catch(() => {})
  }
}

export interface ReadOptions {
  /** Stop once this many records were read (default: everything up to the end offsets seen at the start). */
  minRecords?: number
  timeoutMs?: number
}

/**
 * Reads `topic` from the earliest offset as raw bytes. Joins a throwaway classic group with a
 * random id and never commits, so it leaves no offset commits behind.
 */
export async function readTopic (bootstrapServers: string, topic: string, options: ReadOptions = {}): Promise<RawRecord[]> {
  const { timeoutMs = 60_000 } = options
  const ends = await endOffsets(bootstrapServers, topic)
  const target = options.minRecords ?? Number(ends.reduce((a, b) => a + b, 0n))
  if (target === 0) return []
  const consumer = new Consumer({
    clientId: 'mm2-failback-lab-reader',
    groupId: `mm2-failback-lab-reader-${randomUUID()}`,
    bootstrapBrokers: bootstrapServers.split(','),
    autocommit: false,
    maxWaitTime: 500,
    sessionTimeout: 10_000,
    heartbeatInterval: 1000,
    ...clientSecurity(bootstrapServers)
  })
  const records: RawRecord[] = []
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false })
    const done = new Promise<void>((resolve, reject) => {
      stream.on('data', (m: Message<Buffer, Buffer, Buffer, Buffer>) => {
        records.push({ topic: m.topic, partition: m.partition, offset: m.offset, timestamp: m.timestamp, key: nullable(m.key), value: nullable(m.value) })
        if (records.length >= target) resolve()
      })
      stream.once('error', reject)
    })
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`Read ${records.length} of ${target} records from ${topic} within ${timeoutMs} ms.`)), timeoutMs)
    })
    try {
      await Promise.race([done, timeout])
    } finally {
      clearTimeout(timer)
      await stream.close().catch(() => {})
    }
  } finally {
    await consumer.close(true).catch(() => {})
  }
  return records.sort((a, b) => a.partition - b.partition || (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0))
}

// The consumer hands out empty buffers for null keys/values; Kafka nulls arrive as undefined/null.
function nullable (b: Buffer | undefined | null): Buffer | null {
  return b === undefined || b === null ? null : b
}

/** Waits until `topic` exists on the cluster. */
export async function waitForTopic (bootstrapServers: string, topic: string, timeoutMs = 60_000): Promise<void> {
  await waitFor(async () => (await listTopics(bootstrapServers)).includes(topic), {
    timeoutMs,
    intervalMs: 500,
    description: `topic ${topic} on ${bootstrapServers}`
  })
}
