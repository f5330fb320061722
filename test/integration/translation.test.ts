// The sync index, fed every record of MM2's real offset-syncs topic, translates a real group's committed
// offsets to what MM2's own checkpoints say, on Kafka 3.9 and 4.1.
//
// MM2 (3.5+, unchanged through 4.1) translates with OffsetSyncStore: the sync with the largest
// upstreamOffset <= the committed offset among its 64 slots per partition, then downstreamOffset, +1
// unless the sync sits exactly at the committed offset. The slots keep syncs exponentially spaced
// from the newest one, so MM2 may have dropped the sync closest to an older offset. Our index keeps
// every sync MM2 keeps (it replays MM2's slot logic as a "shadow") and more, so:
//   - MM2's checkpoint must equal the translation through our shadow of MM2's slots (same store, same rule);
//   - ours must equal MM2's whenever MM2 still holds the sync we picked, and otherwise be at least MM2's
//     (a closer sync) and at most the true downstream position, which this test knows from the records'
//     contents (it never skips a record);
//   - translating MM2's downstream offset back must land at or below the committed offset.
import { describe, expect, it } from 'vitest'
import { decodeCheckpoint, decodeOffsetSync, type Checkpoint } from '../../sidecar/src/core/codec/index.ts'
import { loadMm2Config } from '../../sidecar/src/config/load-mm2.ts'
import { enabledFlows, remoteTopicName } from '../../sidecar/src/core/mm2/flows.ts'
import { SyncIndex } from '../../sidecar/src/core/translation/sync-index.ts'
import type { OffsetSyncPair } from '../../sidecar/src/core/translation/translation.ts'
import { GroupAdmin } from '../../sidecar/src/kafka/group-admin.ts'
import { waitFor } from '../../lab/lab.ts'
import { suffix, useLab } from './helpers/lab-fixture.ts'
import { labClient, TopicReader } from './helpers/topic-reader.ts'
import { testedKafkaLines } from '../kafka-lines.ts'

const PARTITIONS = 3
// 5 x 100 = 500 records: with offset.lag.max=10 MM2 writes a few dozen syncs, and the 64 exponentially
// spaced slots of its store already drop some of them (the log shows which partitions).
const BATCHES = 5
const PER_BATCH = 100

const json = (value: unknown): string => JSON.stringify(value, (_k, v: unknown) => typeof v === 'bigint' ? String(v) : v)

/** MM2's OffsetSyncStore.translateDownstream over its slots (newest first): the first slot at or below `offset`. */
function translateLikeMm2 (slots: readonly OffsetSyncPair[], offset: bigint): bigint | null {
  const sync = slots.find(s => s.upstreamOffset <= offset)
  if (sync === undefined) return null
  return sync.downstreamOffset + (sync.upstreamOffset === offset ? 0n : 1n)
}

