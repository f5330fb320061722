// Benchmark of the sync index: decode + index throughput and memory per retained sync, for
// MM2_BENCH_SYNCS (default 10,000,000) OffsetSync records over MM2_BENCH_PARTITIONS (default 10,000)
// partitions, against baselines measured in the same run:
//   - throughput: a raw loop that only reads the record bytes with a DataView (no objects, no index);
//   - memory: a naive index, an Array of { upstreamOffset, downstreamOffset } objects per partition.
// Records are encoded in memory first (as a fetch response would hold them); only decode + append
// is timed. The targets are checked on the ingest hot path, FlowSyncIndex.ingestEncoded (key and
// value bytes in, no intermediate objects); decodeOffsetSync + appendSync, the general path, is
// measured too. Run: node bench/core.bench.ts (re-executes itself with --expose-gc for the memory
// figures).

import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { decodeOffsetSync, encodeOffsetSync } from '../sidecar/src/core/codec/offset-sync.ts'
import { SyncIndex } from '../sidecar/src/core/translation/sync-index.ts'
import type { FlowSyncIndex } from '../sidecar/src/core/translation/flow-sync-index.ts'

const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined && process.env.MM2_BENCH_REEXEC === undefined) {
  const result = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, MM2_BENCH_REEXEC: '1' }
  })
  if (result.error === undefined) process.exit(result.status ?? 1)
  console.log(`note: could not re-run with --expose-gc (${result.error.message}); memory figures include garbage.`)
}

const SYNCS = Number(process.env.MM2_BENCH_SYNCS ?? 10_000_000)
const PARTITIONS = Number(process.env.MM2_BENCH_PARTITIONS ?? 10_000)
const TOPICS = Math.max(1, Math.round(PARTITIONS / 100))
const TARGET_RATE = 2_000_000
const TARGET_BYTES = 32

// gc twice, then yield so that V8 also frees the backing stores of dead ArrayBuffers
async function collect (): Promise<void> {
  if (gc === undefined) return
  gc()
  await new Promise((resolve) => setTimeout(resolve, 50))
  gc()
}

function memory (): number {
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

const fmtRate = (perSecond: number): string => `${(perSecond / 1e6).toFixed(2)} M syncs/s`

// ---- the input: keys per partition, values in one buffer (big-endian INT64 pairs) ----------------

const topicOf: string[] = []
const partitionOf = new Int32Array(PARTITIONS)
const keys: Uint8Array[] = []
for (let p = 0; p < PARTITIONS; p++) {
  const topic = `orders-${String(p % TOPICS).padStart(3, '0')}`
  const partition = Math.floor(p / TOPICS)
  topicOf.push(topic)
  partitionOf[p] = partition
  keys.push(encodeOffsetSync({ topic, partition, upstreamOffset: 0n, downstreamOffset: 0n }).key)
}

const encodeStart = performance.now()
const values = new Uint8Array(SYNCS * 16)
const view = new DataView(values.buffer)
{
  // Per partition: steps of 1..200 upstream (offset.lag.max = 100 on average), the same downstream
  // plus an occasional transaction marker; record i belongs to partition i % PARTITIONS.
  const upstream = new Float64Array(PARTITIONS)
  const downstream = new Float64Array(PARTITIONS).fill(1_000_000)
  let seed = 42
  const next = (): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0
    return seed
  }
  for (let i = 0; i < SYNCS; i++) {
    const p = i % PARTITIONS
    const step = 1 + (next() % 200)
    upstream[p] = upstream[p]! + step
    downstream[p] = downstream[p]! + step + ((next() & 31) === 0 ? 1 : 0)
    const u = upstream[p]!
    const d = downstream[p]!
    view.setUint32(16 * i, Math.floor(u / 4294967296))
    view.setUint32(16 * i + 4, u >>> 0)
    view.setUint32(16 * i + 8, Math.floor(d / 4294967296))
    view.setUint32(16 * i + 12, d >>> 0)
  }
}
// the hand-written bytes are what the codec writes
{
  const check = decodeOffsetSync(keys[7 % PARTITIONS]!, values.subarray(16 * 7, 16 * 8))
  const again = encodeOffsetSync(check).value
  if (Buffer.compare(again, values.subarray(16 * 7, 16 * 8)) !== 0) throw new Error('bench input does not match encodeOffsetSync')
}
console.log(`input: ${SYNCS.toLocaleString('en')} OffsetSync records over ${PARTITIONS.toLocaleString('en')} partitions (${TOPICS} topics), encoded in ${((performance.now() - encodeStart) / 1000).toFixed(1)} s`)

