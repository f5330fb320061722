// The sidecar's HTTP endpoints: /metrics (Prometheus text), /ready (200 once every followed topic was
// read to its end once, 503 before: kminion's storage readiness), /healthz (200 while the process
// serves) and /runbook (the alerts' runbook of this version, runbook.ts). Nothing else is served.
import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { SidecarRegistry } from './registry.ts'
import { readRunbook, renderRunbookHtml } from './runbook.ts'

export interface HttpEndpointsOptions {
  host: string
  port: number
  registry: SidecarRegistry
  isReady: () => boolean
  /** A short JSON-able status for /ready's body, e.g. which topics are still being read. */
  readinessDetail?: () => unknown
  /** The package directory /runbook reads alerts/runbook.md from (default: the one the sidecar runs from). */
  runbookRoot?: string
}

export interface HttpEndpoints {
  server: Server
  /** The bound address; useful with port 0. */
  url: string
  close: () => Promise<void>
}

export async function startHttpEndpoints (options: HttpEndpointsOptions): Promise<HttpEndpoints> {
  // Rendered on first request, then kept: the file is part of the installed package and does not change.
  let runbook: string | null | undefined
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end()
      return
    }
    if (path === '/metrics') {
      serveMetrics(options.registry, request.method === 'HEAD', response).catch((error: unknown) => {
        const message = `metrics collection failed: ${error instanceof Error ? error.message : String(error)}\n`
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' }).end(message)
        else response.destroy()
      })
      return
    }
    if (path === '/ready') {
      const ready = options.isReady()
      const body = JSON.stringify({ ready, detail: options.readinessDetail?.() ?? null }) + '\n'
      response.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' }).end(body)
      return
    }
    if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n')
      return
    }
    if (path === '/runbook') {
      if (runbook === undefined) {
        const markdown = readRunbook(options.runbookRoot)
        runbook = markdown === null ? null : renderRunbookHtml(markdown)
      }
      if (runbook === null) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('no runbook: alerts/runbook.md is missing from this installation\n')
        return
      }
      // The page is static: no script, no request out of it.
      const headers = { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" }
      response.writeHead(200, headers).end(runbook)
      return
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics, /ready, /healthz or /runbook\n')
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => { server.off('error', reject); resolve() })
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    server,
    url: `http://${host}:${address.port}`,
    close: async () => { await new Promise<void>((resolve) => { server.close(() => { resolve() }); server.closeAllConnections() }) }
  }
}

/**
 * Writes a scrape as it is rendered: the registry's chunks go out one by one (waiting for the socket
 * when it is full), so a scrape of tens of thousands of series never sits whole in memory.
 */
async function serveMetrics (registry: SidecarRegistry, headOnly: boolean, response: ServerResponse): Promise<void> {
  const chunks = registry.chunks()
  const first = await chunks.next()
  response.writeHead(200, { 'content-type': registry.contentType })
  if (headOnly) {
    response.end()
    return
  }
  if (first.done !== true) response.write(first.value)
  for await (const chunk of chunks) {
    if (response.destroyed) return
    if (!response.write(chunk)) await drainedOrClosed(response)
  }
  if (!response.destroyed) response.end()
}

/** Resolves when the socket takes writes again, or when the client went away (then nothing more is written). */
async function drainedOrClosed (response: ServerResponse): Promise<void> {
  await new Promise<void>((resolve) => {
    const done = (): void => {
      response.off('drain', done)
      response.off('close', done)
      resolve()
    }
    response.on('drain', done)
    response.on('close', done)
  })
}
