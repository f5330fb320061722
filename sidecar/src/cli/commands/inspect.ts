// `mm2-failback inspect --mm2-config <file>`: the topology an operator checks before running the sidecar.
// Thin: load the file, build a report with a pure function, print it as a table or JSON.
import type { Argv, CommandModule } from 'yargs'
import { loadMm2Config } from '../../config/load-mm2.ts'
import { flowName } from '../../core/mm2/flow-name.ts'
import { reverseFlowOf, shouldReplicateTopic } from '../../core/mm2/flows.ts'
import type { Mm2Config, Mm2Flow, NameFilter } from '../../core/mm2/model.ts'
import { displayValue } from '../../core/mm2/secret.ts'
import { EXIT_OK, type CliContext } from '../context.ts'
import { escapeText, formatJson, formatTable } from '../output-encoding.ts'

export interface InspectArgs {
  'mm2-config': string
  output: 'table' | 'json'
  topic: string[]
}

export interface TopicRow {
  readonly topic: string
  readonly cluster: string
  readonly role: string
  /** False when MM2 does not write it with this configuration (e.g. checkpoints disabled). */
  readonly active: boolean
}

export interface InspectReport {
  readonly file: string
  readonly replicationPolicy: {
    readonly className: string
    readonly kind: string
    readonly separator: string
    readonly internalTopicSeparator: string
  }
  readonly clusters: ReadonlyArray<{
    readonly alias: string
    readonly bootstrapServers: readonly string[]
    readonly securityProtocol: string
    readonly saslMechanism: string | null
    /** Every `<alias>.` and inherited client setting; secrets masked. */
    readonly settings: Readonly<Record<string, string>>
  }>
  readonly flows: ReadonlyArray<{
    readonly name: string
    readonly source: string
    readonly target: string
    readonly replicationPolicy: { readonly className: string, readonly separator: string, readonly internalTopicSeparator: string }
    readonly offsetSyncsTopicLocation: string
    readonly emitOffsetSyncs: boolean
    readonly emitCheckpoints: { readonly enabled: boolean, readonly intervalSeconds: number }
    readonly syncGroupOffsets: { readonly enabled: boolean, readonly intervalSeconds: number }
    readonly topicsFilter: FilterView
    readonly groupsFilter: FilterView
    readonly internalTopics: readonly TopicRow[]
    /** Where each `--topic` of the source cluster lands on the target. */
    readonly topics: ReadonlyArray<{ readonly topic: string, readonly replicated: boolean, readonly remoteTopic: string, readonly cluster: string }>
  }>
  readonly warnings: readonly string[]
}

interface FilterView {
  readonly include: readonly string[]
  readonly includeKey: string
  readonly exclude: readonly string[]
  readonly excludeKey: string
}

export function inspectCommand (context: CliContext): CommandModule<object, InspectArgs> {
  return {
    command: 'inspect',
    describe: 'Show what an mm2.properties means: clusters, enabled flows, naming, and where each internal topic lives.',
    builder: (yargs: Argv<object>) => yargs
      .usage('$0 inspect --mm2-config <file> [--output table|json] [--topic <name>...]\n\n' +
        'Reads the mm2.properties that your MirrorMaker 2 runs with, resolves it as MM2 does (cluster settings,\n' +
        'A->B overrides, replication policy and separator, topic and group filters), and prints, for each enabled\n' +
        'flow, the offset-syncs, checkpoints and heartbeats topics with the cluster that holds each, plus the name\n' +
        'a topic gets on the other side. Secrets (passwords, sasl.jaas.config) are masked. Nothing connects to Kafka.')
      .option('mm2-config', {
        type: 'string',
        demandOption: true,
        requiresArg: true,
        describe: 'Path to the mm2.properties file MirrorMaker 2 runs with'
      })
      .option('output', {
        alias: 'o',
        choices: ['table', 'json'] as const,
        default: 'table' as const,
        describe: 'table for people, json for scripts'
      })
      .option('topic', {
        type: 'string',
        array: true,
        default: ['orders'],
        requiresArg: true,
        describe: 'Source topic(s) whose name on the target to show'
      })
      .example('$0 inspect --mm2-config ./mm2.properties', 'Check the topology before starting the sidecar')
      .example('$0 inspect --mm2-config ./mm2.properties --topic payments --topic audit.log', 'Show where these topics land on each target')
      .example('$0 inspect --mm2-config ./mm2.properties -o json | jq \'.flows[].internalTopics\'', 'List internal topics and their clusters for a script')
      .epilogue('Exit codes: 0 the file is valid, 2 the file is missing or invalid (every problem is listed with its line).') as Argv<InspectArgs>,
    handler: async (args) => {
      const config = await loadMm2Config(args['mm2-config'])
      const report = inspectReport(config, args.topic)
      context.io.stdout(args.output === 'json' ? formatJson(report) : renderInspectTable(report))
      context.exitCode = EXIT_OK
    }
  }
}

