// The test matrix: every real-Kafka test on the oldest and the newest line, the drill alone on the
// lines between, and explicit lists that override both.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { KAFKA_LINES } from '../../../lab/versions.ts'
import { DEFAULT_SMOKE_LINES, DEFAULT_TESTED_LINES, hasKip848Groups, smokeKafkaLines, testedKafkaLines } from '../../kafka-lines.ts'

describe('Kafka lines of the real-Kafka tests', () => {
  afterEach(() => { vi.unstubAllEnvs() })

  it('by default: full on the oldest and newest line, smoke on every line between, each line once', () => {
    vi.stubEnv('MM2_FAILBACK_E2E_VERSIONS', '')
    vi.stubEnv('MM2_FAILBACK_SMOKE_VERSIONS', undefined)
    expect(DEFAULT_TESTED_LINES).toEqual(['3.9', '4.4'])
    expect(DEFAULT_SMOKE_LINES).toEqual(['4.1'])
    expect([...testedKafkaLines(), ...smokeKafkaLines()].sort()).toEqual([...KAFKA_LINES].sort())
  })

  it('an explicit list runs every test there and turns the default smoke lines off; smoke lines can be named too', () => {
    vi.stubEnv('MM2_FAILBACK_E2E_VERSIONS', '4.1')
    vi.stubEnv('MM2_FAILBACK_SMOKE_VERSIONS', undefined)
    expect(testedKafkaLines()).toEqual(['4.1'])
    expect(smokeKafkaLines()).toEqual([])
    vi.stubEnv('MM2_FAILBACK_SMOKE_VERSIONS', '3.9, 4.1')
    expect(smokeKafkaLines()).toEqual(['3.9'])
    vi.stubEnv('MM2_FAILBACK_E2E_VERSIONS', '5.0')
    expect(() => testedKafkaLines()).toThrow(/5\.0/)
  })

  it('KIP-848 groups from Kafka 4.0', () => {
    expect(KAFKA_LINES.filter(hasKip848Groups)).toEqual(['4.1', '4.4'])
  })
})
