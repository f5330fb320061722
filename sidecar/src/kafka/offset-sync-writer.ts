// Writes reverse offset syncs into an MM2 offset-syncs topic (always partition 0, as MM2's
// MirrorSourceTask does) through a transactional producer. The transactional id is fixed per topic,
// so a second sidecar that starts writing fences the first: its next write fails with
// PRODUCER_FENCED and it stops (exactly one writer at a time, docs/design.md §2.3). Records are bytes encoded
// by core/codec/offset-sync.ts, so MM2 reads them as its own.
import { findErrorBy } from '@platformatic/kafka'
import { encodeOffsetSync, type OffsetSync } from '../core/codec/offset-sync.ts'
import { Mm2FailbackError } from '../errors.ts'
import { describeCluster, toProducerOptions, type ClusterClientOptions } from './client-options.ts'
import { explainClientError, type RequiredPermission } from './client-errors.ts'
import { TransactionalProducer } from './transactional-producer.ts'

export class OffsetSyncWriter {
  readonly cluster: ClusterClientOptions
  readonly topic: string
  private producer: TransactionalProducer
  private fenced = false

  constructor (cluster: ClusterClientOptions, topic: string) {
    this.cluster = cluster
    this.topic = topic
    this.producer = this.createProducer()
  }

  /** The transactional id: fixed per destination topic and cluster (see the module comment). */
  get transactionalId (): string {
    return `mm2-failback.${this.topic}@${this.cluster.alias}`
  }

  /** What writing needs on the cluster: named in the error when the cluster denies it. */
  private get permissions (): RequiredPermission[] {
    return [{ operation: 'Write', resource: 'Topic', name: this.topic }, { operation: 'Write', resource: 'TransactionalId', name: this.transactionalId }]
  }

  private createProducer (): TransactionalProducer {
    return new TransactionalProducer({
      ...toProducerOptions(this.cluster, 'reverse-syncs'),
      idempotent: true,
      transactionalId: this.transactionalId,
      acks: -1
    })
  }

  /** True once another writer took over; this writer writes nothing more. */
  get isFenced (): boolean {
    return this.fenced
  }

  /**
   * Claims the topic: the broker fences any earlier writer with the same transactional id and aborts
   * its open transaction. Call before reading the topic's high-water mark, so nothing older can land after.
   */
  async claim (): Promise<void> {
    // Beginning a transaction sends InitProducerId, which is what fences; cancel() then releases the
    // client-side transaction without an EndTxn (the broker rejects ending an empty one).
    try {
      // producerId/epoch -1 ask for a new epoch of the transactional id (the client would send 0/0,
      // which the coordinator answers with PRODUCER_FENCED once the id exists).
      const transaction = await this.producer.beginTransaction({ producerId: -1n, producerEpoch: -1 })
      await transaction.cancel()
      // Elected again after a takeover: this claim fenced the instance that wrote meanwhile.
      this.fenced = false
    } catch (error) {
      // A failed begin leaves the client's transaction state behind; start over with a new producer.
      await this.producer.close(true).catch(() => {})
      this.producer = this.createProducer()
      throw new Mm2FailbackError('MM2_KAFKA_REQUEST_FAILED', `cannot claim ${this.topic} on ${describeCluster(this.cluster)} for reverse offset syncs: ${explainClientError(error, this.cluster, this.permissions)}`, { cluster: this.cluster.alias, topic: this.topic, partition: 0 }, { cause: error })
    }
  }

  /** Writes syncs in order in one transaction. Throws Mm2FailbackError; sets isFenced when another writer took over. */
  async write (syncs: readonly OffsetSync[]): Promise<void> {
    if (syncs.length === 0) return
    if (this.fenced) throw this.fencedError()
    const messages = syncs.map((sync) => {
      const { key, value } = encodeOffsetSync(sync)
      return {
        topic: this.topic,
        partition: 0,
        key: Buffer.from(key.buffer, key.byteOffset, key.byteLength),
        value: Buffer.from(value.buffer, value.byteOffset, value.byteLength)
      }
    })
    let transaction: Awaited<ReturnType<TransactionalProducer['beginTransaction']>> | undefined
    try {
      transaction = await this.producer.beginTransaction()
      await transaction.send({ messages })
      await transaction.commit()
    } catch (error) {
      // Abort; when the coordinator refuses that too (nothing was added, or it is unreachable), drop the
      // transaction on the client side, or every later write would fail with "already an active
      // transaction". The coordinator aborts whatever it holds after transaction.timeout.ms.
      const open = transaction
      if (open !== undefined) await open.abort().catch(async () => { await open.cancel().catch(() => {}) })
      if (isFencedError(error)) {
        this.fenced = true
        throw this.fencedError()
      }
      throw new Mm2FailbackError('MM2_KAFKA_REQUEST_FAILED', `writing ${syncs.length} reverse offset syncs to ${this.topic} on ${describeCluster(this.cluster)} failed: ${explainClientError(error, this.cluster, this.permissions)}`, { cluster: this.cluster.alias, topic: this.topic, partition: 0 }, { cause: error })
    }
  }

  async close (): Promise<void> {
    await this.producer.close(true).catch(() => {})
  }

  private fencedError (): Mm2FailbackError {
    return new Mm2FailbackError('MM2_KAFKA_REQUEST_FAILED', `another mm2-failback instance now writes reverse offset syncs to ${this.topic} on cluster ${this.cluster.alias}; this one stopped writing there.`, { cluster: this.cluster.alias, topic: this.topic, partition: 0, fenced: true })
  }
}

function isFencedError (error: unknown): boolean {
  if (!(error instanceof Error)) return false
  return findErrorBy(error, 'producerFenced', true) !== null ||
    findErrorBy(error, 'apiId', 'PRODUCER_FENCED') !== null ||
    findErrorBy(error, 'apiId', 'INVALID_PRODUCER_EPOCH') !== null
}
