// The groups' committed offsets on every cluster, as read from __consumer_offsets (the broker's own
// log of commits, so the sidecar learns of a commit within one fetch, without polling).
//
// Why entries change in place and every read returns a copy (docs/design.md §2.7): a catch-up reads
// each group-partition's commit dozens of times, and a new entry per commit turned into old-generation
// garbage that grew the heap by hundreds of MB. So a commit updates its entry in place, and no caller
// ever holds an entry: what `get`, `ofGroup`, `onPartition` and `all` return are snapshots, and `set`
// copies what it is given. A snapshot never changes under a caller that awaits with it (group sync
// proves and writes one commit across several round trips).
//
// An entry holds the offset and the commit timestamp as numbers (safe integers, as every offset and
// timestamp a broker writes is), updated in place: a bigint is a heap object, and a new one a commit, the
// entry's only reference to it, survived into the old generation and died there at the next commit of the
// group-partition: a catch-up filled the old generation with them (docs/design.md §2.7). A value beyond
// 2^53 is kept as the bigint it is, beside.
import { partitionKey } from '../keys.ts'

export interface CommittedOffset {
  cluster: string
  group: string
  topic: string
  partition: number
  offset: bigint
  metadata: string
  /** Broker time of the commit, epoch ms. */
  commitTimestamp: bigint
}

/** A commit as the store keeps it (see the module comment). */
interface StoredCommit {
  readonly cluster: string
  readonly group: string
  readonly topic: string
  readonly partition: number
  /** The offset when it is a safe integer; NaN when it is not, and `wideOffset` holds it. */
  offset: number
  wideOffset: bigint | null
  metadata: string
  /** The commit timestamp when it is a safe integer; NaN when it is not, and `wideTimestamp` holds it. */
  commitTimestamp: number
  wideTimestamp: bigint | null
}

const storedOffset = (entry: StoredCommit): bigint => entry.wideOffset ?? BigInt(entry.offset)
const storedTimestamp = (entry: StoredCommit): bigint => entry.wideTimestamp ?? BigInt(entry.commitTimestamp)

const snapshot = (entry: StoredCommit): CommittedOffset => ({
  cluster: entry.cluster,
  group: entry.group,
  topic: entry.topic,
  partition: entry.partition,
  offset: storedOffset(entry),
  metadata: entry.metadata,
  commitTimestamp: storedTimestamp(entry)
})

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER)
const isSafe = (value: bigint): boolean => value <= MAX_SAFE && value >= MIN_SAFE

export class CommittedOffsets {
  /**
   * One key string per topic-partition, shared by every group's entry there (a group's map is keyed by
   * them): 500 groups on one topic's 50 partitions keep 50 strings, not 25,000. Topic-partitions are few
   * next to group-partitions, and a key is ~50 bytes, so they are kept.
   */
  private readonly keys = new Map<string, string[]>()
  private readonly byCluster = new Map<string, Map<string, Map<string, StoredCommit>>>()
  /** cluster -> topic-partition -> groups with an offset there: who to re-evaluate when new syncs arrive. */
  private readonly groupsByPartition = new Map<string, Map<string, Set<string>>>()

  set (entry: CommittedOffset): void {
    this.update(entry.cluster, entry.group, entry.topic, entry.partition, entry.offset, entry.metadata, entry.commitTimestamp)
  }

  /** Records a commit; its entry is updated in place when the group-partition has one (see the module comment). */
  update (cluster: string, group: string, topic: string, partition: number, offset: bigint, metadata: string, commitTimestamp: bigint): void {
    const entry = this.entryFor(cluster, group, topic, partition)
    const safeOffset = isSafe(offset)
    entry.offset = safeOffset ? Number(offset) : Number.NaN
    entry.wideOffset = safeOffset ? null : offset
    entry.metadata = metadata
    const safeTimestamp = isSafe(commitTimestamp)
    entry.commitTimestamp = safeTimestamp ? Number(commitTimestamp) : Number.NaN
    entry.wideTimestamp = safeTimestamp ? null : commitTimestamp
  }

  /**
   * `update` for an offset and a commit timestamp that are safe integers (what decodeCommonOffsetCommitValue
   * reads): a catch-up's millions of commits, with no bigint made.
   */
  updateSafe (cluster: string, group: string, topic: string, partition: number, offset: number, metadata: string, commitTimestamp: number): void {
    const entry = this.entryFor(cluster, group, topic, partition)
    entry.offset = offset
    entry.wideOffset = null
    entry.metadata = metadata
    entry.commitTimestamp = commitTimestamp
    entry.wideTimestamp = null
  }

