// The decision rules of two-way group sync (DESIGN §2.4), as one pure function: given a group's
// commit on one cluster, its translation, and what the other cluster holds, commit or skip and why.
// The order of the checks is the order an operator reads a skip reason in: our own echo first, then
// what cannot be known, then what must not be touched, then what need not be done.
import type { Translation } from '../translation/translation.ts'
import { parseProvenance, provenanceMetadata } from './provenance.ts'

export type CommitSkipReason =
  /** The commit was written by the sidecar (or copied by MM2 from one the sidecar wrote): never echoed back. */
  | 'own-write'
  /** No offset sync covers the committed offset. */
  | 'untranslatable'
  /** The group has live members on the target cluster; their positions are theirs. */
  | 'group-active'
  /** The target already holds exactly the translated offset (the already-in-sync check). */
  | 'in-sync'
  /** The target is ahead of the translation; moving it back needs --allow-rewind. */
  | 'would-rewind'

export interface CommitSyncInput {
  /** Alias of the cluster the commit happened on. */
  sourceCluster: string
  sourceOffset: bigint
  sourceMetadata: string | null
  translation: Translation
  /** The group's committed offset for the target partition, null when it has none. */
  targetCommitted: bigint | null
  /** Live members of the group on the target cluster (classic or KIP-848). */
  targetMembers: number
  allowRewind: boolean
}

export type CommitSyncDecision =
  | { action: 'commit', offset: bigint, metadata: string, method: 'exact' | 'conservative', rereadWindow: bigint }
  | { action: 'skip', reason: CommitSkipReason, offset: bigint | null }

/** Decides whether to mirror one partition's commit onto the other cluster; see CommitSkipReason. */
export function decideCommitSync (input: CommitSyncInput): CommitSyncDecision {
  if (parseProvenance(input.sourceMetadata) !== null) return { action: 'skip', reason: 'own-write', offset: null }
  const { translation } = input
  if (translation.kind !== 'translated') return { action: 'skip', reason: 'untranslatable', offset: null }
  if (input.targetMembers > 0) return { action: 'skip', reason: 'group-active', offset: translation.offset }
  if (input.targetCommitted !== null) {
    if (input.targetCommitted === translation.offset) return { action: 'skip', reason: 'in-sync', offset: translation.offset }
    if (input.targetCommitted > translation.offset && !input.allowRewind) return { action: 'skip', reason: 'would-rewind', offset: translation.offset }
  }
  return {
    action: 'commit',
    offset: translation.offset,
    metadata: provenanceMetadata({ fromCluster: input.sourceCluster, fromOffset: input.sourceOffset }),
    method: translation.method,
    rereadWindow: translation.rereadWindow
  }
}
