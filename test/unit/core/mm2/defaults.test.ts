import { describe, expect, it } from 'vitest'
import { GROUPS_EXCLUDE_DEFAULT, TOPICS_EXCLUDE_DEFAULT, isClientConfigKey } from '../../../../sidecar/src/core/mm2/defaults.ts'

describe('MM2 defaults', () => {
  it('exports the defaults with MM2 spelling', () => {
    expect(TOPICS_EXCLUDE_DEFAULT).toBe('.*[\\-\\.]internal, .*\\.replica, __.*')
    expect(GROUPS_EXCLUDE_DEFAULT).toBe('console-consumer-.*, connect-.*, __.*')
  })

  it.each([
    ['bootstrap.servers', true], ['security.protocol', true], ['ssl.truststore.location', true], ['sasl.jaas.config', true],
    ['client.id', false], ['consumer.bootstrap.servers', false], ['max.poll.records', false]
  ])('isClientConfigKey(%j) = %j', (key, expected) => {
    expect(isClientConfigKey(key)).toBe(expected)
  })
})
