// Messages of @platformatic/kafka errors (built here with the library's own error classes, nested the
// way its connection and response handling nests them): the raw message with causes, and what
// explainClientError adds for the operator's three failures: SASL authentication, TLS trust, ACLs.
import { AuthenticationError, MultipleErrors, NetworkError, ProtocolError, ResponseError } from '@platformatic/kafka'
import { describe, expect, it } from 'vitest'
import {
  authorizationFailure, authorizationResource, describeMissingPermission, explainClientError, isAuthenticationFailure,
  isLiveMemberError, kafkaErrorName, kafkaErrorNames, messageOf, missingPermissionHint, principalOf, tlsFailure
} from '../../../sidecar/src/kafka/client-errors.ts'
import type { ClusterClientOptions } from '../../../sidecar/src/kafka/client-options.ts'

const secured: ClusterClientOptions = {
  alias: 'B',
  bootstrapServers: ['127.0.0.1:9093'],
  tls: { ca: 'PEM' },
  sasl: { mechanism: 'SCRAM-SHA-256', username: 'failback', password: 'S3cret-Pa55' }
}
const plain: ClusterClientOptions = { alias: 'A', bootstrapServers: ['127.0.0.1:9092'] }

/** What the client raises when SaslAuthenticate fails: NetworkError <- AuthenticationError <- ResponseError[SASL_AUTHENTICATION_FAILED]. */
const saslFailure = (): Error => new MultipleErrors('Cannot connect to any broker.', [
  new NetworkError('Connection to 127.0.0.1:9093 failed.', {
    cause: new AuthenticationError('SASL authentication failed.', {
      cause: new ResponseError(36, 2, { '': [58, 'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256'] }, {})
    })
  })
])
/** A Node TLS verification failure as the connection reports it. */
const tlsError = (): Error => new NetworkError('Connection to 127.0.0.1:9093 failed.', {
  cause: Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' })
})
/** A response with a per-partition authorization error (AddPartitionsToTxn, Produce, OffsetFetch...). */
const denied = (code: number): Error => new ResponseError(24, 3, { '/results_by_transaction/0/topic_results/0/results_by_partitions/0': [code, null] }, {})

describe('messageOf', () => {
  it('a protocol error: its Kafka name, message and the broker\'s own message', () => {
    const error = new ProtocolError('GROUP_AUTHORIZATION_FAILED', 'detail from broker')
    expect(messageOf(error)).toBe('GROUP_AUTHORIZATION_FAILED: Group authorization failed. (detail from broker)')
  })

  it('nested errors are listed once each; causes follow their error', () => {
    expect(messageOf(new MultipleErrors('outer', [denied(29), denied(29)]))).toBe('TOPIC_AUTHORIZATION_FAILED: Topic authorization failed.')
    expect(messageOf(tlsError())).toBe('Connection to 127.0.0.1:9093 failed: self-signed certificate in certificate chain')
    expect(messageOf(new Error('connect ECONNREFUSED 127.0.0.1:1'))).toBe('connect ECONNREFUSED 127.0.0.1:1')
  })

  it('a cause that repeats its error keeps only the cause', () => {
    expect(messageOf(saslFailure())).toBe('Connection to 127.0.0.1:9093 failed: SASL_AUTHENTICATION_FAILED: SASL authentication failed. (Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256)')
  })
})

