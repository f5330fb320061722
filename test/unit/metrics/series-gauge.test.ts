import { Gauge, Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { SeriesGauge } from '../../../sidecar/src/metrics/series-gauge.ts'
import { createMetrics } from '../../../sidecar/src/metrics/registry.ts'

const LABELS = ['kafka_cluster', 'group', 'topic', 'partition'] as const
const HELP = 'Records behind, per cluster, group, topic and partition.\nA second line \\ with a backslash.'

/** The same series set on a prom-client Gauge: the oracle of the text format. */
async function promClientText (series: ReadonlyArray<[Record<string, string | number>, number]>): Promise<string> {
  const registry = new Registry()
  const gauge = new Gauge({ name: 'lag_records', help: HELP, labelNames: [...LABELS], registers: [registry] })
  for (const [labels, value] of series) gauge.set(labels, value)
  return await registry.metrics()
}

function seriesText (gauge: SeriesGauge): string {
  return [...gauge.chunks()].join('') + '\n'
}

describe('SeriesGauge', () => {
  it('renders what prom-client renders: escaping of label values and help, value spelling, label order', async () => {
    const series: Array<[Record<string, string | number>, number]> = [
      [{ kafka_cluster: 'A', group: 'orders', topic: 'orders', partition: 0 }, 12],
      [{ partition: '1', topic: 'orders', group: 'quote"back\\slash\nnewline', kafka_cluster: 'B' }, 0.25],
      [{ kafka_cluster: 'A', group: 'ünïcode group', topic: 'A.orders', partition: 2 }, Number.NaN],
      [{ kafka_cluster: 'A', group: 'g', topic: 't', partition: 3 }, Number.POSITIVE_INFINITY],
      [{ kafka_cluster: 'A', group: 'g', topic: 't', partition: 4 }, Number.NEGATIVE_INFINITY],
      [{ kafka_cluster: 'A', group: 'g', topic: 't', partition: 5 }, 1e21]
    ]
    const gauge = new SeriesGauge('lag_records', HELP, LABELS)
    for (const [labels, value] of series) gauge.set(labels, value)
    // prom-client writes labels in the order of the object it was given; a SeriesGauge in labelNames' order.
    const inOrder = series.map(([labels, value]): [Record<string, string | number>, number] =>
      [Object.fromEntries(LABELS.map((name) => [name, labels[name]!])), value])
    expect(seriesText(gauge)).toBe(await promClientText(inOrder))
  })

  it('set replaces a series value, remove drops it, reset drops all', () => {
    const gauge = new SeriesGauge('lag_records', HELP, LABELS)
    const labels = { kafka_cluster: 'A', group: 'orders', topic: 'orders', partition: 7 }
    gauge.set(labels, 5)
    gauge.set({ ...labels, partition: '7' }, 9)
    expect(gauge.size).toBe(1)
    expect(gauge.valueFor(labels)).toBe(9)
    gauge.set({ ...labels, partition: 8 }, 1)
    gauge.remove(labels)
    expect(gauge.valueFor(labels)).toBeUndefined()
    expect(seriesText(gauge)).toContain('lag_records{kafka_cluster="A",group="orders",topic="orders",partition="8"} 1\n')
    expect(seriesText(gauge)).not.toContain('partition="7"')
    gauge.reset()
    expect(gauge.size).toBe(0)
    expect([...gauge.chunks()].join('')).toBe(`# HELP lag_records ${HELP.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE lag_records gauge`)
  })

  it('a missing label is an error naming the metric and the label', () => {
    const gauge = new SeriesGauge('lag_records', HELP, LABELS)
    expect(() => { gauge.set({ kafka_cluster: 'A', group: 'orders', topic: 'orders' }, 1) }).toThrow(/lag_records: label "partition" is missing/)
  })

  it('renders 25,000 series in chunks of about 64 KiB that join to prom-client\'s text', async () => {
    const series: Array<[Record<string, string | number>, number]> = []
    for (let group = 0; group < 500; group++) {
      for (let partition = 0; partition < 50; partition++) {
        series.push([{ kafka_cluster: 'A', group: `group-${group}`, topic: 'orders', partition }, group * partition])
      }
    }
    const gauge = new SeriesGauge('lag_records', HELP, LABELS)
    for (const [labels, value] of series) gauge.set(labels, value)
    const chunks = [...gauge.chunks()]
    expect(chunks.length).toBeGreaterThan(20)
    for (const chunk of chunks.slice(0, -1)) {
      expect(chunk.length).toBeGreaterThanOrEqual(64 * 1024)
      expect(chunk.length).toBeLessThan(64 * 1024 + 200)
    }
    expect(chunks.join('') + '\n').toBe(await promClientText(series))
  })

  it('the sidecar registry renders its series gauges after prom-client\'s metrics, in the text format', async () => {
    const metrics = createMetrics({ namespace: 'mm2_failback' })
    metrics.up.set({ kafka_cluster: 'A' }, 1)
    metrics.consumerLagRecords.set({ kafka_cluster: 'A', group: 'orders', topic: 'orders', partition: 0 }, 3)
    const text = await metrics.registry.metrics()
    expect(text).toContain('mm2_failback_up{kafka_cluster="A"} 1\n')
    expect(text).toContain('\n\n# HELP mm2_failback_consumer_lag_records ')
    expect(text).toContain('\nmm2_failback_consumer_lag_records{kafka_cluster="A",group="orders",topic="orders",partition="0"} 3\n')
    expect(text.endsWith('\n')).toBe(true)
    expect(text).not.toMatch(/\n\n\n/)
    // Every metric block: HELP, TYPE, then samples of that metric only.
    for (const block of text.trimEnd().split('\n\n')) {
      const [help, type, ...samples] = block.split('\n')
      const name = /^# HELP (\S+) /.exec(help!)?.[1]
      expect(type).toMatch(new RegExp(`^# TYPE ${name} (gauge|counter|histogram)$`))
      for (const sample of samples) expect(sample.startsWith(name!)).toBe(true)
    }
  })
})
