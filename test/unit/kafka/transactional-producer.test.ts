// The reverse-sync writer's producer must not send the brokers' own AddPartitionsToTxn versions (4+,
// KIP-890), which need ClusterAction: found by test/e2e/acls.test.ts, where a sidecar with only the
// documented ACLs got CLUSTER_AUTHORIZATION_FAILED on its first transactional write. No broker here:
// the client's ApiVersions answer is stubbed.
import { addPartitionsToTxnV3, kGetApi, kListApis } from '@platformatic/kafka'
import { describe, expect, it } from 'vitest'
import { clientAddPartitionsVersion, MAX_CLIENT_ADD_PARTITIONS_VERSION, TransactionalProducer } from '../../../sidecar/src/kafka/transactional-producer.ts'

describe('clientAddPartitionsVersion', () => {
  it.each([
    [0, 5, 3], [0, 4, 3], [0, 3, 3], [0, 2, 2], [1, 3, 3], [4, 5, null]
  ])('broker range %i..%i -> %s', (min, max, expected) => {
    expect(clientAddPartitionsVersion(min, max)).toBe(expected)
  })

  it('caps at version 3, as the Java producer does', () => {
    expect(MAX_CLIENT_ADD_PARTITIONS_VERSION).toBe(3)
  })
})

describe('TransactionalProducer', () => {
  it('picks AddPartitionsToTxn v3 from a Kafka 4.1 broker offering 0..5, asks once, and leaves other APIs alone', async () => {
    const producer = new TransactionalProducer({ clientId: 't', bootstrapBrokers: ['127.0.0.1:1'], idempotent: true, transactionalId: 'tx' })
    let listed = 0
    const stub = producer as unknown as Record<symbol, unknown>
    stub[kListApis] = (callback: (error: Error | null, apis: unknown) => void) => {
      listed++
      callback(null, [{ apiKey: 24, name: 'AddPartitionsToTxn', minVersion: 0, maxVersion: 5 }, { apiKey: 0, name: 'Produce', minVersion: 3, maxVersion: 12 }])
    }
    const get = async (name: string): Promise<unknown> => await new Promise((resolve, reject) => {
      producer[kGetApi](name, (error, api) => { if (error !== null && error !== undefined) reject(error); else resolve(api) })
    })
    try {
      expect(await get('AddPartitionsToTxn')).toBe(addPartitionsToTxnV3.api)
      expect(await get('AddPartitionsToTxn')).toBe(addPartitionsToTxnV3.api)
      expect(listed).toBe(1)
    } finally {
      await producer.close(true).catch(() => {})
    }
  })
})
