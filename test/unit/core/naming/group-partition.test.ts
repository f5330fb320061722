import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { groupPartition, javaStringHashCode } from '../../../../sidecar/src/core/naming/group-partition.ts'

describe('groupPartition', () => {
  it('hashes as java.lang.String.hashCode does (values printed by a JVM)', () => {
    expect(javaStringHashCode('')).toBe(0)
    expect(javaStringHashCode('hello')).toBe(99162322)
    expect(javaStringHashCode('orders-consumer')).toBe(-1204742690)
    // Outside the BMP: two UTF-16 code units, as Java hashes them.
    expect(javaStringHashCode('g\u{1F600}')).toBe(1871882)
    // The one string family whose hash is Integer.MIN_VALUE, which Utils.abs maps to 0.
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648)
  })

  it('is Utils.abs(hashCode) % partitions, in range for every group id', () => {
    expect(groupPartition('polygenelubricants', 50)).toBe(0)
    expect(groupPartition('hello', 50)).toBe(99162322 % 50)
    expect(groupPartition('orders-consumer', 50)).toBe(1204742690 % 50)
    fc.assert(fc.property(fc.string({ unit: 'binary' }), fc.integer({ min: 1, max: 1000 }), (group, count) => {
      const partition = groupPartition(group, count)
      return Number.isInteger(partition) && partition >= 0 && partition < count
    }))
  })
})
