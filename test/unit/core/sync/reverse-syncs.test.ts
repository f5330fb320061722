import { describe, expect, it } from 'vitest'
import { ReverseSyncHighWater, invertSync, isReverseSync } from '../../../../sidecar/src/core/sync/reverse-syncs.ts'
import { createReplicationPolicy } from '../../../../sidecar/src/core/naming/replication-policy.ts'

const policy = createReplicationPolicy()

describe('reverse syncs', () => {
  it('inverts an A->B sync into a B->A sync keyed by the remote topic', () => {
    expect(invertSync({ topic: 'orders', partition: 3, upstreamOffset: 120n, downstreamOffset: 57n }, 'A', policy))
      .toEqual({ topic: 'A.orders', partition: 3, upstreamOffset: 57n, downstreamOffset: 120n })
    expect(invertSync({ topic: 'orders', partition: 0, upstreamOffset: 1n, downstreamOffset: 2n }, 'east', createReplicationPolicy({ separator: '_' })).topic)
      .toBe('east_orders')
  })

  it('recognises reverse syncs by their cyclic topic', () => {
    expect(isReverseSync({ topic: 'A.orders', partition: 0, upstreamOffset: 1n, downstreamOffset: 1n }, 'A', policy)).toBe(true)
    expect(isReverseSync({ topic: 'payments', partition: 0, upstreamOffset: 1n, downstreamOffset: 1n }, 'A', policy)).toBe(false)
  })

  it('admits only strictly increasing upstream offsets per partition (MM2 wipes history on a rewind)', () => {
    const marks = new ReverseSyncHighWater()
    const sync = (partition: number, upstreamOffset: bigint) => ({ topic: 'A.orders', partition, upstreamOffset, downstreamOffset: upstreamOffset })
    expect(marks.admits(sync(0, 10n))).toBe(true)
    marks.observe(sync(0, 10n))
    expect(marks.admits(sync(0, 10n))).toBe(false)
    expect(marks.admits(sync(0, 9n))).toBe(false)
    expect(marks.admits(sync(0, 11n))).toBe(true)
    expect(marks.admits(sync(1, 0n))).toBe(true)
    marks.observe(sync(0, 5n))
    expect(marks.get('A.orders', 0)).toBe(10n)
    expect(marks.size).toBe(1)
  })
})
