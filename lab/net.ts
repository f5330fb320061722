// Free ports on 127.0.0.1, found by letting the kernel pick (bind port 0), and port probes.
import { createConnection, createServer } from 'node:net'

export const LOOPBACK = '127.0.0.1'

/**
 * Ports this process has handed out. The kernel may pick the same port twice for two sockets bound
 * to port 0 one after the other (the first was closed), and two brokers given the same port would
 * end up as one: the second fails to bind while the readiness probe is answered by the first.
 */
const handedOut = new Set<number>()

/** A port that was free a moment ago and that this process has not handed out before. */
export async function freePort (): Promise<number> {
  for (;;) {
    const port = await kernelPickedPort()
    if (handedOut.has(port)) continue
    handedOut.add(port)
    return port
  }
}

/** A port the kernel picked for a socket bound to 127.0.0.1:0 (and closed again). */
async function kernelPickedPort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen(0, LOOPBACK, () => {
      const address = server.address()
      if (address === null || typeof address === 'string') {
        server.close()
        reject(new Error('Cannot read the port of a socket bound to 127.0.0.1:0.'))
        return
      }
      server.close(() => resolve(address.port))
    })
  })
}

/** `count` distinct free ports. */
export async function freePorts (count: number): Promise<number[]> {
  const ports = new Set<number>()
  while (ports.size < count) ports.add(await freePort())
  return [...ports]
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export async function isListening (port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise(resolve => {
    const socket = createConnection({ host: LOOPBACK, port })
    const done = (result: boolean) => {
      socket.destroy()
      resolve(result)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}
