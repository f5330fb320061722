import { describe, expect, it } from 'vitest'
import { readinessDetail, readinessVerdict } from '../../../../sidecar/src/engine/daemon/readiness.ts'

const cluster = (
  alias: string, caughtUp: boolean, everAnswered: boolean, failingSinceMs: number | null
): { alias: string, caughtUp: boolean, everAnswered: boolean, failingSinceMs: number | null } =>
  ({ alias, caughtUp, everAnswered, failingSinceMs })

describe('readinessVerdict', () => {
  it('is ready once every cluster was read to its end and every commit poller polled once', () => {
    expect(readinessVerdict([cluster('A', true, true, null), cluster('B', true, true, null)], true, 0, 30_000))
      .toEqual({ ready: true, waitingFor: [], unreachable: [] })
    expect(readinessVerdict([cluster('A', true, true, null), cluster('B', true, true, null)], false, 0, 30_000).ready).toBe(false)
    expect(readinessVerdict([cluster('A', true, true, null), cluster('B', false, true, null)], true, 0, 30_000))
      .toEqual({ ready: false, waitingFor: ['B'], unreachable: [] })
  })

  it('gives up on a cluster that never answered, once the grace has passed, and names it', () => {
    const silent = cluster('B', false, false, 1000)
    expect(readinessVerdict([cluster('A', true, true, null), silent], true, 1000 + 29_999, 30_000))
      .toEqual({ ready: false, waitingFor: ['B'], unreachable: [] })
    expect(readinessVerdict([cluster('A', true, true, null), silent], true, 1000 + 30_000, 30_000)).toEqual({ ready: true, waitingFor: [], unreachable: ['B'] })
  })

  it('keeps waiting for a cluster that answered once, however long it has been failing since', () => {
    expect(readinessVerdict([cluster('A', false, true, 0)], true, 10 * 60_000, 30_000)).toEqual({ ready: false, waitingFor: ['A'], unreachable: [] })
  })

  it('never gives up on every cluster: with none read to its end it stays not ready, however long they are silent', () => {
    const silentA = cluster('A', false, false, 0)
    const silentB = cluster('B', false, false, 0)
    expect(readinessVerdict([silentA, silentB], true, 60 * 60_000, 30_000)).toEqual({ ready: false, waitingFor: ['A', 'B'], unreachable: [] })
    expect(readinessVerdict([silentA], true, 60 * 60_000, 30_000)).toEqual({ ready: false, waitingFor: ['A'], unreachable: [] })
    expect(readinessVerdict([], true, 0, 30_000).ready).toBe(false)
  })

  it('shows per cluster whether it was read to its end, is being read, or has not answered', () => {
    expect(readinessDetail([cluster('A', true, true, null), cluster('B', false, true, null), cluster('C', false, false, 0)]))
      .toEqual({ A: 'read to end', B: 'reading', C: 'not answering' })
  })
})
