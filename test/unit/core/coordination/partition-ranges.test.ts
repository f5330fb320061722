import { describe, expect, it } from 'vitest'
import { partitionRanges } from '../../../../sidecar/src/core/coordination/partition-ranges.ts'

describe('partitionRanges', () => {
  it('collapses runs, sorts, drops duplicates', () => {
    expect(partitionRanges([33, 0, 1, 2, 16, 3, 40, 41, 2])).toBe('0-3, 16, 33, 40-41')
  })

  it('names a single partition and nothing', () => {
    expect(partitionRanges([7])).toBe('7')
    expect(partitionRanges([])).toBe('')
  })

  it('a full share of 50 partitions is one range', () => {
    expect(partitionRanges(Array.from({ length: 50 }, (_, index) => index))).toBe('0-49')
  })
})
