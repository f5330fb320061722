// The topics of the compatibility matrix (compatibility.test.ts), written on cluster A before MM2 starts:
// plain records, records with committed and aborted transactions (markers and aborted records leave
// offset gaps on A), and a compacted topic the log cleaner compacts before MM2 copies it (gaps on A,
// a dense copy on B). Every value of a topic is unique, so the records of both sides can be matched.
import type { Lab } from '../../lab/lab.ts'
import { waitFor } from '../../lab/wait.ts'
import { produceSequence } from '../../lab/drill/workload.ts'
import { readWholeTopic, type TopicRecord } from '../integration/helpers/topic-reader.ts'
import { createTopic, gapsBelow, isAborted, produceCompacted, produceTransactions } from './gap-workloads.ts'
import type { SideRecord } from './compat-oracle.ts'

export type TopicKind = 'plain' | 'compacted' | 'transactional'

export const PARTITIONS = 2

/** A topic's records by partition, in offset order. */
export type SideRecords = Map<number, SideRecord[]>

/** What a consumer of a topic of this kind never sees on A and must not count on B: aborted transactions. */
export const ignoredValues = (kind: TopicKind): (value: string) => boolean => kind === 'transactional' ? isAborted : () => false

/** Creates `topic` on A and writes its records; a compacted topic is left with offset gaps in every partition. */
export async function fillTopic (lab: Lab, topic: string, kind: TopicKind): Promise<void> {
  const A = lab.bootstrap('A')
  if (kind === 'plain') {
    await createTopic(A, topic, PARTITIONS)
    await produceSequence(A, topic, 'A', 0, 240, PARTITIONS)
    return
  }
  if (kind === 'transactional') {
    await createTopic(A, topic, PARTITIONS)
    await produceSequence(A, topic, 'A', 0, 100, PARTITIONS)
    await produceTransactions(A, topic, 'A', PARTITIONS, 0, 3)
    await produceSequence(A, topic, 'A', 100, 100, PARTITIONS)
    await produceTransactions(A, topic, 'A', PARTITIONS, 3, 2)
    await produceSequence(A, topic, 'A', 200, 60, PARTITIONS)
    return
  }
  await createTopic(A, topic, PARTITIONS, [
    { name: 'cleanup.policy', value: 'compact' },
    { name: 'segment.ms', value: '300' },
    { name: 'min.cleanable.dirty.ratio', value: '0.01' },
    { name: 'min.compaction.lag.ms', value: '0' }
  ])
  await produceCompacted(A, topic, 'A', PARTITIONS, 5, 40, 13)
  await waitFor(async () => {
    const present = (await readSide(lab, 'A', topic))
    const ends = await lab.endOffsets('A', topic)
    const records = [...present].flatMap(([partition, list]) => list.map((record) => ({ partition, offset: record.offset, value: record.value })))
    return ends.every((end, partition) => gapsBelow(records, partition, end) > 0) ? true : null
  }, { timeoutMs: 120_000, intervalMs: 1000, description: `the log cleaner to compact every partition of ${topic} on cluster A` })
}

/** Every record of `topic` on a cluster, by partition. */
export async function readSide (lab: Lab, alias: string, topic: string): Promise<SideRecords> {
  const decode = (record: TopicRecord): { partition: number, offset: bigint, value: string } =>
    ({ partition: record.partition, offset: record.offset, value: Buffer.from(record.value ?? []).toString() })
  const records = await readWholeTopic(lab, alias, topic, decode)
  const byPartition: SideRecords = new Map()
  for (const record of records) {
    const list = byPartition.get(record.partition) ?? []
    list.push({ offset: record.offset, value: record.value })
    byPartition.set(record.partition, list)
  }
  for (const list of byPartition.values()) list.sort((x, y) => (x.offset < y.offset ? -1 : x.offset > y.offset ? 1 : 0))
  return byPartition
}

/** Waits until MM2 has copied every record of `topic` (those a consumer sees) into `remote` on B; returns both sides. */
export async function waitCopied (lab: Lab, topic: string, remote: string, kind: TopicKind): Promise<{ a: SideRecords, b: SideRecords }> {
  const ignore = ignoredValues(kind)
  const a = await readSide(lab, 'A', topic)
  const b = await waitFor(async () => {
    const copy = await readSide(lab, 'B', remote).catch(() => new Map() as SideRecords)
    let missing = 0
    for (const [partition, records] of a) {
      const there = new Set((copy.get(partition) ?? []).map((record) => record.value))
      missing += records.filter((record) => !ignore(record.value) && !there.has(record.value)).length
    }
    return missing === 0 ? copy : null
  }, { timeoutMs: 120_000, intervalMs: 1000, description: `MM2 to copy ${topic} on A to ${remote} on B` })
  return { a, b }
}
