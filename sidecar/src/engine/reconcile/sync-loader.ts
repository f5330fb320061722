// Reconcile's translation index, built by the same ingest as the daemon's (engine/ingest/): the
// sidecar's history topic on both clusters and MM2's offset-syncs topics of both flows, each read
// to its current end, then seeded. Records that cannot be used are counted per cluster, topic and
// reason, and reported; they never enter the index.
import type { Mm2Flow } from '../../core/mm2/model.ts'
import { SyncIndex } from '../../core/translation/sync-index.ts'
import { Mm2FailbackError } from '../../errors.ts'
import { RecordIngest, type SkipCount } from '../ingest/record-ingest.ts'
import { SyncIngest } from '../ingest/sync-ingest.ts'
import type { FetchedRecord } from '../ports.ts'
import { withTimeout, type Side } from './sides.ts'

export interface LoadedSyncs {
  index: SyncIndex
  skipped: SkipCount[]
}

export interface SyncLoaderOptions {
  sides: ReadonlyMap<string, Side>
  /** The enabled flows between the two clusters. */
  flows: readonly Mm2Flow[]
  historyTopic: string
  timeoutMs: number
}

/** Every record of a topic (all partitions) read to its current end, one partition's records at a time. */
async function readTopic (side: Side, topic: string, onRecords: (partition: number, records: FetchedRecord[]) => void): Promise<void> {
  const partitions = await side.reader.partitionCount(topic)
  for (let partition = 0; partition < (partitions ?? 0); partition++) {
    let offset = 0n
    for (;;) {
      const read = await side.reader.read(topic, partition, offset, 4 * 1024 * 1024)
      onRecords(partition, read.records.filter((record) => record.aborted !== true))
      if (read.nextOffset <= offset || read.nextOffset >= read.endOffset) break
      offset = read.nextOffset
    }
  }
}

export async function loadSyncs (options: SyncLoaderOptions): Promise<LoadedSyncs> {
  const { sides, flows, historyTopic, timeoutMs } = options
  const index = new SyncIndex()
  const ingest = new RecordIngest({ decoded: () => {}, skipped: () => {} })
  const syncs = new SyncIngest({ index, ingest, flows })
  const work: Array<Promise<void>> = []
  for (const side of sides.values()) {
    work.push(readTopic(side, historyTopic, (partition, records) => {
      syncs.history({ cluster: side.alias, topic: historyTopic, partition }, records)
    }))
  }
  for (const flow of flows) {
    if (!flow.emitOffsetSyncsEnabled) continue
    const location = flow.internalTopics.offsetSyncs
    const side = sides.get(location.cluster)
    if (side === undefined) continue
    work.push(readTopic(side, location.topic, (partition, records) => {
      syncs.offsetSyncs(flow, { cluster: side.alias, topic: location.topic, partition }, records)
    }))
  }
  const aliases = [...sides.keys()].join(' and ')
  const tooLong = (): Mm2FailbackError =>
    new Mm2FailbackError('MM2_CLUSTER_UNREACHABLE', `reading the offset-syncs and history topics of clusters ${aliases} took more than ${timeoutMs * 2} ms.`, {})
  await withTimeout(Promise.all(work), timeoutMs * 2, tooLong)
  syncs.seed()
  return { index, skipped: ingest.skipCounts() }
}
