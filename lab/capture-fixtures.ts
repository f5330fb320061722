// Captures golden fixtures from a real lab: raw bytes of MM2's internal topics and of
// __consumer_offsets, each paired with what Kafka's own Java formatters print for the same record.
//
//   node lab/capture-fixtures.ts [--kafka 3.9|4.1|4.4 ...] [--out test/fixtures/mm2]
//
// Writes <out>/kafka-<version>/{offset-sync,checkpoint,heartbeat,consumer-offsets}.json in the
// format of test/fixtures/mm2/README.md ({ description, key, value, expected, source }).
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createAdmin, type RawRecord } from './clients.ts'
import { consumeAsGroup, dumpPartition, parseConcatenatedJson, runConsoleConsumer } from './java-tools.ts'
import { startLab, waitFor, type Lab } from './lab.ts'
import { KAFKA_LINES, lineInfo, MIRROR_FORMATTERS, parseKafkaLine, REPO_ROOT, type KafkaLine } from './versions.ts'

interface Fixture {
  description: string
  key: string
  value: string | null
  expected: unknown
  source: Record<string, unknown>
}

type Dump = { cluster: string, topic: string, records: RawRecord[] }

const hex = (b: Buffer | null) => (b === null ? null : b.toString('hex'))

/** Splits `name-<partition>` as Java's TopicPartition.toString() prints it. */
function topicPartition (text: string): { topic: string, partition: number } {
  const at = text.lastIndexOf('-')
  return { topic: text.slice(0, at), partition: Number(text.slice(at + 1)) }
}

/** Parses `Name{a=1, b=x}` (the toString() of OffsetSync/Checkpoint/Heartbeat) into fields. */
function parseToString (line: string, name: string): Record<string, string> {
  const m = new RegExp(`^${name}\\{(.*)\\}$`).exec(line.trim())
  if (!m) throw new Error(`Formatter printed ${JSON.stringify(line)}, expected ${name}{...}.`)
  const fields: Record<string, string> = {}
  // Values never contain ", " followed by an identifier and "=" in the lab's data (metadata is empty).
  for (const part of m[1]!.split(/, (?=[A-Za-z]+=)/)) {
    const eq = part.indexOf('=')
    fields[part.slice(0, eq)] = part.slice(eq + 1)
  }
  return fields
}

/** Records of one partition-0 topic snapshot, as far as the end offset seen before reading. */
async function dumpTopic (lab: Lab, cluster: string, topic: string): Promise<Dump> {
  const ends = await lab.endOffsets(cluster, topic)
  if (ends.length !== 1) throw new Error(`${topic} on ${cluster} has ${ends.length} partitions; the capture expects 1.`)
  const end = ends[0]!
  const records = (await lab.readTopic(cluster, topic, { minRecords: Number(end) })).filter(r => r.partition === 0 && r.offset < end)
  if (BigInt(records.length) !== end || records.some((r, i) => r.offset !== BigInt(i))) {
    throw new Error(`${topic} on ${cluster}: expected offsets 0..${end - 1n} without gaps, got ${records.length} records.`)
  }
  return { cluster, topic, records }
}

/** __consumer_offsets (hidden from @platformatic/kafka's metadata) through the Java console consumer. */
async function dumpConsumerOffsets (lab: Lab, cluster: string): Promise<Dump> {
  const topic = '__consumer_offsets'
  const rows = await dumpPartition(lab.kafka, { bootstrapServers: lab.bootstrap(cluster), topic, partition: 0 })
  if (rows.some((r, i) => r.offset !== BigInt(i))) throw new Error(`${topic} on ${cluster}: offsets are not 0..${rows.length - 1} (compacted?).`)
  return { cluster, topic, records: rows.map(r => ({ topic, partition: 0, offset: r.offset, timestamp: 0n, key: r.key, value: r.value })) }
}

async function formatterOutput (lab: Lab, dump: Dump, formatter: string): Promise<string> {
  return runConsoleConsumer(lab.kafka, {
    bootstrapServers: lab.bootstrap(dump.cluster), topic: dump.topic, partition: 0, maxMessages: dump.records.length, formatter
  })
}

function source (lab: Lab, dump: Dump, r: RawRecord, oracle: string, printed: string): Record<string, unknown> {
  return { kafka: lab.version, cluster: dump.cluster, topic: dump.topic, partition: r.partition, offset: r.offset.toString(), oracle, printed }
}

