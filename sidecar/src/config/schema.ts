// The sidecar's own settings (everything about the clusters comes from mm2.properties): one table of
// keys with their type, default, bounds and help. From it come the defaults, the validator, the env
// spelling (MM2_FAILBACK_<PATH>), the --set flag and docs/reference-config.yaml, so they cannot drift.
// Pure: loading files and reading the environment happens in load.ts.
import { compilePatternList } from '../core/mm2/filters.ts'
import { Mm2FailbackError } from '../errors.ts'

export interface SidecarConfig {
  metrics: {
    /** Address the HTTP endpoints bind to; 0.0.0.0 in a container. */
    host: string
    port: number
    namespace: string
    /** Also export Node.js process metrics. */
    processMetrics: boolean
  }
  features: {
    /** Write inverted offset syncs so MM2's own reverse checkpoint connector emits failback checkpoints. */
    reverseSyncs: boolean
    /** Mirror group commits both ways (only into groups with no live members, only forward). */
    groupSync: boolean
    /** Persist the translation index in the sidecar's own compacted topic on every cluster. */
    history: boolean
    /** Export consumer lag in records and seconds for groups on every cluster. */
    lag: boolean
  }
  groupSync: {
    /** Allow moving a group's offset backwards on the other cluster. Off: never rewind. */
    allowRewind: boolean
    /** Java regexes of groups to sync, on top of MM2's own group filters. */
    include: string[]
    exclude: string[]
    /** How long a group's liveness answer is trusted before asking the cluster again. */
    livenessCacheMs: number
    /** Connections per cluster the group commits are spread over (a broker answers one connection's requests one at a time). */
    commitConnections: number
    /** How often every known commit is evaluated again (a group that lost its members, a copy the other side lost). */
    fullPassMs: number
    /** Groups worked on at once; the others wait in line (bounds the memory of a pass over every commit). */
    maxGroupsInFlight: number
  }
  translation: {
    /**
     * exact: every mirrored group commit is proven record by record (docs/design.md §6), falling back to
     * conservative where a proof fails; conservative: the nearest offset sync's other offset + 1.
     */
    mode: 'exact' | 'conservative'
    /** Records a proof may walk (both logs together) before it gives up and falls back. */
    maxProofRecords: number
    /** Pause before a commit whose records MM2 has not copied yet is proven again. */
    retryMs: number
    /** How long such a commit waits for MM2's copy (untranslatable meanwhile) before the conservative answer is committed. */
    copyWaitMs: number
  }
  history: {
    /** Name of the compacted topic holding the index on every cluster (`.internal` keeps MM2 from replicating it). */
    topic: string
    /** -1 takes the broker default. */
    replicationFactor: number
    /** Time between flushes of new index entries. */
    flushIntervalMs: number
  }
  lag: {
    intervalMs: number
  }
  follow: {
    /** Long-poll wait of every fetch: the upper bound on how late a quiet topic's new record is seen. */
    maxWaitMs: number
    /** Pause between retries against an unreachable cluster. */
    retryDelayMs: number
    /** At startup, a cluster that never answered for this long no longer holds back readiness (the other side works alone). */
    unreachableGraceMs: number
    /** Where __consumer_offsets may not be read, how often group offsets are polled through the admin API instead. */
    commitPollMs: number
  }
  coordination: {
    /**
     * Instances of one deployment share the work through a consumer group on every cluster (docs/design.md
     * §2.7); off: this instance acts alone (a second one is fenced and stays a standby).
     */
    enabled: boolean
    /** The group the instances of one deployment share; `__` keeps MM2's default group filter from copying it. */
    groupId: string
    /** The topic the group is subscribed to (created with as many partitions as __consumer_offsets; nothing is written to it). */
    topic: string
    /** An instance that stops heartbeating (crashed, cut off) loses its share after this long. */
    sessionTimeoutMs: number
    heartbeatIntervalMs: number
  }
  shutdown: {
    /** How long `run` may take to stop on SIGINT/SIGTERM before it reports the stop as incomplete and exits 1. */
    deadlineMs: number
  }
  log: {
    level: 'debug' | 'info' | 'warn' | 'error'
    format: 'json' | 'text'
  }
}

type LeafType = 'string' | 'int' | 'bool' | 'list' | 'enum'

interface Leaf {
  path: string
  type: LeafType
  help: string
  min?: number
  max?: number
  values?: readonly string[]
}

