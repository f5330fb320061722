// Creates the prom-client metrics named in names.ts under a namespace, in a registry of their own
// (no global state, so two sidecars or tests in one process do not collide).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { DEFAULT_NAMESPACE, METRICS, type MetricKey } from './names.ts'

type MetricOf<K extends MetricKey> = (typeof METRICS)[K]['type'] extends 'counter' ? Counter<string>
  : (typeof METRICS)[K]['type'] extends 'histogram' ? Histogram<string> : Gauge<string>

export type SidecarMetrics = { readonly [K in MetricKey]: MetricOf<K> } & { readonly registry: Registry, readonly namespace: string }

export interface MetricsOptions {
  namespace?: string
  /** Also export Node.js process metrics (CPU, memory, event loop) under the namespace. */
  processMetrics?: boolean
}

/** Builds a registry holding every metric of names.ts. */
export function createMetrics (options: MetricsOptions = {}): SidecarMetrics {
  const namespace = options.namespace ?? DEFAULT_NAMESPACE
  const registry = new Registry()
  const metrics: Record<string, unknown> = { registry, namespace }
  for (const [key, definition] of Object.entries(METRICS)) {
    const config = { name: `${namespace}_${definition.name}`, help: definition.help, labelNames: [...definition.labels], registers: [registry] }
    const buckets = 'buckets' in definition ? definition.buckets : undefined
    if (definition.type === 'counter') metrics[key] = new Counter(config)
    else if (definition.type === 'histogram') metrics[key] = new Histogram({ ...config, buckets: [...(buckets ?? [])] })
    else metrics[key] = new Gauge(config)
  }
  if (options.processMetrics === true) collectDefaultMetrics({ register: registry, prefix: `${namespace}_process_` })
  return metrics as SidecarMetrics
}
