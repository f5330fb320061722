// Workloads with offset gaps for the exact-proof e2e tests (reconcile's and the sidecar's): transactions
// with aborted records and markers, and a compacted topic the log cleaner really compacts.
import { randomUUID } from 'node:crypto'
import { Admin, Producer, stringSerializers } from '@platformatic/kafka'
import { waitFor, type Lab, type LabOptions } from '../../lab/lab.ts'
import { produceSequence } from '../../lab/drill/workload.ts'
import { readWholeTopic } from '../integration/helpers/topic-reader.ts'

/**
 * A lab whose log cleaner on A compacts within the test (it looks for dirty logs every 500 ms, not 15 s)
 * and whose MM2 does not copy segment.ms (added to its default exclusions), so B's copy of a compacted
 * topic keeps the default and is not compacted again under a group's feet: B stays dense.
 */
export const GAP_LAB: Pick<LabOptions, 'brokerProps' | 'mm2Props'> = {
  brokerProps: { 'log.cleaner.backoff.ms': 500 },
  mm2Props: {
    'emit.checkpoints.interval.seconds': 1,
    'sync.group.offsets.enabled': false,
    'refresh.topics.interval.seconds': 2,
    'config.properties.exclude': 'follower[.]replication[.]throttled[.]replicas, leader[.]replication[.]throttled[.]replicas, message[.]timestamp[.]difference[.]max[.]ms, message[.]timestamp[.]type, unclean[.]leader[.]election[.]enable, min[.]insync[.]replicas, segment[.]ms'
  }
}

/** What prepareGapTopics wrote: every value a consumer must see once, and what compaction left. */
export interface GapTopics {
  expected: string[]
  present: PresentRecord[]
  /** Records written to the compacted topic (present.length of them are left). */
  compactedWritten: number
}

/**
 * With MM2 stopped, so that it copies logs that already have gaps: `orders` with sequences and
 * transactions (committed and aborted), and `compact`, compacted by the log cleaner until every
 * partition has gaps. MM2 is started again at the end; it has not necessarily copied anything yet.
 */
export async function prepareGapTopics (lab: Lab, orders: string, compact: string, partitions: number): Promise<GapTopics> {
  const A = lab.bootstrap('A')
  const expected: string[] = []
  await lab.stopMm2()
  await createTopic(A, orders, partitions)
  await createTopic(A, compact, partitions, [
    { name: 'cleanup.policy', value: 'compact' },
    { name: 'segment.ms', value: '300' },
    { name: 'min.cleanable.dirty.ratio', value: '0.01' },
    { name: 'min.compaction.lag.ms', value: '0' }
  ])
  expected.push(...await produceSequence(A, orders, 'A', 0, 300, partitions))
  expected.push(...await produceTransactions(A, orders, 'A', partitions, 0, 4))
  expected.push(...await produceSequence(A, orders, 'A', 300, 300, partitions))
  const compacted = await produceCompacted(A, compact, 'A', partitions, 5, 40, 13)
  expected.push(...await produceTransactions(A, orders, 'A', partitions, 4, 2))
  expected.push(...await produceSequence(A, orders, 'A', 600, 150, partitions))
  // The log cleaner compacts every rolled segment: wait until every partition of A's log has gaps.
  let present: PresentRecord[] = []
  await waitFor(async () => {
    present = await readWholeTopic(lab, 'A', compact, (r) => ({ partition: r.partition, offset: r.offset, value: Buffer.from(r.value ?? []).toString() }))
    const ends = await lab.endOffsets('A', compact)
    return ends.every((end, partition) => gapsBelow(present, partition, end) > 0) ? true : null
  }, { timeoutMs: 120_000, intervalMs: 1000, description: `the log cleaner to compact every partition of ${compact} on cluster A` })
  // Every value still in A's log must be delivered exactly once (compaction is what removes the others).
  expected.push(...present.map((r) => r.value))
  await lab.restartMm2()
  return { expected, present, compactedWritten: compacted.length }
}