  /** The group-partition's entry, a new one (offset NaN, to be written by the caller) when it has none. */
  private entryFor (cluster: string, group: string, topic: string, partition: number): StoredCommit {
    let groups = this.byCluster.get(cluster)
    if (groups === undefined) this.byCluster.set(cluster, groups = new Map())
    let partitions = groups.get(group)
    if (partitions === undefined) groups.set(group, partitions = new Map())
    const key = this.keyOf(topic, partition)
    const found = partitions.get(key)
    if (found !== undefined) return found
    const entry: StoredCommit = {
      cluster, group, topic, partition, offset: Number.NaN, wideOffset: null, metadata: '', commitTimestamp: Number.NaN, wideTimestamp: null
    }
    partitions.set(key, entry)
    let byPartition = this.groupsByPartition.get(cluster)
    if (byPartition === undefined) this.groupsByPartition.set(cluster, byPartition = new Map())
    let groupsThere = byPartition.get(key)
    if (groupsThere === undefined) byPartition.set(key, groupsThere = new Set())
    groupsThere.add(group)
    return entry
  }

  /** Committed offsets of every group on `cluster` for one topic-partition. */
  onPartition (cluster: string, topic: string, partition: number): CommittedOffset[] {
    const groups = this.groupsByPartition.get(cluster)?.get(this.keyOf(topic, partition))
    if (groups === undefined) return []
    const result: CommittedOffset[] = []
    for (const group of groups) {
      const entry = this.get(cluster, group, topic, partition)
      if (entry !== undefined) result.push(entry)
    }
    return result
  }

  delete (cluster: string, group: string, topic: string, partition: number): void {
    const key = this.keyOf(topic, partition)
    const byPartition = this.groupsByPartition.get(cluster)
    const groupsThere = byPartition?.get(key)
    groupsThere?.delete(group)
    if (groupsThere?.size === 0) byPartition?.delete(key)
    const partitions = this.byCluster.get(cluster)?.get(group)
    if (partitions === undefined) return
    partitions.delete(key)
    if (partitions.size === 0) this.byCluster.get(cluster)?.delete(group)
  }

  get (cluster: string, group: string, topic: string, partition: number): CommittedOffset | undefined {
    const entry = this.byCluster.get(cluster)?.get(group)?.get(this.keyOf(topic, partition))
    return entry === undefined ? undefined : snapshot(entry)
  }

  /** The offset committed now (no snapshot of the entry made: for comparisons on hot paths). */
  offsetOf (cluster: string, group: string, topic: string, partition: number): bigint | undefined {
    const entry = this.byCluster.get(cluster)?.get(group)?.get(this.keyOf(topic, partition))
    return entry === undefined ? undefined : storedOffset(entry)
  }

  /** Every committed offset of a group on a cluster. */
  ofGroup (cluster: string, group: string): CommittedOffset[] {
    return [...(this.byCluster.get(cluster)?.get(group)?.values() ?? [])].map(snapshot)
  }

  groups (cluster: string): string[] {
    return [...(this.byCluster.get(cluster)?.keys() ?? [])]
  }

  clusters (): string[] {
    return [...this.byCluster.keys()]
  }

  private keyOf (topic: string, partition: number): string {
    let byPartition = this.keys.get(topic)
    if (byPartition === undefined) this.keys.set(topic, byPartition = [])
    const key = byPartition[partition] ?? partitionKey(topic, partition)
    byPartition[partition] = key
    return key
  }

  * all (): IterableIterator<CommittedOffset> {
    for (const groups of this.byCluster.values()) {
      for (const partitions of groups.values()) for (const entry of partitions.values()) yield snapshot(entry)
    }
  }

  /**
   * Snapshots of the entries `wanted` accepts. `wanted` sees each entry through one view object, written
   * over for the next entry, synchronously, and must not keep it: a pass that leaves most commits alone
   * (group sync's periodic re-evaluation) snapshots only the ones it takes.
   */
  select (wanted: (entry: Readonly<CommittedOffset>) => boolean): CommittedOffset[] {
    const result: CommittedOffset[] = []
    const view: CommittedOffset = { cluster: '', group: '', topic: '', partition: 0, offset: 0n, metadata: '', commitTimestamp: 0n }
    for (const groups of this.byCluster.values()) {
      for (const partitions of groups.values()) {
        for (const entry of partitions.values()) {
          view.cluster = entry.cluster
          view.group = entry.group
          view.topic = entry.topic
          view.partition = entry.partition
          view.offset = storedOffset(entry)
          view.metadata = entry.metadata
          view.commitTimestamp = storedTimestamp(entry)
          if (wanted(view)) result.push(snapshot(entry))
        }
      }
    }
    return result
  }
}
