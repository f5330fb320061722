// The labs of the compatibility matrix and the cells each one decides. Cells that do not conflict share
// a lab (one lab start is ~20 s of a line's budget): the default MM2 setup hosts a classic and a KIP-848
// group on plain topics and classic groups on a compacted and a transactional topic; every other setup
// (a naming policy, a sync location, MM2 without offset syncs) gets a lab of its own with one drill.
import type { LabOptions } from '../../lab/lab.ts'
import type { KafkaLine } from '../../lab/versions.ts'
import type { CompatCellId, CompatOutcome } from '../../lab/compat/cells.ts'
import { hasKip848Groups } from '../kafka-lines.ts'
import type { DrillResult } from './compat-drill.ts'
import type { TopicKind } from './compat-workload.ts'

export interface CompatDrill {
  id: string
  topic: string
  kind: TopicKind
  protocol: 'classic' | 'consumer'
}

export interface CompatCellCheck {
  /** The drills that must pass for the cell to pass. */
  drills: string[]
  /** Shown with a pass: under which conditions it was observed. */
  note?: string
  /** Lines the sidecar must have logged (how it tells the operator about this setup). */
  sidecarLog?: RegExp[]
}

export interface CompatLab {
  name: string
  options: Pick<LabOptions, 'mm2Props' | 'flows' | 'brokerProps'>
  /** The name MM2 gives a topic of A on B. */
  remote: (topic: string) => string
  drills: CompatDrill[]
  cells: Partial<Record<CompatCellId, CompatCellCheck>>
  /** How long a translated position must stay in place once exact (default 2 s). */
  holdMs?: number
}

const IDENTITY = 'org.apache.kafka.connect.mirror.IdentityReplicationPolicy'
const defaultRemote = (topic: string): string => `A.${topic}`
const underscoreRemote = (topic: string): string => `A_${topic}`
const plain = (id: string, protocol: 'classic' | 'consumer' = 'classic'): CompatDrill => ({ id, topic: id, kind: 'plain', protocol })

export const COMPAT_LABS: CompatLab[] = [
  {
    name: 'default MM2 setup (separator ".", syncs on the source, MM2 group sync on)',
    options: {
      // The log cleaner compacts A's topic within the test; B's copy keeps the default segment.ms (not
      // copied), so it stays dense and is not compacted under the group while it is checked.
      brokerProps: { 'log.cleaner.backoff.ms': 500 },
      mm2Props: {
        'sync.group.offsets.enabled': true,
        'config.properties.exclude': 'follower[.]replication[.]throttled[.]replicas, leader[.]replication[.]throttled[.]replicas, ' +
          'message[.]timestamp[.]difference[.]max[.]ms, message[.]timestamp[.]type, unclean[.]leader[.]election[.]enable, min[.]insync[.]replicas, segment[.]ms'
      }
    },
    remote: defaultRemote,
    // Longer than MM2's sync.group.offsets.interval (5 s in the lab): MM2's own commits must not move a group back.
    holdMs: 6000,
    drills: [
      plain('orders'),
      plain('events', 'consumer'),
      { id: 'compacted', topic: 'compacted', kind: 'compacted', protocol: 'classic' },
      { id: 'payments', topic: 'payments', kind: 'transactional', protocol: 'classic' }
    ],
    cells: {
      'separator-default': { drills: ['orders'] },
      'offset-syncs-source': { drills: ['orders'] },
      'classic-groups': { drills: ['orders'] },
      'kip848-groups': { drills: ['events'] },
      'compacted-topics': { drills: ['compacted'], note: 'compacted on A before MM2 copies it (offset gaps on A, a dense copy on B)' },
      'transactional-topics': { drills: ['payments'], note: 'committed and aborted transactions (markers and aborted records on A)' },
      'mm2-group-sync-on': { drills: ['orders'] }
    }
  },
  {
    name: 'custom separator "_"',
    options: { mm2Props: { 'replication.policy.separator': '_' } },
    remote: underscoreRemote,
    drills: [plain('orders')],
    cells: { 'separator-custom': { drills: ['orders'] } }
  },
  {
    name: 'separator "_" for remote topics, "." for internal ones (KIP-949)',
    options: { mm2Props: { 'replication.policy.separator': '_', 'replication.policy.internal.topic.separator.enabled': false } },
    remote: underscoreRemote,
    drills: [plain('orders')],
    cells: { 'internal-separator-off': { drills: ['orders'] } }
  },
  {
    name: 'IdentityReplicationPolicy, only A->B',
    // Both ways would loop: the identity policy keeps names, so MM2 cannot tell a copy from an original.
    options: { mm2Props: { 'replication.policy.class': IDENTITY }, flows: [['A', 'B']] },
    remote: (topic) => topic,
    drills: [plain('orders')],
    cells: {
      'identity-policy': {
        drills: ['orders'],
        note: 'failback by the sidecar\'s own group sync (no B→A flow, so no reverse syncs for MM2 and nothing produced on B is copied back)',
        sidecarLog: [/reverse offset syncs of flow A->B are not written: flow B->A is not enabled with checkpoints/]
      }
    }
  },
  {
    name: 'offset syncs on the target, MM2 group sync off',
    options: { mm2Props: { 'offset-syncs.topic.location': 'target', 'sync.group.offsets.enabled': false } },
    remote: defaultRemote,
    drills: [plain('orders')],
    cells: {
      'offset-syncs-target': { drills: ['orders'] },
      'mm2-group-sync-off': { drills: ['orders'], note: 'the sidecar commits the translated offsets; MM2 only checkpoints' }
    }
  },
  {
    name: 'no offset syncs (emit.offset-syncs.enabled=false, so no checkpoints and no MM2 group sync either)',
    options: { mm2Props: { 'emit.offset-syncs.enabled': false, 'emit.checkpoints.enabled': false, 'sync.group.offsets.enabled': false } },
    remote: defaultRemote,
    drills: [plain('orders')],
    cells: {
      'no-offset-syncs': {
        drills: ['orders'],
        note: 'proven from the first records of both logs (translation.mode exact, while both still hold them); the sidecar logs this per flow',
        sidecarLog: [/flow A->B has emit\.offset-syncs\.enabled=false/, /flow B->A has emit\.offset-syncs\.enabled=false/]
      }
    }
  }
]

/** Why a drill cannot run on a line, or null when it can. */
export function drillUnavailable (drill: CompatDrill, line: KafkaLine): string | null {
  if (drill.protocol === 'consumer' && !hasKip848Groups(line)) {
    return 'KIP-848 groups (group.protocol=consumer) are generally available from Kafka 4.0 only'
  }
  return null
}

/** A cell's outcome from its drills' results (missing: not available on the line) and the sidecar's log. */
export function cellOutcome (check: CompatCellCheck, results: ReadonlyMap<string, DrillResult | { unavailable: string }>, sidecarLog: string): CompatOutcome {
  for (const id of check.drills) {
    const result = results.get(id)
    if (result === undefined) throw new Error(`drill ${id} has no result`)
    if ('unavailable' in result) return { outcome: 'n/a', reason: result.unavailable }
  }
  for (const id of check.drills) {
    const result = results.get(id) as DrillResult
    if (!result.ok) return { outcome: 'fail', reason: result.reason }
  }
  const silent = (check.sidecarLog ?? []).filter((pattern) => !pattern.test(sidecarLog))
  if (silent.length > 0) return { outcome: 'fail', reason: `the sidecar did not log ${silent.map(String).join(', ')}` }
  return check.note === undefined ? { outcome: 'pass' } : { outcome: 'pass', note: check.note }
}