// ---- the timed loops ----------------------------------------------------------------------------

// Baseline: read every field of key and value with a DataView, as a hand-rolled decoder at its fastest.
function rawRead (from: number, to: number): number {
  let checksum = 0
  for (let i = from; i < to; i++) {
    const key = keys[i % PARTITIONS]!
    const value = values.subarray(16 * i, 16 * i + 16)
    const k = new DataView(key.buffer, key.byteOffset, key.byteLength)
    const v = new DataView(value.buffer, value.byteOffset, value.byteLength)
    const length = k.getInt16(0)
    checksum += k.getInt32(2 + length) + Number(v.getBigInt64(0) & 1n) + Number(v.getBigInt64(8) & 1n)
  }
  return checksum
}

function decodeOnly (from: number, to: number): number {
  let checksum = 0
  for (let i = from; i < to; i++) {
    const sync = decodeOffsetSync(keys[i % PARTITIONS]!, values.subarray(16 * i, 16 * i + 16))
    checksum += sync.partition
  }
  return checksum
}

// The ingest hot path: key and value bytes straight into the index.
function ingest (flow: FlowSyncIndex, from: number, to: number): number {
  let checksum = 0
  for (let i = from; i < to; i++) {
    checksum += flow.ingestEncoded(keys[i % PARTITIONS]!, values.subarray(16 * i, 16 * i + 16)).length
  }
  return checksum
}

// The general path: decode into an OffsetSync object, then append it.
function decodeAndIndex (flow: FlowSyncIndex, from: number, to: number): number {
  let checksum = 0
  for (let i = from; i < to; i++) {
    const outcome = flow.appendSync(decodeOffsetSync(keys[i % PARTITIONS]!, values.subarray(16 * i, 16 * i + 16)))
    checksum += outcome.length
  }
  return checksum
}

// Index only: the offsets come as ready bigints (a BigInt64Array read), topics as shared strings.
function indexOnly (flow: FlowSyncIndex, upstream: BigInt64Array, downstream: BigInt64Array, from: number, to: number): number {
  let checksum = 0
  for (let i = from; i < to; i++) {
    const p = i % PARTITIONS
    checksum += flow.append(topicOf[p]!, partitionOf[p]!, upstream[i]!, downstream[i]!).length
  }
  return checksum
}

function time (run: () => number): { seconds: number, checksum: number } {
  const start = performance.now()
  const checksum = run()
  return { seconds: (performance.now() - start) / 1000, checksum }
}

const WARM = Math.min(SYNCS, 200_000)
let sink = 0

await collect()
sink += rawRead(0, WARM)
const raw = time(() => rawRead(0, SYNCS))
const rawRate = SYNCS / raw.seconds
console.log(`baseline raw DataView read: ${fmtRate(rawRate)}`)

await collect()
sink += decodeOnly(0, WARM)
const dec = time(() => decodeOnly(0, SYNCS))
const decRate = SYNCS / dec.seconds
console.log(`decode only (decodeOffsetSync): ${fmtRate(decRate)} (${(decRate / rawRate).toFixed(2)}x of raw DataView read baseline)`)

// In a function, so that its inputs and index are garbage before the memory measurement below.
async function measureIndexOnly (): Promise<number> {
  const upstream = new BigInt64Array(SYNCS)
  const downstream = new BigInt64Array(SYNCS)
  for (let i = 0; i < SYNCS; i++) {
    upstream[i] = view.getBigInt64(16 * i)
    downstream[i] = view.getBigInt64(16 * i + 8)
  }
  sink += indexOnly(new SyncIndex().flow('W', 'X'), upstream, downstream, 0, WARM)
  await collect()
  const flow = new SyncIndex().flow('A', 'B')
  const start = performance.now()
  sink += indexOnly(flow, upstream, downstream, 0, SYNCS)
  return SYNCS / ((performance.now() - start) / 1000)
}
const indexRate = await measureIndexOnly()
console.log(`index only (append of ready bigints): ${fmtRate(indexRate)} (${(indexRate / rawRate).toFixed(2)}x of raw DataView read baseline)`)

