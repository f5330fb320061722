// The two facts coordination (docs/design.md §2.7) rests on, checked against real brokers of every
// tested Kafka line:
//   - where a group lives: the partition of __consumer_offsets holding a group's commits is
//     groupPartition(group, 50), as computed by the sidecar (Java's String.hashCode);
//   - ShardMembership: instances in one consumer group get balanced, disjoint shares of the coordination
//     topic it creates with as many partitions as __consumer_offsets, covering every partition, and a
//     joining member leaves partition 0 with its owner; when one leaves, the other owns everything within seconds;
//   - a group's partition stays known while its cluster does not answer (the tailer keeps the partition count);
//   - a tailer dealt a share is caught up only once it read that share (readiness means "my shares are read");
//   - the tailer's own read of record batches (kafka/record-set.ts) handles what brokers send: batches of every
//     compression codec, headers, and under read_committed no aborted transaction and no marker.
import { afterEach, describe, expect, it } from 'vitest'
import { decodeConsumerOffsetsRecord, type ConsumerOffsetsRecord } from '../../sidecar/src/core/codec/index.ts'
import { groupPartition } from '../../sidecar/src/core/naming/group-partition.ts'
import { GroupAdmin } from '../../sidecar/src/kafka/group-admin.ts'
import { ShardMembership, type ShardMembershipHandlers } from '../../sidecar/src/kafka/shard-membership.ts'
import { TopicTailer } from '../../sidecar/src/kafka/tailer.ts'
import { TransactionalProducer } from '../../sidecar/src/kafka/transactional-producer.ts'
import { toProducerOptions } from '../../sidecar/src/kafka/client-options.ts'
import { recordsOf, type RecordSet } from '../../sidecar/src/kafka/record-set.ts'
import { waitFor } from '../../lab/lab.ts'
import { suffix, useLab } from './helpers/lab-fixture.ts'
import { labClient, readWholeTopic, type TopicRecord } from './helpers/topic-reader.ts'
import { testedKafkaLines } from '../kafka-lines.ts'

const VERSIONS = testedKafkaLines()
const CONSUMER_OFFSETS = '__consumer_offsets'