/** Every key, in the order of docs/reference-config.yaml. */
export const CONFIG_KEYS: readonly Leaf[] = [
  { path: 'metrics.host', type: 'string', help: 'Address of /metrics, /ready, /healthz and /runbook; use 0.0.0.0 in a container.' },
  { path: 'metrics.port', type: 'int', min: 0, max: 65535, help: 'Port of the HTTP endpoints (0 picks a free one).' },
  { path: 'metrics.namespace', type: 'string', help: 'Prefix of every metric name.' },
  { path: 'metrics.processMetrics', type: 'bool', help: 'Also export Node.js process metrics (CPU, memory, event loop).' },
  { path: 'features.reverseSyncs', type: 'bool', help: 'Write inverted offset syncs so that MM2\'s own reverse checkpoint connector emits failback checkpoints.' },
  { path: 'features.groupSync', type: 'bool', help: 'Mirror group commits to the other cluster, only into groups with no live members and only forward.' },
  { path: 'features.history', type: 'bool', help: 'Persist the translation index in the sidecar\'s own compacted topic on every cluster.' },
  { path: 'features.lag', type: 'bool', help: 'Export consumer lag in records and seconds, and each group\'s live members and commit age.' },
  { path: 'groupSync.allowRewind', type: 'bool', help: 'Allow moving a group backwards on the other cluster (off: never rewind).' },
  { path: 'groupSync.include', type: 'list', help: 'Java regexes of groups to sync, on top of MM2\'s group filters.' },
  { path: 'groupSync.exclude', type: 'list', help: 'Java regexes of groups never to sync.' },
  { path: 'groupSync.livenessCacheMs', type: 'int', min: 0, max: 600_000, help: 'How long an answer "the group has no live members" is trusted.' },
  {
    path: 'groupSync.commitConnections',
    type: 'int',
    min: 1,
    max: 64,
    help: 'Connections per cluster group commits are spread over (a broker answers one connection\'s requests one at a time).'
  },
  {
    path: 'groupSync.fullPassMs',
    type: 'int',
    min: 100,
    max: 3_600_000,
    help: 'How often every known commit is evaluated again, e.g. one skipped while its group had members on the other cluster.'
  },
  {
    path: 'groupSync.maxGroupsInFlight',
    type: 'int',
    min: 1,
    max: 100_000,
    help: 'Groups whose commits are translated and written at once; the others wait in line (bounds the memory of a pass over every commit).'
  },
  {
    path: 'translation.mode',
    type: 'enum',
    values: ['exact', 'conservative'],
    help: 'exact: prove every mirrored group commit record by record (conservative where a proof fails); conservative: the nearest offset sync + 1.'
  },
  { path: 'translation.maxProofRecords', type: 'int', min: 2, max: 10_000_000, help: 'Records a proof may walk (both logs together) before falling back.' },
  { path: 'translation.retryMs', type: 'int', min: 10, max: 600_000, help: 'Pause before a commit whose records MM2 has not copied yet is proven again.' },
  { path: 'translation.copyWaitMs', type: 'int', min: 0, max: 3_600_000, help: 'How long such a commit waits for the copy before the conservative answer.' },
  { path: 'history.topic', type: 'string', help: 'Compacted topic holding the translation index on every cluster.' },
  { path: 'history.replicationFactor', type: 'int', min: -1, max: 32, help: 'Replication factor of the history topic (-1: broker default).' },
  { path: 'history.flushIntervalMs', type: 'int', min: 10, max: 600_000, help: 'Time between flushes of new index entries to the history topic.' },
  { path: 'lag.intervalMs', type: 'int', min: 1000, max: 3_600_000, help: 'Time between consumer lag measurements.' },
  { path: 'follow.maxWaitMs', type: 'int', min: 10, max: 30_000, help: 'Long-poll wait of each fetch; bounds how late a new record is seen.' },
  { path: 'follow.retryDelayMs', type: 'int', min: 10, max: 600_000, help: 'Pause between retries against an unreachable cluster.' },
  { path: 'follow.commitPollMs', type: 'int', min: 100, max: 600_000, help: 'Where __consumer_offsets may not be read (no READ ACL), how often group offsets are polled through the admin API instead.' },
  { path: 'follow.unreachableGraceMs', type: 'int', min: 0, max: 3_600_000, help: 'At startup, a cluster that has not answered for this long stops holding back readiness; the other side then works from the history topic.' },
  { path: 'coordination.enabled', type: 'bool', help: 'Share the work with the other instances of this deployment through a consumer group on every cluster; off: act alone.' },
  { path: 'coordination.groupId', type: 'string', help: 'The consumer group the instances of one deployment share (needs READ on it; `__` keeps MM2 from copying it).' },
  {
    path: 'coordination.topic',
    type: 'string',
    help: 'The topic the group is subscribed to: created with as many partitions as __consumer_offsets, never written (`.internal` keeps MM2 from copying it).'
  },
  {
    path: 'coordination.sessionTimeoutMs',
    type: 'int',
    min: 1000,
    max: 300_000,
    help: 'An instance that stops heartbeating loses its share after this long (within the broker\'s group.min/max.session.timeout.ms).'
  },
  { path: 'coordination.heartbeatIntervalMs', type: 'int', min: 100, max: 60_000, help: 'Time between heartbeats to the group coordinator.' },
  {
    path: 'shutdown.deadlineMs',
    type: 'int',
    min: 1,
    max: 600_000,
    help: 'On SIGINT/SIGTERM, how long stopping may take before it is reported as incomplete and the process exits 1 (keep it below the pod\'s terminationGracePeriodSeconds).'
  },
  { path: 'log.level', type: 'enum', values: ['debug', 'info', 'warn', 'error'], help: 'Lowest level logged.' },
  { path: 'log.format', type: 'enum', values: ['json', 'text'], help: 'json: one object a line; text: for terminals.' }
]