/** Builds the inspect report from the model; pure. */
export function inspectReport (config: Mm2Config, topics: readonly string[] = ['orders']): InspectReport {
  const internalSeparator = (settings: { separator: string, internalTopicSeparatorEnabled: boolean }): string =>
    settings.internalTopicSeparatorEnabled ? settings.separator : '.'
  return {
    file: config.source,
    replicationPolicy: {
      className: config.replicationPolicy.className,
      kind: config.replicationPolicy.kind,
      separator: config.replicationPolicy.separator,
      internalTopicSeparator: internalSeparator(config.replicationPolicy)
    },
    clusters: config.clusters.map((cluster) => ({
      alias: cluster.alias,
      bootstrapServers: cluster.bootstrapServers,
      securityProtocol: cluster.securityProtocol,
      saslMechanism: cluster.saslMechanism ?? null,
      settings: Object.fromEntries(Object.entries(cluster.settings).map(([key, value]) => [key, displayValue(value)]))
    })),
    flows: config.flows.filter((flow) => flow.enabled).map((flow) => ({
      name: flow.name,
      source: flow.source,
      target: flow.target,
      replicationPolicy: {
        className: flow.replicationPolicy.className,
        separator: flow.replicationPolicy.separator,
        internalTopicSeparator: internalSeparator(flow.replicationPolicy)
      },
      offsetSyncsTopicLocation: flow.offsetSyncsTopicLocation,
      emitOffsetSyncs: flow.emitOffsetSyncsEnabled,
      emitCheckpoints: { enabled: flow.emitCheckpointsEnabled, intervalSeconds: flow.emitCheckpointsIntervalSeconds },
      syncGroupOffsets: { enabled: flow.syncGroupOffsetsEnabled, intervalSeconds: flow.syncGroupOffsetsIntervalSeconds },
      topicsFilter: filterView(flow.topics),
      groupsFilter: filterView(flow.groups),
      internalTopics: internalTopicRows(config, flow),
      topics: topics.map((topic) => ({
        topic,
        replicated: shouldReplicateTopic(flow, topic),
        remoteTopic: flow.policy.formatRemoteTopic(flow.source, topic),
        cluster: flow.target
      }))
    })),
    warnings: config.warnings
  }
}

function filterView (filter: NameFilter): FilterView {
  return { include: filter.include, includeKey: filter.includeKey, exclude: filter.exclude, excludeKey: filter.excludeKey }
}

function internalTopicRows (config: Mm2Config, flow: Mm2Flow): TopicRow[] {
  const { offsetSyncs, checkpoints, heartbeats } = flow.internalTopics
  const reverse = reverseFlowOf(config, flow)
  const upstreamWritten = reverse !== undefined && reverse.herder && reverse.emitHeartbeatsEnabled
  const heartbeatsReplicated = upstreamWritten && (flow.heartbeatsReplicationEnabled || flow.topics.matches(heartbeats.upstream.topic))
  return [
    {
      ...pick(offsetSyncs),
      role: `offset syncs of ${flow.name} (offset-syncs.topic.location=${offsetSyncs.location})`,
      active: flow.emitOffsetSyncsEnabled
    },
    {
      ...pick(checkpoints),
      role: flow.emitCheckpointsEnabled
        ? `checkpoints of ${flow.name}, every ${flow.emitCheckpointsIntervalSeconds} s`
        : `checkpoints of ${flow.name} (disabled)`,
      active: flow.emitCheckpointsEnabled
    },
    { ...pick(heartbeats.emitted), role: `heartbeats emitted by ${flow.name}`, active: flow.emitHeartbeatsEnabled },
    {
      ...pick(heartbeats.upstream),
      role: `heartbeats emitted by ${flowName({ source: flow.target, target: flow.source })}, replicated by ${flow.name}`,
      active: upstreamWritten
    },
    { ...pick(heartbeats.replicated), role: `${flow.source}'s heartbeats, replicated`, active: heartbeatsReplicated }
  ]
}

