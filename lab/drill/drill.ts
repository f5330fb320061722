// The failover/failback drill: one group consumes `T` on A; A dies; the group moves to B
// (A.T plus B's own T, which producers switched to); A comes back; the group moves back to A (T plus
// B.T). Every record carries a sequence number, so each phase's lost and re-read records are counted
// exactly. Run once with MM2 alone and once with MM2 + mm2-failback, on the same lab, to compare.
// Two production patterns (`DrillWorkload`): `steady` (small sends, the group caught up on A) and
// `burst` (tens of thousands of records at full speed, then quiet: MM2's offset syncs are sparse).
import { GroupAdmin } from '../../sidecar/src/kafka/group-admin.ts'
import type { Lab } from '../lab.ts'
import { produce } from '../clients.ts'
import { DRILL_TIMES_LEGEND } from './summary.ts'
import { waitFor, WaitTimeoutError } from '../wait.ts'
import { DeliveryLedger, consumeUntil, isWarmUp, produceSequence, sequenceEnds, warmUpValue } from './workload.ts'

export type DrillMode = 'mm2-alone' | 'mm2+sidecar'

/**
 * How records are produced. `steady`: the group consumes `consumedOnA` records on A and commits; then
 * `pendingOnA` more are produced on A (sends of 200). `burst`: `consumedOnA + pendingOnA` records are
 * produced on A at full speed (sends of 5,000), then nothing more; the group consumes exactly the first
 * `consumedOnA` of them (each partition up to the same point of the sequence) and commits. In both, A
 * then dies and `producedOnB` records are produced on B the same way.
 */
export type DrillWorkload = 'steady' | 'burst'

export const DRILL_WORKLOADS: readonly DrillWorkload[] = ['steady', 'burst']

/** Records produced on A before and after the group's last commit there, and on B during the failover. */
export interface DrillCounts {
  consumedOnA: number
  pendingOnA: number
  producedOnB: number
}

/** Each workload's defaults: partitions of T on A and B, the counts, and the records per produce request. */
export const WORKLOAD_DEFAULTS: Readonly<Record<DrillWorkload, { partitions: number, counts: DrillCounts, batchSize: number }>> = {
  steady: { partitions: 3, counts: { consumedOnA: 600, pendingOnA: 300, producedOnB: 300 }, batchSize: 200 },
  burst: { partitions: 12, counts: { consumedOnA: 20_000, pendingOnA: 10_000, producedOnB: 3_000 }, batchSize: 5_000 }
}

export interface PhaseResult {
  phase: 'failover A->B' | 'failback B->A'
  /** Records the group never received by the end of the phase. */
  lost: number
  /** Records the group received a second time in this phase. */
  reread: number
  /**
   * Seconds from the last commit on the old cluster (failback: from its return) until MM2 had copied the
   * group's records up to its position to the new cluster; null: not within the wait.
   */
  secondsToCopied: number | null
  /**
   * Seconds from that commit (or return), or from MM2's copy when that came later, until the group had
   * translated offsets on the new cluster: no one can translate a position whose records are not there
   * yet. Null: never (within the wait).
   */
  secondsToTranslated: number | null
  /** The sidecar's reported re-read window for the group at the move (sum over partitions), when a sidecar runs. */
  reportedWindow: number | null
}

export interface DrillResult {
  mode: DrillMode
  topic: string
  group: string
  workload: DrillWorkload
  partitions: number
  counts: DrillCounts
  phases: PhaseResult[]
}

export interface DrillOptions {
  mode: DrillMode
  topic: string
  group: string
  /** The production pattern (default `steady`); it also sets the defaults of `partitions` and `counts` (WORKLOAD_DEFAULTS). */
  workload?: DrillWorkload
  partitions?: number
  /** Records produced on A before and after the group's last commit there, and on B during the failover. */
  counts?: DrillCounts
  /** Reads the sidecar's /metrics text (mm2+sidecar mode). */
  scrapeSidecar?: () => Promise<string>
  log?: (line: string) => void
  translationWaitMs?: number
}

