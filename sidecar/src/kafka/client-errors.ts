// Readable messages from @platformatic/kafka errors, which nest protocol errors (with their Kafka
// error name in `apiId`) inside MultipleErrors/ResponseError, and connection failures (TLS, SASL)
// inside NetworkError causes. On top of the raw message, `explainClientError` says what to do about
// the three failures an operator must fix on their side: a failed SASL authentication, a failed TLS
// handshake, and a missing ACL, named as operation + resource + cluster + principal.
// Numeric error codes (per-partition results such as OffsetCommit's) are named and classified through
// the client library's protocol error table, looked up by name, so that no code is typed by hand here.
import { protocolErrors, protocolErrorsCodesById } from '@platformatic/kafka'
import { Mm2FailbackError } from '../errors.ts'
import type { ClusterClientOptions } from './client-options.ts'

/** The innermost messages of a client error, each prefixed with its Kafka error name when known, followed by its causes. */
export function messageOf (error: unknown): string {
  const nested = (error as { errors?: unknown[] } | null)?.errors
  if (Array.isArray(nested) && nested.length > 0) return [...new Set(nested.map(messageOf))].join('; ')
  const apiId = (error as { apiId?: string } | null)?.apiId
  let message = error instanceof Error ? error.message : String(error)
  if (apiId !== undefined) message = `${apiId}: ${message}`
  const server = (error as { serverErrorMessage?: unknown } | null)?.serverErrorMessage
  if (typeof server === 'string' && server !== '' && !message.includes(server)) message = `${message} (${server})`
  const cause = (error as { cause?: unknown } | null)?.cause
  if (cause !== undefined && cause !== null && cause !== error) {
    const inner = messageOf(cause)
    // "SASL authentication failed." caused by "SASL_AUTHENTICATION_FAILED: SASL authentication failed. (...)": the cause says it all.
    if (inner.includes(message.replace(/\.$/, ''))) message = inner
    else if (inner !== '' && !message.includes(inner)) message = `${message.replace(/\.$/, '')}: ${inner}`
  }
  return message
}

/** ACL resource types, spelled as kafka-acls.sh prints them. */
export type AclResource = 'Topic' | 'Group' | 'TransactionalId' | 'Cluster'
/** ACL operations, spelled as kafka-acls.sh takes them. */
export type AclOperation = 'Read' | 'Write' | 'Create' | 'Describe' | 'Alter' | 'DescribeConfigs' | 'IdempotentWrite'

/** A permission an operation needs: what to name when the cluster says it is missing. */
export interface RequiredPermission {
  operation: AclOperation
  resource: AclResource
  /** The resource name (`kafka-cluster` for the cluster). */
  name: string
}

// The *_AUTHORIZATION_FAILED errors whose resource an ACL can grant (kafka-acls.sh resource types).
const AUTHORIZATION_ERRORS: Readonly<Record<string, AclResource>> = {
  TOPIC_AUTHORIZATION_FAILED: 'Topic',
  GROUP_AUTHORIZATION_FAILED: 'Group',
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: 'TransactionalId',
  CLUSTER_AUTHORIZATION_FAILED: 'Cluster'
}

