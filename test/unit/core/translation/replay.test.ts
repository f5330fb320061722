import { describe, expect, it } from 'vitest'
import { replaySync } from '../../../../sidecar/src/core/translation/replay.ts'
import { FlowSyncIndex } from '../../../../sidecar/src/core/translation/flow-sync-index.ts'

function seeded (): ReturnType<FlowSyncIndex['history']> {
  const history = new FlowSyncIndex('A', 'B').history('orders', 0)
  for (const [u, d] of [[0n, 0n], [100n, 90n], [200n, 180n]] as const) history.append(u, d)
  return history
}

describe('replaySync', () => {
  it.each([
    ['an older sync from the start of the topic is superseded', 50n, 45n, 'superseded', 3],
    ['the newest sync again is superseded', 200n, 180n, 'superseded', 3],
    ['a newer sync is appended', 250n, 230n, 'appended', 4],
    ['an upstream rewind (downstream moves on) is a real reset', 150n, 300n, 'upstream-rewind', 1],
    ['a downstream truncation (upstream moves on) is a real reset', 300n, 10n, 'downstream-truncation', 1]
  ] as const)('%s', (_name, u, d, outcome, size) => {
    const history = seeded()
    expect(replaySync(history, u, d)).toBe(outcome)
    expect(history.size).toBe(size)
  })

  it('keeps seeded history that MM2 topic compaction lost: translation still uses old syncs', () => {
    const history = seeded()
    for (const [u, d] of [[200n, 180n], [210n, 190n]] as const) replaySync(history, u, d)
    expect(history.translateForward(100n)).toMatchObject({ kind: 'translated', offset: 90n, method: 'exact' })
  })
})