/** Mirror formatters print exactly one toString() line per record, in offset order. */
async function mirrorFixtures (lab: Lab, dump: Dump, kind: keyof typeof MIRROR_FORMATTERS, limit: number): Promise<Fixture[]> {
  const formatter = MIRROR_FORMATTERS[kind]
  const lines = (await formatterOutput(lab, dump, formatter)).split('\n').filter(l => l.trim() !== '')
  if (lines.length !== dump.records.length) throw new Error(`${formatter} printed ${lines.length} lines for ${dump.records.length} records of ${dump.topic} on ${dump.cluster}.`)
  return dump.records.slice(0, limit).map((r, i) => {
    const printed = lines[i]!
    let expected: Record<string, unknown>
    let description: string
    if (kind === 'offsetSync') {
      const f = parseToString(printed, 'OffsetSync')
      const tp = topicPartition(f.topicPartition!)
      expected = { topic: tp.topic, partition: tp.partition, upstreamOffset: f.upstreamOffset, downstreamOffset: f.downstreamOffset }
      description = `OffsetSync captured from ${dump.topic} on ${dump.cluster} at offset ${r.offset}: ${f.topicPartition} upstream ${f.upstreamOffset} -> downstream ${f.downstreamOffset}.`
    } else if (kind === 'checkpoint') {
      const f = parseToString(printed, 'Checkpoint')
      const tp = topicPartition(f.topicPartition!)
      expected = {
        consumerGroupId: f.consumerGroupId,
        topic: tp.topic,
        partition: tp.partition,
        upstreamOffset: f.upstreamOffset,
        downstreamOffset: f.downstreamOffset,
        metadata: f.metadata
      }
      description = `Checkpoint captured from ${dump.topic} on ${dump.cluster} at offset ${r.offset}: group ${f.consumerGroupId} on ${f.topicPartition}, upstream ${f.upstreamOffset} -> downstream ${f.downstreamOffset}.`
    } else {
      const f = parseToString(printed, 'Heartbeat')
      expected = { sourceClusterAlias: f.sourceClusterAlias, targetClusterAlias: f.targetClusterAlias, timestamp: f.timestamp }
      description = `Heartbeat captured from ${dump.topic} on ${dump.cluster} at offset ${r.offset}: ${f.sourceClusterAlias}->${f.targetClusterAlias}.`
    }
    return {
      description: `Kafka ${lab.version}: ${description}`,
      key: hex(r.key)!,
      value: hex(r.value),
      expected,
      source: source(lab, dump, r, formatter, printed)
    }
  })
}

type JsonObject = Record<string, unknown>
const obj = (v: unknown): JsonObject => (v !== null && typeof v === 'object' ? v as JsonObject : {})

/** The record type of a __consumer_offsets key: its leading INT16 (only used to align formatter output). */
const keyType = (r: RawRecord) => (r.key && r.key.length >= 2 ? r.key.readInt16BE(0) : -1)

/**
 * __consumer_offsets: offset commits and their tombstones (key types 0/1) from the JSON offsets
 * formatter, classic group metadata (type 2) from the group metadata formatter; on 3.9 the
 * deprecated Scala formatter named by lineInfo() is run as a cross-check of the offset commits.
 */
