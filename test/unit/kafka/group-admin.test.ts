// GroupAdmin.liveness must see KIP-848 (consumer protocol) groups: @platformatic/kafka's listGroups
// lists only classic groups unless asked for other types, and a group missing from the list counts as
// having no members (found by test/e2e/sidecar-safety.test.ts with a KIP-848 member on Kafka 4.1).
// No broker: the client's listGroups/describeGroups and the ConsumerGroupDescribe call are stubbed.
import { describe, expect, it } from 'vitest'
import { GroupAdmin } from '../../../sidecar/src/kafka/group-admin.ts'

describe('GroupAdmin.liveness', () => {
  it('asks for classic and consumer groups, and counts a KIP-848 group\'s members', async () => {
    const admin = new GroupAdmin({ alias: 'B', bootstrapServers: ['127.0.0.1:1'] })
    const asked: unknown[] = []
    const stub = admin as unknown as Record<string, unknown>
    stub.listGroups = async (options: { types?: string[] } = {}) => {
      asked.push(options)
      const all = new Map([
        ['kip848', { id: 'kip848', state: 'STABLE', groupType: 'consumer', protocolType: 'consumer' }],
        ['old', { id: 'old', state: 'STABLE', groupType: 'classic', protocolType: 'consumer' }]
      ])
      // What a broker does with the types filter (ListGroups v5): an absent filter is the client's ['classic'].
      const types = options.types ?? ['classic']
      return new Map([...all].filter(([, group]) => types.length === 0 || types.includes(group.groupType)))
    }
    stub.describeGroups = async () => new Map([['old', { id: 'old', state: 'STABLE', members: new Map([['m1', {}], ['m2', {}]]) }]])
    const describedConsumer: string[][] = []
    stub.describeConsumerGroups = async (ids: string[]) => {
      describedConsumer.push(ids)
      return new Map(ids.map((id) => [id, { state: 'Stable', members: 1 }]))
    }
    try {
      const live = await admin.liveness(['kip848', 'old', 'unknown'])
      expect(asked).toEqual([{ types: ['classic', 'consumer'] }])
      expect(live.get('kip848')).toMatchObject({ exists: true, members: 1, protocol: 'consumer' })
      expect(live.get('old')).toMatchObject({ exists: true, members: 2, protocol: 'classic' })
      expect(live.get('unknown')).toMatchObject({ exists: false, members: 0 })
      // KIP-848 groups are described together (one ConsumerGroupDescribe per coordinator), not one by one.
      expect(describedConsumer).toEqual([['kip848']])
    } finally {
      await admin.close().catch(() => {})
    }
  })
})

describe('GroupAdmin.commit', () => {
  it('spreads groups over its commit connections, a group always on the same one', async () => {
    const admin = new GroupAdmin({ alias: 'B', bootstrapServers: ['127.0.0.1:1'] }, 4)
    const committerOf = (admin as unknown as { committerOf: (group: string) => unknown }).committerOf.bind(admin)
    const used = new Set(Array.from({ length: 200 }, (_, i) => committerOf(`group-${i}`)))
    expect(used.size).toBe(4)
    expect(used.has(admin)).toBe(true)
    expect(committerOf('group-7')).toBe(committerOf('group-7'))
    const single = new GroupAdmin({ alias: 'B', bootstrapServers: ['127.0.0.1:1'] }, 1)
    expect((single as unknown as { committerOf: (group: string) => unknown }).committerOf('any')).toBe(single)
    await Promise.all([admin.close(), single.close()].map(async (closing) => { await closing.catch(() => {}) }))
  })

  it('asks for a group\'s coordinator once, and again (retrying once) when the broker says it is not the coordinator', async () => {
    const admin = new GroupAdmin({ alias: 'B', bootstrapServers: ['127.0.0.1:1'] })
    const stub = admin as unknown as Record<string, unknown>
    const lookups: string[][] = []
    let coordinatorPort = 9001
    stub.findCoordinator = async ({ keys }: { keys: string[] }) => {
      lookups.push(keys)
      return keys.map((key) => ({ key, host: '127.0.0.1', port: coordinatorPort }))
    }
    const sentTo: number[] = []
    let movedOnce = false
    const clients = new Set<unknown>()
    stub.callApiOn = async (client: unknown, broker: { port: number }, _api: string, _group: string, _generation: number, _member: string, _instance: null,
      request: Array<{ name: string, partitions: Array<{ partitionIndex: number }> }>) => {
      sentTo.push(broker.port)
      clients.add(client)
      // The first broker stops being the coordinator after the second commit (NOT_COORDINATOR is 16).
      const errorCode = broker.port === 9001 && movedOnce ? 16 : 0
      const answer = (topic: { name: string, partitions: Array<{ partitionIndex: number }> }): unknown =>
        ({ name: topic.name, partitions: topic.partitions.map((entry) => ({ partitionIndex: entry.partitionIndex, errorCode })) })
      return { topics: request.map(answer) }
    }
    const offsets = [{ topic: 'orders', partition: 0, offset: 5n, metadata: '' }]
    try {
      expect(await admin.commit('g', offsets)).toEqual([{ topic: 'orders', partition: 0, errorCode: 0 }])
      expect(await admin.commit('g', offsets)).toEqual([{ topic: 'orders', partition: 0, errorCode: 0 }])
      expect(lookups).toEqual([['g']])
      movedOnce = true
      coordinatorPort = 9002
      expect(await admin.commit('g', offsets)).toEqual([{ topic: 'orders', partition: 0, errorCode: 0 }])
      expect(lookups).toEqual([['g'], ['g']])
      expect(sentTo).toEqual([9001, 9001, 9001, 9002])
      // One group's commits always go over the same connection (one of the committers'), so they stay in order.
      expect(clients.size).toBe(1)
    } finally {
      await admin.close().catch(() => {})
    }
  })
})
