// A deliberately plain re-implementation of MM2's OffsetSyncStore slot logic, used as the reference
// that the sync index must never be coarser than. Transcribed line by line from apache/kafka
// connect/mirror/src/main/java/org/apache/kafka/connect/mirror/OffsetSyncStore.java (trunk, 2024-10,
// KAFKA-15202 / KAFKA-15905), for a started store (readToEnd = true). Java `long` arithmetic is
// emulated with BigInt.asIntN(64, ...) so that overflow behaves as in Java; Java object identity is
// object identity here. Nothing is optimised on purpose.

export interface Mm2Sync {
  readonly upstreamOffset: bigint
  readonly downstreamOffset: bigint
}

export const SYNCS_PER_PARTITION = 64

const long = (value: bigint): bigint => BigInt.asIntN(64, value)
const shiftLeft = (value: bigint, bits: number): bigint => long(value << BigInt(bits))

export class Mm2OffsetSyncStore {
  private syncs: Mm2Sync[] | undefined

  /** handleRecord: a new sync object (a distinct identity, as every record is deserialised anew). */
  sync (upstreamOffset: bigint, downstreamOffset: bigint): void {
    const offsetSync = { upstreamOffset, downstreamOffset }
    this.syncs = this.syncs === undefined ? createInitialSyncs(offsetSync) : updateExistingSyncs(this.syncs, offsetSync)
  }

  /** translateDownstream without the group/partition arguments; undefined is OptionalLong.empty(). */
  translateDownstream (upstreamOffset: bigint): bigint | undefined {
    if (this.syncs === undefined) return undefined
    const offsetSync = lookupLatestSync(this.syncs, upstreamOffset)
    if (offsetSync.upstreamOffset > upstreamOffset) return -1n
    const upstreamStep = upstreamOffset === offsetSync.upstreamOffset ? 0n : 1n
    return offsetSync.downstreamOffset + upstreamStep
  }

  /** The sync MM2 would use for `upstreamOffset`, or undefined when it would answer -1 or empty. */
  floor (upstreamOffset: bigint): Mm2Sync | undefined {
    if (this.syncs === undefined) return undefined
    const offsetSync = lookupLatestSync(this.syncs, upstreamOffset)
    return offsetSync.upstreamOffset > upstreamOffset ? undefined : offsetSync
  }

  syncFor (index: number): Mm2Sync {
    if (this.syncs === undefined) throw new Error('No syncs present')
    return this.syncs[index]!
  }

  slots (): Mm2Sync[] {
    return this.syncs === undefined ? [] : [...this.syncs]
  }

  distinctCount (): number {
    if (this.syncs === undefined) return 0
    let count = 1
    for (let i = 1; i < SYNCS_PER_PARTITION; i++) if (this.syncs[i - 1] !== this.syncs[i]) count++
    return count
  }
}

function createInitialSyncs (firstSync: Mm2Sync): Mm2Sync[] {
  const syncs: Mm2Sync[] = new Array(SYNCS_PER_PARTITION)
  clearSyncArray(syncs, firstSync)
  return syncs
}

function clearSyncArray (syncs: Mm2Sync[], offsetSync: Mm2Sync): void {
  for (let i = 0; i < SYNCS_PER_PARTITION; i++) syncs[i] = offsetSync
}

function updateExistingSyncs (syncs: Mm2Sync[], offsetSync: Mm2Sync): Mm2Sync[] {
  const mutableSyncs = [...syncs]
  updateSyncArray(mutableSyncs, syncs, offsetSync)
  return mutableSyncs
}

function updateSyncArray (syncs: Mm2Sync[], original: Mm2Sync[], offsetSync: Mm2Sync): void {
  const upstreamOffset = offsetSync.upstreamOffset
  const upstreamRewind = upstreamOffset < syncs[0]!.upstreamOffset
  if (upstreamRewind) {
    clearSyncArray(syncs, offsetSync)
    return
  }
  let replacement = offsetSync
  let replacementIndex = 0
  syncs[0] = replacement
  for (let current = 1; current < SYNCS_PER_PARTITION; current++) {
    const previous = current - 1
    let skipOldValue: boolean
    do {
      const oldValue = original[replacementIndex]!
      const isRecent = invariantB(syncs[previous]!, oldValue, previous, current)
      const separatedFromPrevious = invariantC(syncs[previous]!, oldValue, previous)
      const next = current + 1
      const separatedFromNext = next >= SYNCS_PER_PARTITION || invariantC(oldValue, syncs[next]!, current)
      const nextReplacement = replacementIndex + 1
      const duplicate = nextReplacement < SYNCS_PER_PARTITION && oldValue === original[nextReplacement]
      const promoteOldValueToReplacement = isRecent && separatedFromPrevious && separatedFromNext
      if (promoteOldValueToReplacement) replacement = oldValue
      skipOldValue = duplicate || !separatedFromPrevious
      if (promoteOldValueToReplacement || skipOldValue) replacementIndex++
    } while (replacementIndex < current && skipOldValue)
    if (invariantB(syncs[previous]!, syncs[current]!, previous, current)) {
      break
    } else {
      syncs[current] = replacement
    }
  }
}

function invariantB (iSync: Mm2Sync, jSync: Mm2Sync, i: number, j: number): boolean {
  const bound = long(long(jSync.upstreamOffset + shiftLeft(1n, j)) - shiftLeft(1n, i))
  return iSync === jSync || bound < 0n || iSync.upstreamOffset <= bound
}

function invariantC (iSync: Mm2Sync, jSync: Mm2Sync, i: number): boolean {
  const bound = long(jSync.upstreamOffset + shiftLeft(1n, Math.max(i - 2, 0)))
  return iSync === jSync || (bound >= 0n && iSync.upstreamOffset >= bound)
}

function lookupLatestSync (syncs: Mm2Sync[], upstreamOffset: bigint): Mm2Sync {
  for (let i = 0; i < SYNCS_PER_PARTITION; i++) {
    const offsetSync = syncs[i]!
    if (offsetSync.upstreamOffset <= upstreamOffset) return offsetSync
  }
  return syncs[SYNCS_PER_PARTITION - 1]!
}
