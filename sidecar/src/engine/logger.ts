// A small structured logger: one JSON object a line (or a readable line for terminals), bigint-safe,
// with a "log once" helper for repeated conditions (a bad record is logged once per reason and
// partition, then only counted). Messages are built by the sidecar from names and offsets; no config
// value is ever logged, so secrets cannot leak through here.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

export interface Logger {
  debug: (message: string, fields?: Record<string, unknown>) => void
  info: (message: string, fields?: Record<string, unknown>) => void
  warn: (message: string, fields?: Record<string, unknown>) => void
  error: (message: string, fields?: Record<string, unknown>) => void
  /** Logs at `level` the first time `key` is seen, and returns whether it logged. */
  once: (key: string, level: LogLevel, message: string, fields?: Record<string, unknown>) => boolean
}

export interface LoggerOptions {
  level?: LogLevel
  format?: 'json' | 'text'
  write?: (line: string) => void
  now?: () => Date
}

function serialise (value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Error) {
    const json = (value as { toJSON?: () => unknown }).toJSON
    return typeof json === 'function' ? json.call(value) : { name: value.name, message: value.message }
  }
  return value
}

export function createLogger (options: LoggerOptions = {}): Logger {
  const threshold = LEVELS[options.level ?? 'info']
  const write = options.write ?? ((line: string) => { process.stderr.write(line + '\n') })
  const now = options.now ?? (() => new Date())
  const seen = new Set<string>()
  const log = (level: LogLevel, message: string, fields: Record<string, unknown> = {}): void => {
    if (LEVELS[level] < threshold) return
    const time = now().toISOString()
    if (options.format === 'text') {
      const extra = Object.entries(fields).map(([key, value]) => `${key}=${JSON.stringify(serialise(value))}`).join(' ')
      write(`${time} ${level.toUpperCase().padEnd(5)} ${message}${extra === '' ? '' : ' ' + extra}`)
      return
    }
    write(JSON.stringify({ time, level, msg: message, ...fields }, (_key, value: unknown) => serialise(value)))
  }
  return {
    debug: (message, fields) => { log('debug', message, fields) },
    info: (message, fields) => { log('info', message, fields) },
    warn: (message, fields) => { log('warn', message, fields) },
    error: (message, fields) => { log('error', message, fields) },
    once: (key, level, message, fields) => {
      if (seen.has(key)) return false
      // Bounded: a flood of distinct keys must not grow memory without limit.
      if (seen.size > 10_000) seen.clear()
      seen.add(key)
      log(level, message, fields)
      return true
    }
  }
}
