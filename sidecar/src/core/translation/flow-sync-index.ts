// The sync histories of one flow (source cluster alias -> target cluster alias), and the ingest hot
// path. FlowSyncIndex.ingestEncoded takes the key and value bytes of an OffsetSync record: known key
// bytes map straight to their history (ByteKeyMap) and the offsets are read as doubles, so the hot
// path builds no string, bigint or object; anything unusual goes through decodeOffsetSync.

import { Mm2FailbackError } from '../../errors.ts'
import { decodeOffsetSync, readOffsetSyncOffsets } from '../codec/offset-sync.ts'
import { ByteKeyMap } from './byte-key-map.ts'
import { PartitionSyncHistory } from './partition-sync-history.ts'
import type { AppendOutcome } from './partition-sync-history.ts'
import { resolveSyncIndexOptions } from './sync-index-options.ts'
import type { SyncIndexOptions } from './sync-index-options.ts'
import { SyncScratch } from './sync-scratch.ts'
import type { OffsetSyncRecord, SyncSide, Translation, TranslationDirection } from './translation.ts'

// A correct MM2 writes one key per partition; the key cache is cleared when it holds this many more
// than twice the partitions (keys that differ only in bytes the decoder ignores, e.g. trailing ones).
const KEY_CACHE_SLACK = 1024

/** The sync histories of one flow (source cluster alias -> target cluster alias), keyed by upstream topic and partition. */
export class FlowSyncIndex {
  readonly sourceClusterAlias: string
  readonly targetClusterAlias: string
  private readonly topics: Map<string, Array<PartitionSyncHistory | undefined>>
  private readonly options: SyncIndexOptions
  // Handed to every history of this flow (see sync-scratch.ts).
  private readonly scratch: SyncScratch
  // OffsetSync key bytes -> history, for ingestEncoded; bounded by KEY_CACHE_SLACK + 2x the partitions.
  private readonly keyCache: ByteKeyMap<PartitionSyncHistory>
  private partitionCount: number
  // The two offsets of the record being ingested, read without allocating; valid only within ingestEncoded.
  private readonly offsets: Float64Array

  /** An empty flow index whose histories work in `scratch`, its index's scratch buffers (its own when left out). */
  constructor (sourceClusterAlias: string, targetClusterAlias: string, options: SyncIndexOptions = {}, scratch: SyncScratch = new SyncScratch()) {
    this.sourceClusterAlias = sourceClusterAlias
    this.targetClusterAlias = targetClusterAlias
    this.topics = new Map()
    resolveSyncIndexOptions(options)
    this.options = options
    this.scratch = scratch
    this.keyCache = new ByteKeyMap()
    this.partitionCount = 0
    this.offsets = new Float64Array(2)
  }

  /**
   * Decodes an OffsetSync record from its key and value bytes and appends it: the ingest hot path.
   * Same outcome, same state and the same typed errors (MM2_DECODE_*) as
   * `appendSync(decodeOffsetSync(key, value))`, without building a string, bigints or objects per
   * record: a key seen before maps straight to its history by its bytes (see ByteKeyMap), and the
   * value's offsets are read as numbers. Anything else (a new key, a malformed or out-of-range value)
   * takes decodeOffsetSync, the one implementation of the grammar and its errors.
   */
  ingestEncoded (key: Uint8Array | null, value: Uint8Array | null): AppendOutcome {
    const offsets = this.offsets
    if (key !== null && readOffsetSyncOffsets(value, offsets)) {
      const history = this.keyCache.get(key)
      if (history !== undefined) return history.appendOffsets(offsets[0]!, offsets[1]!)
    }
    return this.ingestDecoded(key, value)
  }

  // The slow path of ingestEncoded: full decode (which throws on bad bytes), then cache the key.
  private ingestDecoded (key: Uint8Array | null, value: Uint8Array | null): AppendOutcome {
    const sync = decodeOffsetSync(key, value)
    const history = this.history(sync.topic, sync.partition)
    if (this.keyCache.size >= KEY_CACHE_SLACK + 2 * this.partitionCount) this.keyCache.clear()
    this.keyCache.set(key!, history)
    return history.append(sync.upstreamOffset, sync.downstreamOffset)
  }

  /** Appends a decoded OffsetSync record (one Map lookup and one array access on the hot path). */
  appendSync (sync: OffsetSyncRecord): AppendOutcome {
    return this.history(sync.topic, sync.partition).append(sync.upstreamOffset, sync.downstreamOffset)
  }

  /** Appends a sync for `topic`-`partition` (upstream topic name, as in the OffsetSync key). */
  append (topic: string, partition: number, upstreamOffset: bigint, downstreamOffset: bigint): AppendOutcome {
    return this.history(topic, partition).append(upstreamOffset, downstreamOffset)
  }

  /** The history of a partition, created empty when absent. */
  history (topic: string, partition: number): PartitionSyncHistory {
    let partitions = this.topics.get(topic)
    if (partitions === undefined) {
      partitions = []
      this.topics.set(topic, partitions)
    }
    let history = partitions[partition]
    if (history === undefined) {
      if (!Number.isInteger(partition) || partition < 0 || partition > 0x7fffffff) {
        throw new Mm2FailbackError('MM2_DECODE_INVALID', `Partition ${partition} of ${topic} is not an INT32 of at least 0.`, { topic, partition })
      }
      history = new PartitionSyncHistory(topic, partition, this.options, this.scratch)
      partitions[partition] = history
      this.partitionCount++
    }
    return history
  }

  /** The history of a partition, or undefined when no sync was ever appended for it. */
  find (topic: string, partition: number): PartitionSyncHistory | undefined {
    return this.topics.get(topic)?.[partition]
  }

  /** Translates in `direction` for an upstream topic-partition; `no-syncs` when the partition is unknown. */
  translate (direction: TranslationDirection, topic: string, partition: number, offset: bigint): Translation {
    const history = this.find(topic, partition)
    if (history === undefined) return { kind: 'untranslatable', reason: 'no-syncs' }
    return history.translate(direction, offset)
  }

  /** Prunes a partition below a log-start offset on one side; returns the syncs dropped (0 when unknown). */
  pruneBelow (topic: string, partition: number, side: SyncSide, logStartOffset: bigint): number {
    return this.find(topic, partition)?.pruneBelow(side, logStartOffset) ?? 0
  }

  /** Every partition history of this flow, by topic then partition. */
  * histories (): IterableIterator<PartitionSyncHistory> {
    for (const partitions of this.topics.values()) {
      for (const history of partitions) if (history !== undefined) yield history
    }
  }

  /** Syncs retained over all partitions of this flow. */
  get retainedSyncs (): number {
    let total = 0
    for (const history of this.histories()) total += history.size
    return total
  }
}
