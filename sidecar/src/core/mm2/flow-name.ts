// How a flow is named everywhere: in mm2.properties keys (`A->B.enabled`), in the `flow` label of the
// metrics, in logs and in messages. MM2 prints its SourceAndTarget the same way.
import type { SourceAndTarget } from '../naming/replication-policy.ts'

/** "A->B" for the flow from cluster A to cluster B. */
export function flowName (flow: SourceAndTarget): string {
  return `${flow.source}->${flow.target}`
}
