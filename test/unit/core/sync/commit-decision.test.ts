import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decideCommitSync, type CommitSyncInput } from '../../../../sidecar/src/core/sync/commit-decision.ts'
import { parseProvenance, provenanceMetadata } from '../../../../sidecar/src/core/sync/provenance.ts'
import type { Translation } from '../../../../sidecar/src/core/translation/translation.ts'

const exact = (offset: bigint): Translation => ({
  kind: 'translated',
  offset,
  method: 'exact',
  sync: { upstreamOffset: offset, downstreamOffset: offset },
  rereadWindow: 0n
})
const conservative = (offset: bigint, window: bigint): Translation => ({
  kind: 'translated',
  offset,
  method: 'conservative',
  sync: { upstreamOffset: 0n, downstreamOffset: offset - 1n },
  rereadWindow: window
})

function input (overrides: Partial<CommitSyncInput>): CommitSyncInput {
  return {
    sourceCluster: 'A',
    sourceOffset: 100n,
    sourceMetadata: '',
    translation: exact(90n),
    targetCommitted: null,
    targetMembers: 0,
    allowRewind: false,
    ...overrides
  }
}

describe('provenance metadata', () => {
  it('round-trips cluster and offset', () => {
    const metadata = provenanceMetadata({ fromCluster: 'A', fromOffset: 123n })
    expect(metadata).toBe('mm2-failback/v1 from=A offset=123')
    expect(parseProvenance(metadata)).toEqual({ fromCluster: 'A', fromOffset: 123n })
  })

  it.each([[null], [''], ['app metadata'], ['mm2-failback/v1 garbage'], ['mm2-failback/v1 from=A offset=-1']])('%j is not ours', (metadata) => {
    expect(parseProvenance(metadata)).toBeNull()
  })
})

describe('decideCommitSync', () => {
  it.each([
    ['own write is never echoed', { sourceMetadata: 'mm2-failback/v1 from=B offset=7' }, { action: 'skip', reason: 'own-write', offset: null }],
    ['untranslatable', { translation: { kind: 'untranslatable', reason: 'no-syncs' } as Translation },
      { action: 'skip', reason: 'untranslatable', offset: null }],
    ['live members on the target', { targetMembers: 2, targetCommitted: 10n }, { action: 'skip', reason: 'group-active', offset: 90n }],
    ['already in sync', { targetCommitted: 90n }, { action: 'skip', reason: 'in-sync', offset: 90n }],
    ['target ahead: would rewind', { targetCommitted: 95n }, { action: 'skip', reason: 'would-rewind', offset: 90n }],
    ['target behind: commit', { targetCommitted: 50n },
      { action: 'commit', offset: 90n, metadata: 'mm2-failback/v1 from=A offset=100', method: 'exact', rereadWindow: 0n }],
    ['no offset on the target: commit', {},
      { action: 'commit', offset: 90n, metadata: 'mm2-failback/v1 from=A offset=100', method: 'exact', rereadWindow: 0n }],
    ['rewind allowed', { targetCommitted: 95n, allowRewind: true },
      { action: 'commit', offset: 90n, metadata: 'mm2-failback/v1 from=A offset=100', method: 'exact', rereadWindow: 0n }],
    ['conservative carries its window', { translation: conservative(91n, 9n) },
      { action: 'commit', offset: 91n, metadata: 'mm2-failback/v1 from=A offset=100', method: 'conservative', rereadWindow: 9n }]
  ] as Array<[string, Partial<CommitSyncInput>, unknown]>)('%s', (_name, overrides, expected) => {
    expect(decideCommitSync(input(overrides))).toEqual(expected)
  })

  it('never commits into a live group and never moves backwards without allowRewind (property)', () => {
    fc.assert(fc.property(
      fc.bigInt({ min: 0n, max: 1000n }), fc.option(fc.bigInt({ min: 0n, max: 1000n })), fc.nat(3), fc.boolean(),
      (translated, committed, members, allowRewind) => {
        const decision = decideCommitSync(input({ translation: exact(translated), targetCommitted: committed, targetMembers: members, allowRewind }))
        if (decision.action === 'commit') {
          expect(members).toBe(0)
          if (committed !== null && !allowRewind) expect(decision.offset).toBeGreaterThan(committed)
          expect(parseProvenance(decision.metadata)).not.toBeNull()
        }
      }))
  })

  it('a commit and its echo settle after one write each way (no ping-pong)', () => {
    // A commits 100 -> B gets 90 (tagged). B's commit of 90 is our own write: skipped. Even with the
    // tag lost, translating B's 90 back gives <= 100, which A already holds: in-sync or would-rewind.
    const first = decideCommitSync(input({ targetCommitted: null }))
    expect(first.action).toBe('commit')
    const echo = decideCommitSync(input({
      sourceCluster: 'B',
      sourceOffset: 90n,
      sourceMetadata: first.action === 'commit' ? first.metadata : '',
      translation: exact(100n),
      targetCommitted: 100n
    }))
    expect(echo).toMatchObject({ action: 'skip', reason: 'own-write' })
    for (const back of [exact(100n), conservative(97n, 2n)]) {
      const untagged = decideCommitSync(input({ sourceCluster: 'B', sourceOffset: 90n, sourceMetadata: '', translation: back, targetCommitted: 100n }))
      expect(untagged.action).toBe('skip')
    }
  })
})
