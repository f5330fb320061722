// The V8 heap flag the launcher re-executes `mm2-failback run` with (bin/node-heap.js): only for `run`, never
// over the user's own choice of initial heap, and within a max-old-space-size the user set.
import { describe, expect, it } from 'vitest'
import { heapFlags, INITIAL_OLD_SPACE_MB } from '../../../bin/node-heap.js'

describe('heapFlags', () => {
  it('gives run a 256 MiB initial old generation and leaves every other command as it is', () => {
    expect(INITIAL_OLD_SPACE_MB).toBe(256)
    expect(heapFlags(['run', '--mm2-config', 'mm2.properties'], [], '')).toEqual(['--initial-old-space-size=256'])
    for (const args of [['reconcile', '--group', 'g'], ['inspect'], ['--help'], [], ['dashboards', 'run']]) {
      expect(heapFlags(args, [], ''), args.join(' ')).toEqual([])
    }
  })

  it('keeps an initial heap size the user chose, on the command line or in NODE_OPTIONS, in either spelling', () => {
    expect(heapFlags(['run'], ['--initial-old-space-size=64'], '')).toEqual([])
    expect(heapFlags(['run'], ['--initial_heap_size=512'], '')).toEqual([])
    expect(heapFlags(['run'], ['--initial-heap-size', '512'], '')).toEqual([])
    expect(heapFlags(['run'], [], '--trace-warnings --initial-old-space-size=128')).toEqual([])
    // Other flags are no choice of the initial size.
    expect(heapFlags(['run'], ['--cpu-prof', '--initial-old-space-sizes=1'], '--max-semi-space-size=4')).toEqual(['--initial-old-space-size=256'])
  })

  it('stays within half of the max-old-space-size node applies (its command line over NODE_OPTIONS), and adds nothing below 32 MiB', () => {
    expect(heapFlags(['run'], [], '--max-old-space-size=200')).toEqual(['--initial-old-space-size=100'])
    expect(heapFlags(['run'], ['--max_old_space_size=4096'], '')).toEqual(['--initial-old-space-size=256'])
    expect(heapFlags(['run'], [], '--max-old-space-size=1000 --max-old-space-size=96')).toEqual(['--initial-old-space-size=48'])
    expect(heapFlags(['run'], ['--max-old-space-size=96'], '--max-old-space-size=1000')).toEqual(['--initial-old-space-size=48'])
    expect(heapFlags(['run'], ['--max-old-space-size=1000'], '--max-old-space-size=96')).toEqual(['--initial-old-space-size=256'])
    expect(heapFlags(['run'], [], '--max-old-space-size=63')).toEqual([])
  })
})
