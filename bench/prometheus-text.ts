// Prometheus text exposition as the benches read a sidecar's /metrics: every sample, and sums over the
// samples of a metric that carry the given labels.

export interface Sample { name: string, labels: Record<string, string>, value: number }

export function parseMetrics (text: string): Sample[] {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line)
    if (match === null) continue
    const labels = Object.fromEntries([...(match[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((entry) => [entry[1]!, entry[2]!]))
    samples.push({ name: match[1]!, labels, value: Number(match[4]) })
  }
  return samples
}

export const matches = (sample: Sample, name: string, labels: Record<string, string>): boolean =>
  sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value)

/** The sum of the samples of `name` that carry every label given. */
export const total = (samples: Sample[], name: string, labels: Record<string, string> = {}): number =>
  samples.filter((sample) => matches(sample, name, labels)).reduce((sum, sample) => sum + sample.value, 0)
