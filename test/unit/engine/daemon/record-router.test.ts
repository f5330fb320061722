// RecordRouter against fakes of the parts it feeds: each followed topic's records go where its role in
// the follow plan says, group commits reach group sync only after readiness, new syncs re-evaluate the
// commits on both sides of their partitions, and a returning cluster's syncs are replayed.
import { describe, expect, it, vi } from 'vitest'
import { encodeCheckpoint } from '../../../../sidecar/src/core/codec/checkpoint.ts'
import { encodeOffsetCommitKey, encodeOffsetCommitValue } from '../../../../sidecar/src/core/codec/consumer-offsets.ts'
import { encodeHeartbeat } from '../../../../sidecar/src/core/codec/heartbeat.ts'
import type { OffsetSync } from '../../../../sidecar/src/core/codec/offset-sync.ts'
import { followPlan, type TopicRole } from '../../../../sidecar/src/core/mm2/follow-plan.ts'
import type { Mm2Flow } from '../../../../sidecar/src/core/mm2/model.ts'
import { CommittedOffsets, type CommittedOffset } from '../../../../sidecar/src/core/sync/committed-offsets.ts'
import { parseMm2Properties } from '../../../../sidecar/src/config/mm2-properties.ts'
import { RecordIngest, type SkippedRecord } from '../../../../sidecar/src/engine/ingest/record-ingest.ts'
import type { LiveSyncMode, TopicPartition } from '../../../../sidecar/src/engine/ingest/sync-ingest.ts'
import { RecordRouter } from '../../../../sidecar/src/engine/daemon/record-router.ts'
import { ArrayRecordSet, type RecordSet } from '../../../../sidecar/src/kafka/record-set.ts'
import type { FakeRecord } from '../fakes.ts'

const mm2 = parseMm2Properties([
  'clusters = A, B', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092', 'A->B.enabled = true', 'B->A.enabled = true'
].join('\n'))
const HISTORY = 'mm2-failback.history.internal'
const plan = followPlan(mm2, HISTORY)
const name = (flow: Mm2Flow): string => `${flow.source}->${flow.target}`

/** The topic on `cluster` with a role of `kind` (of flow `flowName`, for the flows' topics). */
const topicOf = (cluster: string, kind: TopicRole['kind'], flowName?: string): string => {
  for (const [topic, roles] of plan.get(cluster) ?? []) {
    if (roles.some((role) => role.kind === kind && (!('flow' in role) || name(role.flow) === flowName))) return topic
  }
  throw new Error(`no ${kind} topic on ${cluster}`)
}

const fetched = (list: readonly FakeRecord[], from = 0): RecordSet => new ArrayRecordSet(
  list.map((record, index) => ({ offset: BigInt(from + index), timestamp: record.timestamp ?? 0n, key: record.key, value: record.value, headers: [] })))
const none = new ArrayRecordSet([])
const commit = (group: string, topic: string, partition: number, offset: bigint): FakeRecord => ({
  key: encodeOffsetCommitKey({ group, topic, partition }),
  value: encodeOffsetCommitValue({ version: 3, offset, leaderEpoch: -1, metadata: '', commitTimestamp: 1n, expireTimestamp: -1n })
})
const committed = (cluster: string, group: string, topic: string, partition: number, offset: bigint): CommittedOffset =>
  ({ cluster, group, topic, partition, offset, metadata: '', commitTimestamp: 1n })

function setup () {
  const calls = {
    history: [] as TopicPartition[],
    offsetSyncs: [] as Array<{ flow: string, at: TopicPartition, mode: LiveSyncMode }>,
    syncsRead: [] as string[],
    checkpoints: [] as Array<[string, number]>,
    heartbeats: [] as Array<[string, number]>,
    reverse: [] as Array<[string, OffsetSync]>,
    dirty: [] as string[],
    submitted: [] as Array<{ commits: readonly CommittedOffset[], countSkips?: boolean }>,
    skipped: [] as SkippedRecord[]
  }
  const state = { ready: false, replaying: new Set<string>(), historyOn: true, accepted: [] as OffsetSync[], mm2Syncs: 1 }
  const store = new CommittedOffsets()
  const router = new RecordRouter({
    plan,
    ingest: new RecordIngest({ decoded: () => {}, skipped: (record) => { calls.skipped.push(record) } }),
    syncs: {
      history: (at) => { calls.history.push(at) },
      offsetSyncs: (flow, at, _records, mode = 'append') => {
        calls.offsetSyncs.push({ flow: name(flow), at, mode })
        return { mm2Syncs: state.mm2Syncs, accepted: state.accepted }
      }
    },
    committed: store,
    freshness: {
      syncsRead: (flow) => { calls.syncsRead.push(name(flow)) },
      checkpoint: (flow, timestampMs) => { calls.checkpoints.push([name(flow), timestampMs]) },
      heartbeat: (flow, timestampMs) => { calls.heartbeats.push([name(flow), timestampMs]) }
    },
    reverseSyncs: { onSync: (flow, sync) => { calls.reverse.push([name(flow), sync]) } },
    isReplaying: (cluster) => state.replaying.has(cluster),
    historyKeeper: () => state.historyOn
      ? { markDirty: (source, target, topic, partition) => { calls.dirty.push(`${source}->${target} ${topic}-${partition}`) } }
      : null,
    groupMirror: () => ({ submit: (commits, countSkips) => { calls.submitted.push({ commits, countSkips }) } }),
    isReady: () => state.ready
  })
  return { router, calls, state, store }
}

