// FlowSyncIndex: histories keyed by upstream topic and partition (its ingest hot path is tested in
// ingest-encoded.test.ts).
import { describe, expect, it } from 'vitest'
import { FlowSyncIndex } from '../../../../sidecar/src/core/translation/flow-sync-index.ts'
import { exact, untranslatable } from './sync-builders.ts'

describe('FlowSyncIndex', () => {
  it('keys histories by topic and partition', () => {
    const flow = new FlowSyncIndex('A', 'B')
    expect([flow.sourceClusterAlias, flow.targetClusterAlias]).toEqual(['A', 'B'])
    expect(flow.append('orders', 0, 10n, 20n)).toBe('appended')
    expect(flow.appendSync({ topic: 'orders', partition: 1, upstreamOffset: 5n, downstreamOffset: 6n })).toBe('appended')
    expect(flow.translate('forward', 'orders', 0, 10n)).toEqual(exact(20, [10, 20]))
    expect(flow.translate('reverse', 'orders', 1, 6n)).toEqual(exact(5, [5, 6]))
    expect(flow.translate('forward', 'orders', 2, 0n)).toEqual(untranslatable('no-syncs'))
    expect(flow.translate('forward', 'payments', 0, 0n)).toEqual(untranslatable('no-syncs'))
    expect(flow.find('orders', 1)?.partition).toBe(1)
    expect(flow.find('orders', 7)).toBeUndefined()
    expect(flow.history('orders', 1)).toBe(flow.find('orders', 1))
    expect([...flow.histories()].map((h) => `${h.topic}-${h.partition}`)).toEqual(['orders-0', 'orders-1'])
    expect(flow.retainedSyncs).toBe(2)
    expect(flow.pruneBelow('orders', 0, 'upstream', 11n)).toBe(0)
    expect(flow.pruneBelow('nope', 0, 'upstream', 11n)).toBe(0)
  })

  it('lists histories by topic, then partition', () => {
    const flow = new FlowSyncIndex('A', 'B')
    for (const [topic, partition] of [['orders', 2], ['payments', 0], ['orders', 0]] as const) flow.append(topic, partition, 1n, 1n)
    expect([...flow.histories()].map((h) => `${h.topic}-${h.partition}`)).toEqual(['orders-0', 'orders-2', 'payments-0'])
  })

  it('rejects partitions that are not INT32 >= 0', () => {
    const flow = new FlowSyncIndex('A', 'B')
    for (const partition of [-1, 1.5, 2 ** 31]) {
      expect(() => flow.append('orders', partition, 0n, 0n)).toThrow(expect.objectContaining({ code: 'MM2_DECODE_INVALID' }))
    }
    expect(flow.retainedSyncs).toBe(0)
  })
})
