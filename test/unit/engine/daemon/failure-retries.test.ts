import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { CommittedOffset } from '../../../../sidecar/src/core/sync/committed-offsets.ts'
import { FailureRetries } from '../../../../sidecar/src/engine/daemon/failure-retries.ts'

const commit = (group: string, partition = 0, offset = 10n): CommittedOffset =>
  ({ cluster: 'A', group, topic: 'orders', partition, offset, metadata: '', commitTimestamp: 0n })

describe('FailureRetries', () => {
  let submitted: Array<{ groups: string[], probe: boolean }>
  let retries: FailureRetries
  beforeEach(() => {
    vi.useFakeTimers()
    submitted = []
    retries = new FailureRetries((commits, probe) => { submitted.push({ groups: commits.map((entry) => entry.group), probe }) }, 250)
  })
  afterEach(() => {
    retries.stop()
    vi.useRealTimers()
  })

  it('probes a down cluster with one held commit every probeMs, in turn, whatever the number held', () => {
    for (const group of ['g1', 'g2', 'g3']) retries.hold('B', commit(group))
    vi.advanceTimersByTime(249)
    expect(submitted).toEqual([])
    vi.advanceTimersByTime(1)
    expect(submitted).toEqual([{ groups: ['g1'], probe: true }])
    // The probe failed: held again, at the end.
    retries.hold('B', commit('g1'))
    vi.advanceTimersByTime(500)
    expect(submitted.map((entry) => entry.groups)).toEqual([['g1'], ['g2'], ['g3']])
    // g2 and g3 are out on their probes; g1 waits for its turn again.
    expect(retries.heldCount('B')).toBe(1)
    vi.advanceTimersByTime(250)
    expect(submitted.map((entry) => entry.groups)).toEqual([['g1'], ['g2'], ['g3'], ['g1']])
  })

  it('releases every commit held for a cluster at once when it answers, and only that cluster\'s', () => {
    for (const group of ['g1', 'g2']) retries.hold('B', commit(group))
    retries.hold('A', commit('other'))
    retries.answered('B')
    expect(submitted).toEqual([{ groups: ['g1', 'g2'], probe: false }])
    expect(retries.heldCount('B')).toBe(0)
    expect(retries.heldCount('A')).toBe(1)
    // No probe of B is left scheduled.
    vi.advanceTimersByTime(1000)
    expect(submitted.filter((entry) => entry.groups.includes('g1'))).toHaveLength(1)
    expect(submitted).toContainEqual({ groups: ['other'], probe: true })
  })

  it('keeps one hold per partition: the latest commit replaces the older one', () => {
    retries.hold('B', commit('g', 0, 10n))
    retries.hold('B', commit('g', 0, 20n))
    retries.hold('B', commit('g', 1, 20n))
    expect(retries.heldCount('B')).toBe(2)
  })

  it('answered for a cluster with nothing held, and stop, do nothing more', () => {
    retries.answered('B')
    retries.hold('B', commit('g'))
    retries.stop()
    vi.advanceTimersByTime(1000)
    retries.hold('B', commit('g'))
    vi.advanceTimersByTime(1000)
    expect(submitted).toEqual([])
  })
})
