// One scenario of the compatibility matrix: a real consumer group (classic or KIP-848) fails over and
// back with MM2 and the sidecar (`mm2-failback run`) running, and nothing else:
//   1. on A, the group consumes half of each partition of the topic and commits, then leaves;
//      within the bound, its position on B (the remote topic) must be exact, and stay so for a while
//      (never moving backwards);
//   2. on B, it resumes from there (re-reading nothing), consumes to three quarters, commits, leaves;
//      within the bound, its position on A must be exact and never move backwards;
//   3. on A, it resumes and reads the rest: over the whole drill, no record lost and none read twice.
// "Exact" is judged from the records of both sides (compat-oracle.ts), not by the sidecar's code.
import { consumeUntil, DeliveryLedger } from '../../lab/drill/workload.ts'
import type { Lab } from '../../lab/lab.ts'
import type { Admins } from './safety-helpers.ts'
import { positionVerdict, stopPoint } from './compat-oracle.ts'
import { ignoredValues, type SideRecords, type TopicKind } from './compat-workload.ts'

export interface DrillOptions {
  lab: Lab
  admins: Admins
  topic: string
  /** The topic's name on B. */
  remote: string
  kind: TopicKind
  protocol: 'classic' | 'consumer'
  group: string
  /** Both sides, once MM2 has copied the topic. */
  sides: { a: SideRecords, b: SideRecords }
  /** How long a translated position may take to be in place. */
  boundMs: number
  /** How long it must then stay in place, never moving backwards. */
  holdMs: number
}

export type DrillResult = { ok: true, evidence: string } | { ok: false, reason: string, detail: string }

/** Where the group stands after consuming on one cluster: committed offset by partition. */
type Positions = Map<number, bigint>

export async function runDrill (options: DrillOptions): Promise<DrillResult> {
  const { lab, topic, remote, kind, protocol, group, sides } = options
  const ignore = ignoredValues(kind)
  const ledger = new DeliveryLedger()
  const expected = [...sides.a.values()].flatMap((records) => records.map((record) => record.value)).filter((value) => !ignore(value))
  const consumePart = async (alias: string, name: string, records: SideRecords, fraction: number): Promise<{ committed: Positions, reread: number }> => {
    const stops = new Map([...records].map(([partition, list]) => [partition, stopPoint(list, fraction, ignore)] as const))
    const key = (partition: number): string => `${name}\u0000${partition}`
    const stopAt = new Map([...stops].flatMap(([partition, stop]) => stop === null ? [] : [[key(partition), stop.stopAt] as const]))
    const result = await consumeUntil({
      bootstrap: lab.bootstrap(alias),
      group,
      topics: [name],
      ledger,
      ignore,
      stopAtDone: true,
      stopAt,
      groupProtocol: protocol,
      timeoutMs: 60_000,
      done: (positions) => [...stops].every(([partition, stop]) => stop === null || (positions.get(key(partition)) ?? -1n) >= stop.need)
    })
    if (result.timedOut) throw new Error(`group ${group} did not reach its stop points on ${name} on cluster ${alias} within 60 s`)
    return { committed: new Map([...result.committed].map(([k, offset]) => [Number(k.split('\u0000')[1]), offset])), reread: result.reread }
  }

  const onA = await consumePart('A', topic, sides.a, 0.5)
  const failover = await waitExact(options, { cluster: 'B', topic: remote, committed: onA.committed, source: sides.a, target: sides.b })
  if (!failover.ok) return { ok: false, reason: `failover A->B: ${failover.reason}`, detail: failover.detail }
  const onB = await consumePart('B', remote, sides.b, 0.75)
  if (onB.reread > 0) return { ok: false, reason: 'failover A->B: the group re-read records when it resumed on B', detail: `${onB.reread} re-read` }
  const failback = await waitExact(options, { cluster: 'A', topic, committed: onB.committed, source: sides.b, target: sides.a })
  if (!failback.ok) return { ok: false, reason: `failback B->A: ${failback.reason}`, detail: failback.detail }
  const rest = await consumeUntil({
    bootstrap: lab.bootstrap('A'),
    group,
    topics: [topic],
    ledger,
    ignore,
    stopAtDone: true,
    groupProtocol: protocol,
    timeoutMs: 30_000,
    done: () => ledger.missing(expected).length === 0
  })
  const lost = ledger.missing(expected).length
  if (rest.reread > 0 || lost > 0) {
    return { ok: false, reason: 'failback B->A: records lost or re-read when the group resumed on A', detail: `${lost} lost, ${rest.reread} re-read` }
  }
  const at = (positions: Positions): string => [...positions].map(([partition, offset]) => `p${partition}@${offset}`).join(' ')
  return {
    ok: true,
    evidence: `A ${at(onA.committed)} -> B ${failover.at} in ${failover.seconds.toFixed(1)} s; B ${at(onB.committed)} -> A ${failback.at} in ` +
      `${failback.seconds.toFixed(1)} s; ${expected.length} records, 0 lost, 0 re-read`
  }
}

type ExactWait = { ok: true, seconds: number, at: string } | { ok: false, reason: string, detail: string }

/**
 * Samples the group's committed offsets on the target every 200 ms until every partition the group
 * committed on the source is exact there (or the bound passes), and for holdMs more: no offset may ever
 * move backwards, and the exact ones must stay exact.
 */
interface TargetSide { cluster: string, topic: string, committed: Positions, source: SideRecords, target: SideRecords }

async function waitExact (options: DrillOptions, side: TargetSide): Promise<ExactWait> {
  const ignore = ignoredValues(options.kind)
  const began = Date.now()
  const last = new Map<number, bigint>()
  const rewinds: string[] = []
  let exactAt: number | null = null
  let seen = ''
  for (;;) {
    const now = Date.now()
    const offsets = await options.admins.committed(side.cluster, options.group, side.topic).catch(() => null)
    let exact = offsets !== null
    const views: string[] = []
    for (const [partition, sourceOffset] of side.committed) {
      const target = offsets?.get(partition)?.offset
      if (target !== undefined) {
        const previous = last.get(partition)
        if (previous !== undefined && target < previous) rewinds.push(`p${partition} ${previous} -> ${target}`)
        last.set(partition, target)
      }
      const verdict = target === undefined
        ? null
        : positionVerdict(side.source.get(partition) ?? [], sourceOffset, side.target.get(partition) ?? [], target, ignore)
      views.push(`p${partition}: ${sourceOffset} -> ${target ?? 'none'}${verdict === null ? '' : ` (${verdict.lost} lost, ${verdict.reread} re-read)`}`)
      if (verdict?.exact !== true) exact = false
    }
    seen = views.join('; ')
    if (rewinds.length > 0) return { ok: false, reason: `the group's position on ${side.cluster} moved backwards`, detail: rewinds.join(', ') }
    if (exactAt !== null && !exact) return { ok: false, reason: `the group's position on ${side.cluster} did not stay exact`, detail: seen }
    if (exactAt === null && exact) exactAt = now
    if (exactAt !== null && now - exactAt >= options.holdMs) {
      return { ok: true, seconds: (exactAt - began) / 1000, at: [...last].map(([partition, offset]) => `p${partition}@${offset}`).join(' ') }
    }
    if (exactAt === null && now - began > options.boundMs) {
      return { ok: false, reason: `the group's position on ${side.cluster} was not exact within ${options.boundMs / 1000} s`, detail: seen }
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}
