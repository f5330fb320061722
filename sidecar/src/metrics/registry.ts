// Creates the metrics named in names.ts under a namespace, in a registry of their own (no global
// state, so two sidecars or tests in one process do not collide). Gauges with a series per group and
// partition are SeriesGauges (series-gauge.ts), rendered after prom-client's metrics.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { DEFAULT_NAMESPACE, METRICS, type MetricKey } from './names.ts'
import { SeriesGauge } from './series-gauge.ts'

type MetricOf<K extends MetricKey> = (typeof METRICS)[K] extends { manySeries: true } ? SeriesGauge
  : (typeof METRICS)[K]['type'] extends 'counter' ? Counter<string>
      : (typeof METRICS)[K]['type'] extends 'histogram' ? Histogram<string> : Gauge<string>

export type SidecarMetrics = { readonly [K in MetricKey]: MetricOf<K> } & { readonly registry: SidecarRegistry, readonly namespace: string }

export interface MetricsOptions {
  namespace?: string
  /** Also export Node.js process metrics (CPU, memory, event loop) under the namespace. */
  processMetrics?: boolean
}

/**
 * prom-client's registry, and the SeriesGauges rendered after its metrics. Only the text of a scrape
 * (metrics(), chunks()) holds them: prom-client's other registry methods (getMetricsAsJSON,
 * getSingleMetric, resetMetrics) see its own metrics only, and the sidecar uses none of them.
 */
export class SidecarRegistry extends Registry {
  private readonly seriesGauges: SeriesGauge[] = []

  addSeriesGauge (gauge: SeriesGauge): void {
    this.seriesGauges.push(gauge)
  }

  /** The whole text of a scrape (tests, tools); /metrics writes chunks() as they come. */
  override async metrics (): Promise<string> {
    const parts: string[] = []
    for await (const chunk of this.chunks()) parts.push(chunk)
    return parts.join('')
  }

  /** The text of a scrape in pieces: prom-client's metrics, then each SeriesGauge a chunk at a time. */
  async * chunks (): AsyncGenerator<string> {
    // prom-client's text ends with a newline; metrics are separated by an empty line.
    const text = await super.metrics()
    yield text
    for (const gauge of this.seriesGauges) {
      yield '\n'
      yield * gauge.chunks()
      yield '\n'
    }
  }
}

/** Builds a registry holding every metric of names.ts. */
export function createMetrics (options: MetricsOptions = {}): SidecarMetrics {
  const namespace = options.namespace ?? DEFAULT_NAMESPACE
  const registry = new SidecarRegistry()
  const metrics: Record<string, unknown> = { registry, namespace }
  for (const [key, definition] of Object.entries(METRICS)) {
    const name = `${namespace}_${definition.name}`
    if ('manySeries' in definition) {
      const gauge = new SeriesGauge(name, definition.help, definition.labels)
      registry.addSeriesGauge(gauge)
      metrics[key] = gauge
      continue
    }
    const config = { name, help: definition.help, labelNames: [...definition.labels], registers: [registry] }
    const buckets = 'buckets' in definition ? definition.buckets : undefined
    if (definition.type === 'counter') metrics[key] = new Counter(config)
    else if (definition.type === 'histogram') metrics[key] = new Histogram({ ...config, buckets: [...(buckets ?? [])] })
    else metrics[key] = new Gauge(config)
  }
  if (options.processMetrics === true) collectDefaultMetrics({ register: registry, prefix: `${namespace}_process_` })
  return metrics as SidecarMetrics
}
