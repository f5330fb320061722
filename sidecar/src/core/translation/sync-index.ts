// The sync index: every flow's OffsetSync histories, keyed by (source cluster alias, target cluster
// alias). One instance owns the scratch buffers its histories work in (sync-scratch.ts), so two
// indexes share no state.

import { FlowSyncIndex } from './flow-sync-index.ts'
import { resolveSyncIndexOptions } from './sync-index-options.ts'
import type { SyncIndexOptions } from './sync-index-options.ts'
import { SyncScratch } from './sync-scratch.ts'

/** All flows' sync histories, keyed by (source cluster alias, target cluster alias). */
export class SyncIndex {
  private readonly flowsBySource: Map<string, Map<string, FlowSyncIndex>>
  private readonly options: SyncIndexOptions
  private readonly scratch: SyncScratch

  constructor (options: SyncIndexOptions = {}) {
    resolveSyncIndexOptions(options)
    this.options = { ...options }
    this.flowsBySource = new Map()
    this.scratch = new SyncScratch()
  }

  /** The index of a flow, created empty when absent. Hold on to it on hot paths. */
  flow (sourceClusterAlias: string, targetClusterAlias: string): FlowSyncIndex {
    let byTarget = this.flowsBySource.get(sourceClusterAlias)
    if (byTarget === undefined) {
      byTarget = new Map()
      this.flowsBySource.set(sourceClusterAlias, byTarget)
    }
    let flow = byTarget.get(targetClusterAlias)
    if (flow === undefined) {
      flow = new FlowSyncIndex(sourceClusterAlias, targetClusterAlias, this.options, this.scratch)
      byTarget.set(targetClusterAlias, flow)
    }
    return flow
  }

  /** The index of a flow, or undefined when absent. */
  findFlow (sourceClusterAlias: string, targetClusterAlias: string): FlowSyncIndex | undefined {
    return this.flowsBySource.get(sourceClusterAlias)?.get(targetClusterAlias)
  }

  /** Every flow. */
  * flows (): IterableIterator<FlowSyncIndex> {
    for (const byTarget of this.flowsBySource.values()) yield * byTarget.values()
  }

  /** Syncs retained over all flows. */
  get retainedSyncs (): number {
    let total = 0
    for (const flow of this.flows()) total += flow.retainedSyncs
    return total
  }
}
