import { describe, expect, it } from 'vitest'
import { flowName } from '../../../../sidecar/src/core/mm2/flow-name.ts'

describe('flowName', () => {
  it('spells a flow as mm2.properties and the metrics do', () => {
    expect(flowName({ source: 'A', target: 'B' })).toBe('A->B')
    expect(flowName({ source: 'us-east', target: 'us-west' })).toBe('us-east->us-west')
  })
})
