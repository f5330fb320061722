// The codecs decode every record that an unmodified MirrorMaker 2 and the brokers write during a lab
// run: every offset sync, checkpoint and heartbeat (emitted and replicated) of both flows, and every
// record of __consumer_offsets on both clusters, after a classic consumer group (and, on Kafka 4.x, a
// KIP-848 consumer group) consumed part of a 3-partition topic and committed, and MM2 checkpointed the
// classic group and synced its offsets to B. Decoding must never fail; every record kind must show up;
// the groups' commits must read back as offset-commit records holding what the brokers report as
// committed (GroupAdmin.committedOffsets); KIP-848 records must be recognised and skipped.
import { describe, expect, it } from 'vitest'
import {
  decodeCheckpoint, decodeConsumerOffsetsRecord, decodeHeartbeat, decodeOffsetSync, type Checkpoint, type ConsumerOffsetsRecord, type Heartbeat, type OffsetSync
} from '../../sidecar/src/core/codec/index.ts'
import { loadMm2Config } from '../../sidecar/src/config/load-mm2.ts'
import { compositeKey } from '../../sidecar/src/core/keys.ts'
import { flowName } from '../../sidecar/src/core/mm2/flow-name.ts'
import { enabledFlows } from '../../sidecar/src/core/mm2/flows.ts'
import { GroupAdmin, type CommittedOffset } from '../../sidecar/src/kafka/group-admin.ts'
import { consumeAsGroup } from '../../lab/java-tools.ts'
import { waitFor, type Lab } from '../../lab/lab.ts'
import { suffix, useLab } from './helpers/lab-fixture.ts'
import { labClient, TopicReader, type TopicRecord } from './helpers/topic-reader.ts'
import { hasKip848Groups, testedKafkaLines } from '../kafka-lines.ts'

const CONSUMER_OFFSETS = '__consumer_offsets'
const PARTITIONS = 3
const RECORDS = 300

type TopicKind = 'offset-sync' | 'checkpoint' | 'heartbeat' | 'consumer-offsets'

interface DecodedValue {
  'offset-sync': OffsetSync
  checkpoint: Checkpoint
  heartbeat: Heartbeat
  'consumer-offsets': ConsumerOffsetsRecord
}

type Decoded = { [K in TopicKind]: { kind: K, value: DecodedValue[K] } }[TopicKind]

interface DecodeFailure { topic: string, partition: number, offset: string, error: string, key: string | null, value: string | null }

function decode (kind: TopicKind, record: TopicRecord): Decoded {
  switch (kind) {
    case 'offset-sync': return { kind, value: decodeOffsetSync(record.key, record.value) }
    case 'checkpoint': return { kind, value: decodeCheckpoint(record.key, record.value) }
    case 'heartbeat': return { kind, value: decodeHeartbeat(record.key, record.value) }
    case 'consumer-offsets': return { kind, value: decodeConsumerOffsetsRecord(record.key, record.value) }
  }
}

const json = (value: unknown): string => JSON.stringify(value, (_k, v: unknown) => typeof v === 'bigint' ? String(v) : v)
const hex = (bytes: Uint8Array | null): string | null => bytes === null ? null : Buffer.from(bytes).toString('hex')
const keyOf = (group: string, topic: string, partition: number): string => compositeKey(group, topic, partition)

/** The last offset-commit record per (group, topic, partition) of the given groups, as GroupAdmin reports them. */
function lastCommits (records: ConsumerOffsetsRecord[], groups: readonly string[]): Map<string, bigint> {
  const last = new Map<string, bigint>()
  for (const record of records) {
    if (record.kind === 'skipped' || !groups.includes(record.key.group)) continue
    const key = keyOf(record.key.group, record.key.topic, record.key.partition)
    if (record.kind === 'offset-deletion') last.delete(key)
    else last.set(key, record.value.offset)
  }
  return last
}

function committedMap (group: string, offsets: CommittedOffset[]): Map<string, bigint> {
  return new Map(offsets.map(o => [keyOf(group, o.topic, o.partition), o.offset]))
}

