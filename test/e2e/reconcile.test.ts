// `mm2-failback reconcile` against a real lab (two KRaft clusters + an unmodified MM2): failover
// A->B and failback B->A with --exact on a multi-partition topic holding transactional data (aborted
// records and markers leave gaps in offsets) and a multi-partition compacted topic that the log cleaner
// really compacts before MM2 copies it (so A's offsets have gaps and B's copy is dense), counted by
// unique values; --dry-run writes nothing; --execute refuses an active group; bad inputs.
import { randomUUID } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLab, waitFor, type Lab } from '../../lab/lab.ts'
import { readWholeTopic } from '../integration/helpers/topic-reader.ts'
import { Admins, LiveMember } from './safety-helpers.ts'
import { GAP_LAB, gapsBelow, isAborted, prepareGapTopics } from './gap-workloads.ts'
import { consumeUntil, DeliveryLedger } from '../../lab/drill/workload.ts'
import { runCli, type CliResult } from '../../lab/process/cli-process.ts'
import { testedKafkaLines } from '../kafka-lines.ts'

const versions = testedKafkaLines()

/** Runs the CLI as a user would: node bin/mm2-failback.js ... */
const cli = async (...args: string[]): Promise<CliResult> => await runCli(args)

describe.each(versions)('reconcile on Kafka %s', (kafka) => {
  let lab: Lab
  let admins: Admins
  let mm2Config = ''
  const id = randomUUID().slice(0, 8)
  const orders = `orders-${id}`
  const compact = `compact-${id}`
  const group = `app-${id}`
  const partitions = 3
  const ledger = new DeliveryLedger()
  const expected: string[] = []

  beforeAll(async () => {
    lab = await startLab({ kafka, ...GAP_LAB })
    admins = new Admins(lab)
    mm2Config = lab.mm2PropertiesPath!
  })

  afterAll(async () => {
    await admins?.close()
    await lab?.stop()
  })

  const committedOn = async (alias: string, g: string): Promise<string> => {
    const offsets = [...(await admins.of(alias).committedOffsets(g))].sort((a, b) => `${a.topic}${a.partition}` < `${b.topic}${b.partition}` ? -1 : 1)
    return JSON.stringify(offsets, (_k, v: unknown) => typeof v === 'bigint' ? v.toString() : v)
  }

  it('fails over A->B and back B->A with --exact: zero lost, zero re-read, through transactions and compaction', async () => {
    const A = lab.bootstrap('A')
    const B = lab.bootstrap('B')
    // MM2 is stopped while A's data is written and compacted, so it copies a log with offset gaps.
    const prepared = await prepareGapTopics(lab, orders, compact, partitions)
    expected.push(...prepared.expected)
    const present = prepared.present
    const removed = prepared.compactedWritten - present.length
    console.log(`[${kafka}] ${compact} on A: ${prepared.compactedWritten} records written, ${removed} compacted away before MM2 copies, ${present.length} present`)
    expect(removed).toBeGreaterThan(0)
    const topics = [orders, compact]
    // MM2 copies everything to B (the compacted topic's latest values are what must arrive).
    const aEnd = async (topic: string, bootstrap: string): Promise<bigint> => {
      const latest = Array.from({ length: partitions }, (_, partition) => ({ partitionIndex: partition, timestamp: -1n }))
      const offsets = await admins.of(bootstrap === A ? 'A' : 'B').listOffsets({ topics: [{ name: topic, partitions: latest }] })
      let total = 0n
      for (const partition of offsets[0]?.partitions ?? []) total += partition.offset
      return total
    }
    const ordersEnd = await aEnd(orders, A)
    await waitFor(async () => (await aEnd(`A.${orders}`, B).catch(() => 0n)) >= ordersEnd - 200n ? true : null, {
      timeoutMs: 120_000,
      intervalMs: 1000,
      description: `MM2 to copy ${orders} to B`
    })
    // Every partition of A.orders on B holds at least the committed records of A (MM2 copies no markers),
    // and B's A.compact holds the latest value of every key (they are the last records of A's log).
    const committedPerPartition = BigInt(expected.filter((value) => !value.includes('-c-')).length / partitions)
    await waitFor(async () => {
      const latest = Array.from({ length: partitions }, (_, partition) => ({ partitionIndex: partition, timestamp: -1n }))
      const offsets = await admins.of('B').listOffsets({ topics: [{ name: `A.${orders}`, partitions: latest }] }).catch(() => [])
      const ends = offsets[0]?.partitions ?? []
      return ends.length === partitions && ends.every((partition) => partition.offset >= committedPerPartition) ? true : null
    }, { timeoutMs: 120_000, intervalMs: 1000, description: `MM2 to copy every committed record of ${orders} to B` })
    // B's copy of the compacted topic is dense: as many records as A has left, so its offsets differ from A's.
    const presentValues = present.map((r) => r.value)
    await waitFor(async () => (await aEnd(`A.${compact}`, B).catch(() => 0n)) >= BigInt(present.length) ? true : null, {
      timeoutMs: 120_000,
      intervalMs: 1000,
      description: `MM2 to copy ${compact} to B`
    })
    const onB = await readWholeTopic(lab, 'B', `A.${compact}`, (r) => Buffer.from(r.value ?? []).toString())
    expect(new Set(onB)).toEqual(new Set(presentValues))

    // Phase 1: the group consumes about half of the compacted topic, then part of orders, on A.
    const phase1c = await consumeUntil({
      bootstrap: A,
      group,
      topics: [compact],
      ledger,
      stopAtDone: true,
      done: () => presentValues.filter((v) => ledger.delivered(v)).length >= Math.floor(presentValues.length / 2),
      timeoutMs: 60_000
    })
    const phase1 = await consumeUntil({
      bootstrap: A,
      group,
      topics: [orders],
      ledger,
      ignore: isAborted,
      stopAtDone: true,
      done: () => ledger.missing(expected).length <= expected.length - 500,
      timeoutMs: 60_000
    })
    console.log(`[${kafka}] phase 1 on A: delivered ${phase1c.delivered + phase1.delivered}, re-read ${phase1c.reread + phase1.reread}, aborted values delivered ${phase1.ignored}, still missing ${ledger.missing(expected).length} of ${expected.length}`)
    expect(phase1c.reread + phase1.reread).toBe(0)
    // The failover starts from committed offsets on A that have compacted-away offsets below them.
    const compactCommitsOnA = [...phase1c.committed].map(([key, offset]) => ({ partition: Number(key.split('\u0000')[1]), offset }))
    const withGaps = compactCommitsOnA.filter((c) => gapsBelow(present, c.partition, c.offset) > 0)
    const commitsOnA = compactCommitsOnA.map((c) => `p${c.partition}@${c.offset} (${gapsBelow(present, c.partition, c.offset)} gaps below)`)
    console.log(`[${kafka}] ${group} committed on A ${compact}: ${commitsOnA.join(', ')}`)
    expect(withGaps.length).toBeGreaterThan(0)

    // Failover A->B: MM2's rule (conservative) vs exact, both planned; then execute exact.
    const conservative = await cli('reconcile', '--mm2-config', mm2Config, '--group', group, '--from', 'A', '--to', 'B',
      '--dry-run', '--conservative', '-o', 'json')
    const exact = await cli('reconcile', '--mm2-config', mm2Config, '--group', group, '--from', 'A', '--to', 'B', '--dry-run', '--exact', '-o', 'json')
    expect([0, 3]).toContain(exact.code)
    interface JsonRow { sourceTopic: string, partition: number, translatedOffset: string | null, method: string, note: string, rereadWindow: string | null }
    const rowsOf = (out: string): JsonRow[] => JSON.parse(out).groups[0].rows
    const conservativeRows = rowsOf(conservative.stdout)
    const exactRows = rowsOf(exact.stdout)
    const planLines = exactRows.map((row) => `  ${row.sourceTopic}-${row.partition} -> ${row.translatedOffset} ${row.method} (${row.note})`)
    console.log(`[${kafka}] failover plan (exact):\n` + planLines.join('\n'))
    // Every compacted partition is proven record by record across A's gaps (no silent fallback).
    expect(exactRows.filter((row) => row.sourceTopic === compact).map((row) => row.method)).toEqual(Array.from({ length: partitions }, () => 'exact'))
    const mm2Reread = conservativeRows.reduce((sum, row) => sum + Number(row.rereadWindow ?? 0), 0)
    const before = await committedOn('B', group)
    expect(before).toBe('[]') // --dry-run wrote nothing
    const failover = await cli('reconcile', '--mm2-config', mm2Config, '--group', group, '--from', 'A', '--to', 'B', '--execute', '--exact')
    expect(failover.code, failover.stderr).toBe(0)
    expect(failover.stdout).toMatch(/verified by reading them back/)

    // Phase 2: the group on B reads a bit more (A is "down"), then fails back.
    // It reads more of the compacted topic first (so that the failback crosses A's gaps again), then orders.
    const phase2c = await consumeUntil({
      bootstrap: B,
      group,
      topics: [`A.${compact}`],
      ledger,
      stopAtDone: true,
      done: () => presentValues.filter((v) => ledger.delivered(v)).length >= Math.floor(presentValues.length * 3 / 4),
      timeoutMs: 60_000
    })
    const phase2 = await consumeUntil({
      bootstrap: B,
      group,
      topics: [`A.${orders}`],
      ledger,
      ignore: isAborted,
      stopAtDone: true,
      done: () => ledger.missing(expected).length <= 200,
      timeoutMs: 60_000
    })
    const failoverReread = phase2c.reread + phase2.reread
    const commitsOnB = [...phase2c.committed].map(([key, offset]) => `p${key.split('\u0000')[1]}@${offset}`)
    console.log(`[${kafka}] ${group} committed on B A.${compact}: ${commitsOnB.join(', ')}`)
    console.log(`[${kafka}] phase 2 on B: delivered ${phase2c.delivered + phase2.delivered}, aborted values delivered ${phase2.ignored}, still missing ${ledger.missing(expected).length} of ${expected.length}`)
    console.log(`[${kafka}] failover A->B: re-read with --exact ${failoverReread}; MM2's conservative rule would re-read up to ${mm2Reread} (sum of re-read windows)`)
    expect(failoverReread).toBe(0)

    const failbackPlan = await cli('reconcile', '--mm2-config', mm2Config, '--group', group, '--from', 'B', '--to', 'A', '--dry-run')
    console.log(`[${kafka}] failback plan:\n${failbackPlan.stdout}`)
    const failbackExact = await cli('reconcile', '--mm2-config', mm2Config, '--group', group, '--from', 'B', '--to', 'A', '--dry-run', '--exact', '-o', 'json')
    const failbackRows = rowsOf(failbackExact.stdout)
    expect(failbackRows.filter((row) => row.sourceTopic === `A.${compact}`).map((row) => row.method)).toEqual(Array.from({ length: partitions }, () => 'exact'))
    const failback = await cli('reconcile', '--mm2-config', mm2Config, '--group', group, '--from', 'B', '--to', 'A', '--execute', '--exact')
    expect(failback.code, failback.stderr).toBe(0)

    // Phase 3: back on A, to the end.
    const phase3 = await consumeUntil({
      bootstrap: A,
      group,
      topics,
      ledger,
      ignore: isAborted,
      stopAtDone: true,
      done: () => ledger.missing(expected).length === 0,
      timeoutMs: 60_000
    })
    const lost = ledger.missing(expected)
    console.log(`[${kafka}] failback B->A: lost ${lost.length}, re-read ${phase3.reread}, aborted values delivered ${phase3.ignored}`)
    expect(lost).toEqual([])
    expect(phase3.reread).toBe(0)
  })

  it('--execute refuses a group with live members on the target, naming group, cluster and member count', async () => {
    const member = await LiveMember.start({ bootstrap: lab.bootstrap('A'), group, topic: orders, groupProtocol: 'classic' })
    try {
      await waitFor(async () => (await admins.members('A', group)) > 0 ? true : null, {
        timeoutMs: 30_000,
        intervalMs: 200,
        description: 'the live member to join'
      })
      const before = await committedOn('A', group)
      const result = await cli('reconcile', '--mm2-config', mm2Config, '--group', group, '--from', 'B', '--to', 'A', '--execute')
      expect(result.code).toBe(1)
      expect(result.stderr).toMatch(new RegExp(`refusing to commit group ${group} on cluster A: it has 1 live member`))
      expect(await committedOn('A', group)).toBe(before)
    } finally {
      await member.stop()
    }
  })

  it('bad inputs: one line, exit 2 or 1, nothing written', async () => {
    const before = await committedOn('A', group)
    const bad = join(lab.runDir, 'bad-mm2.properties')
    await writeFile(bad, 'clusters = A, B\nA.bootstrap.servers =\n')
    const unreachable = join(lab.runDir, 'unreachable-mm2.properties')
    await writeFile(unreachable, `clusters = A, B\nA.bootstrap.servers = ${lab.bootstrap('A')}\nB.bootstrap.servers = 127.0.0.1:1\nA->B.enabled = true\nB->A.enabled = true\n`)
    const cases: Array<{ args: string[], code: number, message: RegExp }> = [
      {
        args: ['--group', `nobody-${id}`, '--from', 'B', '--to', 'A', '--dry-run'],
        code: 2,
        message: new RegExp(`group nobody-${id} is unknown on cluster B`)
      },
      {
        args: ['--group', group, '--from', 'B', '--to', 'A', '--dry-run', '--topics', 'no-such-topic'],
        code: 2,
        message: /no committed offsets on cluster B for topics matching --topics no-such-topic/
      },
      { args: ['--group', group, '--from', 'C', '--to', 'A', '--dry-run'], code: 2, message: /has no cluster alias C/ }
    ]
    for (const c of cases) {
      const result = await cli('reconcile', '--mm2-config', mm2Config, ...c.args)
      expect(result.code, result.stderr).toBe(c.code)
      expect(result.stderr.split('\n')[0]).toMatch(c.message)
    }
    const malformed = await cli('reconcile', '--mm2-config', bad, '--group', group, '--from', 'B', '--to', 'A', '--execute')
    expect(malformed.code).toBe(2)
    const down = await cli('reconcile', '--mm2-config', unreachable, '--group', group, '--from', 'B', '--to', 'A', '--execute', '--timeout-ms', '3000')
    expect(down.code).toBe(1)
    expect(down.stderr.split('\n')[0]).toMatch(/cluster B \(127\.0\.0\.1:1, PLAINTEXT\) is unreachable/)
    const topic = await cli('translate', '--mm2-config', mm2Config, '--from', 'B', '--to', 'A', '--topic', `nope-${id}`, '--partition', '0', '--offset', '1')
    expect(topic.code).toBe(2)
    expect(topic.stderr.split('\n')[0]).toMatch(new RegExp(`topic nope-${id} does not exist on cluster B`))
    expect(await committedOn('A', group)).toBe(before)
  })

  it('translate explains one lookup', async () => {
    // The last record MM2 copied to partition 0: every offset sync of that partition is at or below it
    // (a fixed small offset is not: MM2 coalesces pending syncs, the one at 0 -> 0 may never be written).
    const ends = await admins.of('B').listOffsets({ topics: [{ name: `A.${orders}`, partitions: [{ partitionIndex: 0, timestamp: -1n }] }] })
    const offset = (ends[0]?.partitions[0]?.offset ?? 0n) - 1n
    expect(offset).toBeGreaterThan(0n)
    const result = await cli('translate', '--mm2-config', mm2Config, '--from', 'B', '--to', 'A', '--topic', `A.${orders}`,
      '--partition', '0', '--offset', String(offset), '--exact')
    console.log(`[${kafka}] ${result.stdout}`)
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(new RegExp(`A\\.${orders} partition 0 offset ${offset} on cluster B -> ${orders} partition 0 on cluster A: offset \\d+`))
    expect(result.stdout).toMatch(/method (exact|conservative), re-read window \d+/)
  })
})