sink += ingest(new SyncIndex().flow('W', 'X'), 0, WARM)
await collect()
const before = memory()
const index = new SyncIndex()
const flow = index.flow('A', 'B')
const full = time(() => ingest(flow, 0, SYNCS))
const fullRate = SYNCS / full.seconds
await collect()
const indexBytes = memory() - before
const retained = index.retainedSyncs
let storage = 0
let overhead = 0
for (const history of flow.histories()) {
  storage += history.storageBytes
  overhead += history.overheadBytes
}

// The general path (in a function, so that its index is garbage afterwards), measured after the hot
// path: the hot path keeps the place in the sequence that decode+index always had.
async function measureDecodeThenAppend (): Promise<number> {
  sink += decodeAndIndex(new SyncIndex().flow('W', 'X'), 0, WARM)
  await collect()
  const run = time(() => decodeAndIndex(new SyncIndex().flow('A', 'B'), 0, SYNCS))
  sink += run.checksum
  return SYNCS / run.seconds
}
const generalRate = await measureDecodeThenAppend()
console.log(`decode+index, general path (decodeOffsetSync + appendSync): ${fmtRate(generalRate)} (${(generalRate / rawRate).toFixed(2)}x of raw DataView read baseline; decode alone takes ${(100 * (1 / decRate) / (1 / generalRate)).toFixed(0)}% of the time)`)

console.log(`decode+index, hot path (ingestEncoded): ${fmtRate(fullRate)} (${(fullRate / rawRate).toFixed(2)}x of raw DataView read baseline; ${(fullRate / generalRate).toFixed(2)}x of the general path)`)

// Naive index for comparison: every sync as an object in an Array per partition (no thinning).
const NAIVE = Math.min(SYNCS, 1_000_000)
await collect()
const naiveBefore = memory()
const naive: Array<Array<{ upstreamOffset: bigint, downstreamOffset: bigint }>> = Array.from({ length: PARTITIONS }, () => [])
for (let i = 0; i < NAIVE; i++) {
  naive[i % PARTITIONS]!.push({ upstreamOffset: view.getBigInt64(16 * i), downstreamOffset: view.getBigInt64(16 * i + 8) })
}
await collect()
const naiveBytes = (memory() - naiveBefore) / NAIVE
sink += naive.length

const perSync = indexBytes / retained
console.log(`retained: ${retained.toLocaleString('en')} of ${SYNCS.toLocaleString('en')} syncs (${(retained / PARTITIONS).toFixed(0)} per partition after thinning), ` +
  `${(indexBytes / 1e6).toFixed(1)} MB measured after gc${gc === undefined ? ' (no gc: unreliable)' : ''}`)
console.log(`memory: ${perSync.toFixed(1)} bytes per retained sync (${(perSync / naiveBytes).toFixed(2)}x of a naive Array-of-objects index at ${naiveBytes.toFixed(1)} bytes/sync); ` +
  `of which sync arrays ${(storage / retained).toFixed(1)}, MM2 shadows ${(overhead / retained).toFixed(1)}, the rest object headers and maps`)
console.log(`target >= ${fmtRate(TARGET_RATE)} decoded and indexed (ingestEncoded): ${fullRate >= TARGET_RATE ? 'met' : 'NOT met'}` +
  (fullRate < TARGET_RATE ? ` (decode alone ${fmtRate(decRate)}, index alone ${fmtRate(indexRate)}: the ${decRate < indexRate ? 'decoder' : 'index'} is the bottleneck)` : '') +
  `; general path (decodeOffsetSync + appendSync) ${generalRate >= TARGET_RATE ? 'meets it too' : 'does not'}`)
console.log(`target <= ${TARGET_BYTES} bytes per retained sync: ${perSync <= TARGET_BYTES ? 'met' : 'NOT met'}`)
if (sink === -1) console.log(raw.checksum, dec.checksum, full.checksum)
