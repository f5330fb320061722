// Kafka's own command-line tools, run from the cached jars (an independent oracle for fixtures).
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { logConfig, logConfigProperty } from './config.ts'
import { javaBinary } from './jvm.ts'
import { classPath, lineInfo, mirrorMakerClassPath, type KafkaLine } from './versions.ts'

const execFileAsync = promisify(execFile)

/**
 * Runs a Java main class with the line's jars (`mm2`: MirrorMaker 2's, for its formatters); logs go to
 * stderr at WARN so stdout is the tool's output.
 */
export async function runJavaTool (
  line: KafkaLine,
  mainClass: string,
  args: string[],
  { timeoutMs = 120_000, mm2 = false }: { timeoutMs?: number, mm2?: boolean } = {}
): Promise<{ stdout: string, stderr: string }> {
  const { logging } = lineInfo(line)
  const dir = mkdtempSync(join(tmpdir(), 'mm2-failback-tool-'))
  try {
    const log = logConfig(logging, 'WARN', 'stderr')
    const logFile = join(dir, log.fileName)
    writeFileSync(logFile, log.text)
    const props = Object.entries(logConfigProperty(logging, logFile)).map(([k, v]) => `-D${k}=${v}`)
    const { stdout, stderr } = await execFileAsync(javaBinary(), [
      '-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', ...props, '-cp', mm2 ? mirrorMakerClassPath(line) : classPath(line), mainClass, ...args
    ], { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 })
    return { stdout, stderr }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export interface ConsoleConsumerOptions {
  bootstrapServers: string
  topic: string
  partition: number
  /** Read exactly this many records from the earliest offset of the partition. */
  maxMessages: number
  formatter: string
  consumerProps?: Record<string, string>
  timeoutMs?: number
}

/**
 * kafka-console-consumer on one partition from its earliest offset, without a consumer group
 * (`--partition` + `--offset`), so it leaves no trace in `__consumer_offsets`.
 */
export async function runConsoleConsumer (line: KafkaLine, options: ConsoleConsumerOptions): Promise<string> {
  const flags = lineInfo(line).consolePropertyFlags
  const args = [
    '--bootstrap-server', options.bootstrapServers,
    '--topic', options.topic,
    '--partition', String(options.partition),
    '--offset', 'earliest',
    '--max-messages', String(options.maxMessages),
    '--timeout-ms', String(options.timeoutMs ?? 30_000),
    '--formatter', options.formatter,
    flags.consumer, 'exclude.internal.topics=false'
  ]
  for (const [k, v] of Object.entries(options.consumerProps ?? {})) args.push(flags.consumer, `${k}=${v}`)
  // MM2's formatters live in connect-mirror: run them with MM2's own jars.
  const mm2 = options.formatter.startsWith('org.apache.kafka.connect.mirror.')
  const { stdout } = await runJavaTool(line, lineInfo(line).consoleConsumerClass, args, { mm2 })
  return stdout
}

/**
 * kafka-console-consumer as a member of `group`: reads up to `maxMessages` records of `topic`
 * from the beginning and commits its position on close (auto-commit). `groupProtocol: 'consumer'`
 * makes it a KIP-848 group (Kafka 4.x).
 */
export async function consumeAsGroup (line: KafkaLine, options: {
  bootstrapServers: string
  topic: string
  group: string
  maxMessages: number
  groupProtocol?: 'classic' | 'consumer'
}): Promise<void> {
  const flags = lineInfo(line).consolePropertyFlags
  const args = [
    '--bootstrap-server', options.bootstrapServers,
    '--topic', options.topic,
    '--group', options.group,
    '--from-beginning',
    '--max-messages', String(options.maxMessages),
    '--timeout-ms', '60000',
    '--formatter', 'org.apache.kafka.tools.consumer.NoOpMessageFormatter',
    flags.consumer, 'enable.auto.commit=true',
    flags.consumer, 'max.poll.records=10'
  ]
  if (options.groupProtocol) args.push(flags.consumer, `group.protocol=${options.groupProtocol}`)
  await runJavaTool(line, lineInfo(line).consoleConsumerClass, args)
}

/**
 * Splits the output of Kafka's JSON formatters, which write one JSON object per record with no
 * separator, into objects. Numbers are kept as their source text (strings) so INT64 values
 * survive without rounding.
 */
export function parseConcatenatedJson (text: string): unknown[] {
  const out: unknown[] = []
  let depth = 0
  let start = -1
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (inString) {
      if (ch === '\\') i++
      else if (ch === '"') inString = false
      continue
    }
    if (ch === '"') inString = true
    else if (ch === '{') {
      if (depth++ === 0) start = i
    } else if (ch === '}') {
      if (--depth === 0) out.push(parseJsonExact(text.slice(start, i + 1)))
    }
  }
  return out
}

/** JSON.parse that turns every number into its exact source text. */
export function parseJsonExact (text: string): unknown {
  return JSON.parse(text, (_key, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' && context?.source !== undefined ? context.source : value)
}

/**
 * Raw records of one partition via kafka-console-consumer's DefaultMessageFormatter with
 * BytesDeserializer, whose Bytes.toString() is reversible (printable ASCII except `\` verbatim,
 * every other byte as `\xHH`). Used for `__consumer_offsets`, which @platformatic/kafka hides
 * (it drops internal topics from metadata). Reads until no record arrives for `idleMs`.
 */
export async function dumpPartition (line: KafkaLine, options: {
  bootstrapServers: string
  topic: string
  partition: number
  idleMs?: number
}): Promise<Array<{ offset: bigint, key: Buffer | null, value: Buffer | null }>> {
  const flags = lineInfo(line).consolePropertyFlags
  const args = [
    '--bootstrap-server', options.bootstrapServers,
    '--topic', options.topic,
    '--partition', String(options.partition),
    '--offset', 'earliest',
    '--timeout-ms', String(options.idleMs ?? 8000),
    flags.consumer, 'exclude.internal.topics=false',
    flags.formatter, 'print.offset=true',
    flags.formatter, 'print.key=true',
    flags.formatter, 'print.value=true',
    flags.formatter, 'key.separator=\t',
    flags.formatter, 'key.deserializer=org.apache.kafka.common.serialization.BytesDeserializer',
    flags.formatter, 'value.deserializer=org.apache.kafka.common.serialization.BytesDeserializer'
  ]
  const { stdout } = await runJavaTool(line, lineInfo(line).consoleConsumerClass, args)
  return stdout.split('\n').filter(l => l !== '').map(row => {
    const m = /^Offset:(\d+)\t([^\t]*)\t([^\t]*)$/.exec(row)
    if (!m) throw new Error(`Unexpected console consumer line: ${JSON.stringify(row)}`)
    return { offset: BigInt(m[1]!), key: unescapeBytes(m[2]!), value: unescapeBytes(m[3]!) }
  })
}

/** Inverse of Kafka's Bytes.toString(); the literal `null` is a null key/value. */
export function unescapeBytes (text: string): Buffer | null {
  if (text === 'null') return null
  const bytes: number[] = []
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\' && text[i + 1] === 'x') {
      bytes.push(Number.parseInt(text.slice(i + 2, i + 4), 16))
      i += 3
    } else {
      bytes.push(text.charCodeAt(i))
    }
  }
  return Buffer.from(bytes)
}
