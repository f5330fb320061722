// Polling with a deadline instead of sleeps: every wait in the lab states what it waits for.
import { setTimeout as delay } from 'node:timers/promises'

export interface WaitForOptions {
  /** Give up after this many milliseconds (default 60 s). */
  timeoutMs?: number
  /** Pause between attempts (default 250 ms). */
  intervalMs?: number
  /** Named in the timeout error, e.g. "cluster A to answer a metadata request". */
  description?: string
  /** Aborts the wait early, e.g. when the process being waited for exits. */
  signal?: AbortSignal
}

export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError'
}

/**
 * Calls `fn` until it returns a value other than `undefined`, `null` or `false`, and returns that value.
 * A throwing `fn` counts as "not yet"; the last error is attached as the timeout's cause.
 */
export async function waitFor<T> (fn: () => T | Promise<T>, options: WaitForOptions = {}): Promise<Exclude<T, undefined | null | false>> {
  const { timeoutMs = 60_000, intervalMs = 250, description = 'condition', signal } = options
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  let attempts = 0
  for (;;) {
    signal?.throwIfAborted()
    attempts++
    try {
      const value = await fn()
      if (value !== undefined && value !== null && value !== false) return value as Exclude<T, undefined | null | false>
      lastError = undefined
    } catch (error) {
      lastError = error
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? `; last error: ${lastError.message}` : ''
      throw new WaitTimeoutError(`Timed out after ${timeoutMs} ms (${attempts} attempts) waiting for ${description}${reason}`, { cause: lastError })
    }
    await delay(Math.min(intervalMs, Math.max(0, deadline - Date.now())), undefined, signal ? { signal } : undefined)
  }
}