// What an OffsetCommit into a group with live members answers, for both group protocols. An admin
// commit (no member id, generation or epoch -1) into a non-empty group gets UNKNOWN_MEMBER_ID from
// classic and consumer (KIP-848) groups alike; a commit carrying a member's generation or epoch can
// get ILLEGAL_GENERATION or REBALANCE_IN_PROGRESS (classic) or STALE_MEMBER_EPOCH (consumer). Left
// out on purpose: FENCED_MEMBER_EPOCH and UNRELEASED_INSTANCE_ID answer heartbeats, not commits, and
// FENCED_INSTANCE_ID needs a group.instance.id, which a commit from outside the group never sends.
const LIVE_MEMBER_ERRORS = ['UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'REBALANCE_IN_PROGRESS', 'STALE_MEMBER_EPOCH'] as const

// The library's code for an error name; a name it does not know is a bug here (or a renamed error
// after a library upgrade), so it fails when this module loads rather than misclassifying later.
function protocolErrorCode (name: string): number {
  const definition = Object.hasOwn(protocolErrors, name) ? protocolErrors[name] : undefined
  if (definition === undefined) throw new Mm2FailbackError('MM2_INTERNAL', `@platformatic/kafka has no protocol error named ${name}.`, { name })
  return definition.code
}

const LIVE_MEMBER_CODES: ReadonlySet<number> = new Set(LIVE_MEMBER_ERRORS.map(protocolErrorCode))
// What a broker answers a group request when it is no longer (or not yet) the group's coordinator.
const COORDINATOR_CODES: ReadonlySet<number> = new Set(['NOT_COORDINATOR', 'COORDINATOR_NOT_AVAILABLE', 'COORDINATOR_LOAD_IN_PROGRESS'].map(protocolErrorCode))
const AUTHORIZATION_RESOURCES: ReadonlyMap<number, AclResource> = new Map(
  Object.entries(AUTHORIZATION_ERRORS).map(([name, resource]) => [protocolErrorCode(name), resource])
)

/** The Kafka name of an error code, e.g. 25 -> UNKNOWN_MEMBER_ID, or `error <code>` when the client library does not know it. */
export function kafkaErrorName (code: number): string {
  return protocolErrorsCodesById[code] ?? `error ${code}`
}

/** True when an OffsetCommit was refused because the group has live members (see LIVE_MEMBER_ERRORS for which codes). */
export function isLiveMemberError (code: number): boolean {
  return LIVE_MEMBER_CODES.has(code)
}

/**
 * The parsed response a client error carries: @platformatic/kafka fails a whole response with a
 * ResponseError when one partition (or topic) has an error code, and keeps the response on it; the
 * callers here read the codes per partition. Any other error is thrown again.
 */
export function carriedResponse<T> (error: unknown): T {
  const response = (error as { response?: unknown } | null)?.response
  if (response === undefined || response === null) throw error
  return response as T
}

/** True when the broker asked is not the group's coordinator now: ask FindCoordinator again. */
export function isCoordinatorError (code: number): boolean {
  return COORDINATOR_CODES.has(code)
}

/** The ACL resource type whose authorization failed, for the *_AUTHORIZATION_FAILED codes an ACL can fix; else null. */
export function authorizationResource (code: number): AclResource | null {
  return AUTHORIZATION_RESOURCES.get(code) ?? null
}

const ACL_FLAGS: Record<AclResource, string> = { Topic: '--topic', Group: '--group', TransactionalId: '--transactional-id', Cluster: '--cluster' }

// Node's certificate verification codes (tls.TLSSocket#authorizationError) and OpenSSL handshake failures.
const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|SELF_SIGNED_|DEPTH_ZERO_|HOSTNAME_MISMATCH|ERR_OSSL_)/

/** Every error in the tree of `error` (nested `errors`, then `cause`s). */
function walk (error: unknown, seen = new Set<unknown>()): unknown[] {
  if (error === null || error === undefined || seen.has(error)) return []
  seen.add(error)
  const out: unknown[] = [error]
  const nested = (error as { errors?: unknown[] }).errors
  if (Array.isArray(nested)) for (const child of nested) out.push(...walk(child, seen))
  out.push(...walk((error as { cause?: unknown }).cause, seen))
  return out
}

/** The Kafka error names (apiId) anywhere in the error. */
export function kafkaErrorNames (error: unknown): string[] {
  return [...new Set(walk(error).map((entry) => (entry as { apiId?: unknown }).apiId).filter((id): id is string => typeof id === 'string'))]
}

/** The resource type whose authorization failed, when the error is an authorization failure. */
export function authorizationFailure (error: unknown): AclResource | null {
  for (const name of kafkaErrorNames(error)) {
    const resource = AUTHORIZATION_ERRORS[name]
    if (resource !== undefined) return resource
  }
  return null
}

