// The gauges that say how well a group is mirrored (docs/design.md §7): per partition, the re-read
// window a consumer moved now would have; per group, how many partitions cannot be translated now and
// how long ago the other side was last seen in line with the group's commits.
import { compositeKey } from '../../core/keys.ts'
import { flowName } from '../../core/mm2/flow-name.ts'
import type { CommittedOffset } from '../../core/sync/committed-offsets.ts'
import type { CommitRoute } from '../../core/sync/route.ts'
import type { Translation } from '../../core/translation/translation.ts'
import type { SidecarMetrics } from '../../metrics/registry.ts'

type Gauges = Pick<SidecarMetrics, 'translationRereadWindow' | 'untranslatablePartitions' | 'translationAge'>

export class TranslationGauges {
  private readonly metrics: Gauges
  private readonly now: () => number
  /** Per (flow, direction, group): when the other side was last seen in line with the group's commits. */
  private readonly alignedAt = new Map<string, { labels: { flow: string, direction: string, group: string }, atMs: number }>()
  /** Per (flow, direction, group), the partitions whose committed offset cannot be translated now. */
  private readonly untranslatable = new Map<string, Set<string>>()
  /**
   * The value each group's untranslatable_partitions series was last set to: it is set only when the value
   * changes (prom-client hashes the labels on every call, which with a thousand groups committing every
   * second cost more than the translation itself).
   */
  private readonly lastSet = new Map<string, number>()
  private readonly flowNames = new WeakMap<CommitRoute['flow'], string>()

  constructor (metrics: Gauges, now: () => number) {
    this.metrics = metrics
    this.now = now
  }

  /** A commit was translated (or found untranslatable): its window and the group's untranslatable count. */
  translated (route: CommitRoute, commit: CommittedOffset, translation: Translation): void {
    const flow = this.flowName(route)
    // An untranslatable partition is exposed from its earliest record: a consumer moved now would start
    // there (auto.offset.reset=earliest) and re-read every record below the group's position.
    const window = Number(translation.kind === 'translated' ? translation.rereadWindow : commit.offset)
    // A SeriesGauge keeps one string and a number a series: setting an unchanged value costs a map write.
    const labels = { flow, direction: route.direction, group: commit.group, topic: commit.topic, partition: commit.partition }
    this.metrics.translationRereadWindow.set(labels, window)
    const groupKey = compositeKey(flow, route.direction, commit.group)
    const partitions = this.untranslatable.get(groupKey) ?? new Set<string>()
    this.untranslatable.set(groupKey, partitions)
    const partitionKey = compositeKey(commit.cluster, commit.topic, commit.partition)
    if (translation.kind === 'translated') partitions.delete(partitionKey)
    else partitions.add(partitionKey)
    if (this.lastSet.get(groupKey) !== partitions.size) {
      this.lastSet.set(groupKey, partitions.size)
      this.metrics.untranslatablePartitions.set({ flow, direction: route.direction, group: commit.group }, partitions.size)
    }
  }

  /** The other side is in line with the group's commits (written, or found in sync). */
  aligned (route: CommitRoute, group: string): void {
    const labels = { flow: this.flowName(route), direction: route.direction, group }
    this.alignedAt.set(compositeKey(labels.flow, labels.direction, group), { labels, atMs: this.now() })
  }

  /** Sets translation_age_seconds for every group seen in line at least once. */
  exportAges (nowMs: number): void {
    for (const { labels, atMs } of this.alignedAt.values()) this.metrics.translationAge.set(labels, Math.max(0, nowMs - atMs) / 1000)
  }

  private flowName (route: CommitRoute): string {
    let name = this.flowNames.get(route.flow)
    if (name === undefined) {
      name = flowName(route.flow)
      this.flowNames.set(route.flow, name)
    }
    return name
  }
}
