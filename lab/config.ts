// Generated configuration files: broker server.properties, log configs, mm2.properties.
import type { KafkaLine } from './versions.ts'
import { LOOPBACK } from './net.ts'

export type Properties = Record<string, string | number | boolean>

/** `k=v` lines; later keys override earlier ones when Java loads the file, but we merge first. */
export function formatProperties (props: Properties, header?: string): string {
  const lines = header ? header.split('\n').map(line => `# ${line}`) : []
  for (const [key, value] of Object.entries(props)) lines.push(`${key}=${String(value)}`)
  return lines.join('\n') + '\n'
}

/** Parses `k=v` strings (the CLI's repeatable --mm2-prop); values may contain `=`. */
export function parsePropertyArgs (args: readonly string[]): Properties {
  const props: Properties = {}
  for (const arg of args) {
    const at = arg.indexOf('=')
    if (at <= 0) throw new Error(`Expected key=value, got ${JSON.stringify(arg)}.`)
    props[arg.slice(0, at).trim()] = arg.slice(at + 1).trim()
  }
  return props
}

export interface BrokerPorts {
  /** PLAINTEXT listener: what clients and MM2 use. */
  client: number
  /** CONTROLLER listener (KRaft quorum). */
  controller: number
}

/**
 * Single-node combined broker+controller with a static quorum (`controller.quorum.voters`),
 * formatted with a plain `StorageTool format`. Verified on 3.9.x and 4.1.x; static voters avoid
 * the KIP-853 `--standalone` bootstrap and make the restart path identical on both lines.
 */
export function brokerProperties (line: KafkaLine, ports: BrokerPorts, dataDir: string, overrides: Properties = {}): Properties {
  const props: Properties = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@${LOOPBACK}:${ports.controller}`,
    listeners: `PLAINTEXT://${LOOPBACK}:${ports.client},CONTROLLER://${LOOPBACK}:${ports.controller}`,
    'advertised.listeners': `PLAINTEXT://${LOOPBACK}:${ports.client}`,
    'inter.broker.listener.name': 'PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': dataDir,
    'num.partitions': 1,
    'default.replication.factor': 1,
    'offsets.topic.replication.factor': 1,
    // One __consumer_offsets partition: faster coordinator load and a one-partition fixture dump.
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 1,
    'group.initial.rebalance.delay.ms': 0,
    'auto.create.topics.enable': true,
    'num.network.threads': 2,
    'num.io.threads': 2,
    'num.recovery.threads.per.data.dir': 1,
    'log.cleaner.threads': 1,
    'log.cleaner.dedupe.buffer.size': 8 * 1024 * 1024,
    // After a SIGKILL the restarted broker can only re-register once the controller has expired the
    // old incarnation's session (default 9 s); a shorter session makes failover tests faster.
    'broker.session.timeout.ms': 4000,
    'broker.heartbeat.interval.ms': 500
  }
  if (line !== '3.9') {
    props['share.coordinator.state.topic.replication.factor'] = 1
    props['share.coordinator.state.topic.min.isr'] = 1
  }
  return { ...props, ...overrides }
}

export interface Mm2Cluster {
  alias: string
  bootstrapServers: string
}

/**
 * mm2.properties for dedicated mode: every ordered pair of clusters is an enabled flow (A->B and
 * B->A for two clusters), replication factors 1, test-friendly intervals (reference 9.3), then
 * `extra` (separator, replication policy, offset-syncs.topic.location, topic filters, per-flow keys).
 */
