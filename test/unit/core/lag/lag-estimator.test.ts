import { describe, expect, it } from 'vitest'
import { WatermarkHistory } from '../../../../sidecar/src/core/lag/lag-estimator.ts'

describe('WatermarkHistory.lagSeconds', () => {
  const history = (): WatermarkHistory => {
    const h = new WatermarkHistory()
    h.record(100n, 0)
    h.record(150n, 10_000)
    h.record(200n, 20_000)
    return h
  }

  it('is null with no samples', () => {
    expect(new WatermarkHistory().lagSeconds(0n, 0)).toBeNull()
  })

  it('is 0 when the group has consumed everything', () => {
    expect(history().lagSeconds(200n, 25_000)).toBe(0)
  })

  it('is the age of the first sample that passed the committed offset', () => {
    expect(history().lagSeconds(120n, 30_000)).toBe(20)
    expect(history().lagSeconds(150n, 30_000)).toBe(10)
    expect(history().lagSeconds(99n, 30_000)).toBe(30)
  })

  it('merges unchanged samples and restarts after a truncation', () => {
    const h = history()
    h.record(200n, 25_000)
    expect(h.size).toBe(3)
    h.record(10n, 30_000)
    expect(h.size).toBe(1)
    expect(h.lagSeconds(5n, 31_000)).toBe(1)
  })

  it('stays bounded, keeping the oldest sample', () => {
    const h = new WatermarkHistory(4)
    for (let i = 1; i <= 10; i++) h.record(BigInt(i * 10), i * 1000)
    expect(h.size).toBe(4)
    expect(h.lagSeconds(0n, 11_000)).toBe(10)
  })
})
