// The translation of one group commit along its routes (route.ts), shared by the daemon's group sync
// and reconcile: a commit may have several routes (with the identity policy, a reverse and a forward
// one can match the same name), and the first whose flow holds syncs for the partition decides.
import type { SyncIndex } from '../translation/sync-index.ts'
import type { Translation } from '../translation/translation.ts'
import type { CommitRoute } from './route.ts'

export interface RoutedTranslation {
  route: CommitRoute
  translation: Translation
}

/** The translation of a committed offset along the first route whose flow holds syncs for the partition; null when there is no route. */
export function translateCommit (index: SyncIndex, routes: readonly CommitRoute[], partition: number, offset: bigint): RoutedTranslation | null {
  let first: RoutedTranslation | null = null
  for (const route of routes) {
    const flowIndex = index.findFlow(route.flow.source, route.flow.target)
    const translation: Translation = flowIndex === undefined
      ? { kind: 'untranslatable', reason: 'no-syncs' }
      : flowIndex.translate(route.direction, route.syncTopic, partition, offset)
    if (translation.kind === 'translated' || translation.reason !== 'no-syncs') return { route, translation }
    first ??= { route, translation }
  }
  return first
}
