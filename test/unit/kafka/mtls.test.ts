// The TLS options built from mm2.properties-style settings do work: a TLS server on 127.0.0.1 with a
// certificate signed by the fixture CA ca1, requiring a client certificate signed by ca1, and a client
// connecting with the options clusterClientOptions built from a key and a trust store. The server greets
// the client by the subject of its certificate, so a greeting means both sides verified the other.
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { connect, createServer, type ConnectionOptions, type Server, type TLSSocket } from 'node:tls'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseMm2Properties } from '../../../sidecar/src/config/mm2-properties.ts'
import { clusterClientOptions } from '../../../sidecar/src/kafka/mm2-cluster-options.ts'

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/keystores/${name}`, import.meta.url))
const pem = (name: string): string => readFileSync(fixture(name), 'utf8')

let server: Server
let port: number

beforeAll(async () => {
  // The server checks the client's certificate itself (rejectUnauthorized off) to tell the client why it
  // refused it, which a TLS alert does not always carry to the client.
  const options = { key: pem('server-key.pem'), cert: pem('server.pem'), ca: [pem('ca1.pem')], requestCert: true, rejectUnauthorized: false }
  server = createServer(options, (socket) => {
    const peer = socket.getPeerCertificate()
    if (Object.keys(peer).length === 0) socket.end('refused: no certificate')
    else if (!socket.authorized) socket.end(`refused: ${String(socket.authorizationError)}`)
    else socket.end(`hello ${peer.subject.CN}`)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
})

function tlsFor (settings: Record<string, string>): ConnectionOptions {
  const text = 'clusters = A, B\nA.bootstrap.servers = 127.0.0.1:9093\nB.bootstrap.servers = b:9092\nA->B.enabled = true\nA.security.protocol = SSL\n' +
    Object.entries(settings).map(([key, value]) => `A.${key} = ${value}`).join('\n') + '\n'
  return clusterClientOptions(parseMm2Properties(text).clusters[0]!).tls!
}

/** What the server said, or the error that ended the connection. */
function handshake (options: ConnectionOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = ''
    const socket: TLSSocket = connect({ ...options, host: '127.0.0.1', port })
    socket.setTimeout(5_000, () => socket.destroy(new Error('timed out')))
    socket.on('data', (chunk: Buffer) => { received += chunk.toString('utf8') })
    socket.on('error', reject)
    socket.on('close', () => received === '' ? reject(new Error('closed without a greeting')) : resolve(received))
  })
}

const javaTruststore = { 'ssl.truststore.location': fixture('java-default.p12'), 'ssl.truststore.password': 'changeit' }
const jksTruststore = { 'ssl.truststore.type': 'JKS', 'ssl.truststore.location': fixture('truststore.jks'), 'ssl.truststore.password': 'changeit' }
const keystore = (name: string) => ({ 'ssl.keystore.location': fixture(name), 'ssl.keystore.password': 'changeit' })

describe('mutual TLS with the options built from key and trust stores', () => {
  it.each([
    ['a Java-made PKCS12 keystore with no ssl.keystore.type', { ...keystore('java-keystore.p12'), ...javaTruststore }, 'client'],
    ['a PKCS12 keystore under ssl.keystore.type=JKS', { 'ssl.keystore.type': 'JKS', ...keystore('java-keystore.p12'), ...jksTruststore }, 'client'],
    ['a JKS keystore whose key has a password of its own, a JKS truststore',
      { 'ssl.keystore.type': 'JKS', ...keystore('keystore.jks'), 'ssl.key.password': 'keypass', ...jksTruststore }, 'client-rsa'],
    ['a legacy PKCS12 keystore (3DES key, RC2 certificates, which OpenSSL 3 cannot read)',
      { ...keystore('java-legacy-keystore.p12'), ...javaTruststore }, 'client-rsa']
  ])('%s: the handshake succeeds', async (_name, settings, cn) => {
    expect(await handshake(tlsFor(settings))).toBe(`hello mm2-failback fixture ${cn}`)
  })

  it('a keystore whose certificate the server does not trust: refused', async () => {
    const options = tlsFor({ ...keystore('self-signed.p12'), ...javaTruststore })
    expect(await handshake(options)).toBe('refused: DEPTH_ZERO_SELF_SIGNED_CERT')
  })

  it('no keystore: refused by the server, which requires a client certificate', async () => {
    expect(await handshake(tlsFor(javaTruststore))).toBe('refused: no certificate')
  })

  it('a truststore without the server\'s CA: the client refuses the server', async () => {
    const options = tlsFor({ ...keystore('java-keystore.p12'), 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': fixture('ca2.pem') })
    // The server sends ca1 along (OpenSSL completes the chain from its CA list): either way, not trusted.
    await expect(handshake(options)).rejects.toMatchObject({ code: expect.stringMatching(/^(SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)$/) })
  })
})
