import { describe, expect, it } from 'vitest'
import { NeighbourhoodReads, type ReadCost, type ReadRange } from '../../../../sidecar/src/engine/exact/neighbourhood-reads.ts'
import type { FetchedRecord, RangeRead } from '../../../../sidecar/src/engine/ports.ts'

const record = (offset: bigint): FetchedRecord => ({ offset, timestamp: 0n, key: null, value: Uint8Array.of(Number(offset % 256n)), headers: [] })

/** A log of `end` records in batches of `batch`; a read returns one batch for 1 byte, else batches up to ~maxBytes (100 bytes a record). */
function log (end: bigint, batch: bigint): { calls: Array<{ from: bigint, maxBytes: number }>, gate: Array<() => void>, read: ReadRange } {
  const calls: Array<{ from: bigint, maxBytes: number }> = []
  const gate: Array<() => void> = []
  return {
    calls,
    gate,
    read: async (from, maxBytes): Promise<RangeRead> => {
      calls.push({ from, maxBytes })
      await new Promise<void>((resolve) => gate.push(resolve))
      const batches = BigInt(Math.max(1, Math.floor(maxBytes / (100 * Number(batch)))))
      const start = from - from % batch
      const next = start + batches * batch < end ? start + batches * batch : end
      const records: FetchedRecord[] = []
      for (let offset = start; offset < next; offset++) records.push(record(offset))
      return { records, nextOffset: next, endOffset: end, logStartOffset: 0n }
    }
  }
}

const tick = async (): Promise<void> => { await new Promise((resolve) => setImmediate(resolve)) }
const where = { cluster: 'B', topic: 'A.orders', partition: 0 }
const cost = (): ReadCost => ({ recordsRead: 0, fetches: 0 })

describe('NeighbourhoodReads', () => {
  it('reads one batch for a proof alone, with the records before and at its position and the log end', async () => {
    const reads = new NeighbourhoodReads()
    const lg = log(100n, 10n)
    const spent = cost()
    const kept: bigint[] = []
    const answer = reads.neighbourhood(where, 45n, spent, lg.read, (records) => { kept.push(...records.map((entry) => entry.offset)) })
    await tick()
    expect(lg.calls).toEqual([{ from: 44n, maxBytes: 1 }])
    lg.gate.shift()!()
    expect(await answer).toEqual({ before: record(44n), at: record(45n), end: 100n })
    expect(spent).toEqual({ recordsRead: 10, fetches: 1 })
    expect(kept).toHaveLength(10)
  })

  it('answers a hundred proofs that wait together with one read from the lowest offset they need', async () => {
    const reads = new NeighbourhoodReads()
    const lg = log(1000n, 10n)
    const first = cost()
    const firstAnswer = reads.neighbourhood(where, 955n, first, lg.read, () => {})
    await tick()
    // While that read is out, 100 proofs at 900..999 arrive.
    const costs = Array.from({ length: 100 }, cost)
    const answers = costs.map(async (spent, i) => await reads.neighbourhood(where, 900n + BigInt(i), spent, lg.read, () => {}))
    lg.gate.shift()!()
    expect((await firstAnswer).at).toEqual(record(955n))
    await tick()
    // One shared read covers the waiting proofs' range (64 KiB: every batch up to the end).
    expect(lg.calls).toEqual([{ from: 954n, maxBytes: 1 }, { from: 899n, maxBytes: 64 * 1024 }])
    lg.gate.shift()!()
    const got = await Promise.all(answers)
    got.forEach((answer, i) => {
      const position = 900n + BigInt(i)
      expect(answer).toEqual({ before: record(position - 1n), at: record(position), end: 1000n })
    })
    expect(lg.calls).toHaveLength(2)
    // The fetch counts once, for the proof it started at; the others read nothing themselves (those at
    // 951..955 were answered by the first read already).
    expect(costs.reduce((sum, spent) => sum + spent.fetches, 0)).toBe(1)
  })

  it('reads on for a proof whose position starts the next batch, and answers one at the end of the log with no record there', async () => {
    const reads = new NeighbourhoodReads()
    const lg = log(30n, 10n)
    const spent = cost()
    const atBoundary = reads.neighbourhood(where, 20n, spent, lg.read, () => {})
    await tick()
    lg.gate.shift()!()
    await tick()
    expect(lg.calls.map((call) => call.from)).toEqual([19n, 20n])
    lg.gate.shift()!()
    expect(await atBoundary).toEqual({ before: record(19n), at: record(20n), end: 30n })
    expect(spent.fetches).toBe(2)
    const atEnd = reads.neighbourhood(where, 30n, cost(), lg.read, () => {})
    await tick()
    lg.gate.shift()!()
    expect(await atEnd).toEqual({ before: record(29n), at: null, end: 30n })
  })

  it('fails every proof waiting on the partition when the read fails, and reads again for the next', async () => {
    const reads = new NeighbourhoodReads()
    let fail = true
    const read: ReadRange = async (from) => {
      if (fail) throw new Error('cluster B did not answer')
      return { records: [record(from), record(from + 1n)], nextOffset: from + 2n, endOffset: 100n, logStartOffset: 0n }
    }
    const results = await Promise.allSettled([5n, 6n].map(async (position) => await reads.neighbourhood(where, position, cost(), read, () => {})))
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected'])
    fail = false
    expect((await reads.neighbourhood(where, 5n, cost(), read, () => {})).at).toEqual(record(5n))
  })
})
