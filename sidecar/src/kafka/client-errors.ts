// Readable messages from @platformatic/kafka errors, which nest protocol errors (with their Kafka
// error name in `apiId`) inside MultipleErrors/ResponseError.

/** The innermost messages of a client error, each prefixed with its Kafka error name when known. */
export function messageOf (error: unknown): string {
  const nested = (error as { errors?: unknown[] } | null)?.errors
  if (Array.isArray(nested) && nested.length > 0) return [...new Set(nested.map(messageOf))].join('; ')
  const apiId = (error as { apiId?: string } | null)?.apiId
  const message = error instanceof Error ? error.message : String(error)
  return apiId === undefined ? message : `${apiId}: ${message}`
}
