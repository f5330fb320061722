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

export const KAFKA_LINES = ['3.9', '4.1'] as const
export type KafkaLine = typeof KAFKA_LINES[number]

export interface KafkaLineInfo {
  line: KafkaLine
  /** Full version, read from the pom (e.g. 3.9.2). */
  version: string
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
}

const CONSOLE_FLAGS_BEFORE_4_2 = { consumer: '--consumer-property', formatter: '--property' }

const LINE_INFO: Record<KafkaLine, Omit<KafkaLineInfo, 'version' | 'line'>> = {
  3.9: {
    consoleConsumerClass: 'org.apache.kafka.tools.consumer.ConsoleConsumer',
    offsetsFormatterClass: 'kafka.coordinator.group.GroupMetadataManager$OffsetsMessageFormatter',
    logging: 'log4j1',
    aclCommandClass: 'kafka.admin.AclCommand',
    consolePropertyFlags: CONSOLE_FLAGS_BEFORE_4_2
  },
  4.1: {
    consoleConsumerClass: 'org.apache.kafka.tools.consumer.ConsoleConsumer',
    offsetsFormatterClass: 'org.apache.kafka.tools.consumer.OffsetsMessageFormatter',
    logging: 'log4j2',
    aclCommandClass: 'org.apache.kafka.tools.AclCommand',
    consolePropertyFlags: CONSOLE_FLAGS_BEFORE_4_2
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

export function pomPath (line: KafkaLine): string {
  return join(LAB_DIR, `kafka-${line}`, 'pom.xml')
}

/** Same rule as install.sh: MM2_FAILBACK_LAB_CACHE, else $XDG_CACHE_HOME/mm2-failback, else ~/.cache/mm2-failback. */
export function jarCacheRoot (): string {
  const env = process.env
  if (env.MM2_FAILBACK_LAB_CACHE) return env.MM2_FAILBACK_LAB_CACHE
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mm2-failback')
}

export function libsDir (line: KafkaLine): string {
  return join(jarCacheRoot(), `kafka-${line}`, 'libs')
}

export function lineInfo (line: KafkaLine): KafkaLineInfo {
  const pom = readFileSync(pomPath(line), 'utf8')
  const version = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1]
  if (!version) throw new Error(`${pomPath(line)} has no <kafka.version> property.`)
  return { line, version, ...LINE_INFO[line] }
}

/** True when the cache marker says the jars were resolved from the current pom. */
export function jarsInstalled (line: KafkaLine): boolean {
  const marker = join(dirname(libsDir(line)), '.complete')
  if (!existsSync(marker)) return false
  const hash = createHash('sha256').update(readFileSync(pomPath(line))).digest('hex')
  return readFileSync(marker, 'utf8').split('\n').includes(`pom-sha256=${hash}`)
}

/** Installs the jars of `line` unless cached (runs install.sh, which starts Maven only when needed). */
export function ensureJars (line: KafkaLine): string {
  if (!jarsInstalled(line)) {
    execFileSync(join(LAB_DIR, 'install.sh'), [line], { stdio: ['ignore', 'inherit', 'inherit'] })
  }
  return libsDir(line)
}

/** Java class path wildcard for the cached jars of `line`. */
export function classPath (line: KafkaLine): string {
  return join(libsDir(line), '*')
}

/** The Prometheus JMX exporter javaagent jar (lab/jmx-exporter/pom.xml), installed by install.sh if needed. */
export function ensureJmxExporterJar (): string {
  const dir = join(jarCacheRoot(), 'jmx-exporter')
  const pom = join(LAB_DIR, 'jmx-exporter', 'pom.xml')
  const hash = createHash('sha256').update(readFileSync(pom)).digest('hex')
  const marker = join(dir, '.complete')
  if (!existsSync(marker) || !readFileSync(marker, 'utf8').split('\n').includes(`pom-sha256=${hash}`)) {
    execFileSync(join(LAB_DIR, 'install.sh'), ['jmx-exporter'], { stdio: ['ignore', 'inherit', 'inherit'] })
  }
  const version = /<jmx-exporter\.version>([^<]+)</.exec(readFileSync(pom, 'utf8'))?.[1]
  return join(dir, 'libs', `jmx_prometheus_javaagent-${version}.jar`)
}