export function defaultConfig (): SidecarConfig {
  return {
    metrics: { host: '127.0.0.1', port: 9464, namespace: 'mm2_failback', processMetrics: true },
    features: { reverseSyncs: true, groupSync: true, history: true, lag: true },
    groupSync: { allowRewind: false, include: ['.*'], exclude: [], livenessCacheMs: 1000, commitConnections: 16, fullPassMs: 10_000, maxGroupsInFlight: 128 },
    translation: { mode: 'exact', maxProofRecords: 10_000, retryMs: 200, copyWaitMs: 10_000 },
    history: { topic: 'mm2-failback.history.internal', replicationFactor: -1, flushIntervalMs: 1000 },
    lag: { intervalMs: 15_000 },
    follow: { maxWaitMs: 500, retryDelayMs: 2000, unreachableGraceMs: 30_000, commitPollMs: 2000 },
    coordination: { enabled: true, groupId: '__mm2-failback', topic: 'mm2-failback.shards.internal', sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1000 },
    shutdown: { deadlineMs: 20_000 },
    log: { level: 'info', format: 'json' }
  }
}

/** MM2_FAILBACK_METRICS_PORT for metrics.port. */
export function envName (path: string): string {
  return 'MM2_FAILBACK_' + path.split('.').map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_')
}

/** A layer of overrides: a key path and a raw value, with where it came from for messages. */
export interface ConfigOverride {
  path: string
  value: unknown
  /** e.g. "sidecar.yaml", "env MM2_FAILBACK_METRICS_PORT", "--set". */
  origin: string
}

/** Flattens a parsed YAML/JSON object into overrides; unknown keys are reported by resolveConfig. */
export function flattenObject (object: unknown, origin: string, prefix = ''): ConfigOverride[] {
  if (object === null || typeof object !== 'object' || Array.isArray(object)) {
    return prefix === '' ? [{ path: '(root)', value: object, origin }] : [{ path: prefix, value: object, origin }]
  }
  const overrides: ConfigOverride[] = []
  for (const [key, value] of Object.entries(object)) {
    const path = prefix === '' ? key : `${prefix}.${key}`
    const isLeaf = CONFIG_KEYS.some((leaf) => leaf.path === path)
    if (!isLeaf && value !== null && typeof value === 'object' && !Array.isArray(value)) overrides.push(...flattenObject(value, origin, path))
    else overrides.push({ path, value, origin })
  }
  return overrides
}

/**
 * Applies override layers in order (defaults < file < env < flags) and validates every value,
 * reporting every problem at once with its key path and origin.
 */
