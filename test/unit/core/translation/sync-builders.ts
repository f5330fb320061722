// Tiny builders shared by the sync index tests: pairs as number tuples, histories from a list of
// syncs, expected translations, and random syncs of one epoch.
import fc from 'fast-check'
import { PartitionSyncHistory } from '../../../../sidecar/src/core/translation/partition-sync-history.ts'
import type { SyncIndexOptions } from '../../../../sidecar/src/core/translation/sync-index-options.ts'
import type { OffsetSyncPair, Translation } from '../../../../sidecar/src/core/translation/translation.ts'

export type Pair = readonly [upstream: number, downstream: number]

export function historyOf (syncs: readonly Pair[], options?: SyncIndexOptions): PartitionSyncHistory {
  const history = new PartitionSyncHistory('orders', 0, options)
  for (const [u, d] of syncs) history.append(BigInt(u), BigInt(d))
  return history
}

export const pair = ([u, d]: Pair): OffsetSyncPair => ({ upstreamOffset: BigInt(u), downstreamOffset: BigInt(d) })
export const exact = (offset: number, sync: Pair): Translation =>
  ({ kind: 'translated', offset: BigInt(offset), method: 'exact', sync: pair(sync), rereadWindow: 0n })
export const conservative = (offset: number, sync: Pair, rereadWindow: number): Translation =>
  ({ kind: 'translated', offset: BigInt(offset), method: 'conservative', sync: pair(sync), rereadWindow: BigInt(rereadWindow) })
export const untranslatable = (reason: string): Translation => ({ kind: 'untranslatable', reason } as Translation)

export const fwd = (history: PartitionSyncHistory, offset: number): Translation => history.translateForward(BigInt(offset))
export const rev = (history: PartitionSyncHistory, offset: number): Translation => history.translateReverse(BigInt(offset))

export const pairsOf = (history: PartitionSyncHistory): Pair[] =>
  [...history.syncs()].map((s) => [Number(s.upstreamOffset), Number(s.downstreamOffset)] as const)

export function translatedOffset (translation: Translation): number | undefined {
  return translation.kind === 'translated' ? Number(translation.offset) : undefined
}

export const THREE: Pair[] = [[100, 200], [150, 251], [300, 400]]

// Random syncs of one epoch: upstream never decreasing, downstream strictly increasing.
export const epochSyncs = fc.record({
  steps: fc.array(fc.tuple(fc.nat({ max: 5000 }), fc.integer({ min: 1, max: 5000 }), fc.nat({ max: 4 })), { minLength: 1, maxLength: 600 }),
  denseSyncs: fc.integer({ min: 1, max: 32 }),
  bucketsPerDoubling: fc.constantFrom(1, 2, 8, 16)
}).map(({ steps, denseSyncs, bucketsPerDoubling }) => {
  const syncs: Pair[] = []
  let u = 0
  let d = 0
  for (const [du, dd, scale] of steps) {
    u += Math.floor(du / 10 ** scale)
    d += Math.max(1, Math.floor(dd / 10 ** scale))
    syncs.push([u, d])
  }
  return { syncs, options: { denseSyncs, bucketsPerDoubling } }
})
