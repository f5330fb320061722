import { describe, expect, it } from 'vitest'
import { parseMm2Properties } from '../../../../sidecar/src/config/mm2-properties.ts'
import { CONSUMER_OFFSETS_TOPIC, RECORD_TYPE, followPlan, type FollowPlan } from '../../../../sidecar/src/core/mm2/follow-plan.ts'

const lines = (...text: string[]): string => text.join('\n') + '\n'
const AB = lines('clusters = A, B', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092')

/** cluster -> topic -> "kind flow" labels, for compact assertions. */
function summary (plan: FollowPlan): Record<string, Record<string, string[]>> {
  return Object.fromEntries([...plan].map(([cluster, topics]) => [cluster, Object.fromEntries([...topics].map(([topic, roles]) =>
    [topic, roles.map((role) => 'flow' in role ? `${role.kind} ${role.flow.name}` : role.kind)]))]))
}

describe('followPlan', () => {
  it('follows each enabled flow\'s internal topics, and __consumer_offsets once per cluster', () => {
    const plan = followPlan(parseMm2Properties(AB + 'A->B.enabled = true\nB->A.enabled = true\n'))
    expect(summary(plan)).toEqual({
      A: {
        'mm2-offset-syncs.B.internal': ['offset-syncs A->B'],
        [CONSUMER_OFFSETS_TOPIC]: ['consumer-offsets'],
        'B.checkpoints.internal': ['checkpoints B->A'],
        'B.heartbeats': ['heartbeats B->A']
      },
      B: {
        'A.checkpoints.internal': ['checkpoints A->B'],
        'A.heartbeats': ['heartbeats A->B'],
        [CONSUMER_OFFSETS_TOPIC]: ['consumer-offsets'],
        'mm2-offset-syncs.A.internal': ['offset-syncs B->A']
      }
    })
  })

  it('puts the offset-syncs topic where offset-syncs.topic.location says, and skips disabled checkpoints and flows', () => {
    const plan = followPlan(parseMm2Properties(AB + 'A->B.enabled = true\noffset-syncs.topic.location = target\nemit.checkpoints.enabled = false\n'))
    expect(summary(plan)).toEqual({
      B: { 'mm2-offset-syncs.A.internal': ['offset-syncs A->B'], 'A.heartbeats': ['heartbeats A->B'], [CONSUMER_OFFSETS_TOPIC]: ['consumer-offsets'] },
      A: { [CONSUMER_OFFSETS_TOPIC]: ['consumer-offsets'] }
    })
  })

  it('adds the history topic on every followed cluster', () => {
    const plan = followPlan(parseMm2Properties(AB + 'A->B.enabled = true\n'), 'mm2-failback.history.internal')
    expect([...plan.keys()].map((cluster) => plan.get(cluster)?.get('mm2-failback.history.internal'))).toEqual([[{ kind: 'history' }], [{ kind: 'history' }]])
  })

  it('labels each role\'s records with the record_type of the metrics', () => {
    expect(RECORD_TYPE).toEqual({
      'offset-syncs': 'offset-sync', checkpoints: 'checkpoint', heartbeats: 'heartbeat', 'consumer-offsets': 'consumer-offsets', history: 'history'
    })
  })
})
