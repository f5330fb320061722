import { afterEach, describe, expect, it } from 'vitest'
import { startHttpEndpoints, type HttpEndpoints } from '../../../sidecar/src/metrics/http.ts'
import { createMetrics } from '../../../sidecar/src/metrics/registry.ts'
import { METRICS } from '../../../sidecar/src/metrics/names.ts'

let endpoints: HttpEndpoints | null = null
afterEach(async () => { await endpoints?.close(); endpoints = null })

describe('metrics registry and HTTP endpoints', () => {
  it('exports every metric of names.ts under the namespace, with its help text', async () => {
    const metrics = createMetrics({ namespace: 'mm2_failback' })
    metrics.up.set({ cluster: 'A' }, 1)
    const text = await metrics.registry.metrics()
    for (const definition of Object.values(METRICS)) {
      expect(text).toContain(`# HELP mm2_failback_${definition.name} ${definition.help}`)
      expect(text).toContain(`# TYPE mm2_failback_${definition.name} ${definition.type}`)
    }
    expect(text).toContain('mm2_failback_up{cluster="A"} 1')
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
})
