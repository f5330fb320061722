// The two clusters of a reconcile run, each with its admin client and partition reader, and the one
// way every request to them is made: bounded by --timeout-ms, its failure turned into an error that
// names the cluster, what was being done and, when the cluster denied it, the missing permission.
import { Mm2FailbackError, isMm2FailbackError } from '../../errors.ts'
import { describeCluster, type ClusterClientOptions } from '../../kafka/client-options.ts'
import { explainClientError, isAuthenticationFailure, messageOf, tlsFailure, type RequiredPermission } from '../../kafka/client-errors.ts'
import type { GroupAdminPort, PartitionReaderPort } from '../ports.ts'

export interface Side {
  alias: string
  client: ClusterClientOptions
  admin: GroupAdminPort
  reader: PartitionReaderPort
}

export async function withTimeout<T> (promise: Promise<T>, ms: number, what: () => Mm2FailbackError): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([promise, new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(what()) }, ms) })])
  } finally {
    clearTimeout(timer)
  }
}

/** Runs `fn` on every item, at most `limit` at a time, keeping the order of the results. */
export async function mapLimit<T, R> (items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await fn(items[index]!, index)
    }
  })
  await Promise.all(workers)
  return results
}

/** The error for a cluster that did not answer (or refused the connection for good: credentials, TLS). */
export function unreachable (side: Side, timeoutMs: number, error?: unknown): Mm2FailbackError {
  // Wrong credentials or an untrusted certificate: the cluster answered, and retrying will not help.
  if (error !== undefined && (isAuthenticationFailure(error) || tlsFailure(error) !== null)) {
    const message = `cannot connect to ${describeCluster(side.client)}: ${explainClientError(error, side.client)}.`
    return new Mm2FailbackError('MM2_KAFKA_REQUEST_FAILED', message, { cluster: side.alias }, { cause: error })
  }
  const reason = error === undefined ? `no answer within ${timeoutMs} ms` : messageOf(error)
  const message = `${describeCluster(side.client)} is unreachable: ${reason} (--timeout-ms ${timeoutMs}).`
  return new Mm2FailbackError('MM2_CLUSTER_UNREACHABLE', message, { cluster: side.alias }, { cause: error })
}

/** Checks that the cluster answers at all, before anything else is read. */
export async function probe (side: Side, timeoutMs: number): Promise<void> {
  try {
    await withTimeout(side.reader.probe(), timeoutMs, () => unreachable(side, timeoutMs))
  } catch (error) {
    if (isMm2FailbackError(error)) throw error
    throw unreachable(side, timeoutMs, error)
  }
}

/** Counts admin requests and wraps their failures; see the module comment. */
export class AdminCalls {
  private readonly timeoutMs: number
  requests = 0

  constructor (timeoutMs: number) {
    this.timeoutMs = timeoutMs
  }

  /** One admin call against a side; `needs` are the permissions it requires, named when the cluster denies one. */
  async call<T> (side: Side, what: string, call: () => Promise<T>, context: { group?: string } = {}, needs: readonly RequiredPermission[] = []): Promise<T> {
    this.requests++
    try {
      return await withTimeout(call(), this.timeoutMs, () => unreachable(side, this.timeoutMs))
    } catch (error) {
      if (isMm2FailbackError(error)) throw error
      const explained = explainClientError(error, side.client, needs)
      const message = `${what} on ${describeCluster(side.client)} failed: ${explained}`
      throw new Mm2FailbackError('MM2_KAFKA_REQUEST_FAILED', message, { cluster: side.alias, ...context }, { cause: error })
    }
  }
}

export async function closeSides (sides: Iterable<Side>): Promise<void> {
  for (const side of sides) {
    await side.admin.close().catch(() => {})
    await side.reader.close()
  }
}
