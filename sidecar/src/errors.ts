// The closed list of error codes mm2-failback raises. Every code carries a fixed prefix (`MM2_`) so
// that logs and scripts can match on it; test/unit/errors.test.ts checks the list stays closed.
// This module is pure (no I/O) so that the core may import it.

export const ERROR_CODES = {
  /** A record's bytes end before its grammar does. */
  MM2_DECODE_TRUNCATED: { retriable: false },
  /** A STRING field announced a negative or impossible length. */
  MM2_DECODE_BAD_LENGTH: { retriable: false },
  /** A record carries a version header this build does not know. */
  MM2_DECODE_UNSUPPORTED_VERSION: { retriable: false },
  /** A key or value is longer than any writer of its record type produces: not one of these records. */
  MM2_DECODE_OVERSIZED: { retriable: false },
  /** A null value (tombstone) reached a decoder that only decodes live records. */
  MM2_DECODE_TOMBSTONE: { retriable: false },
  /** A record is structurally valid but its content is impossible (e.g. a negative offset). */
  MM2_DECODE_INVALID: { retriable: false },
  /** A value cannot be encoded (string longer than 32767 bytes, offset outside INT64, ...). */
  MM2_ENCODE_INVALID: { retriable: false },
  /** The configuration (mm2.properties, sidecar YAML, env, flags) is invalid. */
  MM2_CONFIG_INVALID: { retriable: false },
  /** A command line is malformed (unknown flag, missing argument, contradictory flags). */
  MM2_USAGE: { retriable: false },
  /** A cluster could not be reached or answered with a retriable error. */
  MM2_CLUSTER_UNREACHABLE: { retriable: true },
  /** A Kafka request failed with a non-retriable error (authorization, unknown topic, ...). */
  MM2_KAFKA_REQUEST_FAILED: { retriable: false },
  /** A group has live members, so its offsets must not be written. */
  MM2_GROUP_ACTIVE: { retriable: true },
  /** An offset write would move a group backwards and rewinding was not allowed. */
  MM2_WOULD_REWIND: { retriable: false },
  /** No offset sync covers the requested offset, so it cannot be translated. */
  MM2_UNTRANSLATABLE: { retriable: false },
  /** `run` was asked to stop and the stop failed, timed out or was cut short by a second signal. */
  MM2_SHUTDOWN_INCOMPLETE: { retriable: false },
  /** Something that should be impossible happened; a bug in mm2-failback. */
  MM2_INTERNAL: { retriable: false }
} as const satisfies Record<string, { retriable: boolean }>

export type ErrorCode = keyof typeof ERROR_CODES

/** Where in Kafka an error happened: every user-facing message names the cluster, group, topic and partition it concerns. */
export interface ErrorContext {
  cluster?: string
  group?: string
  topic?: string
  partition?: number
  offset?: bigint
  position?: number
  [key: string]: unknown
}

/** The one error type of mm2-failback: a code from the closed list, a one-sentence message, context, and a cause. */
export class Mm2FailbackError extends Error {
  readonly code: ErrorCode
  readonly retriable: boolean
  readonly context: ErrorContext

  constructor (code: ErrorCode, message: string, context: ErrorContext = {}, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'Mm2FailbackError'
    this.code = code
    this.retriable = ERROR_CODES[code].retriable
    this.context = context
  }

  /** A JSON-safe view for structured logs: bigints become strings, the cause is summarised. */
  toJSON (): Record<string, unknown> {
    const context: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(this.context)) {
      context[key] = typeof value === 'bigint' ? value.toString() : value
    }
    const cause = this.cause instanceof Error ? { name: this.cause.name, message: this.cause.message } : this.cause
    return { code: this.code, message: this.message, retriable: this.retriable, context, ...(cause === undefined ? {} : { cause }) }
  }
}

/** True when `error` is an Mm2FailbackError, optionally of the given code. */
export function isMm2FailbackError (error: unknown, code?: ErrorCode): error is Mm2FailbackError {
  return error instanceof Mm2FailbackError && (code === undefined || error.code === code)
}