export function mm2Properties (clusters: readonly Mm2Cluster[], extra: Properties = {}, flows?: ReadonlyArray<readonly [string, string]>): Properties {
  const props: Properties = { clusters: clusters.map(c => c.alias).join(', ') }
  for (const c of clusters) props[`${c.alias}.bootstrap.servers`] = c.bootstrapServers
  const enabled = flows ?? clusters.flatMap(s => clusters.filter(t => t !== s).map(t => [s.alias, t.alias] as const))
  for (const [source, target] of enabled) props[`${source}->${target}.enabled`] = true
  Object.assign(props, {
    'replication.factor': 1,
    'checkpoints.topic.replication.factor': 1,
    'heartbeats.topic.replication.factor': 1,
    'offset-syncs.topic.replication.factor': 1,
    'offset.storage.replication.factor': 1,
    'status.storage.replication.factor': 1,
    'config.storage.replication.factor': 1,
    'tasks.max': 1,
    'refresh.topics.interval.seconds': 5,
    'refresh.groups.interval.seconds': 5,
    'emit.checkpoints.interval.seconds': 5,
    'emit.heartbeats.interval.seconds': 1,
    'sync.group.offsets.enabled': true,
    'sync.group.offsets.interval.seconds': 5,
    'offset.lag.max': 10
  }, extra)
  // MM2 refuses the MirrorSourceConnector of a flow without offset syncs whose config still names the
  // offset-syncs topic (KIP-1031 validation), so the replication factor goes only to flows that write syncs.
  const syncsOff = (source: string, target: string): boolean =>
    String(props[`${source}->${target}.emit.offset-syncs.enabled`] ?? props['emit.offset-syncs.enabled']) === 'false'
  if (enabled.some(([source, target]) => syncsOff(source, target)) && !('offset-syncs.topic.replication.factor' in extra)) {
    const factor = props['offset-syncs.topic.replication.factor']!
    delete props['offset-syncs.topic.replication.factor']
    for (const [source, target] of enabled) if (!syncsOff(source, target)) props[`${source}->${target}.offset-syncs.topic.replication.factor`] ??= factor
  }
  // Connect's source-offset flush (default 60 s) is also when MM2 >= 3.7 writes its delayed offset
  // syncs (KAFKA-15906). MirrorMakerConfig passes only `<alias>.`-prefixed keys to each herder's
  // worker, so a top-level offset.flush.interval.ms has no effect; set it per cluster.
  for (const c of clusters) {
    const key = `${c.alias}.offset.flush.interval.ms`
    if (!(key in props)) props[key] = extra['offset.flush.interval.ms'] ?? 5000
  }
  return props
}

/** Console/stdout log config for the JVM (stdout goes to the per-role log file). */
export function logConfig (logging: 'log4j1' | 'log4j2', rootLevel = 'INFO', target: 'stdout' | 'stderr' = 'stdout'): { fileName: string, text: string } {
  // Loggers whose INFO output is mostly full config dumps.
  const quiet = [
    'org.apache.kafka.common.config.AbstractConfig',
    'org.apache.kafka.clients.consumer.ConsumerConfig',
    'org.apache.kafka.clients.producer.ProducerConfig',
    'org.apache.kafka.clients.admin.AdminClientConfig',
    'org.apache.kafka.common.utils.AppInfoParser',
    'org.apache.kafka.connect.runtime.WorkerConfig',
    'org.apache.kafka.connect.mirror.MirrorMakerConfig',
    'org.reflections',
    'org.eclipse.jetty',
    'kafka.server.KafkaConfig'
  ]
  if (logging === 'log4j1') {
    const lines = [
      `log4j.rootLogger=${rootLevel}, console`,
      'log4j.appender.console=org.apache.log4j.ConsoleAppender',
      `log4j.appender.console.Target=System.${target === 'stdout' ? 'out' : 'err'}`,
      'log4j.appender.console.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.console.layout.ConversionPattern=[%d] %p %m (%c)%n',
      ...quiet.map(name => `log4j.logger.${name}=WARN`)
    ]
    return { fileName: 'log4j.properties', text: lines.join('\n') + '\n' }
  }
  const lines = [
    'status = warn',
    'appender.console.type = Console',
    'appender.console.name = console',
    `appender.console.target = ${target === 'stdout' ? 'SYSTEM_OUT' : 'SYSTEM_ERR'}`,
    'appender.console.layout.type = PatternLayout',
    'appender.console.layout.pattern = [%d] %p %m (%c)%n',
    `rootLogger.level = ${rootLevel}`,
    'rootLogger.appenderRef.console.ref = console',
    ...quiet.flatMap((name, i) => [`logger.q${i}.name = ${name}`, `logger.q${i}.level = WARN`])
  ]
  return { fileName: 'log4j2.properties', text: lines.join('\n') + '\n' }
}

/** The system property that points the JVM at a config written by logConfig(). */
export function logConfigProperty (logging: 'log4j1' | 'log4j2', path: string): Record<string, string> {
  return logging === 'log4j1' ? { 'log4j.configuration': `file:${path}` } : { 'log4j2.configurationFile': path }
}
