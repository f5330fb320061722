// The decision of two-way group sync (docs/design.md §2.4), as one pure function: given a group's
// commit on one cluster, its translation, and what the other cluster holds, commit or skip and why.
// The order of the checks is the order an operator reads a skip reason in: our own echo first, then
// what cannot be known, then the safety rules of safety-rules.ts (shared with reconcile's planner).
import type { Translation } from '../translation/translation.ts'
import { parseProvenance, provenanceMetadata } from './provenance.ts'
import { checkTargetSafety, type SafetySkipReason } from './safety-rules.ts'

export type CommitSkipReason =
  /** The commit was written by the sidecar (or copied by MM2 from one the sidecar wrote): never echoed back. */
  | 'own-write'
  /** No offset sync covers the committed offset. */
  | 'untranslatable'
  /** group-active, in-sync or would-rewind: see safety-rules.ts. */
  | SafetySkipReason

export interface CommitSyncInput {
  /** Alias of the cluster the commit happened on. */
  sourceCluster: string
  sourceOffset: bigint
  sourceMetadata: string | null
  translation: Translation
  /** The group's committed offset for the target partition, null when it has none. */
  targetCommitted: bigint | null
  /** Live members of the group on the target cluster (classic or KIP-848); null when not asked yet. */
  targetMembers: number | null
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
  const unsafe = checkTargetSafety(input, translation.offset)
  if (unsafe !== null) return { action: 'skip', reason: unsafe, offset: translation.offset }
  return {
    action: 'commit',
    offset: translation.offset,
    metadata: provenanceMetadata({ fromCluster: input.sourceCluster, fromOffset: input.sourceOffset }),
    method: translation.method,
    rereadWindow: translation.rereadWindow
  }
}
