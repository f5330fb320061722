import { afterEach, describe, expect, it, vi } from 'vitest'
import { WakeableDelay } from '../../../sidecar/src/kafka/wakeable-delay.ts'

describe('WakeableDelay', () => {
  afterEach(() => { vi.useRealTimers() })

  /** Whether `promise` has settled, after the microtasks queued so far ran. */
  const settled = async (promise: Promise<void>): Promise<boolean> => {
    let done = false
    promise.then(() => { done = true }, () => {})
    await vi.advanceTimersByTimeAsync(0)
    return done
  }

  it('resolves after its delay when nothing wakes it', async () => {
    vi.useFakeTimers()
    const wait = new WakeableDelay().wait(500)
    await vi.advanceTimersByTimeAsync(499)
    expect(await settled(wait)).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(await settled(wait)).toBe(true)
  })

  it('a wake ends the current wait at once, and only that one', async () => {
    vi.useFakeTimers()
    const delay = new WakeableDelay()
    const first = delay.wait(10_000)
    delay.wake()
    expect(await settled(first)).toBe(true)
    const second = delay.wait(10_000)
    await vi.advanceTimersByTimeAsync(9_999)
    expect(await settled(second), 'a wait after the woken one waits its whole delay').toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(await settled(second)).toBe(true)
    expect(vi.getTimerCount(), 'timers left behind').toBe(0)
  })

  it('a wake while nobody waits ends the next wait at once (news during a round is not lost), once', async () => {
    vi.useFakeTimers()
    const delay = new WakeableDelay()
    delay.wake()
    delay.wake()
    expect(await settled(delay.wait(10_000))).toBe(true)
    expect(await settled(delay.wait(10_000)), 'two wakes before a wait end one wait').toBe(false)
  })

  it('a wake after the delay ran out is kept for the next wait', async () => {
    vi.useFakeTimers()
    const delay = new WakeableDelay()
    const first = delay.wait(100)
    await vi.advanceTimersByTimeAsync(100)
    expect(await settled(first)).toBe(true)
    delay.wake()
    expect(await settled(delay.wait(10_000))).toBe(true)
  })
})
