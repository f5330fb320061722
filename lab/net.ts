// Free ports on 127.0.0.1, found by letting the kernel pick (bind port 0), and port probes.
import { createConnection, createServer } from 'node:net'

export const LOOPBACK = '127.0.0.1'

/** A port that was free a moment ago (the kernel picked it for a socket bound to port 0). */
export async function freePort (): Promise<number> {
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
