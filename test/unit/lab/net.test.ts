// The lab's port allocation: a port is handed out once per process, so two brokers of one lab can
// never be configured with the same port (the kernel may pick a just-closed port again).
import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { freePort, freePorts, isListening, LOOPBACK } from '../../../lab/net.ts'

describe('freePort', () => {
  it('never hands out the same port twice in one process', async () => {
    const ports = [...await freePorts(50)]
    for (let i = 0; i < 150; i++) ports.push(await freePort())
    expect(new Set(ports).size).toBe(ports.length)
    for (const port of ports) expect(port).toBeGreaterThan(0)
  })

  it('hands out ports that can be bound on 127.0.0.1', async () => {
    const port = await freePort()
    const server = createServer()
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, LOOPBACK, resolve)
    })
    try {
      expect(await isListening(port)).toBe(true)
    } finally {
      await new Promise(resolve => server.close(resolve))
    }
    expect(await isListening(port)).toBe(false)
  })
})