describe.each(VERSIONS)('coordination on Kafka %s', (kafka) => {
  // __consumer_offsets with Kafka's default 50 partitions (the lab's default is 1, for speed).
  const lab = useLab(`coordination ${kafka}`, { kafka, clusters: ['A'], mm2: false, brokerProps: { 'offsets.topic.num.partitions': 50 } })
  const memberships: ShardMembership[] = []
  afterEach(async () => { await Promise.all(memberships.splice(0).map(async (membership) => { await membership.close() })) })
  /** A started member of `groupId` on A (its own coordination topic), closed after the test. */
  const member = (groupId: string, sessionTimeoutMs: number, handlers: ShardMembershipHandlers): ShardMembership => {
    const topic = `mm2-failback.shards-${groupId}.internal`
    const client = labClient(lab(), 'A')
    const timing = { sessionTimeoutMs, heartbeatIntervalMs: 500, rebalanceTimeoutMs: sessionTimeoutMs }
    const membership = new ShardMembership({ client, groupId, topic, replicationFactor: 1, ...timing }, handlers)
    memberships.push(membership)
    membership.start()
    return membership
  }

  /**
   * Commits offset 0 of `topic`-0 for each group on A; the first commits may meet a coordinator still
   * loading the new __consumer_offsets: retried until taken.
   */
  const commitOffsetZero = async (groups: readonly string[], topic: string): Promise<void> => {
    const admin = new GroupAdmin(labClient(lab(), 'A'))
    try {
      const taken = async (group: string): Promise<true | null> => {
        const results = await admin.commit(group, [{ topic, partition: 0, offset: 0n, metadata: '' }]).catch(() => [{ errorCode: -1 }])
        return results.every((result) => result.errorCode === 0) ? true : null
      }
      for (const group of groups) await waitFor(async () => await taken(group), { timeoutMs: 30_000, intervalMs: 200, description: `the commit of ${group}` })
    } finally {
      await admin.close()
    }
  }

  it('the broker stores each group\'s commits in partition groupPartition(group, 50) of __consumer_offsets', async () => {
    const run = suffix()
    const topic = `where-${run}`
    await lab().createTopic('A', topic, 1)
    const groups = Array.from({ length: 40 }, (_, index) => `where-${run}-${index}`)
    await commitOffsetZero(groups, topic)
    const stored = new Map<string, Set<number>>()
    const decode = (record: TopicRecord): { partition: number, decoded: ConsumerOffsetsRecord } =>
      ({ partition: record.partition, decoded: decodeConsumerOffsetsRecord(record.key, record.value) })
    const records = await readWholeTopic(lab(), 'A', CONSUMER_OFFSETS, decode)
    for (const { partition, decoded } of records) {
      if (decoded.kind !== 'offset-commit' || !groups.includes(decoded.key.group)) continue
      stored.set(decoded.key.group, (stored.get(decoded.key.group) ?? new Set()).add(partition))
    }
    expect([...stored.keys()].sort()).toEqual([...groups].sort())
    for (const group of groups) expect([...stored.get(group)!], group).toEqual([groupPartition(group, 50)])
    // The sample spreads over many partitions, so the check is not one partition by luck.
    expect(new Set(groups.map((group) => groupPartition(group, 50))).size).toBeGreaterThan(20)
  })

  it('two members share the 50 partitions disjointly; when one leaves, the other owns all of them within seconds', async () => {
    const groupId = `__mm2-failback-it-${suffix()}`
    const owned = [new Set<number>(), new Set<number>()]
    const errors: unknown[] = []
    const start = (index: number): ShardMembership => member(groupId, 6000, {
      onOwned: (partitions) => { owned[index] = new Set(partitions) },
      onError: (error) => { errors.push(error) }
    })
    const first = start(0)
    await waitFor(() => owned[0]!.size === 50 ? true : null, { timeoutMs: 60_000, intervalMs: 100, description: 'the first member to own every partition' })
      .catch((error: unknown) => { throw new Error(`${String(error)}; membership errors: ${errors.map(String).join('; ')}`) })
    start(1)
    await waitFor(() => owned[0]!.size > 0 && owned[1]!.size > 0 && owned[0]!.size + owned[1]!.size === 50 ? true : null, {
      timeoutMs: 60_000, intervalMs: 100, description: 'both members to own a share'
    })
    expect([...owned[0]!].filter((partition) => owned[1]!.has(partition))).toEqual([])
    // Balanced, and sticky: the first member keeps partition 0 (the writer's seat) when the second joins.
    expect([owned[0]!.size, owned[1]!.size]).toEqual([25, 25])
    expect(owned[0]!.has(0)).toBe(true)
    expect([...owned[0]!, ...owned[1]!].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, partition) => partition))

    const leftAt = Date.now()
    await first.close()
    memberships.splice(memberships.indexOf(first), 1)
    await waitFor(() => owned[1]!.size === 50 ? true : null, { timeoutMs: 30_000, intervalMs: 50, description: 'the remaining member to own every partition' })
    const takeoverMs = Date.now() - leftAt
    console.log(`[coordination ${kafka}] after a clean leave, the other member owned all 50 partitions in ${takeoverMs} ms`)
    expect(takeoverMs).toBeLessThan(10_000)
  })

  it('a member cut off from the coordinator releases its share after half the session timeout, and takes it back in touch before eviction', async () => {
    const groupId = `__mm2-failback-it-${suffix()}`
    const membership = member(groupId, 12_000, { onOwned: () => {}, onError: () => {} })
    const owns = (count: number) => () => membership.partitions.length === count ? true : null
    await waitFor(owns(50), { timeoutMs: 60_000, intervalMs: 100, description: 'the member to own every partition' })
    // The broker stops answering (SIGSTOP) for 9 s: longer than half the session timeout, shorter than all of it.
    const broker = lab().jvms().find((jvm) => jvm.name.startsWith('broker-A'))!
    const stoppedAt = Date.now()
    process.kill(broker.pid!, 'SIGSTOP')
    try {
      await waitFor(owns(0), { timeoutMs: 9_000, intervalMs: 50, description: 'the cut-off member to release its share' })
      const releasedAfterMs = Date.now() - stoppedAt
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 9_000 - (Date.now() - stoppedAt))))
      process.kill(broker.pid!, 'SIGCONT')
      const resumedAt = Date.now()
      await waitFor(owns(50), { timeoutMs: 30_000, intervalMs: 50, description: 'the member to own its share again' })
      console.log(`[coordination ${kafka}] cut off: released after ${releasedAfterMs} ms (session 12 s), owned again ${Date.now() - resumedAt} ms after the broker answered`)
      expect(releasedAfterMs).toBeGreaterThanOrEqual(6_000)
      expect(releasedAfterMs).toBeLessThan(9_000)
    } finally {
      process.kill(broker.pid!, 'SIGCONT')
    }
  })

  it('the tailer of __consumer_offsets keeps its partition count while the cluster does not answer, so groups keep their partition', async () => {
    const topic = `count-${suffix()}`
    await lab().createTopic('A', topic, 1)
    await commitOffsetZero(['billing'], topic)
    const client = { ...labClient(lab(), 'A'), requestTimeoutMs: 1_500 }
    const errors: unknown[] = []
    const handlers = { onRecords: () => {}, onError: (error: unknown) => { errors.push(error) } }
    const tailer = new TopicTailer({ client, topics: [CONSUMER_OFFSETS], maxWaitMs: 200, retryDelayMs: 200 }, handlers)
    tailer.start()
    const broker = lab().jvms().find((jvm) => jvm.name.startsWith('broker-A'))!
    try {
      await tailer.caughtUp()
      expect(tailer.partitionCount(CONSUMER_OFFSETS)).toBe(50)
      process.kill(broker.pid!, 'SIGSTOP')
      const failed = () => errors.length > 0 ? true : null
      await waitFor(failed, { timeoutMs: 20_000, intervalMs: 50, description: 'the tailer to fail a request to the stopped broker' })
      expect(tailer.partitionCount(CONSUMER_OFFSETS), 'partition count while cluster A does not answer').toBe(50)
      expect(tailer.isPartitionCaughtUp(CONSUMER_OFFSETS, groupPartition('billing', 50))).toBe(true)
    } finally {
      process.kill(broker.pid!, 'SIGCONT')
      await tailer.close()
    }
  })

  it('a tailer dealt a share of __consumer_offsets is caught up only after it read that share, and reads it without waiting out its idle wait', async () => {
    const topic = `share-${suffix()}`
    await lab().createTopic('A', topic, 1)
    const groups = Array.from({ length: 10 }, (_, index) => `share-${index}-${suffix()}`)
    await commitOffsetZero(groups, topic)
    const seen = new Set<string>()
    const onRecords = (_topic: string, _partition: number, records: RecordSet): void => {
      for (const record of recordsOf(records, (offset, error) => { throw new Error(`malformed batch at ${offset}: ${error.message}`) })) {
        const decoded = decodeConsumerOffsetsRecord(record.key, record.value)
        if (decoded.kind === 'offset-commit') seen.add(decoded.key.group)
      }
    }
    const client = labClient(lab(), 'A')
    // With nothing dealt yet the tailer idles maxWaitMs between rounds: 60 s here, so only the wake-up of
    // assign() can have it read the share within the 20 s allowed below.
    const options = { client, topics: [CONSUMER_OFFSETS], assigned: [CONSUMER_OFFSETS], maxWaitMs: 60_000, topicRefreshMs: 60_000 }
    let caughtUpEvents = 0
    const tailer = new TopicTailer(options, { onRecords, onCaughtUp: () => { caughtUpEvents++ } })
    tailer.start()
    try {
      // Before any share: not caught up. Then the share holding every group's partition, dealt at once.
      const counted = (): true | null => tailer.partitionCount(CONSUMER_OFFSETS) === 50 ? true : null
      await waitFor(counted, { timeoutMs: 30_000, description: 'the tailer to see __consumer_offsets' })
      expect(tailer.isCaughtUp()).toBe(false)
      tailer.assign(CONSUMER_OFFSETS, new Set(groups.map((group) => groupPartition(group, 50))))
      // The dealt partitions are followed from the next refresh on; until they are read, the share is not.
      expect(tailer.isCaughtUp(), 'caught up right after the share was dealt, before reading it').toBe(false)
      let timer: NodeJS.Timeout | undefined
      const late = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => { reject(new Error('the share was not read within 20 s: assign() did not end the idle wait')) }, 20_000)
      })
      await Promise.race([tailer.caughtUp(), late]).finally(() => { clearTimeout(timer) })
      expect(caughtUpEvents, 'onCaughtUp calls once the share was read').toBe(1)
      expect([...seen].filter((group) => groups.includes(group)).sort(), 'groups whose commits were delivered before caughtUp()').toEqual([...groups].sort())
    } finally {
      await tailer.close()
    }
  })
  it('the tailer reads compressed batches of every codec with their headers, and no aborted transaction or marker', async () => {
    const topic = `batches-${suffix()}`
    await lab().createTopic('A', topic, 1)
    const client = labClient(lab(), 'A')
    const transactionalId = `batches-${suffix()}`
    const producer = new TransactionalProducer({ ...toProducerOptions(client, 'batches-it'), idempotent: true, transactionalId, acks: -1 })
    const expected: string[] = []
    try {
      for (const compression of ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const) {
        const headers = new Map([[Buffer.from('codec'), Buffer.from(compression)]])
        const key = Buffer.from(`k-${compression}`)
        const messages = [0, 1].map((index) => ({ topic, partition: 0, key, value: Buffer.from(`${compression}-${index}`), headers }))
        const aborted = await producer.beginTransaction()
        await aborted.send({ messages: messages.map((message) => ({ ...message, value: Buffer.from(`aborted-${compression}`) })), compression })
        await aborted.abort()
        const committed = await producer.beginTransaction()
        await committed.send({ messages, compression })
        await committed.commit()
        expected.push(`${compression}-0`, `${compression}-1`)
      }
    } finally {
      await producer.close()
    }
    const read: Array<{ value: string, header: string }> = []
    const onRecords = (_topic: string, _partition: number, records: RecordSet): void => {
      for (const record of recordsOf(records, (offset, error) => { throw new Error(`malformed batch at ${offset}: ${error.message}`) })) {
        const [key, value] = record.headers[0] ?? [null, null]
        read.push({ value: Buffer.from(record.value!).toString(), header: `${Buffer.from(key ?? []).toString()}=${Buffer.from(value ?? []).toString()}` })
      }
    }
    const tailer = new TopicTailer({ client, topics: [topic], readCommitted: true, maxWaitMs: 200 }, { onRecords })
    tailer.start()
    try {
      await tailer.caughtUp()
      expect(read.map((record) => record.value)).toEqual(expected)
      expect(read.map((record) => record.header)).toEqual(expected.map((value) => `codec=${value.split('-')[0]}`))
    } finally {
      await tailer.close()
    }
  })
})
