// Writes snapshots of the translation index and of the proven pairs (core/codec/sync-history.ts) to the
// sidecar's compacted history topic on one cluster, creating the topic when it is missing.
import { Admin, Producer } from '@platformatic/kafka'
import { encodeHistoryRecord, type HistoryRecord } from '../core/codec/sync-history.ts'
import { Mm2FailbackError } from '../errors.ts'
import { explainClientError, messageOf } from './client-errors.ts'
import { describeCluster, toAdminOptions, toProducerOptions, type ClusterClientOptions } from './client-options.ts'

export class HistoryWriter {
  readonly cluster: ClusterClientOptions
  readonly topic: string
  private readonly replicationFactor: number
  private readonly producer: Producer<Buffer, Buffer, Buffer, Buffer>
  private topicReady = false

  constructor (cluster: ClusterClientOptions, topic: string, replicationFactor: number) {
    this.cluster = cluster
    this.topic = topic
    this.replicationFactor = replicationFactor
    this.producer = new Producer({ ...toProducerOptions(cluster, 'history'), idempotent: true, acks: -1 })
  }

  /** Creates the compacted topic if it does not exist (one partition: snapshots are few and small). */
  async ensureTopic (): Promise<void> {
    if (this.topicReady) return
    const admin = new Admin(toAdminOptions(this.cluster, 'history-admin'))
    try {
      const existing = await admin.listTopics({ includeInternals: true })
      if (!existing.includes(this.topic)) {
        await admin.createTopics({
          topics: [this.topic],
          partitions: 1,
          replicas: this.replicationFactor,
          configs: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'min.compaction.lag.ms', value: '60000' }]
        }).catch((error: unknown) => {
          // Another instance may have created it meanwhile.
          if (!messageOf(error).includes('TOPIC_ALREADY_EXISTS')) throw error
        })
      }
      this.topicReady = true
    } catch (error) {
      throw new Mm2FailbackError('MM2_KAFKA_REQUEST_FAILED', `cannot create the history topic ${this.topic} on ${describeCluster(this.cluster)}: ${explainClientError(error, this.cluster, [{ operation: 'Create', resource: 'Topic', name: this.topic }, { operation: 'Create', resource: 'Cluster', name: 'kafka-cluster' }])}`, { cluster: this.cluster.alias, topic: this.topic }, { cause: error })
    } finally {
      await admin.close().catch(() => {})
    }
  }

  async write (snapshots: readonly HistoryRecord[]): Promise<void> {
    if (snapshots.length === 0) return
    await this.ensureTopic()
    const messages = snapshots.map((snapshot) => {
      const { key, value } = encodeHistoryRecord(snapshot)
      return { topic: this.topic, partition: 0, key: Buffer.from(key), value: Buffer.from(value) }
    })
    try {
      await this.producer.send({ messages })
    } catch (error) {
      throw new Mm2FailbackError('MM2_KAFKA_REQUEST_FAILED', `writing ${snapshots.length} history snapshots to ${this.topic} on ${describeCluster(this.cluster)} failed: ${explainClientError(error, this.cluster, [{ operation: 'Write', resource: 'Topic', name: this.topic }])}`, { cluster: this.cluster.alias, topic: this.topic, partition: 0 }, { cause: error })
    }
  }

  async close (): Promise<void> {
    await this.producer.close(true).catch(() => {})
  }
}
