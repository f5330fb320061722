// A reverse-sync emitter that another instance fenced stays down and says so, so the sidecar does not
// claim the topic back (which would fence the other instance in turn: two sidecars fencing each other
// forever, neither writing; found by test/e2e/sidecar-safety.test.ts, "two sidecars started at once").
import { describe, expect, it } from 'vitest'
import type { OffsetSync } from '../../../../sidecar/src/core/codec/offset-sync.ts'
import { defaultReplicationPolicy } from '../../../../sidecar/src/core/naming/replication-policy.ts'
import { ReverseSyncHighWater } from '../../../../sidecar/src/core/sync/reverse-syncs.ts'
import { SyncIndex } from '../../../../sidecar/src/core/translation/sync-index.ts'
import { createLogger } from '../../../../sidecar/src/engine/logger.ts'
import { ReverseSyncEmitter } from '../../../../sidecar/src/engine/daemon/reverse-sync-emitter.ts'
import type { ReverseSyncWriterPort } from '../../../../sidecar/src/engine/ports.ts'
import { createMetrics } from '../../../../sidecar/src/metrics/registry.ts'

/** A writer whose writes fail as fenced once `fenceAfter` writes succeeded. */
function fakeWriter (fenceAfter: number): ReverseSyncWriterPort & { written: OffsetSync[][], claims: number } {
  let fenced = false
  const writer = {
    cluster: { alias: 'B', bootstrapServers: ['127.0.0.1:1'] },
    topic: 'mm2-offset-syncs.A.internal',
    written: [] as OffsetSync[][],
    claims: 0,
    get isFenced () { return fenced },
    async claim () { writer.claims++ },
    async write (syncs: readonly OffsetSync[]) {
      if (fenced || writer.written.length >= fenceAfter) {
        fenced = true
        throw new Error('another mm2-failback instance now writes reverse offset syncs')
      }
      writer.written.push([...syncs])
    },
    async close () {}
  }
  return writer as unknown as ReverseSyncWriterPort & { written: OffsetSync[][], claims: number }
}

function emitterWith (writer: ReverseSyncWriterPort): { emitter: ReverseSyncEmitter, index: SyncIndex } {
  const index = new SyncIndex()
  const flow = index.flow('A', 'B')
  flow.appendSync({ topic: 'orders', partition: 0, upstreamOffset: 10n, downstreamOffset: 10n })
  const emitter = new ReverseSyncEmitter({
    flowName: 'A->B',
    sourceAlias: 'A',
    policy: defaultReplicationPolicy(),
    index: flow,
    highWater: new ReverseSyncHighWater(),
    writer,
    readToEnd: async () => {},
    metrics: createMetrics({ processMetrics: false }),
    logger: createLogger({ write: () => {} }),
    retryDelayMs: 10
  })
  return { emitter, index }
}

describe('ReverseSyncEmitter fencing', () => {
  it('an emitter fenced while backfilling is not active and reports isFenced', async () => {
    const writer = fakeWriter(0)
    const { emitter } = emitterWith(writer)
    expect(emitter.isFenced).toBe(false)
    await emitter.activate()
    expect(emitter.isActive).toBe(false)
    expect(emitter.isFenced).toBe(true)
    expect(writer.written).toEqual([])
  })

  it('an emitter fenced after writing stops writing for good', async () => {
    const writer = fakeWriter(1)
    const { emitter } = emitterWith(writer)
    await emitter.activate()
    expect(emitter.isActive).toBe(true)
    expect(writer.written).toHaveLength(1)
    emitter.onSync({ topic: 'orders', partition: 0, upstreamOffset: 20n, downstreamOffset: 20n })
    await emitter.flush()
    expect(emitter.isActive).toBe(false)
    expect(emitter.isFenced).toBe(true)
    emitter.onSync({ topic: 'orders', partition: 0, upstreamOffset: 30n, downstreamOffset: 30n })
    await emitter.flush()
    expect(writer.written).toHaveLength(1)
    expect(writer.claims).toBe(1)
    await emitter.stop()
  })
})