function pick (topic: { topic: string, cluster: string }): { topic: string, cluster: string } {
  return { topic: topic.topic, cluster: topic.cluster }
}

/**
 * Renders the report for people: aligned columns, one section per flow, warnings last. Names, paths and
 * filters come from the file, so control characters in them are shown as escapes.
 */
export function renderInspectTable (report: InspectReport): string {
  const lines: string[] = []
  const policy = report.replicationPolicy
  lines.push(`MirrorMaker 2 config: ${report.file}`)
  lines.push(`Replication policy: ${shortClass(policy.className)}, separator ${JSON.stringify(policy.separator)}, ` +
    `internal topics use ${JSON.stringify(policy.internalTopicSeparator)}`)
  lines.push('')
  lines.push('Clusters')
  lines.push(...formatTable(['ALIAS', 'BOOTSTRAP SERVERS', 'SECURITY'], report.clusters.map((cluster) => [
    cluster.alias,
    cluster.bootstrapServers.join(',') || '(none)',
    cluster.securityProtocol + (cluster.saslMechanism === null ? '' : ` (${cluster.saslMechanism})`)
  ]), '  '))
  if (report.flows.length === 0) {
    lines.push('', 'No flow is enabled.')
  }
  for (const flow of report.flows) {
    lines.push('')
    const flowPolicy = flow.replicationPolicy
    const ownPolicy = flowPolicy.className !== policy.className || flowPolicy.separator !== policy.separator ||
      flowPolicy.internalTopicSeparator !== policy.internalTopicSeparator
    const policyNote = ownPolicy
      ? ` (own policy: ${shortClass(flowPolicy.className)}, separator ${JSON.stringify(flowPolicy.separator)})`
      : ''
    lines.push(`Flow ${flow.name}${policyNote}`)
    const rows = flow.internalTopics.map((row) => [row.topic, row.cluster, row.active ? row.role : `${row.role} [not written]`])
    for (const topic of flow.topics) {
      rows.push(topic.replicated
        ? [topic.remoteTopic, topic.cluster, `${topic.topic} on ${flow.source}, replicated`]
        : [topic.remoteTopic, topic.cluster, `${topic.topic} on ${flow.source} would get this name, but the topic filter skips it`])
    }
    lines.push(...formatTable(['TOPIC', 'CLUSTER', 'WHAT'], rows, '  '))
    lines.push(`  topics: ${filterText(flow.topicsFilter)}`)
    lines.push(`  groups: ${filterText(flow.groupsFilter)}`)
    lines.push(`  sync.group.offsets: ${flow.syncGroupOffsets.enabled ? `every ${flow.syncGroupOffsets.intervalSeconds} s` : 'disabled'}`)
  }
  if (report.warnings.length > 0) {
    lines.push('', 'Warnings')
    for (const warning of report.warnings) lines.push(`  ${warning}`)
  }
  return lines.map(escapeText).join('\n') + '\n'
}

function filterText (filter: FilterView): string {
  const list = (items: readonly string[]): string => items.length === 0 ? '(nothing)' : items.join(', ')
  return `include ${list(filter.include)} [${filter.includeKey}]; exclude ${list(filter.exclude)} [${filter.excludeKey}]`
}

function shortClass (className: string): string {
  return className.slice(className.lastIndexOf('.') + 1)
}
