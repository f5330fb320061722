import { describe, expect, it } from 'vitest'
import { HeapCompactor, lastResortCollection } from '../../../../sidecar/src/engine/daemon/heap-compactor.ts'
import { createLogger } from '../../../../sidecar/src/engine/logger.ts'

const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

/** Waits until `done` holds (a loaded machine delays timers: positive checks poll, negative ones rely on timers never firing early). */
async function until (done: () => boolean): Promise<void> {
  for (const started = performance.now(); !done(); await sleep(5)) {
    if (performance.now() - started > 5000) throw new Error('condition not met within 5 s')
  }
}

function compactor (options: { quietMs?: number, minIntervalMs?: number } = {}): { compactor: HeapCompactor, collections: number[], logs: string[] } {
  const collections: number[] = []
  const logs: string[] = []
  const started = performance.now()
  const compactor = new HeapCompactor({
    collect: async () => { collections.push(performance.now() - started) },
    logger: createLogger({ level: 'info', format: 'text', write: (line) => { logs.push(line) } }),
    quietMs: options.quietMs ?? 20,
    minIntervalMs: options.minIntervalMs ?? 0
  })
  return { compactor, collections, logs }
}

/** A burst whose work ends when `finish` is called. */
function burst (): { idle: () => Promise<void>, finish: () => void } {
  let finish!: () => void
  const done = new Promise<void>((resolve) => { finish = resolve })
  return { idle: async () => { await done }, finish }
}

describe('HeapCompactor', () => {
  it('collects once the burst\'s work is done and things stayed quiet, and logs what it freed', async () => {
    const { compactor: subject, collections, logs } = compactor({ quietMs: 30 })
    const work = burst()
    subject.afterBurst(work.idle)
    await sleep(60)
    expect(collections).toEqual([])
    work.finish()
    await sleep(15)
    expect(collections).toEqual([])
    await until(() => collections.length === 1)
    await sleep(50)
    expect(collections).toHaveLength(1)
    expect(logs.join('\n')).toMatch(/heap compacted after a burst of work in \d+ ms: V8 heap \d+ -> \d+ MB \(\d+ MB live\), RSS \d+ -> \d+ MB/)
  })

  it('a burst that starts before the collection replaces it: one collection, after the later burst', async () => {
    const { compactor: subject, collections } = compactor({ quietMs: 30 })
    const first = burst()
    const second = burst()
    subject.afterBurst(first.idle)
    first.finish()
    await sleep(10)
    subject.afterBurst(second.idle)
    await sleep(60)
    expect(collections).toEqual([])
    second.finish()
    await until(() => collections.length === 1)
    await sleep(50)
    expect(collections).toHaveLength(1)
  })

  it('keeps collections minIntervalMs apart, and none after stop', async () => {
    const { compactor: subject, collections } = compactor({ quietMs: 5, minIntervalMs: 150 })
    subject.afterBurst(async () => {})
    await until(() => collections.length === 1)
    subject.afterBurst(async () => {})
    await sleep(40)
    expect(collections).toHaveLength(1)
    await until(() => collections.length === 2)
    expect(collections[1]! - collections[0]!).toBeGreaterThanOrEqual(145)
    subject.afterBurst(async () => {})
    subject.stop()
    await sleep(250)
    expect(collections).toHaveLength(2)
  })

  it('V8\'s memory-reducing collection is available and gives back the pages of a fragmented heap', async () => {
    const collect = lastResortCollection()
    expect(collect).toBeTypeOf('function')
    // Keep 1 object in 20 of 2,000,000: the kept ones end up spread over old-generation pages full of garbage.
    const kept: object[] = []
    let garbage: object[] = []
    for (let i = 0; i < 2_000_000; i++) {
      const entry = { i, text: `entry-${i}` }
      if (i % 20 === 0) kept.push(entry)
      else garbage.push(entry)
      if (garbage.length > 100_000) garbage = []
    }
    garbage = []
    const before = process.memoryUsage().heapTotal
    await collect!()
    const after = process.memoryUsage().heapTotal
    expect(kept).toHaveLength(100_000)
    expect(after).toBeLessThan(before)
  })
})
