import { describe, expect, it } from 'vitest'
import { CommittedOffsets, type CommittedOffset } from '../../../../sidecar/src/core/sync/committed-offsets.ts'

const commit = (group: string, partition: number, offset: bigint): CommittedOffset =>
  ({ cluster: 'A', group, topic: 'orders', partition, offset, metadata: '', commitTimestamp: 1n })

describe('CommittedOffsets', () => {
  it('hands out snapshots: a later commit never changes what a caller holds', () => {
    const store = new CommittedOffsets()
    const given = commit('g', 0, 10n)
    store.set(given)
    const held = store.get('A', 'g', 'orders', 0)!
    const fromGroup = store.ofGroup('A', 'g')[0]!
    const fromPartition = store.onPartition('A', 'orders', 0)[0]!
    const fromAll = [...store.all()][0]!
    store.update('A', 'g', 'orders', 0, 20n, 'm', 2n)
    for (const snapshot of [given, held, fromGroup, fromPartition, fromAll]) expect(snapshot.offset).toBe(10n)
    expect(store.get('A', 'g', 'orders', 0)).toEqual({ ...given, offset: 20n, metadata: 'm', commitTimestamp: 2n })
    expect(store.offsetOf('A', 'g', 'orders', 0)).toBe(20n)
  })

  it('indexes groups by cluster and topic-partition, and forgets deleted offsets', () => {
    const store = new CommittedOffsets()
    store.set(commit('g', 0, 1n))
    store.set(commit('h', 0, 2n))
    store.set(commit('g', 1, 3n))
    store.set({ ...commit('g', 0, 9n), cluster: 'B' })
    expect(store.onPartition('A', 'orders', 0).map((entry) => entry.group).sort()).toEqual(['g', 'h'])
    expect(store.groups('A').sort()).toEqual(['g', 'h'])
    expect(store.clusters().sort()).toEqual(['A', 'B'])
    store.delete('A', 'h', 'orders', 0)
    expect(store.onPartition('A', 'orders', 0).map((entry) => entry.group)).toEqual(['g'])
    expect(store.groups('A')).toEqual(['g'])
    store.delete('A', 'g', 'orders', 0)
    store.delete('A', 'g', 'orders', 1)
    expect(store.groups('A')).toEqual([])
    expect(store.onPartition('A', 'orders', 0)).toEqual([])
    expect(store.get('B', 'g', 'orders', 0)?.offset).toBe(9n)
  })

  it('keeps offsets and commit timestamps beyond 2^53 exactly, through every read, and the safe ones written over them', () => {
    const store = new CommittedOffsets()
    const widest = { ...commit('g', 0, 2n ** 63n - 1n), commitTimestamp: -(2n ** 63n) }
    store.set(widest)
    expect(store.get('A', 'g', 'orders', 0)).toEqual(widest)
    expect(store.ofGroup('A', 'g')).toEqual([widest])
    expect(store.onPartition('A', 'orders', 0)).toEqual([widest])
    expect([...store.all()]).toEqual([widest])
    expect(store.select((entry) => entry.offset === 2n ** 63n - 1n && entry.commitTimestamp === -(2n ** 63n))).toEqual([widest])
    expect(store.offsetOf('A', 'g', 'orders', 0)).toBe(2n ** 63n - 1n)
    store.update('A', 'g', 'orders', 0, 2n ** 53n, '', 9_007_199_254_740_991n)
    expect(store.get('A', 'g', 'orders', 0)).toMatchObject({ offset: 2n ** 53n, commitTimestamp: 9_007_199_254_740_991n })
    store.updateSafe('A', 'g', 'orders', 0, 42, 'm', 1_700_000_000_000)
    expect(store.get('A', 'g', 'orders', 0)).toEqual({ ...widest, offset: 42n, metadata: 'm', commitTimestamp: 1_700_000_000_000n })
    store.update('A', 'g', 'orders', 0, -(2n ** 53n), '', 0n)
    expect(store.offsetOf('A', 'g', 'orders', 0)).toBe(-(2n ** 53n))
  })

  it('select snapshots only the entries it is asked for, and they do not change with later commits', () => {
    const store = new CommittedOffsets()
    for (let partition = 0; partition < 4; partition++) store.set(commit('g', partition, BigInt(partition * 10)))
    store.set({ ...commit('h', 0, 5n), cluster: 'B' })
    const seen: number[] = []
    const selected = store.select((entry) => {
      seen.push(entry.partition)
      return entry.cluster === 'A' && entry.offset >= 20n
    })
    expect(seen.sort()).toEqual([0, 0, 1, 2, 3])
    expect(selected.map((entry) => entry.offset)).toEqual([20n, 30n])
    store.update('A', 'g', 'orders', 2, 99n, '', 3n)
    expect(selected[0]!.offset).toBe(20n)
    expect(store.select(() => false)).toEqual([])
  })
})