export async function runDrill (lab: Lab, options: DrillOptions): Promise<DrillResult> {
  const log = options.log ?? (() => {})
  const workload = options.workload ?? 'steady'
  const defaults = WORKLOAD_DEFAULTS[workload]
  const partitions = options.partitions ?? defaults.partitions
  const counts = options.counts ?? defaults.counts
  const batchSize = defaults.batchSize
  const { topic, group } = options
  // Every partition needs a commit on A, or its translation can never be seen (secondsUntilOffsetsMoved).
  if (counts.consumedOnA < partitions) throw new Error(`the drill needs counts.consumedOnA (${counts.consumedOnA}) >= partitions (${partitions})`)
  const remoteOnB = `A.${topic}`
  const remoteOnA = `B.${topic}`
  const waitMs = options.translationWaitMs ?? 60_000
  const ledger = new DeliveryLedger()
  const phases: PhaseResult[] = []

  // Normal operation: the group consumes T on A and commits.
  await lab.createTopic('A', topic, partitions)
  await lab.createTopic('B', topic, partitions)
  // A failover hits topics MM2 has been replicating for a while: wait until MM2 has discovered both
  // (refresh.topics.interval) and created their copies, so the times below are translation times, not
  // MM2's discovery of a brand-new topic.
  await waitFor(async () => (await lab.listTopics('B')).includes(remoteOnB) && (await lab.listTopics('A')).includes(remoteOnA), {
    timeoutMs: 60_000, intervalMs: 250, description: `MM2 to create ${remoteOnB} on B and ${remoteOnA} on A`
  })
  // MM2 restarts its task when it discovers a topic, a moment after it creates the copy: replicate one
  // warm-up record per partition both ways first, so MM2 is copying T before the drill's records exist.
  await warmUp(lab, topic, partitions)
  let fromA: string[]
  let stopAt: Map<string, bigint> | undefined
  if (workload === 'burst') {
    const started = Date.now()
    fromA = await produceSequence(lab.bootstrap('A'), topic, 'A', 0, counts.consumedOnA + counts.pendingOnA, partitions, batchSize)
    log(`[${options.mode}] burst: produced ${fromA.length} records to ${topic} on A (${partitions} partitions) in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
      `group ${group} consumes the first ${counts.consumedOnA} on A`)
    // The topic is new and each partition holds its sequence numbers in order: the group reads each
    // partition up to the end of the first `consumedOnA` numbers.
    stopAt = sequenceEnds(topic, counts.consumedOnA, partitions, 1n)
  } else {
    fromA = await produceSequence(lab.bootstrap('A'), topic, 'A', 0, counts.consumedOnA, partitions, batchSize)
    log(`[${options.mode}] produced ${fromA.length} records to ${topic} on A; group ${group} consumes them on A`)
  }
  const first = ledger.watch(fromA.slice(0, counts.consumedOnA))
  const onA0 = await consumeUntil({
    bootstrap: lab.bootstrap('A'), group, topics: [topic], ledger, done: () => first.missingCount() === 0, timeoutMs: 90_000, stopAt, ignore: isWarmUp
  })
  if (first.missingCount() > 0) {
    throw new Error(`group ${group} did not consume the first ${counts.consumedOnA} records on A within 90 s (${first.missingCount()} missing; read ${onA0.delivered})`)
  }
  const committedOnA = Date.now()
  // Watched from the commit on, while the workload goes on: the time is the sidecar's (or MM2's), not the drill's.
  const failoverCopying = whenCopied(lab, 'B', remoteOnB, onA0.committed, topic, waitMs)
  const failoverTranslating = whenOffsetsMoved(lab.bootstrap('B'), 'B', group, [remoteOnB], partitions, new Map(), waitMs)
  if (workload === 'steady') fromA.push(...await produceSequence(lab.bootstrap('A'), topic, 'A', counts.consumedOnA, counts.pendingOnA, partitions, batchSize))
  await waitFor(async () => (await lab.recordCount('B', remoteOnB)) >= BigInt(fromA.length), {
    timeoutMs: 120_000,
    description: `MM2 to replicate ${fromA.length} records to ${remoteOnB} on B`
  })

  // Failover: A dies; producers and the group move to B. (A's offsets are read now, while A is up.)
  const beforeFailback = await committedOffsetsOrEmpty(lab.bootstrap('A'), 'A', group)
  const failoverTimes = phaseTimes(committedOnA, await failoverCopying, await failoverTranslating)
  const failoverRoutes = [{ flow: 'A->B', direction: 'forward', topic }]
  const failoverWindow = options.scrapeSidecar === undefined ? null : rereadWindow(await options.scrapeSidecar(), group, failoverRoutes)
  log(`[${options.mode}] killing A (SIGKILL)`)
  await lab.killCluster('A')
  const fromB = await produceSequence(lab.bootstrap('B'), topic, 'B', 0, counts.producedOnB, partitions, batchSize)
  const expectedA = ledger.watch(fromA)
  const expectedB = ledger.watch(fromB)
  const lost = (): number => expectedA.missingCount() + expectedB.missingCount()
  const allDelivered = (): boolean => lost() === 0
  const onB = await consumeUntil({
    bootstrap: lab.bootstrap('B'),
    group,
    topics: [remoteOnB, topic],
    ledger,
    done: await caughtUpOn(lab, 'B', group, [remoteOnB, topic], allDelivered),
    timeoutMs: 90_000,
    ignore: isWarmUp
  })
  phases.push({
    phase: 'failover A->B',
    lost: lost(),
    reread: onB.reread,
    ...failoverTimes,
    reportedWindow: failoverWindow
  })
  log(`[${options.mode}] failover: group ${group} read ${onB.delivered} records on B, ${onB.reread} re-read`)
  const committedOnB = Date.now()

  // Failback: A returns; MM2 catches up; the group moves back to A.
  log(`[${options.mode}] restarting A`)
  await lab.restartCluster('A')
  const aBack = Date.now()
  const failbackSince = Math.max(committedOnB, aBack)
  // A.T's records are on A already; B's own records of T must be copied to B.T on A by MM2 first.
  const failbackCopying = whenCopied(lab, 'A', remoteOnA, onB.committed, topic, waitMs)
  const failbackTranslating = whenOffsetsMoved(lab.bootstrap('A'), 'A', group, [topic, remoteOnA], partitions, beforeFailback, waitMs)
  await waitFor(async () => (await lab.recordCount('A', remoteOnA)) >= BigInt(fromB.length), {
    timeoutMs: 120_000,
    description: `MM2 to replicate ${fromB.length} records to ${remoteOnA} on A`
  })
  const failbackTimes = phaseTimes(failbackSince, await failbackCopying, await failbackTranslating)
  const failbackRoutes = [{ flow: 'A->B', direction: 'reverse', topic: remoteOnB }, { flow: 'B->A', direction: 'forward', topic }]
  const failbackWindow = options.scrapeSidecar === undefined ? null : rereadWindow(await options.scrapeSidecar(), group, failbackRoutes)
  const onA = await consumeUntil({
    bootstrap: lab.bootstrap('A'),
    group,
    topics: [topic, remoteOnA],
    ledger,
    done: await caughtUpOn(lab, 'A', group, [topic, remoteOnA], allDelivered),
    timeoutMs: 90_000,
    ignore: isWarmUp
  })
  phases.push({
    phase: 'failback B->A',
    lost: lost(),
    reread: onA.reread,
    ...failbackTimes,
    reportedWindow: failbackWindow
  })
  log(`[${options.mode}] failback: group ${group} read ${onA.delivered} records on A, ${onA.reread} re-read`)
  return { mode: options.mode, topic, group, workload, partitions, counts, phases }
}

/**
 * A `done` test for a consumer that moved to `alias`: every expected record was delivered AND the
 * group reached the end of every partition it reads there, counting from its committed offset (a
 * group resuming at a stale offset must read, and so re-read, everything up to the end).
 */
async function caughtUpOn (
  lab: Lab,
  alias: string,
  group: string,
  topics: string[],
  allDelivered: () => boolean
): Promise<(positions: ReadonlyMap<string, bigint>) => boolean> {
  const committed = await committedOffsetsOrEmpty(lab.bootstrap(alias), alias, group)
  const ends = new Map<string, bigint>()
  for (const topic of topics) (await lab.endOffsets(alias, topic)).forEach((end, partition) => ends.set(`${topic}\u0000${partition}`, end))
  return (positions) => {
    if (!allDelivered()) return false
    for (const [key, end] of ends) {
      const [topic, partition] = key.split('\u0000') as [string, string]
      const position = positions.get(key) ?? committed.get(`${topic}-${partition}`) ?? 0n
      if (position < end) return false
    }
    return true
  }
}

/** The group's committed offsets on a cluster, keyed "topic-partition"; empty when the cluster does not answer. */
async function committedOffsetsOrEmpty (bootstrap: string, alias: string, group: string): Promise<Map<string, bigint>> {
  const admin = new GroupAdmin({ alias, bootstrapServers: [bootstrap] })
  try {
    const offsets = await admin.committedOffsets(group)
    return new Map(offsets.map((entry) => [`${entry.topic}-${entry.partition}`, entry.offset]))
  } catch {
    return new Map()
  } finally {
    await admin.close().catch(() => {})
  }
}

/** When (epoch ms) `holds` first answered true, asked every 100 ms; null when not within `waitMs`. */
async function whenHolds (holds: () => Promise<boolean>, waitMs: number, description: string): Promise<number | null> {
  try {
    return await waitFor(async () => await holds() ? Date.now() : null, { timeoutMs: waitMs, intervalMs: 100, description })
  } catch (error) {
    if (error instanceof WaitTimeoutError) return null
    throw error
  }
}

/**
 * When (epoch ms) the group has, on the cluster, an offset for every partition of every topic in
 * `topics` that differs from `before` (appeared or moved): the moment translations of its last commits
 * on the other cluster landed. Null when that does not happen within `waitMs`.
 */
async function whenOffsetsMoved (
  bootstrap: string,
  alias: string,
  group: string,
  topics: string[],
  partitions: number,
  before: Map<string, bigint>,
  waitMs: number
): Promise<number | null> {
  return await whenHolds(async () => {
    const now = await committedOffsetsOrEmpty(bootstrap, alias, group)
    let moved = 0
    for (const topic of topics) {
      for (let partition = 0; partition < partitions; partition++) {
        const key = `${topic}-${partition}`
        const offset = now.get(key)
        if (offset !== undefined && offset !== before.get(key)) moved++
      }
    }
    return moved === partitions * topics.length
  }, waitMs, `translated offsets of group ${group} on ${alias}`)
}

/**
 * When (epoch ms) every partition of `remoteTopic` on `alias` reaches the offset the group committed
 * for `sourceTopic` on the other cluster (`committed`, keyed "topic\u0000partition"): MM2 has copied the
 * records up to the group's position (the drill's topics have no gaps, so offsets correspond one to one,
 * up to MM2's rare re-deliveries, which only make this earlier). Null when not within `waitMs`.
 */
async function whenCopied (
  lab: Lab,
  alias: string,
  remoteTopic: string,
  committed: ReadonlyMap<string, bigint>,
  sourceTopic: string,
  waitMs: number
): Promise<number | null> {
  const targets = [...committed].flatMap(([key, offset]) => {
    const [topic, partition] = key.split('\u0000') as [string, string]
    return topic === sourceTopic ? [{ partition: Number(partition), offset }] : []
  })
  return await whenHolds(async () => {
    const ends = await lab.endOffsets(alias, remoteTopic)
    return targets.every(({ partition, offset }) => (ends[partition] ?? -1n) >= offset)
  }, waitMs, `MM2 to copy ${sourceTopic} up to the group's position to ${remoteTopic} on ${alias}`)
}

/** A phase's two times, in seconds from `sinceMs`: MM2's copy, and the translation from the later of the two. */
function phaseTimes (sinceMs: number, copiedAt: number | null, translatedAt: number | null): Pick<PhaseResult, 'secondsToCopied' | 'secondsToTranslated'> {
  const seconds = (from: number, to: number | null): number | null => to === null ? null : Math.max(0, to - from) / 1000
  return {
    secondsToCopied: seconds(sinceMs, copiedAt),
    secondsToTranslated: seconds(Math.max(sinceMs, copiedAt ?? sinceMs), translatedAt)
  }
}

/** One record per partition of `topic` on A and on B, copied by MM2 to the other cluster before this returns. */
async function warmUp (lab: Lab, topic: string, partitions: number): Promise<void> {
  for (const [alias, other] of [['A', 'B'], ['B', 'A']] as const) {
    const records = Array.from({ length: partitions }, (_, partition) => ({ key: null, value: warmUpValue(alias, partition), partition }))
    await produce(lab.bootstrap(alias), topic, records)
    await waitFor(async () => (await lab.recordCount(other, `${alias}.${topic}`)) >= BigInt(partitions), {
      timeoutMs: 60_000, intervalMs: 250, description: `MM2 to copy the warm-up records of ${topic} on ${alias} to ${alias}.${topic} on ${other}`
    })
  }
}

/** Sum of the sidecar's re-read windows for a group's partitions on the given routes (topic as named on the cluster the group leaves). */
export function rereadWindow (metricsText: string, group: string, routes: ReadonlyArray<{ flow: string, direction: string, topic: string }>): number | null {
  let total = 0
  let found = false
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith('mm2_failback_translation_reread_window_records{')) continue
    const labels = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1], match[2]]))
    const onRoute = routes.some((route) => labels.flow === route.flow && labels.direction === route.direction && labels.topic === route.topic)
    if (labels.group !== group || !onRoute) continue
    total += Number(line.slice(line.lastIndexOf(' ') + 1))
    found = true
  }
  return found ? total : null
}

/** The comparison table the demo prints. */
export function formatDrillTable (results: readonly DrillResult[]): string {
  const rows = [['setup', 'phase', 'records lost', 'records re-read', 'reported re-read window', 'MM2 copy', 'time to translated offsets']]
  for (const result of results) {
    for (const phase of result.phases) {
      rows.push([
        result.mode === 'mm2-alone' ? 'MM2 alone' : 'MM2 + mm2-failback',
        phase.phase,
        String(phase.lost),
        String(phase.reread),
        phase.reportedWindow === null ? '-' : String(phase.reportedWindow),
        phase.secondsToCopied === null ? 'not within the wait' : `${phase.secondsToCopied.toFixed(2)} s`,
        phase.secondsToTranslated === null ? 'never (not translated)' : `${phase.secondsToTranslated.toFixed(2)} s`
      ])
    }
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)))
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n') + '\n' + DRILL_TIMES_LEGEND
}
