// Kafka lines the lab supports, where their jars are cached, and which classes to run.
// The jars come from Maven Central through lab/kafka-<line>/pom.xml and lab/install.sh.
import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const LAB_DIR = dirname(fileURLToPath(import.meta.url))
export const REPO_ROOT = join(LAB_DIR, '..')

export const KAFKA_LINES = ['3.9', '4.1', '4.4'] as const
export type KafkaLine = typeof KAFKA_LINES[number]

export interface KafkaLineInfo {
  line: KafkaLine
  /** Full version, read from the pom (e.g. 3.9.2). */
  version: string
  /** MirrorMaker 2's full version: the brokers' unless the line runs MM2 from a jar set of its own. */
  mm2Version: string
  /** Console consumer main class (moved to kafka-tools already in 3.9). */
  consoleConsumerClass: string
  /** Formatter for `__consumer_offsets` offset-commit records. */
  offsetsFormatterClass: string
  /** `log4j1` (reload4j, 3.9) or `log4j2` (4.x). */
  logging: 'log4j1' | 'log4j2'
  /** kafka-acls.sh's main class (Scala in core until 3.9, moved to kafka-tools in 4.0). */
  aclCommandClass: string
  /**
   * The console consumer's flags for consumer and formatter properties: KIP-1147 (4.2) renamed them to
   * --command-property / --formatter-property, and the old names print a deprecation line to stdout
   * (a line from 4.2 on passes { consumer: '--command-property', formatter: '--formatter-property' }).
   */
  consolePropertyFlags: { consumer: string, formatter: string }
  /**
   * The jar set (lab/<name>/pom.xml) MM2 and its formatters run from, when not the brokers' own: a line
   * whose MM2 release is not on Maven Central runs the newest one that is (see lab/kafka-4.4/pom.xml).
   */
  mm2JarSet?: string
}

const CONSOLE_FLAGS_BEFORE_4_2 = { consumer: '--consumer-property', formatter: '--property' }

/** Where Kafka 4.x keeps its tools (moved out of core in 4.0) and how it logs (Log4j 2, KIP-653). */
const KAFKA_4_TOOLS = {
  consoleConsumerClass: 'org.apache.kafka.tools.consumer.ConsoleConsumer',
  offsetsFormatterClass: 'org.apache.kafka.tools.consumer.OffsetsMessageFormatter',
  logging: 'log4j2',
  aclCommandClass: 'org.apache.kafka.tools.AclCommand'
} as const

const LINE_INFO: Record<KafkaLine, Omit<KafkaLineInfo, 'version' | 'mm2Version' | 'line'>> = {
  3.9: {
    consoleConsumerClass: 'org.apache.kafka.tools.consumer.ConsoleConsumer',
    offsetsFormatterClass: 'kafka.coordinator.group.GroupMetadataManager$OffsetsMessageFormatter',
    logging: 'log4j1',
    aclCommandClass: 'kafka.admin.AclCommand',
    consolePropertyFlags: CONSOLE_FLAGS_BEFORE_4_2
  },
  4.1: { ...KAFKA_4_TOOLS, consolePropertyFlags: CONSOLE_FLAGS_BEFORE_4_2 },
  4.4: {
    ...KAFKA_4_TOOLS,
    consolePropertyFlags: { consumer: '--command-property', formatter: '--formatter-property' },
    mm2JarSet: 'kafka-4.4-mm2'
  }
}

export const KAFKA_MAIN_CLASS = 'kafka.Kafka'
export const STORAGE_TOOL_CLASS = 'kafka.tools.StorageTool'
export const MIRROR_MAKER_CLASS = 'org.apache.kafka.connect.mirror.MirrorMaker'
export const MIRROR_FORMATTERS = {
  offsetSync: 'org.apache.kafka.connect.mirror.formatters.OffsetSyncFormatter',
  checkpoint: 'org.apache.kafka.connect.mirror.formatters.CheckpointFormatter',
  heartbeat: 'org.apache.kafka.connect.mirror.formatters.HeartbeatFormatter'
} as const

/** Accepts `3.9`, `4.1` or a full version such as `3.9.2`. */
export function parseKafkaLine (value: string): KafkaLine {
  const line = value.split('.').slice(0, 2).join('.')
  if ((KAFKA_LINES as readonly string[]).includes(line)) return line as KafkaLine
  throw new Error(`Unknown Kafka line ${JSON.stringify(value)}; the lab supports ${KAFKA_LINES.join(', ')}.`)
}