async function consumerOffsetsFixtures (lab: Lab, dump: Dump): Promise<Fixture[]> {
  const jsonFormatter = 'org.apache.kafka.tools.consumer.OffsetsMessageFormatter'
  const groupFormatter = 'org.apache.kafka.tools.consumer.GroupMetadataMessageFormatter'
  const fixtures: Fixture[] = []

  const commits = dump.records.filter(r => keyType(r) === 0 || keyType(r) === 1)
  const printed = parseConcatenatedJson(await formatterOutput(lab, dump, jsonFormatter))
  if (printed.length !== commits.length) throw new Error(`${jsonFormatter} printed ${printed.length} records for ${commits.length} offset-commit records on ${dump.cluster}.`)
  let crossCheck: string[] | undefined
  const info = lineInfo(lab.kafka)
  if (info.offsetsFormatterClass !== jsonFormatter) {
    crossCheck = (await formatterOutput(lab, dump, info.offsetsFormatterClass)).split('\n').filter(l => l.trim() !== '')
    if (crossCheck.length !== commits.length) throw new Error(`${info.offsetsFormatterClass} printed ${crossCheck.length} lines for ${commits.length} offset commits.`)
  }
  commits.forEach((r, i) => {
    const json = obj(printed[i])
    const key = obj(json.key)
    const keyData = obj(key.data)
    // 4.x prints the record type as key.type; 3.9's ApiMessageFormatter prints it as key.version.
    const type = Number(key.type ?? key.version)
    const k = { kind: 'offset-commit', type, group: keyData.group, topic: keyData.topic, partition: Number(keyData.partition) }
    const where = `${dump.topic} on ${dump.cluster} at offset ${r.offset}`
    let expected: JsonObject
    let description: string
    if (json.value === null) {
      expected = { kind: 'offset-deletion', key: k }
      description = `offset deletion (tombstone) for group ${k.group} on ${k.topic}-${k.partition}, ${where}.`
    } else {
      const value = obj(json.value)
      const data = obj(value.data)
      const v: JsonObject = {
        version: Number(value.version),
        offset: String(data.offset),
        leaderEpoch: data.leaderEpoch === undefined ? -1 : Number(data.leaderEpoch),
        metadata: data.metadata ?? '',
        commitTimestamp: String(data.commitTimestamp),
        expireTimestamp: data.expireTimestamp === undefined ? '-1' : String(data.expireTimestamp)
      }
      if (data.topicId !== undefined) v.topicId = data.topicId
      expected = { kind: 'offset-commit', key: k, value: v }
      description = `offset commit v${v.version} of group ${k.group} on ${k.topic}-${k.partition} at ${v.offset}, ${where}.`
    }
    const src = source(lab, dump, r, jsonFormatter, JSON.stringify(json))
    if (crossCheck) {
      const line = crossCheck[i]!
      src.crossCheck = { oracle: info.offsetsFormatterClass, printed: line }
      const head = `[${k.group},${k.topic},${k.partition}]::`
      if (!line.startsWith(head)) throw new Error(`Cross-check mismatch at ${where}: ${line} does not start with ${head}`)
      const v = obj(expected.value)
      if (json.value === null ? !line.endsWith('::NULL') : !(line.includes(`offset=${v.offset},`) && line.includes(`commitTimestamp=${v.commitTimestamp}`))) {
        throw new Error(`Cross-check mismatch at ${where}: ${line} vs ${JSON.stringify(expected)}`)
      }
    }
    fixtures.push({ description: `Kafka ${lab.version}: ${description}`, key: hex(r.key)!, value: hex(r.value), expected, source: src })
  })

  const groups = dump.records.filter(r => keyType(r) === 2)
  const printedGroups = parseConcatenatedJson(await formatterOutput(lab, dump, groupFormatter))
  if (printedGroups.length !== groups.length) throw new Error(`${groupFormatter} printed ${printedGroups.length} records for ${groups.length} group-metadata records on ${dump.cluster}.`)
  groups.forEach((r, i) => {
    const json = obj(printedGroups[i])
    const key = obj(json.key)
    const group = obj(key.data).group
    const tombstone = json.value === null
    const protocolType = tombstone ? '' : ` (${String(obj(obj(json.value).data).protocolType)} protocol)`
    fixtures.push({
      description: `Kafka ${lab.version}: group metadata${protocolType} of group ${String(group)}${tombstone ? ' (tombstone)' : ''}, skipped by the decoder; ${dump.topic} on ${dump.cluster} at offset ${r.offset}.`,
      key: hex(r.key)!,
      value: hex(r.value),
      expected: { kind: 'skipped', key: { kind: 'group-metadata', type: Number(key.type ?? key.version), name: 'GroupMetadata', group }, tombstone },
      source: source(lab, dump, r, groupFormatter, JSON.stringify(json))
    })
  })
  return fixtures
}