export async function createTopic (bootstrap: string, topic: string, partitions: number, configs: Array<{ name: string, value: string }> = []): Promise<void> {
  const admin = new Admin({ clientId: 'reconcile-e2e', bootstrapBrokers: bootstrap.split(',') })
  try {
    await admin.createTopics({ topics: [topic], partitions, replicas: 1, configs })
  } finally {
    await admin.close()
  }
}

/**
 * Transactions on `topic`, rounds `firstRound`..: committed ones (values `<origin>-tx-<round>-<i>`, expected)
 * and aborted ones (`<origin>-aborted-<round>-<i>`: gaps + markers). Every value is unique across calls.
 */
export async function produceTransactions (
  bootstrap: string,
  topic: string,
  origin: string,
  partitions: number,
  firstRound: number,
  rounds: number
): Promise<string[]> {
  const producer = new Producer({
    clientId: `reconcile-tx-${origin}`,
    bootstrapBrokers: bootstrap.split(','),
    serializers: stringSerializers,
    idempotent: true,
    transactionalId: `reconcile-tx-${randomUUID()}`
  })
  const committed: string[] = []
  try {
    for (let round = firstRound; round < firstRound + rounds; round++) {
      for (const outcome of ['commit', 'abort'] as const) {
        const tx = await producer.beginTransaction()
        const messages = Array.from({ length: partitions * 2 }, (_, i) => ({
          topic,
          key: `k${i}`,
          value: `${origin}-${outcome === 'commit' ? 'tx' : 'aborted'}-${round}-${i}`,
          partition: i % partitions
        }))
        await tx.send({ messages })
        if (outcome === 'commit') {
          await tx.commit()
          committed.push(...messages.map((m) => m.value))
        } else {
          await tx.abort()
        }
      }
    }
  } finally {
    await producer.close().catch(() => {})
  }
  return committed
}

/**
 * Repeated keys on a compacted topic, in `batches` produce calls spaced further apart than the topic's
 * segment.ms, so that each batch rolls a new segment and the log cleaner can compact all but the last.
 * Returns every value (unique); compaction drops older values of a key before anybody reads them.
 */
export async function produceCompacted (
  bootstrap: string,
  topic: string,
  origin: string,
  partitions: number,
  batches: number,
  perPartition: number,
  keys: number
): Promise<string[]> {
  const producer = new Producer({ clientId: 'reconcile-compact', bootstrapBrokers: bootstrap.split(','), serializers: stringSerializers, idempotent: true })
  const values: string[] = []
  try {
    for (let batch = 0; batch < batches; batch++) {
      const messages = Array.from({ length: partitions * perPartition }, (_, i) => {
        const partition = i % partitions
        const n = Math.floor(i / partitions)
        return { topic, key: `key-${partition}-${(batch * perPartition + n) % keys}`, value: `${origin}-c-${batch}-${i}`, partition }
      })
      await producer.send({ messages, acks: -1 })
      values.push(...messages.map((m) => m.value))
      await new Promise((resolve) => setTimeout(resolve, 700))
    }
  } finally {
    await producer.close().catch(() => {})
  }
  return values
}

export interface PresentRecord { partition: number, offset: bigint, value: string }

/** Per partition: offsets below `committed` that the log no longer has (compacted away). */
export function gapsBelow (present: readonly PresentRecord[], partition: number, committed: bigint): number {
  const below = present.filter((r) => r.partition === partition && r.offset < committed).length
  return Number(committed) - below
}

/** Values of aborted transactions: never expected. They are kept out of the lost/re-read count because
 * @platformatic/kafka's read_committed filter lets some through (it keeps one aborted range per producer
 * per fetch response), and MM2 copies them to B unless its source consumer reads committed. */
export const isAborted = (value: string): boolean => value.includes('-aborted-')