/**
 * The lab's jar sets, each resolved from lab/<set>/pom.xml into <cache>/<set>/libs by install.sh: one per
 * line (`kafka-<line>`: brokers and tools), an MM2 set where a line has one, and `jmx-exporter`.
 */
function jarSetOf (line: KafkaLine): string {
  return `kafka-${line}`
}

function jarSetPom (set: string): string {
  return join(LAB_DIR, set, 'pom.xml')
}

export function pomPath (line: KafkaLine): string {
  return jarSetPom(jarSetOf(line))
}

/** Same rule as install.sh: MM2_FAILBACK_LAB_CACHE, else $XDG_CACHE_HOME/mm2-failback, else ~/.cache/mm2-failback. */
export function jarCacheRoot (): string {
  const env = process.env
  if (env.MM2_FAILBACK_LAB_CACHE) return env.MM2_FAILBACK_LAB_CACHE
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mm2-failback')
}

function jarSetLibs (set: string): string {
  return join(jarCacheRoot(), set, 'libs')
}

export function libsDir (line: KafkaLine): string {
  return jarSetLibs(jarSetOf(line))
}

function pomKafkaVersion (set: string): string {
  const version = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(jarSetPom(set), 'utf8'))?.[1]
  if (!version) throw new Error(`${jarSetPom(set)} has no <kafka.version> property.`)
  return version
}

export function lineInfo (line: KafkaLine): KafkaLineInfo {
  const info = LINE_INFO[line]
  const version = pomKafkaVersion(jarSetOf(line))
  return { ...info, line, version, mm2Version: info.mm2JarSet === undefined ? version : pomKafkaVersion(info.mm2JarSet) }
}

/** "Kafka 4.1.2", or "Kafka 4.4.0 (MM2 4.3.1)" where MM2 comes from a jar set of its own. */
export function describeLine (info: Pick<KafkaLineInfo, 'version' | 'mm2Version'>): string {
  return info.mm2Version === info.version ? `Kafka ${info.version}` : `Kafka ${info.version} (MM2 ${info.mm2Version})`
}

function jarSetInstalled (set: string): boolean {
  const marker = join(dirname(jarSetLibs(set)), '.complete')
  if (!existsSync(marker)) return false
  const hash = createHash('sha256').update(readFileSync(jarSetPom(set))).digest('hex')
  return readFileSync(marker, 'utf8').split('\n').includes(`pom-sha256=${hash}`)
}

/** The jar sets a line runs from: its own, and its MM2 set if it has one. */
function jarSetsOf (line: KafkaLine): string[] {
  const mm2 = LINE_INFO[line].mm2JarSet
  return mm2 === undefined ? [jarSetOf(line)] : [jarSetOf(line), mm2]
}

/** True when the cache markers say the line's jars were resolved from the current poms. */
export function jarsInstalled (line: KafkaLine): boolean {
  return jarSetsOf(line).every(jarSetInstalled)
}

/** Installs the jars of `line` unless cached (runs install.sh, which starts Maven only when needed). */
export function ensureJars (line: KafkaLine): string {
  if (!jarsInstalled(line)) {
    execFileSync(join(LAB_DIR, 'install.sh'), [line], { stdio: ['ignore', 'inherit', 'inherit'] })
  }
  return libsDir(line)
}

/** Java class path wildcard for the cached jars of `line` (brokers and tools). */
export function classPath (line: KafkaLine): string {
  return join(libsDir(line), '*')
}

/** Java class path wildcard MirrorMaker 2 and its formatters run from. */
export function mirrorMakerClassPath (line: KafkaLine): string {
  const set = LINE_INFO[line].mm2JarSet
  return set === undefined ? classPath(line) : join(jarSetLibs(set), '*')
}

/** The Prometheus JMX exporter javaagent jar (lab/jmx-exporter/pom.xml), installed by install.sh if needed. */
export function ensureJmxExporterJar (): string {
  const set = 'jmx-exporter'
  if (!jarSetInstalled(set)) {
    execFileSync(join(LAB_DIR, 'install.sh'), [set], { stdio: ['ignore', 'inherit', 'inherit'] })
  }
  const version = /<jmx-exporter\.version>([^<]+)</.exec(readFileSync(jarSetPom(set), 'utf8'))?.[1]
  return join(jarSetLibs(set), `jmx_prometheus_javaagent-${version}.jar`)
}