async function captureLine (line: KafkaLine, outRoot: string): Promise<string> {
  const lab = await startLab({ kafka: line })
  try {
    console.log(`[capture ${lab.version}] lab up in ${(lab.startupMs / 1000).toFixed(1)} s (${lab.runDir})`)
    await lab.createTopic('A', 'orders', 2)
    await lab.createTopic('B', 'payments', 1)
    await lab.produce('A', 'orders', Array.from({ length: 60 }, (_, i) => ({ key: `order-${i}`, value: `order ${i}`, partition: i % 2 })))
    await lab.produce('B', 'payments', Array.from({ length: 20 }, (_, i) => ({ key: `payment-${i}`, value: `payment ${i}` })))

    // Consumer groups with Kafka's own consumer: commits carry leader epochs as real clients send them.
    const groupsOnA = ['orders-app', 'orders-app-deleted']
    await consumeAsGroup(line, { bootstrapServers: lab.bootstrap('A'), topic: 'orders', group: 'orders-app', maxMessages: 40 })
    await consumeAsGroup(line, { bootstrapServers: lab.bootstrap('A'), topic: 'orders', group: 'orders-app-deleted', maxMessages: 10 })
    if (line !== '3.9') {
      // KIP-848 (group.protocol=consumer) is GA from 4.0; its offset commits use the same records.
      await consumeAsGroup(line, { bootstrapServers: lab.bootstrap('A'), topic: 'orders', group: 'orders-app-848', maxMessages: 50, groupProtocol: 'consumer' })
      groupsOnA.push('orders-app-848')
    }
    await consumeAsGroup(line, { bootstrapServers: lab.bootstrap('B'), topic: 'payments', group: 'payments-app', maxMessages: 15 })
    // A tombstone: delete one partition's offset of an empty group.
    const admin = createAdmin(lab.bootstrap('A'))
    try {
      await admin.deleteConsumerGroupOffsets({ groupId: 'orders-app-deleted', topics: [{ name: 'orders', partitionIndexes: [0] }] })
    } finally {
      await admin.close()
    }

    // Let MM2 write offset syncs, checkpoints for every group, and synced group offsets on the targets.
    await waitFor(
      async () => (await lab.recordCount('A', 'mm2-offset-syncs.B.internal')) >= 2n &&
        (await lab.recordCount('B', 'mm2-offset-syncs.A.internal')) >= 1n,
      { timeoutMs: 120_000, intervalMs: 1000, description: 'offset syncs for orders-0/1 and payments-0' })
    await waitFor(async () => {
      const cps = await lab.readTopic('B', 'A.checkpoints.internal')
      const groups = new Set(cps.map(r => r.key!.subarray(2, 2 + r.key!.readInt16BE(0)).toString()))
      return groupsOnA.filter(g => g !== 'orders-app-deleted').every(g => groups.has(g)) && (await lab.recordCount('A', 'B.checkpoints.internal')) >= 1n
    }, { timeoutMs: 120_000, intervalMs: 2000, description: `checkpoints for ${groupsOnA.join(', ')} on B and payments-app on A` })
    const adminB = createAdmin(lab.bootstrap('B'))
    try {
      await waitFor(async () => {
        const [g] = await adminB.listConsumerGroupOffsets({ groups: ['orders-app'] })
        return g?.topics.some(t => t.name === 'A.orders')
      }, { timeoutMs: 120_000, intervalMs: 2000, description: 'MM2 to sync orders-app offsets to A.orders on B' })
    } finally {
      await adminB.close()
    }

    const files: Record<string, Fixture[]> = { 'offset-sync': [], checkpoint: [], heartbeat: [], 'consumer-offsets': [] }
    for (const [cluster, other] of [['A', 'B'], ['B', 'A']] as const) {
      files['offset-sync']!.push(...await mirrorFixtures(lab, await dumpTopic(lab, cluster, `mm2-offset-syncs.${other}.internal`), 'offsetSync', 20))
      files.checkpoint!.push(...await mirrorFixtures(lab, await dumpTopic(lab, cluster, `${other}.checkpoints.internal`), 'checkpoint', 20))
      files.heartbeat!.push(...await mirrorFixtures(lab, await dumpTopic(lab, cluster, 'heartbeats'), 'heartbeat', 3))
      // In offset order, so the file reads like the partition (commits, deletions, group metadata interleaved).
      const offsets = await consumerOffsetsFixtures(lab, await dumpConsumerOffsets(lab, cluster))
      files['consumer-offsets']!.push(...offsets.sort((a, b) => Number(BigInt(String(a.source.offset)) - BigInt(String(b.source.offset)))))
    }
    const dir = join(outRoot, `kafka-${lab.version}`)
    mkdirSync(dir, { recursive: true })
    for (const [type, fixtures] of Object.entries(files)) {
      writeFileSync(join(dir, `${type}.json`), JSON.stringify(fixtures, null, 2) + '\n')
      console.log(`[capture ${lab.version}] ${join(dir, `${type}.json`)}: ${fixtures.length} records`)
    }
    return lab.version
  } catch (error) {
    console.error(lab.logTails(40))
    throw error
  } finally {
    await lab.stop()
  }
}

const { values } = parseArgs({ options: { kafka: { type: 'string', multiple: true }, out: { type: 'string' } } })
const lines = (values.kafka ?? [...KAFKA_LINES]).map(parseKafkaLine)
const out = values.out ?? join(REPO_ROOT, 'test', 'fixtures', 'mm2')
for (const line of lines) {
  const version = await captureLine(line, out)
  console.log(`[capture ${version}] done on ${new Date().toISOString()}`)
}
