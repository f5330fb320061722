// Every record the sidecar or reconcile reads from a Kafka topic goes through here: decoded, counted
// as decoded or skipped, and a skipped one logged once (docs/design.md §5: bad bytes are counted per
// reason and logged once with cluster, topic, partition and offset; they never stop the records
// around them, and never reach the translation index). A record is skipped when decoding it throws
// (null key, tombstone, truncated, oversized, unknown version, impossible field) and also when using
// it does (e.g. an offset the index cannot hold): whatever batch it sits in, the others go on.
import { recordSkipReason } from '../../metrics/initial-series.ts'
import { compositeKey } from '../../core/keys.ts'

/** Where a batch of records came from, and what they are. */
export interface RecordSource {
  cluster: string
  topic: string
  partition: number
  /** The `record_type` label: offset-sync, checkpoint, heartbeat, consumer-offsets, history. */
  recordType: string
}

/** The parts of a fetched record ingest reads (the kafka adapters' FetchedRecord satisfies it). */
export interface IngestRecord {
  offset: bigint
  key: Uint8Array | null
  value: Uint8Array | null
}

export interface SkippedRecord extends RecordSource {
  offset: bigint
  /** records_skipped_total's `reason` label, e.g. decode_truncated. */
  reason: string
  message: string
}

/** What ingest reports to: the daemon's metrics and logger, or reconcile's summary. */
export interface IngestSink {
  decoded: (source: RecordSource, count: number) => void
  /** Called for every skipped record; `first` is true for the first skip of its (cluster, topic, partition, reason). */
  skipped: (record: SkippedRecord, first: boolean) => void
}

export interface SkipCount {
  cluster: string
  topic: string
  recordType: string
  reason: string
  count: number
}

export class RecordIngest {
  private readonly sink: IngestSink
  /** (cluster, topic, partition, reason) already logged. */
  private readonly logged = new Set<string>()
  private readonly counts = new Map<string, SkipCount>()

  constructor (sink: IngestSink) {
    this.sink = sink
  }

  /**
   * Decodes each record with `decode` and hands the value to `use`; a record whose decoding or use
   * throws is counted and skipped, and the loop goes on with the next one. `decode` returns
   * undefined for a well-formed record that is not for us (e.g. group metadata in
   * __consumer_offsets): neither decoded nor skipped.
   */
  each<R extends IngestRecord, T>(
    source: RecordSource,
    records: readonly R[],
    decode: (record: R) => T | undefined,
    use: (value: T, record: R) => void
  ): void {
    let decoded = 0
    for (const record of records) {
      let value: T | undefined
      try {
        value = decode(record)
      } catch (error) {
        this.skip(source, record.offset, error)
        continue
      }
      if (value === undefined) continue
      decoded++
      try {
        use(value, record)
      } catch (error) {
        this.skip(source, record.offset, error)
      }
    }
    if (decoded > 0) this.sink.decoded(source, decoded)
  }

  /** Counts records decoded by a caller that walks them itself (the commits of __consumer_offsets). */
  countDecoded (source: RecordSource, count: number): void {
    this.sink.decoded(source, count)
  }

  /** Counts and reports one unusable record. */
  skip (source: RecordSource, offset: bigint, error: unknown): void {
    const reason = recordSkipReason(error)
    const countKey = compositeKey(source.cluster, source.topic, '', reason)
    const count = this.counts.get(countKey) ?? { cluster: source.cluster, topic: source.topic, recordType: source.recordType, reason, count: 0 }
    count.count++
    this.counts.set(countKey, count)
    const logKey = compositeKey(source.cluster, source.topic, source.partition, reason)
    const first = !this.logged.has(logKey)
    if (first) this.logged.add(logKey)
    const message = error instanceof Error ? error.message : String(error)
    this.sink.skipped({ ...source, offset, reason, message }, first)
  }

  /** Skipped records so far, per cluster, topic and reason. */
  skipCounts (): SkipCount[] {
    return [...this.counts.values()].map((count) => ({ ...count }))
  }
}
