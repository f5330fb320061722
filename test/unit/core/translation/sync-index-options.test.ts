import { describe, expect, it } from 'vitest'
import { FlowSyncIndex } from '../../../../sidecar/src/core/translation/flow-sync-index.ts'
import { PartitionSyncHistory } from '../../../../sidecar/src/core/translation/partition-sync-history.ts'
import { resolveSyncIndexOptions } from '../../../../sidecar/src/core/translation/sync-index-options.ts'
import { SyncIndex } from '../../../../sidecar/src/core/translation/sync-index.ts'

const INVALID = [{ denseSyncs: 0 }, { denseSyncs: 1.5 }, { bucketsPerDoubling: 3 }, { bucketsPerDoubling: 0 }, { bucketsPerDoubling: 2 ** 21 }]

describe('resolveSyncIndexOptions', () => {
  it('applies the defaults and keeps bucketsPerDoubling as its log2', () => {
    expect(resolveSyncIndexOptions({})).toEqual({ denseSyncs: 128, bucketShift: 4 })
    expect(resolveSyncIndexOptions({ denseSyncs: 1, bucketsPerDoubling: 1 })).toEqual({ denseSyncs: 1, bucketShift: 0 })
    expect(resolveSyncIndexOptions({ bucketsPerDoubling: 2 ** 20 })).toEqual({ denseSyncs: 128, bucketShift: 20 })
  })

  it.each(INVALID)('rejects %o as MM2_CONFIG_INVALID, in every constructor that takes options', (options) => {
    const invalid = expect.objectContaining({ code: 'MM2_CONFIG_INVALID' })
    expect(() => resolveSyncIndexOptions(options)).toThrow(invalid)
    expect(() => new SyncIndex(options)).toThrow(invalid)
    expect(() => new FlowSyncIndex('A', 'B', options)).toThrow(invalid)
    expect(() => new PartitionSyncHistory('orders', 0, options)).toThrow(invalid)
  })

  it('names the option and the value in the message', () => {
    expect(() => resolveSyncIndexOptions({ bucketsPerDoubling: 3 })).toThrow('bucketsPerDoubling must be a power of two from 1 to 2^20 (got 3).')
    expect(() => resolveSyncIndexOptions({ denseSyncs: 0 })).toThrow('denseSyncs must be an integer of at least 1 (got 0).')
  })
})
