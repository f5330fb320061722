// Offsets held as doubles. The sync index stores offsets in Float64Arrays, so the hot paths build no
// bigint: doubles are exact up to 2^53 - 1, about 285 years at a million records a second. Larger
// offsets are rejected as MM2_DECODE_INVALID, so that the ingest path counts and skips them.

import { Mm2FailbackError } from '../../errors.ts'
import type { ErrorContext } from '../../errors.ts'

/** The largest offset the sync index holds exactly. */
export const MAX_OFFSET = Number.MAX_SAFE_INTEGER

/** floor(log2(a)) for an integer 1 <= a <= 2^53 - 1, exactly (Math.log2 rounds up just below large powers of two). */
export function floorLog2 (a: number): number {
  if (a < 4294967296) return 31 - Math.clz32(a)
  return 63 - Math.clz32(Math.floor(a / 4294967296))
}

/** True when `n` is an integer in 0..2^53-1. */
export function isOffset (n: number): boolean {
  return n >= 0 && n <= MAX_OFFSET && Math.floor(n) === n
}

/** Throws MM2_DECODE_INVALID unless `n` is an integer in 0..2^53-1. */
export function requireOffset (n: number, what: string, context: ErrorContext): void {
  if (isOffset(n)) return
  throw new Mm2FailbackError('MM2_DECODE_INVALID', `${what} ${n} is not an integer in 0..2^53-1, which the sync index supports.`, { ...context, value: n })
}

/** `value` as a double, or throws `code` (MM2_DECODE_INVALID by default) when it is outside 0..2^53-1. */
export function toOffset (value: bigint, what: string, context: ErrorContext, code: 'MM2_DECODE_INVALID' | 'MM2_INTERNAL' = 'MM2_DECODE_INVALID'): number {
  const n = Number(value)
  if (n >= 0 && n <= MAX_OFFSET) return n
  throw new Mm2FailbackError(code, `${what} ${value} is outside 0..2^53-1, which the sync index supports.`, { ...context, offset: value })
}
