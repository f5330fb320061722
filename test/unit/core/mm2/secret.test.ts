import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { Secret, displayValue, isSecretKey, quotedValue, reveal, settingValue } from '../../../../sidecar/src/core/mm2/secret.ts'

describe('secret settings', () => {
  it.each([
    ['ssl.truststore.password', true], ['A.sasl.jaas.config', true], ['B.producer.ssl.key.password', true],
    ['sasl.oauthbearer.client.credentials.client.secret', true], ['A.ssl.keystore.key', true],
    ['basic.auth.user.info', true], ['sasl.mechanism', false], ['ssl.keystore.location', false], ['bootstrap.servers', false]
  ])('isSecretKey(%j) = %j', (key, expected) => {
    expect(isSecretKey(key)).toBe(expected)
  })

  it('wraps the values of secret keys only', () => {
    expect(settingValue('ssl.key.password', 'hunter2')).toBeInstanceOf(Secret)
    expect(settingValue('ssl.keystore.location', '/etc/ks.p12')).toBe('/etc/ks.p12')
    expect(reveal(settingValue('ssl.key.password', 'hunter2'))).toBe('hunter2')
    expect(displayValue(settingValue('ssl.key.password', 'hunter2'))).toBe('******')
  })

  it('quotes values for messages, masking secret ones', () => {
    expect(quotedValue('sasl.mechanism', 'PLAIN')).toBe('"PLAIN"')
    expect(quotedValue('B.ssl.truststore.password', 'hunter2')).toBe('******')
  })
})

describe('Secret', () => {
  it('never prints its value, only reveal() gives it', () => {
    const secret = new Secret('hunter2')
    expect([String(secret), `${secret}`, JSON.stringify({ secret }), inspect(secret)]).toEqual(['******', '******', '{"secret":"******"}', 'Secret(******)'])
    expect(secret.reveal()).toBe('hunter2')
  })
})
