// The tag the sidecar puts in the metadata of every offset it commits, so that it recognises its own
// writes (and MM2's copies of them: MM2's sync.group.offsets carries the source commit's metadata
// over) and never propagates them back: the first guard against ping-pong. The second guard is the
// in-sync / forward-only check of group-sync.ts, which holds even when the metadata is lost.
//
// Grammar: "mm2-failback/v1 from=<cluster alias> offset=<source offset>"

export const PROVENANCE_PREFIX = 'mm2-failback/v1'

export interface Provenance {
  /** Alias of the cluster whose commit was translated. */
  fromCluster: string
  /** The committed offset on that cluster. */
  fromOffset: bigint
}

const PATTERN = /^mm2-failback\/v1 from=(\S+) offset=(\d+)$/

/** The metadata string for an offset translated from `fromCluster`'s commit at `fromOffset`. */
export function provenanceMetadata (provenance: Provenance): string {
  return `${PROVENANCE_PREFIX} from=${provenance.fromCluster} offset=${provenance.fromOffset}`
}

/** The provenance in a commit's metadata, or null when another client wrote it. */
export function parseProvenance (metadata: string | null | undefined): Provenance | null {
  if (metadata === null || metadata === undefined || !metadata.startsWith(PROVENANCE_PREFIX)) return null
  const match = PATTERN.exec(metadata)
  if (match === null) return null
  return { fromCluster: match[1]!, fromOffset: BigInt(match[2]!) }
}