describe('classification', () => {
  it('authentication, TLS and authorization failures are told apart', () => {
    expect([isAuthenticationFailure(saslFailure()), tlsFailure(saslFailure()), authorizationFailure(saslFailure())]).toEqual([true, null, null])
    expect([isAuthenticationFailure(tlsError()), tlsFailure(tlsError()), authorizationFailure(tlsError())]).toEqual([false, 'SELF_SIGNED_CERT_IN_CHAIN', null])
    expect(authorizationFailure(denied(29))).toBe('Topic')
    expect(authorizationFailure(denied(30))).toBe('Group')
    expect(authorizationFailure(denied(31))).toBe('Cluster')
    expect(authorizationFailure(denied(53))).toBe('TransactionalId')
    expect(authorizationFailure(new Error('x'))).toBeNull()
    expect(kafkaErrorNames(new MultipleErrors('m', [denied(29), denied(53)]))).toEqual(['TOPIC_AUTHORIZATION_FAILED', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED'])
  })

  it('the principal is User:<SASL username>, unknown without SASL', () => {
    expect(principalOf(secured)).toBe('User:failback')
    expect(principalOf(plain)).toBeNull()
  })
})

describe('explainClientError', () => {
  it('a wrong password: names the cluster, mechanism and user, never the password', () => {
    const text = explainClientError(saslFailure(), secured)
    expect(text).toBe('Connection to 127.0.0.1:9093 failed: SASL_AUTHENTICATION_FAILED: SASL authentication failed. (Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256); ' +
      'authentication to cluster B failed (SASL SCRAM-SHA-256 as failback): check the username and password in B.sasl.jaas.config and B.sasl.mechanism')
    expect(text).not.toContain('S3cret')
  })

  it('an untrusted certificate points at the truststore', () => {
    expect(explainClientError(tlsError(), secured)).toBe('Connection to 127.0.0.1:9093 failed: self-signed certificate in certificate chain; the TLS handshake with cluster B failed (SELF_SIGNED_CERT_IN_CHAIN): check B.ssl.truststore.* (the CA of the brokers\' certificates) and that the listener speaks TLS')
  })

  it('a denied write names operation, resource, cluster and principal, and how to grant it', () => {
    const needs = [
      { operation: 'Write', resource: 'Topic', name: 'mm2-offset-syncs.A.internal' },
      { operation: 'Write', resource: 'TransactionalId', name: 'mm2-failback.mm2-offset-syncs.A.internal@B' }
    ] as const
    expect(explainClientError(denied(29), secured, needs)).toBe('TOPIC_AUTHORIZATION_FAILED: Topic authorization failed.; cluster B denies Write on Topic mm2-offset-syncs.A.internal to User:failback ' +
      '(grant it: kafka-acls.sh --add --allow-principal User:failback --operation Write --topic mm2-offset-syncs.A.internal; see docs/acls.md)')
    expect(explainClientError(denied(53), secured, needs)).toContain('cluster B denies Write on TransactionalId mm2-failback.mm2-offset-syncs.A.internal@B to User:failback (grant it: kafka-acls.sh --add --allow-principal User:failback --operation Write --transactional-id mm2-failback.mm2-offset-syncs.A.internal@B;')
  })

  it('a denied permission the caller did not list still names the resource type and cluster', () => {
    expect(explainClientError(denied(31), secured, [{ operation: 'Write', resource: 'Topic', name: 't' }])).toBe('CLUSTER_AUTHORIZATION_FAILED: Cluster authorization failed.; cluster B denies a Cluster permission to User:failback (see docs/acls.md)')
  })

  it('several candidate permissions of one type are offered as alternatives; without SASL the principal is a placeholder', () => {
    const candidates = [{ operation: 'Read', resource: 'Topic', name: 'orders' }, { operation: 'Read', resource: 'Topic', name: 'B.orders' }] as const
    expect(missingPermissionHint(plain, 'Topic', candidates))
      .toBe('cluster A denies Read on Topic orders to the sidecar\'s principal (grant it: kafka-acls.sh --add --allow-principal <principal> --operation Read --topic orders; see docs/acls.md); or ' +
        'cluster A denies Read on Topic B.orders to the sidecar\'s principal (grant it: kafka-acls.sh --add --allow-principal <principal> --operation Read --topic B.orders; see docs/acls.md)')
    expect(describeMissingPermission(secured, { operation: 'Create', resource: 'Cluster', name: 'kafka-cluster' })).toContain('--operation Create --cluster;')
  })

  it('other errors pass through as messageOf', () => {
    expect(explainClientError(new Error('connect ECONNREFUSED 127.0.0.1:1'), plain)).toBe('connect ECONNREFUSED 127.0.0.1:1')
  })
})

// The codes are the Kafka protocol's (org.apache.kafka.common.protocol.Errors), written out here as
// the expectation that the client library's table, which the module reads by name, agrees with them.
describe('error codes', () => {
  it.each([
    [0, 'NONE'], [3, 'UNKNOWN_TOPIC_OR_PARTITION'], [16, 'NOT_COORDINATOR'], [22, 'ILLEGAL_GENERATION'], [25, 'UNKNOWN_MEMBER_ID'],
    [27, 'REBALANCE_IN_PROGRESS'], [30, 'GROUP_AUTHORIZATION_FAILED'], [113, 'STALE_MEMBER_EPOCH'], [-1, 'UNKNOWN_SERVER_ERROR']
  ])('kafkaErrorName(%i) is %s', (code, name) => {
    expect(kafkaErrorName(code)).toBe(name)
  })

  it('names a code the library does not know by its number', () => {
    expect(kafkaErrorName(9999)).toBe('error 9999')
    expect(kafkaErrorName(-2)).toBe('error -2')
  })

  it('member errors: what OffsetCommit answers when the group has live members, in either group protocol', () => {
    expect([22, 25, 27, 113].filter(isLiveMemberError)).toEqual([22, 25, 27, 113])
    // FENCED_MEMBER_EPOCH, UNRELEASED_INSTANCE_ID, FENCED_INSTANCE_ID, NON_EMPTY_GROUP, GROUP_AUTHORIZATION_FAILED, NONE, unknown
    expect([110, 111, 82, 68, 30, 0, 9999].filter(isLiveMemberError)).toEqual([])
  })

  it('authorization resources of the *_AUTHORIZATION_FAILED codes an ACL grants', () => {
    expect([29, 30, 31, 53].map(authorizationResource)).toEqual(['Topic', 'Group', 'Cluster', 'TransactionalId'])
    // DELEGATION_TOKEN_AUTHORIZATION_FAILED has no kafka-acls.sh resource here; 25 and 9999 are no authorization failures
    expect([65, 25, 9999].map(authorizationResource)).toEqual([null, null, null])
    expect([29, 30, 31, 53].map(kafkaErrorName)).toEqual([
      'TOPIC_AUTHORIZATION_FAILED', 'GROUP_AUTHORIZATION_FAILED', 'CLUSTER_AUTHORIZATION_FAILED', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED'
    ])
  })
})
