import { describe, expect, it } from 'vitest'
import { isBelowMm2Syncs, requireTranslated } from '../../../../sidecar/src/core/translation/translation.ts'
import { isMm2FailbackError } from '../../../../sidecar/src/errors.ts'
import { exact, fwd, historyOf, THREE, untranslatable } from './sync-builders.ts'

describe('requireTranslated', () => {
  it('returns a translation and throws MM2_UNTRANSLATABLE with context otherwise', () => {
    const history = historyOf(THREE)
    expect(requireTranslated(fwd(history, 150), 'forward', 150n)).toEqual(exact(251, [150, 251]))
    let error: unknown
    try {
      requireTranslated(fwd(history, 5), 'forward', 5n, { topic: 'orders', partition: 0, cluster: 'A' })
    } catch (e) {
      error = e
    }
    expect(isMm2FailbackError(error, 'MM2_UNTRANSLATABLE')).toBe(true)
    expect((error as Error).message).toBe('Offset 5 of orders-0 cannot be translated forward: no-sync-at-or-below.')
    expect(() => requireTranslated(untranslatable('no-syncs'), 'reverse', 1n)).toThrow('Offset 1 of the partition cannot be translated reverse: no-syncs.')
  })
})

describe('isBelowMm2Syncs', () => {
  it('is true only where no MM2 sync lies at or below: a proof from the log start can place those', () => {
    expect(isBelowMm2Syncs(untranslatable('no-syncs'))).toBe(true)
    expect(isBelowMm2Syncs(untranslatable('no-sync-at-or-below'))).toBe(true)
    for (const reason of ['history-reset', 'below-log-start', 'invalid-offset', 'not-copied-yet', 'target-unreachable'] as const) {
      expect(isBelowMm2Syncs(untranslatable(reason)), reason).toBe(false)
    }
    expect(isBelowMm2Syncs(fwd(historyOf(THREE), 150))).toBe(false)
  })
})