describe.each(testedKafkaLines())('offset translation against MM2 on Kafka %s', kafka => {
  // Connect flushes source offsets every offset.flush.interval.ms, and only then does MM2 write the
  // offset syncs it delayed (the last records of a quiet partition). A top-level key does not reach the
  // herders' workers (MirrorMakerConfig.workerConfig copies only a few prefixes), a per-cluster one does.
  const lab = useLab(`translation ${kafka}`, { kafka, mm2Props: { 'A.offset.flush.interval.ms': 5000, 'B.offset.flush.interval.ms': 5000 } })

  it('translates a group\'s committed offsets to the downstream offsets of MM2\'s checkpoints', async () => {
    const l = lab()
    const began = Date.now()
    const elapsed = (): string => `${((Date.now() - began) / 1000).toFixed(1)} s`
    const config = await loadMm2Config(l.mm2PropertiesPath!)
    const flow = enabledFlows(config).find(f => f.source === 'A' && f.target === 'B')!
    const { offsetSyncs, checkpoints } = flow.internalTopics
    const internalTopics = [offsetSyncs.cluster, offsetSyncs.topic, checkpoints.cluster, checkpoints.topic]
    expect(internalTopics).toEqual(['A', 'mm2-offset-syncs.B.internal', 'B', 'A.checkpoints.internal'])
    const topic = `orders-${suffix()}`
    const remote = remoteTopicName(flow, topic)
    const group = `translation-${suffix()}`

    // 500 records over 3 partitions, in 5 batches so that MM2 copies them in several polls. (The lab's
    // producer is not idempotent: a retried batch can land twice, so offsets are read back, not assumed.)
    await l.createTopic('A', topic, PARTITIONS)
    const next = new Array<number>(PARTITIONS).fill(0)
    for (let batch = 0; batch < BATCHES; batch++) {
      await l.produce('A', topic, Array.from({ length: PER_BATCH }, (_, i) => {
        const partition = (batch * PER_BATCH + i) % PARTITIONS
        return { key: `k${i}`, value: `${partition}:${next[partition]!++}`, partition }
      }))
    }
    const ends = await l.endOffsets('A', topic)
    const total = ends.reduce((a, b) => a + b, 0n)
    expect(total).toBeGreaterThanOrEqual(BigInt(BATCHES * PER_BATCH))
    await waitFor(async () => (await l.recordCount('B', remote)) >= total,
      { timeoutMs: 90_000, intervalMs: 500, description: `${total} records in ${remote} on B` })

    const timings: string[] = [`replicated ${elapsed()}`]
    const syncsReader = new TopicReader(l, offsetSyncs.cluster, [offsetSyncs.topic])
    const checkpointsReader = new TopicReader(l, checkpoints.cluster, [checkpoints.topic])
    const admin = new GroupAdmin(labClient(l, 'A'))
    try {
      const syncsOf = (partition: number) => syncsReader.records(offsetSyncs.topic)
        .map(r => decodeOffsetSync(r.key, r.value)).filter(s => s.topic === topic && s.partition === partition)
      // MM2 syncs the last record of each partition once it commits its source offsets (delayed syncs are
      // promoted then); after that its sync history of the topic is final.
      await waitFor(() => ends.every((end, p) => syncsOf(p).some(s => s.upstreamOffset === end - 1n)),
        { timeoutMs: 60_000, intervalMs: 500, description: `MM2 to sync the last record of every partition of ${topic}` })

      timings.push(`syncs final ${elapsed()}`)

      // Commit three kinds of position, as an admin client would (the group has no members): strictly
      // between two syncs in the partition with the most syncs, exactly at a sync near a quarter of the
      // next, and at the end of the last. MM2 does not write a sync for every lag interval (it keeps one
      // pending sync per partition and replaces it while its producer is busy, sometimes even the one for
      // offset 0), and nothing below a partition's first sync can be translated, by MM2 or by us.
      const distance = (a: bigint, b: bigint): bigint => a > b ? a - b : b - a
      const closest = (candidates: bigint[], target: bigint): bigint => candidates.reduce((a, b) => distance(b, target) < distance(a, target) ? b : a)
      const upstreamOf = (p: number): bigint[] => syncsOf(p).map(s => s.upstreamOffset).sort((a, b) => a < b ? -1 : a > b ? 1 : 0)
      const mostSyncsFirst = (a: number, b: number): number => upstreamOf(b).length - upstreamOf(a).length
      const [busiest, middle, last] = Array.from({ length: PARTITIONS }, (_, p) => p).sort(mostSyncsFirst) as [number, number, number]
      const syncs = upstreamOf(busiest)
      const between: bigint[] = []
      for (let o = syncs[0]! + 1n; o < syncs[syncs.length - 1]!; o++) if (!syncs.includes(o)) between.push(o)
      const committed = new Array<bigint>(PARTITIONS)
      committed[busiest] = between.length > 0 ? closest(between, (syncs[0]! + syncs[syncs.length - 1]!) / 2n) : ends[busiest]!
      committed[middle] = closest(upstreamOf(middle), ends[middle]! / 4n)
      committed[last] = ends[last]!
      const results = await admin.commit(group, committed.map((offset, partition) => ({ topic, partition, offset, metadata: '' })))
      expect(results.map(r => r.errorCode)).toEqual([0, 0, 0])

      // MM2 discovers the group (refresh.groups.interval.seconds=5) and checkpoints it (every 5 s).
      const latestCheckpoints = (): Map<number, Checkpoint> => {
        const latest = new Map<number, Checkpoint>()
        for (const r of checkpointsReader.records(checkpoints.topic)) {
          const cp = decodeCheckpoint(r.key, r.value)
          if (cp.consumerGroupId === group && cp.topic === remote) latest.set(cp.partition, cp)
        }
        return latest
      }
      await waitFor(() => committed.every((offset, p) => latestCheckpoints().get(p)?.upstreamOffset === offset),
        { timeoutMs: 90_000, intervalMs: 500, description: `MM2 checkpoints of ${group} at ${json(committed)}` }).catch((error: Error) => {
        const index = new SyncIndex()
        for (const r of syncsReader.records(offsetSyncs.topic)) index.flow('A', 'B').appendSync(decodeOffsetSync(r.key, r.value))
        const detail = committed.map((_o, p) => {
          const mm2Syncs = json(syncsOf(p).map(s => `${s.upstreamOffset}:${s.downstreamOffset}`))
          const shadowSlots = json(index.flow('A', 'B').find(topic, p)?.mm2Slots('forward').map(s => `${s.upstreamOffset}:${s.downstreamOffset}`))
          return `p${p} syncs ${mm2Syncs} shadow ${shadowSlots}`
        })
        throw new Error(`${error.message}; latest checkpoints ${json([...latestCheckpoints().values()])}; ${detail.join('; ')}`)
      })
      const mm2 = latestCheckpoints()
      timings.push(`checkpointed ${elapsed()}`)

      // The true downstream position of each committed offset, from the records themselves: MM2 copied
      // each partition once and in order (same values in the same order on both sides), so the record at
      // the committed upstream offset is the one at the same index downstream; past the end, the end.
      const upstreamRecords = await l.readTopic('A', topic, { minRecords: Number(total) })
      const downstreamRecords = await l.readTopic('B', remote, { minRecords: Number(total) })
      const downstreamEnds = await l.endOffsets('B', remote)
      const truth = committed.map((offset, p) => {
        const up = upstreamRecords.filter(r => r.partition === p)
        const down = downstreamRecords.filter(r => r.partition === p)
        expect(down.map(r => r.value?.toString()), `values of partition ${p} on B vs A`).toEqual(up.map(r => r.value?.toString()))
        return offset === ends[p] ? downstreamEnds[p]! : down[up.findIndex(r => r.offset === offset)]!.offset
      })

      // Every record of the offset-syncs topic, read to its end, into a fresh index.
      await syncsReader.readToEnd()
      const index = new SyncIndex()
      const forward = index.flow('A', 'B')
      let syncCount = 0
      for (const r of syncsReader.records(offsetSyncs.topic)) {
        forward.appendSync(decodeOffsetSync(r.key, r.value))
        syncCount++
      }

      const report: string[] = []
      for (let p = 0; p < PARTITIONS; p++) {
        const checkpoint = mm2.get(p)!
        const history = forward.find(topic, p)!
        const slots = history.mm2Slots('forward')
        const ours = forward.translate('forward', topic, p, committed[p]!)
        if (ours.kind !== 'translated') throw new Error(`partition ${p}: offset ${committed[p]} is ${ours.reason}`)
        const mm2HoldsOurSync = slots.some(s => s.upstreamOffset === ours.sync.upstreamOffset && s.downstreamOffset === ours.sync.downstreamOffset)
        report.push(`p${p}: committed ${committed[p]} (${ours.method}), ours ${ours.offset} via ${ours.sync.upstreamOffset}:${ours.sync.downstreamOffset}, ` +
          `MM2 ${checkpoint.downstreamOffset}, truth ${truth[p]}, ${history.size} syncs retained, MM2 slots ${new Set(slots.map(s => s.upstreamOffset)).size} distinct` +
          (mm2HoldsOurSync ? '' : ' (MM2 thinned our sync away)'))

        // MM2's answer is what its 64-slot store gives, replayed by our shadow of it.
        expect(checkpoint.downstreamOffset, `p${p}: MM2's checkpoint vs our shadow of its slots`).toBe(translateLikeMm2(slots, committed[p]!))
        if (mm2HoldsOurSync) {
          expect(ours.offset, `p${p}: ours vs MM2's checkpoint`).toBe(checkpoint.downstreamOffset)
        } else {
          // MM2's slots dropped the sync we used (its exponential thinning), so MM2 answered from an older
          // sync; ours comes from a closer one and is at least MM2's (equal only when the two are adjacent).
          expect(ours.offset, `p${p}: ours is at least MM2's`).toBeGreaterThanOrEqual(checkpoint.downstreamOffset)
        }
        // Never past the group's true position, so the group never skips a record on B.
        expect(ours.offset, `p${p}: ours vs the true downstream position`).toBeLessThanOrEqual(truth[p]!)
        // The records the group reads twice on B (truth - ours) stay within the window the index announces.
        expect(truth[p]! - ours.offset, `p${p}: records reread vs the announced reread window`).toBeLessThanOrEqual(ours.rereadWindow)
        // Failback: MM2's downstream offset translated back never lands past what the group committed upstream.
        const back = forward.translate('reverse', topic, p, checkpoint.downstreamOffset)
        if (back.kind !== 'translated') throw new Error(`partition ${p}: downstream offset ${checkpoint.downstreamOffset} is ${back.reason} in reverse`)
        expect(back.offset, `p${p}: reverse of MM2's downstream offset`).toBeLessThanOrEqual(committed[p]!)
        const ourBack = forward.translate('reverse', topic, p, ours.offset)
        expect(ourBack.kind === 'translated' && ourBack.offset <= committed[p]!, `p${p}: reverse of our downstream offset ${json(ourBack)}`).toBe(true)
      }
      console.log(`[translation ${kafka}] end offsets on A ${json(ends)}, ${syncCount} offset syncs read; ${report.join('; ')}; timings: ${timings.join(', ')}`)
    } finally {
      await syncsReader.close()
      await checkpointsReader.close()
      await admin.close().catch(() => {})
    }
  })
})
