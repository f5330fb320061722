// Group commits read from __consumer_offsets into the committed-offset store (docs/design.md §2.7):
// each record is walked from the fetched bytes (record-set.ts), its key decoded once per group-partition
// (ConsumerOffsetsKeyCache), its value read into one reused object (decodeCommonOffsetCommitValue), and its
// commit written over the entry in place, as numbers, so a catch-up of a million commits makes almost no garbage. In
// log order: a deletion (tombstone) later in the records takes back a commit before it, so a deleted offset
// is never mirrored. Bad records are counted and skipped through RecordIngest like every other record.
import { ConsumerOffsetsKeyCache } from '../../core/codec/consumer-offsets-key-cache.ts'
import {
  decodeCommonOffsetCommitValue, decodeConsumerOffsetsKey, decodeOffsetCommitValue, type OffsetCommitFields, type OffsetCommitKey
} from '../../core/codec/consumer-offsets.ts'
import { RECORD_TYPE } from '../../core/mm2/follow-plan.ts'
import type { CommittedOffset, CommittedOffsets } from '../../core/sync/committed-offsets.ts'
import type { RecordSet } from '../../kafka/record-set.ts'
import type { RecordIngest } from './record-ingest.ts'
import type { TopicPartition } from './sync-ingest.ts'

export class CommitIngest {
  private readonly ingest: RecordIngest
  private readonly committed: CommittedOffsets
  private readonly keys = new ConsumerOffsetsKeyCache()
  /** The fields of the commit being applied, written over by each record (no object a record). */
  private readonly fields: OffsetCommitFields = { offset: 0, metadata: '', commitTimestamp: 0 }

  constructor (ingest: RecordIngest, committed: CommittedOffsets) {
    this.ingest = ingest
    this.committed = committed
  }

  /**
   * Applies the commits and deletions of one partition's records to the store. With `collect`, returns
   * the group-partitions these records left with a commit, in the log order of their last commit (what
   * group sync is handed once the daemon is ready); without, returns nothing (a catch-up).
   */
  apply (at: TopicPartition, records: RecordSet, collect: boolean): CommittedOffset[] {
    const source = { ...at, recordType: RECORD_TYPE['consumer-offsets'] }
    const { cluster } = at
    const fresh = collect ? new Set<OffsetCommitKey>() : null
    let decoded = 0
    records.forEach((record) => {
      try {
        const key = record.keyBytes === null ? decodeConsumerOffsetsKey(null) : this.keys.decode(record.keyBytes, record.keyStart, record.keyEnd)
        // Group metadata and the other coordinator records are well-formed, and not for us.
        if (key.kind !== 'offset-commit') return
        if (record.valueBytes === null) {
          decoded++
          fresh?.delete(key)
          this.committed.delete(cluster, key.group, key.topic, key.partition)
          this.keys.forget(record.keyBytes!, record.keyStart, record.keyEnd)
          return
        }
        const value = this.fields
        if (decodeCommonOffsetCommitValue(record.valueBytes, record.valueStart, record.valueEnd, value)) {
          this.committed.updateSafe(cluster, key.group, key.topic, key.partition, value.offset, value.metadata, value.commitTimestamp)
        } else {
          // A rarer layout, or a malformed value: the full decode reads it, or throws the error that names the field.
          const context = { group: key.group, topic: key.topic, partition: key.partition }
          const full = decodeOffsetCommitValue(record.valueBytes.subarray(record.valueStart, record.valueEnd), context)
          this.committed.update(cluster, key.group, key.topic, key.partition, full.offset, full.metadata, full.commitTimestamp)
        }
        decoded++
        // Moved to the end: the log order of the last commit.
        fresh?.delete(key)
        fresh?.add(key)
      } catch (error) {
        this.ingest.skip(source, record.offset(), error)
      }
    }, (offset, error) => { this.ingest.skip(source, offset, error) })
    if (decoded > 0) this.ingest.countDecoded(source, decoded)
    if (fresh === null) return []
    const commits: CommittedOffset[] = []
    for (const key of fresh) {
      const commit = this.committed.get(cluster, key.group, key.topic, key.partition)
      if (commit !== undefined) commits.push(commit)
    }
    return commits
  }
}