/** True when SASL authentication failed (wrong username or password, unknown mechanism). */
export function isAuthenticationFailure (error: unknown): boolean {
  return walk(error).some((entry) => {
    const { code, apiId } = entry as { code?: unknown, apiId?: unknown }
    return code === 'PLT_KFK_AUTHENTICATION' || apiId === 'SASL_AUTHENTICATION_FAILED' || apiId === 'UNSUPPORTED_SASL_MECHANISM'
  })
}

/** The TLS failure code (e.g. SELF_SIGNED_CERT_IN_CHAIN, ERR_TLS_CERT_ALTNAME_INVALID) when the handshake failed, else null. */
export function tlsFailure (error: unknown): string | null {
  for (const entry of walk(error)) {
    const code = (entry as { code?: unknown }).code
    if (typeof code === 'string' && TLS_CODES.test(code)) return code
  }
  return null
}

/** The principal the cluster sees, when the client options say it (SASL: User:<username>). */
export function principalOf (cluster: ClusterClientOptions): string | null {
  const username = (cluster.sasl as { username?: unknown } | undefined)?.username
  return typeof username === 'string' && username !== '' ? `User:${username}` : null
}

/**
 * "cluster B denies Write on Topic mm2-offset-syncs.A.internal to User:failback (grant it: kafka-acls.sh
 * --add --allow-principal User:failback --operation Write --topic mm2-offset-syncs.A.internal; see docs/acls.md)".
 */
export function describeMissingPermission (cluster: ClusterClientOptions, permission: RequiredPermission): string {
  const principal = principalOf(cluster)
  const who = principal ?? 'the sidecar\'s principal'
  const target = permission.resource === 'Cluster' ? '--cluster' : `${ACL_FLAGS[permission.resource]} ${permission.name}`
  return `cluster ${cluster.alias} denies ${permission.operation} on ${permission.resource} ${permission.name} to ${who} (grant it: kafka-acls.sh --add --allow-principal ${principal ?? '<principal>'} --operation ${permission.operation} ${target}; see docs/acls.md)`
}

/** The hint for an authorization failure whose resource type is `resource`, given what the operation needs. */
export function missingPermissionHint (cluster: ClusterClientOptions, resource: AclResource, needs: readonly RequiredPermission[]): string {
  const matching = needs.filter((need) => need.resource === resource)
  if (matching.length === 0) return `cluster ${cluster.alias} denies a ${resource} permission to ${principalOf(cluster) ?? 'the sidecar\'s principal'} (see docs/acls.md)`
  return matching.map((need) => describeMissingPermission(cluster, need)).join('; or ')
}

/**
 * messageOf(error), followed by what to do when the cause is on the operator's side: the SASL
 * credentials, the TLS trust, or a missing ACL (named from `needs`: the permissions the failed
 * operation requires). Never includes a secret: only names, mechanisms and the SASL username.
 */
export function explainClientError (error: unknown, cluster: ClusterClientOptions, needs: readonly RequiredPermission[] = []): string {
  const message = messageOf(error)
  if (isAuthenticationFailure(error)) {
    const sasl = cluster.sasl as { mechanism?: string, username?: string } | undefined
    const who = sasl?.username === undefined ? '' : ` as ${sasl.username}`
    return `${message}; authentication to cluster ${cluster.alias} failed (SASL ${sasl?.mechanism ?? ''}${who}): check the username and password in ${cluster.alias}.sasl.jaas.config and ${cluster.alias}.sasl.mechanism`
  }
  const tls = tlsFailure(error)
  if (tls !== null) {
    return `${message}; the TLS handshake with cluster ${cluster.alias} failed (${tls}): check ${cluster.alias}.ssl.truststore.* (the CA of the brokers' certificates) and that the listener speaks TLS`
  }
  const resource = authorizationFailure(error)
  if (resource !== null) return `${message}; ${missingPermissionHint(cluster, resource, needs)}`
  return message
}
