// The startup notice for flows that write no offset syncs (emit.offset-syncs.enabled=false).
import { describe, expect, it } from 'vitest'
import { parseMm2Properties } from '../../../../sidecar/src/config/mm2-properties.ts'
import { syncFreeFlowNotices } from '../../../../sidecar/src/engine/daemon/flow-notices.ts'

const base = ['clusters = A, B', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092', 'A->B.enabled = true', 'B->A.enabled = true']
const noSyncs = ['emit.offset-syncs.enabled = false', 'emit.checkpoints.enabled = false', 'sync.group.offsets.enabled = false']
const flows = (...extra: string[]) => parseMm2Properties([...base, ...extra].join('\n')).flows

describe('syncFreeFlowNotices', () => {
  it('says nothing when every enabled flow writes offset syncs', () => {
    expect(syncFreeFlowNotices(flows(), { mode: 'exact', groupSync: true })).toEqual([])
  })

  it('names each flow without syncs and what exact mode still translates', () => {
    const notices = syncFreeFlowNotices(flows(...noSyncs), { mode: 'exact', groupSync: true })
    expect(notices.map((notice) => notice.fields.flow)).toEqual(['A->B', 'B->A'])
    for (const notice of notices) {
      expect(notice.level).toBe('warn')
      expect(notice.text).toMatch(/^flow (A->B|B->A) has emit\.offset-syncs\.enabled=false: MM2 writes no offset syncs for it/)
      expect(notice.text).toContain('translation.mode exact proves each group position from the first records of both logs')
      expect(notice.text).toContain('untranslatable_partitions')
    }
  })

  it('only the flow that turned them off', () => {
    const oneFlow = flows('A->B.emit.offset-syncs.enabled = false', 'A->B.emit.checkpoints.enabled = false')
    const notices = syncFreeFlowNotices(oneFlow, { mode: 'exact', groupSync: true })
    expect(notices.map((notice) => notice.fields.flow)).toEqual(['A->B'])
  })

  it('says that conservative mode translates nothing, and points at exact', () => {
    const [notice] = syncFreeFlowNotices(flows(...noSyncs), { mode: 'conservative', groupSync: true })
    expect(notice!.text).toContain('translation.mode conservative translates nothing on this flow\'s topics, in either direction')
  })

  it('says that nothing is mirrored without group sync', () => {
    const [notice] = syncFreeFlowNotices(flows(...noSyncs), { mode: 'exact', groupSync: false })
    expect(notice!.text).toContain('group sync is off (features.groupSync), so nothing is mirrored')
  })

  it('leaves disabled flows out', () => {
    const text = [...base.slice(0, 3), 'A->B.enabled = true', 'B->A.enabled = false', 'B->A.emit.offset-syncs.enabled = false'].join('\n')
    expect(syncFreeFlowNotices(parseMm2Properties(text).flows, { mode: 'exact', groupSync: true })).toEqual([])
  })
})
