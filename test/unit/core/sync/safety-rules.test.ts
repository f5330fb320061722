import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkTargetSafety, isAlreadyInSync, isLiveGroup, wouldRewind } from '../../../../sidecar/src/core/sync/safety-rules.ts'

describe('safety rules', () => {
  it('rule 1: a group with members is live, one without is not', () => {
    expect(isLiveGroup(0)).toBe(false)
    expect(isLiveGroup(1)).toBe(true)
    expect(isLiveGroup(12)).toBe(true)
  })

  it('rule 2: moving back is a rewind unless allowed; no target offset is never a rewind', () => {
    expect(wouldRewind(100n, 99n, false)).toBe(true)
    expect(wouldRewind(100n, 99n, true)).toBe(false)
    expect(wouldRewind(100n, 100n, false)).toBe(false)
    expect(wouldRewind(100n, 101n, false)).toBe(false)
    expect(wouldRewind(null, 0n, false)).toBe(false)
  })

  it('rule 3: in sync only when the target holds exactly the offset', () => {
    expect(isAlreadyInSync(100n, 100n)).toBe(true)
    expect(isAlreadyInSync(100n, 101n)).toBe(false)
    expect(isAlreadyInSync(null, 0n)).toBe(false)
  })

  it.each([
    ['live group first, even when in sync', { targetMembers: 1, targetCommitted: 5n, allowRewind: false }, 5n, 'group-active'],
    ['in sync', { targetMembers: 0, targetCommitted: 5n, allowRewind: false }, 5n, 'in-sync'],
    ['in sync with rewinds allowed', { targetMembers: 0, targetCommitted: 5n, allowRewind: true }, 5n, 'in-sync'],
    ['would rewind', { targetMembers: 0, targetCommitted: 9n, allowRewind: false }, 5n, 'would-rewind'],
    ['rewind allowed', { targetMembers: 0, targetCommitted: 9n, allowRewind: true }, 5n, null],
    ['forward', { targetMembers: 0, targetCommitted: 1n, allowRewind: false }, 5n, null],
    ['no offset yet', { targetMembers: 0, targetCommitted: null, allowRewind: false }, 5n, null],
    ['liveness not asked yet', { targetMembers: null, targetCommitted: 1n, allowRewind: false }, 5n, null]
  ] as const)('checkTargetSafety: %s', (_name, target, offset, expected) => {
    expect(checkTargetSafety(target, offset)).toBe(expected)
  })

  it('never allows a write into a live group, nor a backwards one without allowRewind (property)', () => {
    fc.assert(fc.property(
      fc.nat(3), fc.option(fc.bigInt({ min: 0n, max: 50n })), fc.bigInt({ min: 0n, max: 50n }), fc.boolean(),
      (members, committed, offset, allowRewind) => {
        const verdict = checkTargetSafety({ targetMembers: members, targetCommitted: committed, allowRewind }, offset)
        if (verdict === null) {
          expect(members).toBe(0)
          if (committed !== null) expect(committed === offset).toBe(false)
          if (committed !== null && !allowRewind) expect(offset > committed).toBe(true)
        }
      }))
  })
})