export function resolveConfig (layers: readonly ConfigOverride[]): SidecarConfig {
  const config = defaultConfig()
  const problems: string[] = []
  for (const override of layers) {
    const leaf = CONFIG_KEYS.find((entry) => entry.path === override.path)
    if (leaf === undefined) {
      const hint = closestKey(override.path)
      problems.push(`${override.origin}: unknown key ${override.path}${hint === null ? '' : ` (did you mean ${hint}?)`}.`)
      continue
    }
    const parsed = parseLeaf(leaf, override.value)
    if (typeof parsed === 'object' && parsed !== null && 'problem' in parsed) {
      problems.push(`${override.origin}: ${override.path} ${parsed.problem}`)
      continue
    }
    setPath(config, leaf.path, parsed)
  }
  // Java regexes like MM2's own group filters, compiled the same way (core/mm2/filters.ts).
  for (const key of ['include', 'exclude'] as const) {
    for (const { pattern, reason } of compilePatternList(config.groupSync[key]).invalid) {
      problems.push(`groupSync.${key}: ${JSON.stringify(pattern)} is not a valid regular expression for mm2-failback: ${reason}.`)
    }
  }
  const { sessionTimeoutMs, heartbeatIntervalMs } = config.coordination
  if (heartbeatIntervalMs * 3 > sessionTimeoutMs) {
    // The member must heartbeat several times per session, or one late heartbeat costs it its share.
    problems.push(`coordination.heartbeatIntervalMs (${heartbeatIntervalMs}) must be at most a third of coordination.sessionTimeoutMs (${sessionTimeoutMs}).`)
  }
  if (problems.length > 0) {
    const message = problems.length === 1 ? problems[0]! : `${problems.length} configuration problems: ${problems.join(' ')}`
    throw new Mm2FailbackError('MM2_CONFIG_INVALID', message, { problems })
  }
  return config
}

function parseLeaf (leaf: Leaf, raw: unknown): unknown {
  const shown = JSON.stringify(raw)
  switch (leaf.type) {
    case 'string':
      if (typeof raw === 'string' && raw.trim() !== '') return raw.trim()
      if (typeof raw === 'number') return String(raw)
      return { problem: `must be a non-empty string (got ${shown}).` }
    case 'int': {
      const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN
      if (!Number.isInteger(value)) return { problem: `must be a whole number (got ${shown}).` }
      if ((leaf.min !== undefined && value < leaf.min) || (leaf.max !== undefined && value > leaf.max)) {
        return { problem: `must be between ${leaf.min} and ${leaf.max} (got ${value}).` }
      }
      return value
    }
    case 'bool':
      if (typeof raw === 'boolean') return raw
      if (typeof raw === 'string' && /^(true|false)$/i.test(raw.trim())) return raw.trim().toLowerCase() === 'true'
      return { problem: `must be true or false (got ${shown}).` }
    case 'list':
      if (Array.isArray(raw) && raw.every((item) => typeof item === 'string')) return raw.map((item) => item.trim()).filter((item) => item !== '')
      if (typeof raw === 'string') return raw.split(',').map((item) => item.trim()).filter((item) => item !== '')
      return { problem: `must be a list of strings or a comma-separated string (got ${shown}).` }
    case 'enum':
      if (typeof raw === 'string' && leaf.values?.includes(raw.trim()) === true) return raw.trim()
      return { problem: `must be one of ${leaf.values?.join(', ')} (got ${shown}).` }
  }
}

function setPath (config: SidecarConfig, path: string, value: unknown): void {
  const parts = path.split('.')
  let node = config as unknown as Record<string, unknown>
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>
  node[parts.at(-1)!] = value
}

function closestKey (path: string): string | null {
  let best: string | null = null
  let bestDistance = 3
  for (const leaf of CONFIG_KEYS) {
    const distance = editDistance(path.toLowerCase(), leaf.path.toLowerCase())
    if (distance < bestDistance) {
      best = leaf.path
      bestDistance = distance
    }
  }
  return best
}

/** Levenshtein distance, for "did you mean" hints. */
function editDistance (a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]!
}

/** docs/reference-config.yaml: every key with its default and its environment variable. */
export function referenceConfigYaml (): string {
  const defaults = defaultConfig() as unknown as Record<string, Record<string, unknown>>
  const lines = [
    '# mm2-failback sidecar configuration: every key, its default and its environment variable.',
    '# generated from sidecar/src/config/schema.ts by `mm2-failback config reference`; do not edit.',
    '# Precedence: defaults < this file (--config) < environment < --set flags.',
    '# Clusters, security, flows, policy and filters come from mm2.properties (--mm2-config).'
  ]
  let section = ''
  for (const leaf of CONFIG_KEYS) {
    const [group, key] = leaf.path.split('.') as [string, string]
    if (group !== section) {
      lines.push(`${group}:`)
      section = group
    }
    const value = defaults[group]![key]
    lines.push(`  # ${leaf.help} env: ${envName(leaf.path)}`)
    lines.push(`  ${key}: ${JSON.stringify(value)}`)
  }
  return lines.join('\n') + '\n'
}
