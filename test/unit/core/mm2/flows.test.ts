import { describe, expect, it } from 'vitest'
import { parseMm2Properties } from '../../../../sidecar/src/config/mm2-properties.ts'
import { enabledFlows, remoteTopicName, reverseFlowOf, shouldReplicateGroup, shouldReplicateTopic } from '../../../../sidecar/src/core/mm2/flows.ts'
import type { Mm2Config, Mm2Flow } from '../../../../sidecar/src/core/mm2/model.ts'

const lines = (...text: string[]): string => text.join('\n') + '\n'
const AB = lines('clusters = A, B', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092')

function flow (config: Mm2Config, name: string): Mm2Flow {
  const found = config.flows.find((candidate) => candidate.name === name)
  if (found === undefined) throw new Error(`no flow ${name}`)
  return found
}

describe('shouldReplicateTopic (MirrorSourceConnector)', () => {
  const config = parseMm2Properties(AB + 'A->B.enabled = true\nB->A.enabled = true\ntopics = orders.*\n')
  const ab = flow(config, 'A->B')

  it.each([
    ['orders', true],
    ['payments', false], // not in topics
    ['heartbeats', true], // heartbeats are replicated whatever the filter says
    ['C.heartbeats', true],
    ['B.heartbeats', false], // came from the target: a cycle
    ['B.orders', false], // filter says no, and it would be a cycle anyway
    ['orders.internal', false]
  ])('A->B replicates %j: %j', (topic, expected) => {
    expect(shouldReplicateTopic(ab, topic)).toBe(expected)
  })

  it('B->A never sends A.orders back to A, which is why failback needs the sidecar', () => {
    const everything = parseMm2Properties(AB + 'A->B.enabled = true\nB->A.enabled = true\n')
    expect(shouldReplicateTopic(flow(everything, 'B->A'), 'A.orders')).toBe(false)
    expect(shouldReplicateTopic(flow(everything, 'B->A'), 'orders')).toBe(true)
  })

  it('respects heartbeats.replication.enabled=false (KIP-1089)', () => {
    const off = flow(parseMm2Properties(AB + 'A->B.enabled = true\ntopics = orders\nheartbeats.replication.enabled = false\n'), 'A->B')
    expect(shouldReplicateTopic(off, 'heartbeats')).toBe(false)
  })
})

describe('flows', () => {
  const config = parseMm2Properties(AB + 'A->B.enabled = true\nB->A.enabled = false\ngroups = app-.*\n')

  it('enabledFlows keeps the flows that replicate', () => {
    expect(config.flows.map((candidate) => candidate.name)).toEqual(['A->B', 'B->A'])
    expect(enabledFlows(config).map((candidate) => candidate.name)).toEqual(['A->B'])
  })

  it('reverseFlowOf finds the flow the other way, enabled or not', () => {
    expect(reverseFlowOf(config, flow(config, 'A->B'))?.name).toBe('B->A')
    expect(reverseFlowOf(config, flow(config, 'B->A'))?.name).toBe('A->B')
    const three = parseMm2Properties(lines('clusters = A, B, C', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092', 'A->B.enabled = true'))
    expect(reverseFlowOf({ ...three, flows: three.flows.filter((candidate) => candidate.name !== 'B->A') }, flow(three, 'A->B'))).toBeUndefined()
  })

  it('shouldReplicateGroup applies the flow\'s group filter', () => {
    expect([shouldReplicateGroup(flow(config, 'A->B'), 'app-1'), shouldReplicateGroup(flow(config, 'A->B'), 'batch')]).toEqual([true, false])
  })

  it('remoteTopicName prefixes the source alias with the default policy', () => {
    expect(remoteTopicName(flow(config, 'A->B'), 'orders')).toBe('A.orders')
  })
})
