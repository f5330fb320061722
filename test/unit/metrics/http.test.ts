import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { alertRules } from '../../../alerts/rules.ts'
import { startHttpEndpoints, type HttpEndpoints } from '../../../sidecar/src/metrics/http.ts'
import { DEFAULT_MONITORING_CONFIG } from '../../../sidecar/src/metrics/monitoring/config.ts'
import { renderRunbookHtml, runbookAnchor } from '../../../sidecar/src/metrics/runbook.ts'
import { createMetrics } from '../../../sidecar/src/metrics/registry.ts'
import { METRICS } from '../../../sidecar/src/metrics/names.ts'

let endpoints: HttpEndpoints | null = null
afterEach(async () => { await endpoints?.close(); endpoints = null })

describe('metrics registry and HTTP endpoints', () => {
  it('exports every metric of names.ts under the namespace, with its help text', async () => {
    const metrics = createMetrics({ namespace: 'mm2_failback' })
    metrics.up.set({ kafka_cluster: 'A' }, 1)
    const text = await metrics.registry.metrics()
    for (const definition of Object.values(METRICS)) {
      expect(text).toContain(`# HELP mm2_failback_${definition.name} ${definition.help}`)
      expect(text).toContain(`# TYPE mm2_failback_${definition.name} ${definition.type}`)
    }
    expect(text).toContain('mm2_failback_up{kafka_cluster="A"} 1')
  })

  it('a custom namespace renames every metric', async () => {
    const text = await createMetrics({ namespace: 'dr' }).registry.metrics()
    expect(text).toContain('# TYPE dr_ready gauge')
    expect(text).not.toContain('mm2_failback_')
  })

  it('serves /metrics, /ready (503 then 200), /healthz and 404 on 127.0.0.1:0', async () => {
    const metrics = createMetrics()
    let ready = false
    endpoints = await startHttpEndpoints({
      host: '127.0.0.1',
      port: 0,
      registry: metrics.registry,
      isReady: () => ready,
      readinessDetail: () => ({ pending: ready ? [] : ['A:mm2-offset-syncs.B.internal'] })
    })
    expect(endpoints.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const metricsResponse = await fetch(`${endpoints.url}/metrics`)
    expect(metricsResponse.status).toBe(200)
    expect(metricsResponse.headers.get('content-type')).toContain('text/plain')
    expect(await metricsResponse.text()).toContain('mm2_failback_ready')
    const notReady = await fetch(`${endpoints.url}/ready`)
    expect(notReady.status).toBe(503)
    expect(await notReady.json()).toEqual({ ready: false, detail: { pending: ['A:mm2-offset-syncs.B.internal'] } })
    ready = true
    expect((await fetch(`${endpoints.url}/ready`)).status).toBe(200)
    expect((await fetch(`${endpoints.url}/healthz`)).status).toBe(200)
    expect((await fetch(`${endpoints.url}/nope`)).status).toBe(404)
    expect((await fetch(`${endpoints.url}/metrics`, { method: 'POST' })).status).toBe(405)
  })

  it('streams a scrape of 100,000 series whole, and a client leaving mid-scrape does not stop the next ones', async () => {
    const metrics = createMetrics()
    for (let group = 0; group < 1000; group++) {
      for (let partition = 0; partition < 100; partition++) {
        metrics.consumerLagRecords.set({ kafka_cluster: 'A', group: `group-${group}`, topic: 'orders', partition }, partition)
      }
    }
    endpoints = await startHttpEndpoints({ host: '127.0.0.1', port: 0, registry: metrics.registry, isReady: () => true })
    const expected = await metrics.registry.metrics()
    expect(expected.length).toBeGreaterThan(8_000_000)
    // A client that reads the first bytes and hangs up: the server must not wait for a drain that never comes.
    const { request } = await import('node:http')
    await new Promise<void>((resolve, reject) => {
      const req = request(`${endpoints!.url}/metrics`, (response) => {
        response.once('data', () => { req.destroy(); resolve() })
      })
      req.on('error', (error: NodeJS.ErrnoException) => { if (error.code !== 'ECONNRESET') reject(error) })
      req.end()
    })
    const [first, second] = await Promise.all([fetch(`${endpoints.url}/metrics`), fetch(`${endpoints.url}/metrics`)])
    expect(first.status).toBe(200)
    expect(await first.text()).toBe(expected)
    expect(await second.text()).toBe(expected)
    const head = await fetch(`${endpoints.url}/metrics`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
  })

  it('serves the runbook at /runbook, with the section each alert\'s runbook_url points at', async () => {
    endpoints = await startHttpEndpoints({ host: '127.0.0.1', port: 0, registry: createMetrics().registry, isReady: () => true })
    const response = await fetch(`${endpoints.url}/runbook`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const html = await response.text()
    expect(html).toContain('<title>mm2-failback runbook</title>')
    for (const rule of alertRules(DEFAULT_MONITORING_CONFIG)) {
      // The default link is http://<live instance>/runbook#<anchor>: this server's path, and an id on the page.
      const [path, anchor] = rule.annotations.runbook_url.split('}}').at(-1)!.split('#')
      expect(path, rule.alert).toBe('/runbook')
      expect(html, rule.alert).toContain(`<h2 id="${anchor}">${rule.alert}</h2>`)
    }
    expect((await fetch(`${endpoints.url}/runbook`, { method: 'HEAD' })).status).toBe(200)
  })

  it('answers /runbook with 404 when the installation lacks alerts/runbook.md', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'mm2-failback-no-runbook-'))
    try {
      endpoints = await startHttpEndpoints({ host: '127.0.0.1', port: 0, registry: createMetrics().registry, isReady: () => true, runbookRoot: empty })
      const response = await fetch(`${endpoints.url}/runbook`)
      expect(response.status).toBe(404)
      expect(await response.text()).toContain('alerts/runbook.md is missing')
    } finally {
      rmSync(empty, { recursive: true, force: true })
    }
  })
})

describe('runbook page', () => {
  it('renders headings with GitHub\'s anchors, paragraphs, lists, code and emphasis, and escapes everything else', () => {
    const html = renderRunbookHtml([
      '# Title',
      '',
      '## MM2FailbackDown',
      '',
      '**Meaning.** The *sidecar* is <down> & `up{job="x"} == 0`',
      'on two lines.',
      '',
      '- first item,',
      '  continued',
      '- second',
      '',
      '```',
      'kubectl get pods <name>',
      '```'
    ].join('\n'))
    expect(html).toContain('<h1 id="title">Title</h1>')
    expect(html).toContain('<h2 id="mm2failbackdown">MM2FailbackDown</h2>')
    expect(html).toContain('<p><strong>Meaning.</strong> The <em>sidecar</em> is &lt;down&gt; &amp; <code>up{job=&quot;x&quot;} == 0</code> on two lines.</p>')
    expect(html).toContain('<ul><li>first item, continued</li><li>second</li></ul>')
    expect(html).toContain('<pre><code>kubectl get pods &lt;name&gt;</code></pre>')
    expect(html).not.toContain('<down>')
    expect(runbookAnchor('Failover and failback: step 2')).toBe('failover-and-failback-step-2')
  })
})