describe('RecordRouter', () => {
  it('hands each followed topic\'s records to the part its role names', () => {
    const { router, calls } = setup()
    router.onRecords('A', topicOf('A', 'history'), 2, none)
    expect(calls.history).toEqual([{ cluster: 'A', topic: HISTORY, partition: 2 }])
    router.onRecords('A', topicOf('A', 'offset-syncs', 'A->B'), 0, none)
    expect(calls.offsetSyncs).toEqual([{ flow: 'A->B', at: { cluster: 'A', topic: topicOf('A', 'offset-syncs', 'A->B'), partition: 0 }, mode: 'append' }])
    expect(calls.syncsRead).toEqual(['A->B'])
    const checkpoint = encodeCheckpoint({ consumerGroupId: 'g', topic: 'orders', partition: 0, upstreamOffset: 5n, downstreamOffset: 4n, metadata: '' })
    router.onRecords('A', topicOf('A', 'checkpoints', 'B->A'), 0, fetched([{ ...checkpoint, timestamp: 1234n }]))
    expect(calls.checkpoints).toEqual([['B->A', 1234]])
    const heartbeat = encodeHeartbeat({ sourceClusterAlias: 'B', targetClusterAlias: 'A', timestamp: 5678n })
    router.onRecords('A', topicOf('A', 'heartbeats', 'B->A'), 0, fetched([heartbeat]))
    expect(calls.heartbeats).toEqual([['B->A', 5678]])
    // A topic the plan does not name for this cluster goes nowhere.
    router.onRecords('B', HISTORY + '.other', 0, fetched([commit('g', 'orders', 0, 1n)]))
    expect([calls.history.length, calls.offsetSyncs.length, calls.skipped.length]).toEqual([1, 1, 0])
  })

  it('counts a bad checkpoint or heartbeat as skipped and leaves the freshness gauges alone', () => {
    const { router, calls } = setup()
    const garbage = { key: Uint8Array.of(1), value: Uint8Array.of(2) }
    router.onRecords('A', topicOf('A', 'checkpoints', 'B->A'), 0, fetched([garbage]))
    router.onRecords('A', topicOf('A', 'heartbeats', 'B->A'), 0, fetched([garbage]))
    expect(calls.skipped.map((record) => record.recordType)).toEqual(['checkpoint', 'heartbeat'])
    expect([calls.checkpoints, calls.heartbeats]).toEqual([[], []])
  })

  it('stores group commits and deletions at once, and submits commits to group sync only once ready', () => {
    const { router, calls, state, store } = setup()
    const deletion = { key: encodeOffsetCommitKey({ group: 'g', topic: 'orders', partition: 1 }), value: null }
    router.onRecords('A', '__consumer_offsets', 0, fetched([commit('g', 'orders', 0, 10n), commit('g', 'orders', 1, 20n)]))
    expect(store.get('A', 'g', 'orders', 1)?.offset).toBe(20n)
    router.onRecords('A', '__consumer_offsets', 0, fetched([deletion], 2))
    expect(store.get('A', 'g', 'orders', 0)?.offset).toBe(10n)
    expect(store.get('A', 'g', 'orders', 1)).toBeUndefined()
    expect(calls.submitted).toEqual([])
    state.ready = true
    router.onRecords('B', '__consumer_offsets', 0, fetched([commit('h', 'A.orders', 0, 7n)]))
    expect(calls.submitted).toEqual([{ commits: [committed('B', 'h', 'A.orders', 0, 7n)], countSkips: undefined }])
    // The admin poller's commits take the same way.
    router.onCommits([committed('B', 'p', 'A.orders', 0, 8n)])
    expect(store.get('B', 'p', 'A.orders', 0)?.offset).toBe(8n)
    expect(calls.submitted).toHaveLength(2)
    router.onCommits([])
    expect(calls.submitted).toHaveLength(2)
  })

  it('never mirrors a commit that a deletion later in the same batch took back; a commit after the deletion goes', () => {
    const { router, calls, state, store } = setup()
    state.ready = true
    const deletion = { key: encodeOffsetCommitKey({ group: 'g', topic: 'orders', partition: 0 }), value: null }
    router.onRecords('A', '__consumer_offsets', 0, fetched([commit('g', 'orders', 0, 10n), deletion, commit('g', 'orders', 1, 5n)]))
    expect(store.get('A', 'g', 'orders', 0)).toBeUndefined()
    expect(calls.submitted).toEqual([{ commits: [committed('A', 'g', 'orders', 1, 5n)], countSkips: undefined }])
    router.onRecords('A', '__consumer_offsets', 0, fetched([deletion, commit('g', 'orders', 0, 12n), commit('g', 'orders', 0, 13n)], 3))
    expect(store.get('A', 'g', 'orders', 0)?.offset).toBe(13n)
    expect(calls.submitted[1]).toEqual({ commits: [committed('A', 'g', 'orders', 0, 13n)], countSkips: undefined })
  })

  it('sends new syncs to history and reverse syncs, and re-evaluates the commits on both sides of their partitions once ready, at once and then at most once a second', () => {
    vi.useFakeTimers()
    const { router, calls, state, store } = setup()
    store.set(committed('A', 'g', 'orders', 0, 10n))
    store.set(committed('B', 'h', 'A.orders', 0, 9n))
    store.set(committed('A', 'other', 'orders', 1, 3n))
    const sync = (upstreamOffset: bigint): OffsetSync => ({ topic: 'orders', partition: 0, upstreamOffset, downstreamOffset: upstreamOffset - 1n })
    state.accepted = [sync(5n), sync(8n)]
    const syncsTopic = topicOf('A', 'offset-syncs', 'A->B')
    router.onRecords('A', syncsTopic, 0, none)
    expect(calls.dirty).toEqual(['A->B orders-0', 'A->B orders-0'])
    expect(calls.reverse).toEqual([['A->B', sync(5n)], ['A->B', sync(8n)]])
    // Not ready yet: nothing to group sync.
    expect(calls.submitted).toEqual([])
    state.ready = true
    // The first syncs after a quiet spell: at once, one re-evaluation per touched partition, that skips
    // commits already mirrored exactly and counts no skips.
    router.onRecords('A', syncsTopic, 0, none)
    const round = {
      commits: [committed('A', 'g', 'orders', 0, 10n), committed('B', 'h', 'A.orders', 0, 9n)], countSkips: false
    }
    expect(calls.submitted).toEqual([round])
    // Syncs within the next second are gathered: one more round at its end.
    vi.advanceTimersByTime(400)
    router.onRecords('A', syncsTopic, 0, none)
    router.onRecords('A', syncsTopic, 0, none)
    vi.advanceTimersByTime(599)
    expect(calls.submitted).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(calls.submitted).toEqual([round, round])
    // A quiet second after that: the next syncs go at once again; stop() drops a round not made yet.
    vi.advanceTimersByTime(1000)
    router.onRecords('A', syncsTopic, 0, none)
    expect(calls.submitted).toHaveLength(3)
    router.onRecords('A', syncsTopic, 0, none)
    router.stop()
    vi.advanceTimersByTime(2000)
    expect(calls.submitted).toHaveLength(3)
    vi.useRealTimers()
  })

  it('replays the syncs of a returning cluster, and only MM2\'s own syncs count as a sign of the flow\'s life', () => {
    const { router, calls, state } = setup()
    state.replaying.add('A')
    state.mm2Syncs = 0
    state.historyOn = false
    state.accepted = [{ topic: 'orders', partition: 0, upstreamOffset: 5n, downstreamOffset: 4n }]
    router.onRecords('A', topicOf('A', 'offset-syncs', 'A->B'), 0, none)
    expect(calls.offsetSyncs.map((call) => call.mode)).toEqual(['replay'])
    expect(calls.syncsRead).toEqual([])
    expect(calls.reverse).toHaveLength(1)
  })
})
