// What the sidecar tells the operator at startup about flows it can translate only in part. A flow with
// `emit.offset-syncs.enabled=false` (KIP-1031, MM2 3.9+) gives the sidecar no offset syncs at all: the
// index stays empty, so without a word every one of its partitions would just show up as untranslatable
// or as a proof from the log start, and nobody would know why.
import type { Mm2Flow } from '../../core/mm2/model.ts'
import { flowName } from '../../core/mm2/flow-name.ts'
import type { LogLevel } from '../logger.ts'

export interface FlowNotice {
  level: LogLevel
  text: string
  fields: Record<string, unknown>
}

/** One notice per enabled flow that writes no offset syncs, saying what can still be translated and how. */
export function syncFreeFlowNotices (flows: readonly Mm2Flow[], settings: { mode: 'exact' | 'conservative', groupSync: boolean }): FlowNotice[] {
  return flows.filter((flow) => flow.enabled && !flow.emitOffsetSyncsEnabled).map((flow) => {
    const name = flowName(flow)
    const cause = `flow ${name} has emit.offset-syncs.enabled=false: MM2 writes no offset syncs for it, so the sidecar has none to translate its topics with`
    const what = !settings.groupSync
      ? 'group sync is off (features.groupSync), so nothing is mirrored; reconcile --exact can still prove positions from the first records of both logs'
      : settings.mode === 'exact'
        ? 'translation.mode exact proves each group position from the first records of both logs instead, while both clusters still hold the records ' +
          'MM2 copied first; a position it cannot prove stays untranslated (exact_fallbacks_total, untranslatable_partitions)'
        : 'translation.mode conservative translates nothing on this flow\'s topics, in either direction; translation.mode exact (the default) ' +
          'proves positions from the first records of both logs'
    return { level: 'warn', text: `${cause}; ${what}`, fields: { flow: name, emitOffsetSyncs: false, mode: settings.mode } }
  })
}