describe.each(testedKafkaLines())('codecs against MM2 on Kafka %s', kafka => {
  const lab = useLab(`codecs ${kafka}`, { kafka })

  it('decode every record of the MM2 internal topics and __consumer_offsets on both clusters', async () => {
    const l: Lab = lab()
    const config = await loadMm2Config(l.mm2PropertiesPath!)
    const flows = enabledFlows(config)
    expect(flows.map(f => f.name).sort()).toEqual(['A->B', 'B->A'])
    const topic = `orders-${suffix()}`
    await l.createTopic('A', topic, PARTITIONS)
    await l.produce('A', topic, Array.from({ length: RECORDS }, (_, i) => ({ key: `k${i}`, value: `order-${i}`, partition: i % PARTITIONS })))

    // A classic group, and on 4.x a KIP-848 group, each consume part of the topic and commit on close.
    const classic = `codecs-classic-${suffix()}`
    const kip848 = hasKip848Groups(kafka) ? `codecs-kip848-${suffix()}` : null
    await consumeAsGroup(kafka, { bootstrapServers: l.bootstrap('A'), topic, group: classic, maxMessages: 120, groupProtocol: 'classic' })
    if (kip848 !== null) await consumeAsGroup(kafka, { bootstrapServers: l.bootstrap('A'), topic, group: kip848, maxMessages: 90, groupProtocol: 'consumer' })
    const groups = kip848 === null ? [classic] : [classic, kip848]

    // Which topic holds which kind of record on which cluster, from the sidecar's own view of mm2.properties.
    const kinds = new Map<string, Map<string, TopicKind>>([['A', new Map()], ['B', new Map()]])
    for (const flow of flows) {
      const t = flow.internalTopics
      kinds.get(t.offsetSyncs.cluster)!.set(t.offsetSyncs.topic, 'offset-sync')
      kinds.get(t.checkpoints.cluster)!.set(t.checkpoints.topic, 'checkpoint')
      kinds.get(t.heartbeats.emitted.cluster)!.set(t.heartbeats.emitted.topic, 'heartbeat')
      kinds.get(t.heartbeats.replicated.cluster)!.set(t.heartbeats.replicated.topic, 'heartbeat')
    }
    for (const byTopic of kinds.values()) byTopic.set(CONSUMER_OFFSETS, 'consumer-offsets')
    expect(Object.fromEntries([...kinds].map(([alias, byTopic]) => [alias, new Set(byTopic.keys())]))).toEqual({
      A: new Set([CONSUMER_OFFSETS, 'B.checkpoints.internal', 'B.heartbeats', 'heartbeats', 'mm2-offset-syncs.B.internal']),
      B: new Set([CONSUMER_OFFSETS, 'A.checkpoints.internal', 'A.heartbeats', 'heartbeats', 'mm2-offset-syncs.A.internal'])
    })

    const readers = new Map([...kinds].map(([alias, byTopic]) => [alias, new TopicReader(l, alias, [...byTopic.keys()])]))
    const admins = new Map([...kinds.keys()].map(alias => [alias, new GroupAdmin(labClient(l, alias))]))
    try {
      const committedOnA = new Map<string, CommittedOffset[]>()
      for (const group of groups) {
        const offsets = await admins.get('A')!.committedOffsets(group)
        expect(offsets.length, `partitions committed by ${group}`).toBeGreaterThan(0)
        committedOnA.set(group, offsets)
      }

      // MM2 checkpoints the classic group on B, then syncs its offsets into B's __consumer_offsets. Not
      // every partition need get a checkpoint: MM2 cannot translate an offset below its first offset sync of
      // the partition (e.g. a commit at 0 when the sync of offset 0 was superseded before MM2 sent it).
      const checkpointsTopic = flows.find(f => f.name === 'A->B')!.internalTopics.checkpoints.topic
      const classicOffsets = committedOnA.get(classic)!
      const checkpointsOnB = (): Checkpoint[] => readers.get('B')!.records(checkpointsTopic).flatMap(r => {
        try { return [decodeCheckpoint(r.key, r.value)] } catch { return [] } // failures are reported below
      })
      const matchesCommit = (cp: Checkpoint): boolean => cp.consumerGroupId === classic &&
        classicOffsets.some(c => cp.topic === `A.${c.topic}` && cp.partition === c.partition && cp.upstreamOffset === c.offset)
      await waitFor(async () => checkpointsOnB().some(matchesCommit) && (await admins.get('B')!.committedOffsets(classic)).length > 0, {
        timeoutMs: 90_000,
        intervalMs: 500,
        description: `MM2 to checkpoint ${classic} in ${checkpointsTopic} on B and sync it to B`
      }).catch((error: Error) => {
        throw new Error(`${error.message}; committed on A ${json(classicOffsets)}, checkpoints ${json(checkpointsOnB())}`)
      })

      // Read everything; the commits read back must be what the brokers report as committed. MM2 may still
      // write to B's __consumer_offsets meanwhile, so compare snapshots until they agree.
      await Promise.all([...readers.values()].map(async r => { await r.caughtUp() }))
      const decodedCommits = (alias: string): ConsumerOffsetsRecord[] => readers.get(alias)!.records(CONSUMER_OFFSETS).flatMap(r => {
        try { return [decodeConsumerOffsetsRecord(r.key, r.value)] } catch { return [] }
      })
      const expectCommitsReadBack = async (alias: string, groupIds: string[]): Promise<void> => {
        let last = ''
        await waitFor(async () => {
          const expected = new Map<string, bigint>()
          for (const group of groupIds) for (const [k, v] of committedMap(group, await admins.get(alias)!.committedOffsets(group))) expected.set(k, v)
          await readers.get(alias)!.readToEnd()
          const seen = lastCommits(decodedCommits(alias), groupIds)
          last = `committed ${JSON.stringify([...expected].map(([k, v]) => [k.replaceAll('\u0000', '/'), String(v)]))}, read back ${JSON.stringify([...seen].map(([k, v]) => [k.replaceAll('\u0000', '/'), String(v)]))}`
          return expected.size > 0 && seen.size === expected.size && [...expected].every(([k, v]) => seen.get(k) === v)
        }, {
          timeoutMs: 30_000,
          intervalMs: 1000,
          description: `the commits of ${groupIds.join(', ')} on ${alias} to read back as committed`
        }).catch((error: Error) => {
          throw new Error(`${error.message}: ${last}`)
        })
      }
      await expectCommitsReadBack('A', groups)
      await expectCommitsReadBack('B', [classic])
      for (const reader of readers.values()) await reader.readToEnd()

      // Decode every record read.
      const failures: DecodeFailure[] = []
      const decoded = new Map<string, Decoded[]>()
      const counts: Record<string, number> = {}
      for (const [alias, byTopic] of kinds) {
        for (const [name, kind] of byTopic) {
          const list: Decoded[] = []
          for (const record of readers.get(alias)!.records(name)) {
            try {
              list.push(decode(kind, record))
            } catch (error) {
              failures.push({
                topic: `${alias}:${name}`,
                partition: record.partition,
                offset: String(record.offset),
                error: (error as Error).message,
                key: hex(record.key),
                value: hex(record.value)
              })
            }
          }
          decoded.set(`${alias}:${name}`, list)
          counts[`${alias}:${name}`] = list.length
        }
      }
      console.log(`[codecs ${kafka}] decoded records per topic: ${JSON.stringify(counts)}`)
      expect(failures, 'records that failed to decode').toEqual([])
      for (const reader of readers.values()) expect(reader.errors.map(String), `read errors on ${reader.alias}`).toEqual([])

      const of = <K extends TopicKind>(where: string, kind: K): Array<DecodedValue[K]> =>
        (decoded.get(where) ?? []).filter(d => d.kind === kind).map(d => d.value as DecodedValue[K])

      // Offset syncs: A->B syncs the produced topic and A's heartbeats; B->A has only B's heartbeats to copy.
      const syncsAB = of('A:mm2-offset-syncs.B.internal', 'offset-sync')
      const syncsBA = of('B:mm2-offset-syncs.A.internal', 'offset-sync')
      expect(new Set(syncsAB.map(s => s.topic))).toEqual(new Set([topic, 'heartbeats']))
      expect(new Set(syncsBA.map(s => s.topic))).toEqual(new Set(['heartbeats']))
      expect(new Set(syncsAB.filter(s => s.topic === topic).map(s => s.partition))).toEqual(new Set([0, 1, 2]))

      // Checkpoints: only for our groups, on the renamed topic, upstream offsets as committed on A.
      const checkpoints = of('B:A.checkpoints.internal', 'checkpoint')
      expect(checkpoints.some(matchesCommit)).toBe(true)
      for (const cp of checkpoints) {
        expect(groups).toContain(cp.consumerGroupId)
        expect(cp.topic).toBe(`A.${topic}`)
        expect(committedOnA.get(cp.consumerGroupId)!.find(c => c.partition === cp.partition)?.offset, json(cp)).toBe(cp.upstreamOffset)
        expect(cp.downstreamOffset <= cp.upstreamOffset, `MM2 never checkpoints past the copy of the committed position: ${json(cp)}`).toBe(true)
      }

      // Heartbeats: `heartbeats` on the target carries the flow's own (source, target); the replicated copy
      // carries the reverse flow's beats as written on the source.
      const now = BigInt(Date.now())
      const heartbeatTopics = [['B:heartbeats', 'A', 'B'], ['B:A.heartbeats', 'B', 'A'], ['A:heartbeats', 'B', 'A'], ['A:B.heartbeats', 'A', 'B']] as const
      for (const [where, source, target] of heartbeatTopics) {
        const beats = of(where, 'heartbeat')
        expect(beats.length, `heartbeats in ${where}`).toBeGreaterThan(0)
        const flows = new Set(beats.map(h => flowName({ source: h.sourceClusterAlias, target: h.targetClusterAlias })))
        expect(flows, where).toEqual(new Set([flowName({ source, target })]))
        for (const h of beats) {
          expect(h.timestamp > now - 3_600_000n && h.timestamp <= now + 60_000n, `heartbeat timestamp ${h.timestamp} in ${where}`).toBe(true)
        }
      }

      // __consumer_offsets: commits and classic GroupMetadata on both clusters; KIP-848 records on 4.x.
      for (const alias of ['A', 'B']) {
        const records = of(`${alias}:${CONSUMER_OFFSETS}`, 'consumer-offsets')
        const kindsSeen = new Set(records.map(r => r.kind === 'skipped' ? r.key.kind : r.kind))
        console.log(`[codecs ${kafka}] ${alias} __consumer_offsets record kinds: ${JSON.stringify([...kindsSeen].sort())}`)
        expect(kindsSeen).toContain('offset-commit')
        expect(kindsSeen).toContain('group-metadata')
      }
      const onA = of(`A:${CONSUMER_OFFSETS}`, 'consumer-offsets')
      // The classic group's membership is a GroupMetadata record, skipped; never an offset commit.
      expect(onA.some(r => r.kind === 'skipped' && r.key.kind === 'group-metadata' && r.key.group === classic)).toBe(true)
      if (kip848 !== null) {
        const records = onA.filter(r => r.key.group === kip848)
        const skippedNames = new Set(records.flatMap(r => r.kind === 'skipped' ? [r.key.name] : []))
        console.log(`[codecs ${kafka}] KIP-848 group records: ${JSON.stringify([...skippedNames].sort())}`)
        expect(records.some(r => r.kind === 'offset-commit')).toBe(true)
        expect(records.some(r => r.kind === 'skipped' && r.key.kind === 'consumer-group-record')).toBe(true)
        expect(skippedNames).toContain('ConsumerGroupMetadata')
        expect(skippedNames).toContain('ConsumerGroupMemberMetadata')
      }
      // Every record whose key type is not 0 or 1 is skipped, whatever the group: this is what keeps a
      // KIP-848 assignment record from being read as an offset commit.
      for (const alias of ['A', 'B']) {
        for (const record of readers.get(alias)!.records(CONSUMER_OFFSETS)) {
          const type = record.key === null ? -1 : Buffer.from(record.key).readInt16BE(0)
          const d = decodeConsumerOffsetsRecord(record.key, record.value)
          expect(d.kind === 'skipped', `record type ${type} at ${alias} offset ${record.offset} decoded as ${d.kind}`).toBe(type >= 2)
        }
      }
    } finally {
      await Promise.all([...readers.values()].map(async r => { await r.close() }))
      await Promise.all([...admins.values()].map(async a => { await a.close().catch(() => {}) }))
    }
  })
})
