// Starts one ReverseSyncEmitter per flow whose reverse syncs MM2 would read (docs/design.md §2.3):
// flow S->T's syncs, inverted, go into the offset-syncs topic of flow T->S, which MM2 reads only when
// T->S is enabled with checkpoints. With coordination (coordination.ts), an emitter writes while
// this instance is the elected writer of its destination cluster, and stops when another one is.
// Alone, it claims the topic until that works, and a fenced emitter stays down: claiming again would
// fence the instance that fenced it, which would then claim back, with neither writing.
import type { Mm2Config, Mm2Flow } from '../../core/mm2/model.ts'
import type { OffsetSync } from '../../core/codec/offset-sync.ts'
import { ReverseSyncHighWater } from '../../core/sync/reverse-syncs.ts'
import type { SyncIndex } from '../../core/translation/sync-index.ts'
import { isMm2FailbackError } from '../../errors.ts'
import { messageOf } from '../../kafka/client-errors.ts'
import type { SidecarMetrics } from '../../metrics/registry.ts'
import { reverseFlowOf } from '../../core/mm2/flows.ts'
import type { Logger } from '../logger.ts'
import type { ClusterAdapters, TopicFollower } from '../ports.ts'
import { ReverseSyncEmitter } from './reverse-sync-emitter.ts'
import { flowName } from '../../core/mm2/flow-name.ts'
import type { WriterSeats } from './coordination.ts'

/** Where the reverse syncs of `flow` go, or null when MM2 would not read them. */
export function reverseSyncDestination (mm2: Mm2Config, flow: Mm2Flow): { cluster: string, topic: string } | null {
  const reverse = reverseFlowOf(mm2, flow)
  if (reverse === undefined || !reverse.enabled || !reverse.emitCheckpointsEnabled) return null
  return reverse.internalTopics.offsetSyncs
}

/** The clusters reverse offset syncs are written to. */
export function reverseSyncClusters (mm2: Mm2Config, flows: readonly Mm2Flow[]): string[] {
  return [...new Set(flows.map((flow) => reverseSyncDestination(mm2, flow)?.cluster).filter((alias): alias is string => alias !== undefined))]
}

export interface ReverseSyncWritersOptions {
  mm2: Mm2Config
  flows: readonly Mm2Flow[]
  index: SyncIndex
  adapters: (alias: string) => ClusterAdapters | undefined
  /** The follower of MM2's topics on a cluster: it reads the destination topic back. */
  followers: (alias: string) => TopicFollower | undefined
  metrics: Pick<SidecarMetrics, 'reverseSyncsSkipped' | 'reverseSyncsWritten' | 'syncFailures'>
  logger: Logger
  retryDelayMs: number
  /** Which instance writes to each cluster; null: this one alone. */
  election: WriterSeats | null
}

export class ReverseSyncWriters {
  private readonly options: ReverseSyncWritersOptions
  /** Per flow whose syncs are inverted: the newest reverse sync seen in its destination, per partition. */
  private readonly highWaters = new Map<Mm2Flow, ReverseSyncHighWater>()
  private readonly emitters = new Map<Mm2Flow, ReverseSyncEmitter>()
  private stopped = false

  constructor (options: ReverseSyncWritersOptions) {
    this.options = options
    for (const flow of options.flows) this.highWaters.set(flow, new ReverseSyncHighWater())
  }

  /** A reverse sync read from `reverseFlow`'s offset-syncs topic: written for the flow running the other way. */
  observe (reverseFlow: Mm2Flow, sync: OffsetSync): void {
    const forward = reverseFlowOf(this.options.mm2, reverseFlow)
    if (forward !== undefined) this.highWaters.get(forward)?.observe(sync)
  }

  /** A new sync of `flow` entered the index. */
  onSync (flow: Mm2Flow, sync: OffsetSync): void {
    this.emitters.get(flow)?.onSync(sync)
  }

  /** Starts the emitters; each claims its destination in the background, retrying until it works. */
  start (background: (what: string, task: Promise<void>) => void): void {
    const { mm2, logger, metrics, retryDelayMs } = this.options
    for (const flow of this.options.flows) {
      const destination = reverseSyncDestination(mm2, flow)
      if (destination === null) {
        const reason = `flow ${flow.target}->${flow.source} is not enabled with checkpoints in ${mm2.source}, so MM2 would not read them`
        logger.warn(`reverse offset syncs of flow ${flowName(flow)} are not written: ${reason}. Group sync still covers failback.`, { flow: flowName(flow) })
        continue
      }
      const adapters = this.options.adapters(destination.cluster)
      const follower = this.options.followers(destination.cluster)
      if (adapters === undefined || follower === undefined) continue
      const emitter = new ReverseSyncEmitter({
        flowName: flowName(flow),
        sourceAlias: flow.source,
        policy: flow.policy,
        index: this.options.index.flow(flow.source, flow.target),
        highWater: this.highWaters.get(flow)!,
        writer: adapters.reverseSyncWriter(destination.topic),
        readToEnd: async () => {
          const end = await follower.endOffset(destination.topic, 0)
          await follower.waitForPosition(destination.topic, 0, end)
        },
        metrics,
        logger,
        retryDelayMs
      })
      this.emitters.set(flow, emitter)
      const { election } = this.options
      if (election === null) {
        background(`reverse syncs of ${flowName(flow)}`, this.activateWithRetry(emitter, flow, destination.cluster, () => !emitter.isFenced))
        continue
      }
      // Seat changes are applied one after the other: a deactivation finishes (its write out) before the
      // next activation claims the topic again.
      let transitions = Promise.resolve()
      election.onChange(destination.cluster, (elected) => {
        const stillElected = (): boolean => election.isElected(destination.cluster)
        transitions = transitions.then(async () => {
          if (!elected) await emitter.deactivate()
          else await this.activateWithRetry(emitter, flow, destination.cluster, stillElected)
        })
        background(`reverse syncs of ${flowName(flow)}`, transitions)
      })
    }
  }

  /** Claims and activates until it works, while `wanted()` holds. */
  private async activateWithRetry (emitter: ReverseSyncEmitter, flow: Mm2Flow, cluster: string, wanted: () => boolean): Promise<void> {
    while (!this.stopped && !emitter.isActive && wanted()) {
      try {
        await emitter.activate()
      } catch (error) {
        const code = isMm2FailbackError(error) ? error.code : 'MM2_CLUSTER_UNREACHABLE'
        this.options.metrics.syncFailures.inc({ kafka_cluster: cluster, operation: 'reverse-sync-claim', code })
        const message = messageOf(error)
        const text = `cannot start reverse offset syncs of flow ${flowName(flow)} yet: ${message}; retrying`
        this.options.logger.once(`claim:${flowName(flow)}:${message}`, 'warn', text, { flow: flowName(flow) })
        await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs))
      }
    }
  }

  async stop (): Promise<void> {
    this.stopped = true
    await Promise.all([...this.emitters.values()].map(async (emitter) => { await emitter.stop() }))
  }
}
