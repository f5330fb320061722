// The `mm2-failback run` process: load both configurations, build the metrics, the logger and the
// Kafka adapters, start the HTTP endpoints and the daemon, and stop cleanly on SIGINT/SIGTERM
// (outputs first, so nothing is half-written, then the followers).
import { loadMm2Config } from '../config/load-mm2.ts'
import { loadSidecarConfig } from '../config/load.ts'
import type { SidecarConfig } from '../config/schema.ts'
import type { Mm2Config } from '../core/mm2/model.ts'
import { startHttpEndpoints, type HttpEndpoints } from '../metrics/http.ts'
import { createMetrics } from '../metrics/registry.ts'
import type { ClusterClientOptions } from '../kafka/client-options.ts'
import { Daemon } from './daemon/daemon.ts'
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

export const VERSION = '0.1.0'

/** Starts everything and returns handles; `runUntilStopped` wraps it for the CLI. */
export async function startSidecar (options: RunOptions): Promise<RunningSidecar> {
  const mm2 = await loadMm2Config(options.mm2ConfigPath)
  const config = await loadSidecarConfig({ file: options.configPath, env: options.env ?? {}, sets: options.sets ?? [] })
  const logger = createLogger({ level: config.log.level, format: config.log.format, write: options.write })
  for (const warning of mm2.warnings) logger.warn(warning)
  const metrics = createMetrics({ namespace: config.metrics.namespace, processMetrics: config.metrics.processMetrics })
  metrics.buildInfo.set({ version: VERSION, node_version: process.version }, 1)
  const daemon = new Daemon({ mm2, config, metrics, logger, adapters: kafkaAdapters(mm2, options.clusterOptions) })
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

/** Runs until SIGINT or SIGTERM (or `stopSignal`). */
export async function runUntilStopped (options: RunOptions): Promise<void> {
  const running = await startSidecar(options)
  const signal = options.stopSignal ?? new Promise<void>((resolve) => {
    process.once('SIGINT', () => { resolve() })
    process.once('SIGTERM', () => { resolve() })
  })
  await signal
  await running.stop()
}
