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
})
