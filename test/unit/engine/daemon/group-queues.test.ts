import { describe, expect, it } from 'vitest'
import { GroupQueues } from '../../../../sidecar/src/engine/daemon/group-queues.ts'

describe('GroupQueues', () => {
  it('runs one group\'s work in order, one batch at a time, merging work for a partition not started yet', async () => {
    const batches: string[][] = []
    let release: () => void = () => {}
    const queues = new GroupQueues<string>(async (entries) => {
      batches.push(entries)
      await new Promise<void>((resolve) => { release = resolve })
    }, () => {})
    queues.add('g', 'p0', () => 'p0@1')
    // The first batch is out; these wait, and p0's second commit replaces its first one queued.
    queues.add('g', 'p0', () => 'p0@2')
    queues.add('g', 'p1', () => 'p1@1')
    queues.add('g', 'p0', (queued) => `${queued ?? ''}+p0@3`)
    await new Promise((resolve) => setImmediate(resolve))
    expect(batches).toEqual([['p0@1']])
    release()
    await new Promise((resolve) => setImmediate(resolve))
    expect(batches).toEqual([['p0@1'], ['p0@2+p0@3', 'p1@1']])
    release()
    await queues.idle()
  })

  it('runs different groups concurrently, and keeps going after a batch that threw', async () => {
    const started: string[] = []
    const errors: unknown[] = []
    const queues = new GroupQueues<string>(async (entries) => {
      started.push(...entries)
      if (entries.includes('bad')) throw new Error('boom')
      await new Promise((resolve) => setTimeout(resolve, 10))
    }, (error) => { errors.push(error) })
    queues.add('g1', 'p', () => 'bad')
    queues.add('g2', 'p', () => 'ok')
    await new Promise((resolve) => setImmediate(resolve))
    expect(started).toEqual(['bad', 'ok'])
    queues.add('g1', 'p', () => 'after')
    await queues.idle()
    expect(started).toEqual(['bad', 'ok', 'after'])
    expect(errors).toHaveLength(1)
  })

  it('works on at most maxRunning groups at once; the others wait in line, in arrival order, and all are done', async () => {
    let running = 0
    let peak = 0
    const order: string[] = []
    const queues = new GroupQueues<string>(async (entries) => {
      running++
      peak = Math.max(peak, running)
      order.push(...entries)
      await new Promise((resolve) => setTimeout(resolve, 5))
      running--
    }, () => {}, 3)
    for (let group = 0; group < 10; group++) queues.add(`g${group}`, 'p', () => `g${group}`)
    expect(queues.load).toEqual({ running: 3, waiting: 7 })
    await queues.idle()
    expect(peak).toBe(3)
    expect(order).toEqual(Array.from({ length: 10 }, (_, group) => `g${group}`))
    expect(queues.load).toEqual({ running: 0, waiting: 0 })
  })

  it('a group that keeps getting work gives its seat up to waiting groups after each batch', async () => {
    const order: string[] = []
    let busyBatches = 0
    const queues = new GroupQueues<string>(async (entries) => {
      order.push(...entries)
      await new Promise((resolve) => setTimeout(resolve, 2))
      // The busy group commits again while each of its batches runs, five times.
      if (entries[0]!.startsWith('busy') && ++busyBatches < 5) queues.add('busy', 'p', () => `busy${busyBatches}`)
    }, () => {}, 1)
    queues.add('busy', 'p', () => 'busy0')
    queues.add('a', 'p', () => 'a')
    queues.add('b', 'p', () => 'b')
    await queues.idle()
    // Not busy0..busy4 first: a and b had their turn after busy's first batch.
    expect(order.slice(0, 4)).toEqual(['busy0', 'a', 'b', 'busy1'])
    expect(order).toHaveLength(7)
  })

  it('refuses a bound below one', () => {
    expect(() => new GroupQueues<string>(async () => {}, () => {}, 0)).toThrow(/maxRunning must be at least 1/)
  })
})
