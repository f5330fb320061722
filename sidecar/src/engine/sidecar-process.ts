// The `mm2-failback run` process: load both configurations, build the metrics, the logger and the
// Kafka adapters, start the HTTP endpoints and the daemon, and stop cleanly on SIGINT/SIGTERM
// (outputs first, so nothing is half-written, then the followers).
import { loadMm2Config } from '../config/load-mm2.ts'
import { loadSidecarConfig } from '../config/load.ts'
import type { SidecarConfig } from '../config/schema.ts'
import type { Mm2Config } from '../core/mm2/model.ts'
import { startHttpEndpoints, type HttpEndpoints } from '../metrics/http.ts'
import { createMetrics } from '../metrics/registry.ts'
import { PACKAGE } from '../package-info.ts'
import { Mm2FailbackError } from '../errors.ts'
import type { ClusterClientOptions } from '../kafka/client-options.ts'
import { Daemon } from './daemon/daemon.ts'
import { lastResortCollection } from './daemon/heap-compactor.ts'
import { syncFreeFlowNotices } from './daemon/flow-notices.ts'
import { kafkaAdapters } from './kafka-adapters.ts'
import { createLogger, type Logger } from './logger.ts'

export interface RunOptions {
  mm2ConfigPath: string
  configPath?: string
  sets?: readonly string[]
  env?: NodeJS.ProcessEnv
  /** Resolves to stop the sidecar; defaults to SIGINT/SIGTERM. */
  stopSignal?: Promise<void>
  write?: (line: string) => void
  /** Overrides how each cluster of mm2.properties is reached (tests, benches). */
  clusterOptions?: (alias: string) => ClusterClientOptions
}

export interface RunningSidecar {
  daemon: Daemon
  http: HttpEndpoints
  config: SidecarConfig
  mm2: Mm2Config
  logger: Logger
  stop: () => Promise<void>
}

export const VERSION = PACKAGE.version

/** Starts everything and returns handles; `runUntilStopped` wraps it for the CLI. */
export async function startSidecar (options: RunOptions): Promise<RunningSidecar> {
  const mm2 = await loadMm2Config(options.mm2ConfigPath)
  const config = await loadSidecarConfig({ file: options.configPath, env: options.env ?? {}, sets: options.sets ?? [] })
  const logger = createLogger({ level: config.log.level, format: config.log.format, write: options.write })
  for (const warning of mm2.warnings) logger.warn(warning)
  for (const notice of syncFreeFlowNotices(mm2.flows, { mode: config.translation.mode, groupSync: config.features.groupSync })) {
    logger[notice.level](notice.text, notice.fields)
  }
  const metrics = createMetrics({ namespace: config.metrics.namespace, processMetrics: config.metrics.processMetrics })
  metrics.buildInfo.set({ version: VERSION, node_version: process.version }, 1)
  const compactHeap = lastResortCollection() ?? undefined
  const daemon = new Daemon({ mm2, config, metrics, logger, adapters: kafkaAdapters(mm2, options.clusterOptions), compactHeap })
  const http = await startHttpEndpoints({
    host: config.metrics.host,
    port: config.metrics.port,
    registry: metrics.registry,
    isReady: () => daemon.isReady,
    readinessDetail: () => daemon.readinessDetail()
  })
  logger.info(`mm2-failback ${VERSION} serving /metrics, /ready and /healthz on ${http.url}`, { url: http.url, mm2Config: options.mm2ConfigPath })
  await daemon.start()
  let stopping: Promise<void> | null = null
  const stop = async (): Promise<void> => {
    stopping ??= (async () => {
      logger.info('stopping')
      await daemon.stop()
      await http.close()
      logger.info('stopped')
    })()
    await stopping
  }
  return { daemon, http, config, mm2, logger, stop }
}

/**
 * Runs until SIGINT or SIGTERM (or `stopSignal`), then stops within shutdown.deadlineMs (default 20 s,
 * below Kubernetes' 30 s before SIGKILL): a stop that cannot finish (a broker that takes requests and
 * never answers, a failing shutdown step) is reported rather than left hanging with the endpoints still
 * up. A second signal while stopping gives up on the clean stop at once. Rejects when the stop failed,
 * timed out or was cut short; the caller exits non-zero without waiting for what it left open.
 */
export async function runUntilStopped (options: RunOptions): Promise<void> {
  const running = await startSidecar(options)
  const signals = options.stopSignal === undefined ? signalSequence() : null
  await (options.stopSignal ?? signals!.first)
  const deadlineMs = running.config.shutdown.deadlineMs
  let timer: NodeJS.Timeout | undefined
  const outcome = await Promise.race([
    running.stop().then(() => null, (error: unknown) => `stopping failed: ${error instanceof Error ? error.message : String(error)}`),
    new Promise<string>((resolve) => { timer = setTimeout(() => { resolve(`stopping did not finish within ${deadlineMs} ms`) }, deadlineMs) }),
    ...(signals === null ? [] : [signals.second.then((name) => `${name} while stopping: not waiting for a clean stop`)])
  ])
  clearTimeout(timer)
  signals?.dispose()
  if (outcome === null) return
  running.logger.error(`${outcome}; exiting`, {})
  throw new Mm2FailbackError('MM2_SHUTDOWN_INCOMPLETE', `${outcome}; exiting without a clean stop`)
}

/** The first SIGINT/SIGTERM asks to stop; the second, while stopping, to give up waiting. */
function signalSequence (): { first: Promise<string>, second: Promise<string>, dispose: () => void } {
  let count = 0
  let resolveFirst!: (name: string) => void
  let resolveSecond!: (name: string) => void
  const first = new Promise<string>((resolve) => { resolveFirst = resolve })
  const second = new Promise<string>((resolve) => { resolveSecond = resolve })
  const onSignal = (name: NodeJS.Signals): void => {
    count += 1
    if (count === 1) resolveFirst(name)
    else resolveSecond(name)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return {
    first,
    second,
    dispose: () => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  }
}
