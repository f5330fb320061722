// The daemon's ingest sink: records_decoded_total and records_skipped_total, and one warning per
// (cluster, topic, partition, reason) naming the first bad record's offset; later ones are counted.
import type { SidecarMetrics } from '../../metrics/registry.ts'
import type { Logger } from '../logger.ts'
import type { IngestSink } from './record-ingest.ts'

export function metricsIngestSink (metrics: Pick<SidecarMetrics, 'recordsDecoded' | 'recordsSkipped'>, logger: Logger): IngestSink {
  return {
    decoded: (source, count) => { metrics.recordsDecoded.inc({ kafka_cluster: source.cluster, record_type: source.recordType }, count) },
    skipped: (record, first) => {
      const { cluster, topic, partition, offset, reason, recordType } = record
      metrics.recordsSkipped.inc({ kafka_cluster: cluster, topic, record_type: recordType, reason })
      if (!first) return
      const where = `cluster ${cluster}, ${topic}-${partition} at offset ${offset}`
      const message = `skipped a bad ${recordType} record on ${where}: ${record.message} (further ones are only counted)`
      logger.warn(message, { cluster, topic, partition, offset, reason })
    }
  }
}
