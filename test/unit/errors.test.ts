import { describe, expect, it } from 'vitest'
import { ERROR_CODES, Mm2FailbackError, isMm2FailbackError } from '../../sidecar/src/errors.ts'

describe('errors', () => {
  it('every code carries the MM2_ prefix and a retriable flag', () => {
    const codes = Object.keys(ERROR_CODES)
    expect(codes.length).toBeGreaterThan(5)
    for (const code of codes) {
      expect(code).toMatch(/^MM2_[A-Z_]+$/)
      expect(typeof ERROR_CODES[code as keyof typeof ERROR_CODES].retriable).toBe('boolean')
    }
  })

  it('serialises to JSON with bigint context as strings and the cause summarised', () => {
    const error = new Mm2FailbackError(
      'MM2_CLUSTER_UNREACHABLE',
      'cluster A (localhost:9092) is unreachable.',
      { cluster: 'A', offset: 42n },
      { cause: new Error('ECONNREFUSED') }
    )
    expect(error.retriable).toBe(true)
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      code: 'MM2_CLUSTER_UNREACHABLE',
      message: 'cluster A (localhost:9092) is unreachable.',
      retriable: true,
      context: { cluster: 'A', offset: '42' },
      cause: { name: 'Error', message: 'ECONNREFUSED' }
    })
  })

  it('recognises its own errors by code', () => {
    const error = new Mm2FailbackError('MM2_USAGE', 'bad flag')
    expect(isMm2FailbackError(error)).toBe(true)
    expect(isMm2FailbackError(error, 'MM2_USAGE')).toBe(true)
    expect(isMm2FailbackError(error, 'MM2_INTERNAL')).toBe(false)
    expect(isMm2FailbackError(new Error('x'))).toBe(false)
  })
})
