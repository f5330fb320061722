// What a translation answers, in both directions (docs/design.md §2): pick the sync with the largest
// source-side offset <= o; equal -> its other offset ("exact"); greater -> other + 1 ("conservative":
// only the synced record is known to be consumed, so the answer re-reads and never skips); none ->
// untranslatable. Never interpolate. `rereadWindow` bounds how many records the group may read twice
// on the target side:
//   exact: 0;  conservative: min(o - s.source - 1, next.target - s.target - 1), at least 0,
// where s is the chosen sync and next the retained sync after it; the second term applies only when
// next.target > s.target. The first term counts the source offsets strictly between the sync and o
// (each at most one record, copied once between two syncs); the second counts the target offsets
// strictly between the two syncs: the group's true position on the target is at most next.target,
// because the record at next.source >= o has not been consumed.

import { Mm2FailbackError } from '../../errors.ts'
import type { ErrorContext } from '../../errors.ts'

/** Which way a translation goes: forward = upstream -> downstream (MM2's checkpoints), reverse = downstream -> upstream (failback). */
export type TranslationDirection = 'forward' | 'reverse'

/** Which side of a flow an offset belongs to: upstream = source cluster, downstream = target cluster. */
export type SyncSide = 'upstream' | 'downstream'

/** One retained sync: the record at `upstreamOffset` upstream is at `downstreamOffset` downstream. */
export interface OffsetSyncPair {
  upstreamOffset: bigint
  downstreamOffset: bigint
}

/** The shape of a decoded OffsetSync record (structurally `OffsetSync` from core/codec/offset-sync.ts). */
export interface OffsetSyncRecord extends OffsetSyncPair {
  topic: string
  partition: number
}

/** A successful translation. */
export interface TranslatedOffset {
  kind: 'translated'
  /** The offset on the other side. */
  offset: bigint
  /** `exact` when a sync sits exactly at the offset, `conservative` when the answer is the sync's other offset + 1. */
  method: 'exact' | 'conservative'
  /** The sync the answer was derived from. */
  sync: OffsetSyncPair
  /** Upper bound on the records the group may read twice on the target side of this translation (0 when exact). */
  rereadWindow: bigint
}

/**
 * Why an offset could not be translated:
 * - `no-syncs`: nothing is known for this partition;
 * - `no-sync-at-or-below`: the offset lies before the oldest sync seen (replication started after it);
 * - `history-reset`: the offset lies before the first sync of the current epoch (an upstream rewind or a downstream truncation dropped the older history);
 * - `below-log-start`: the offset lies below a log-start offset given to `pruneBelow`, whose records no longer exist;
 * - `invalid-offset`: the offset is negative or above 2^53 - 1;
 * - `not-copied-yet`: exact mode only: the records up to the offset are not on the other cluster yet (MM2 is
 *   copying them); translated the moment they arrive;
 * - `target-unreachable`: exact mode only: the cluster the offset is for did not answer the proof's reads
 *   (nothing can be written there either); proven the moment it answers.
 */
export type UntranslatableReason =
  'no-syncs' | 'no-sync-at-or-below' | 'history-reset' | 'below-log-start' | 'invalid-offset' | 'not-copied-yet' | 'target-unreachable'

/** A failed translation: never guessed, only explained. */
export interface UntranslatableOffset {
  kind: 'untranslatable'
  reason: UntranslatableReason
}

/** The answer of a translation. */
export type Translation = TranslatedOffset | UntranslatableOffset

/**
 * Untranslatable only because no MM2 sync lies at or below the offset: a proof from the first records of
 * both logs can still place it (exact mode). The other reasons are refusals on purpose.
 */
export function isBelowMm2Syncs (translation: Translation): translation is UntranslatableOffset {
  return translation.kind === 'untranslatable' && (translation.reason === 'no-syncs' || translation.reason === 'no-sync-at-or-below')
}

/** Returns the translated offset, or throws MM2_UNTRANSLATABLE naming the partition, direction and reason. */
export function requireTranslated (translation: Translation, direction: TranslationDirection, offset: bigint, context: ErrorContext = {}): TranslatedOffset {
  if (translation.kind === 'translated') return translation
  const where = context.topic === undefined ? 'the partition' : `${context.topic}-${context.partition ?? '?'}`
  const message = `Offset ${offset} of ${where} cannot be translated ${direction}: ${translation.reason}.`
  throw new Mm2FailbackError('MM2_UNTRANSLATABLE', message, { ...context, offset, direction, reason: translation.reason })
}
