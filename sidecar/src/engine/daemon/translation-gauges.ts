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

  constructor (metrics: Gauges, now: () => number) {
    this.metrics = metrics
    this.now = now
  }

  /** A commit was translated (or found untranslatable): its window and the group's untranslatable count. */
  translated (route: CommitRoute, commit: CommittedOffset, translation: Translation): void {
    const flow = flowName(route.flow)
    const labels = { flow, direction: route.direction, group: commit.group, topic: commit.topic, partition: String(commit.partition) }
    // An untranslatable partition is exposed from its earliest record: a consumer moved now would start
    // there (auto.offset.reset=earliest) and re-read every record below the group's position.
    const window = translation.kind === 'translated' ? translation.rereadWindow : commit.offset
    this.metrics.translationRereadWindow.set(labels, Number(window))
    const groupKey = compositeKey(flow, route.direction, commit.group)
    const partitions = this.untranslatable.get(groupKey) ?? new Set<string>()
    this.untranslatable.set(groupKey, partitions)
    const partitionKey = compositeKey(commit.cluster, commit.topic, commit.partition)
    if (translation.kind === 'translated') partitions.delete(partitionKey)
    else partitions.add(partitionKey)
    this.metrics.untranslatablePartitions.set({ flow, direction: route.direction, group: commit.group }, partitions.size)
  }

  /** The other side is in line with the group's commits (written, or found in sync). */
  aligned (route: CommitRoute, group: string): void {
    const labels = { flow: flowName(route.flow), direction: route.direction, group }
    this.alignedAt.set(compositeKey(labels.flow, labels.direction, group), { labels, atMs: this.now() })
  }

  /** Sets translation_age_seconds for every group seen in line at least once. */
  exportAges (nowMs: number): void {
    for (const { labels, atMs } of this.alignedAt.values()) this.metrics.translationAge.set(labels, Math.max(0, nowMs - atMs) / 1000)
  }
}
