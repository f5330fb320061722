// One cluster's followers: MM2's topics read_uncommitted, __consumer_offsets read_committed, the
// cluster's `up` gauge and health, and an outage logged once, not per retry.
import { describe, expect, it } from 'vitest'
import { ClusterFollower } from '../../../../sidecar/src/engine/daemon/cluster-follower.ts'
import { createLogger } from '../../../../sidecar/src/engine/logger.ts'
import { createMetrics } from '../../../../sidecar/src/metrics/registry.ts'
import { FakeCluster } from '../fakes.ts'
import { recordsOf } from '../../../../sidecar/src/kafka/record-set.ts'

function follow (cluster: FakeCluster, now: () => number = Date.now): {
  follower: ClusterFollower
  logs: string[]
  records: string[]
  unauthorized: string[]
  metrics: ReturnType<typeof createMetrics>
} {
  const logs: string[] = []
  const records: string[] = []
  const unauthorized: string[] = []
  const metrics = createMetrics()
  const follower = new ClusterFollower({
    alias: cluster.alias,
    adapters: cluster.adapters(),
    topics: ['mm2-offset-syncs.B.internal', '__consumer_offsets'],
    maxWaitMs: 10,
    retryDelayMs: 10,
    metrics,
    logger: createLogger({ level: 'info', format: 'text', write: (line) => { logs.push(line) } }),
    onRecords: (topic, partition, batch) => { records.push(`${topic}-${partition}:${recordsOf(batch, () => {}).length}`) },
    onUnauthorized: (topic) => { unauthorized.push(topic) },
    now
  })
  return { follower, logs, records, unauthorized, metrics }
}

describe('ClusterFollower', () => {
  it('follows MM2\'s topics read_uncommitted and group commits read_committed, and is caught up when both are', async () => {
    const cluster = new FakeCluster('A')
    cluster.append('mm2-offset-syncs.B.internal', 0, { key: null, value: null })
    const { follower, records, metrics } = follow(cluster)
    expect(cluster.followers.map((entry) => [entry.spec.topics, entry.spec.readCommitted])).toEqual([
      [['mm2-offset-syncs.B.internal'], false],
      [['__consumer_offsets'], true]
    ])
    expect(follower.isCaughtUp()).toBe(false)
    follower.start()
    expect(follower.isCaughtUp()).toBe(true)
    expect(follower.isReplaying()).toBe(false)
    expect(records).toEqual(['mm2-offset-syncs.B.internal-0:1'])
    expect(follower.health()).toEqual({ alias: 'A', caughtUp: true, everAnswered: true, failingSinceMs: null })
    expect(await metrics.registry.metrics()).toContain('mm2_failback_up{kafka_cluster="A"} 1')
  })

  it('says when __consumer_offsets was read to its end, and again for each share dealt (sharded), never for an empty share', () => {
    const cluster = new FakeCluster('A')
    cluster.append('__consumer_offsets', 3, { key: null, value: null })
    let nowMs = 1_000
    const { follower, logs } = follow(cluster, () => nowMs)
    nowMs = 3_500
    follower.start()
    expect(logs.filter((line) => line.includes('read to its end'))).toEqual([
      expect.stringContaining('cluster A: __consumer_offsets read to its end (every partition) in 2.50 s')
    ])
    const sharded = new FakeCluster('B')
    const shardedLogs: string[] = []
    const shardedFollower = new ClusterFollower({
      alias: 'B',
      adapters: sharded.adapters(),
      topics: ['__consumer_offsets'],
      maxWaitMs: 10,
      retryDelayMs: 10,
      metrics: createMetrics(),
      logger: createLogger({ level: 'info', format: 'text', write: (line) => { shardedLogs.push(line) } }),
      onRecords: () => {},
      onUnauthorized: () => {},
      shardedCommits: true,
      now: () => nowMs
    })
    shardedFollower.start()
    expect(shardedLogs.filter((line) => line.includes('read to its end')), 'nothing is read before a share is dealt').toEqual([])
    shardedFollower.assignCommits(new Set([1, 2, 3]))
    shardedFollower.assignCommits(new Set())
    nowMs = 4_000
    shardedFollower.assignCommits(new Set([7]))
    expect(shardedLogs.filter((line) => line.includes('read to its end'))).toEqual([
      expect.stringContaining('cluster B: __consumer_offsets read to its end (the 3 partitions followed for this instance\'s share) in 0.00 s'),
      expect.stringContaining('cluster B: __consumer_offsets read to its end (the 1 partition followed for this instance\'s share) in 0.00 s')
    ])
  })

  it('a cluster that does not answer: up 0, failing since it started, one warning however many retries', async () => {
    const cluster = new FakeCluster('B')
    cluster.down = true
    const { follower, logs, metrics } = follow(cluster, () => 42)
    follower.start()
    for (const entry of cluster.followers) entry.pump()
    expect(follower.health()).toEqual({ alias: 'B', caughtUp: false, everAnswered: false, failingSinceMs: 42 })
    expect(await metrics.registry.metrics()).toContain('mm2_failback_up{kafka_cluster="B"} 0')
    const warnings = logs.filter((line) => line.includes('cannot read from cluster B (fake-B:9092, PLAINTEXT)'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('retrying every 10 ms')
  })

  it('passes on a topic the cluster will not let it read', () => {
    const cluster = new FakeCluster('A')
    cluster.unauthorized.add('__consumer_offsets')
    const { follower, unauthorized } = follow(cluster)
    follower.start()
    expect(unauthorized).toEqual(['__consumer_offsets'])
  })
})
