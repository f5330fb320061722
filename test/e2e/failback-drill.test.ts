// The failover/failback drill as an end-to-end test: the same drill with MM2 alone and with MM2 +
// mm2-failback (the CLI, as a separate process), each on a fresh lab; on every tested line, and as the
// smoke run of the lines between them (test/kafka-lines.ts).
import { afterAll, describe, expect, it } from 'vitest'
import { decodeCheckpoint } from '../../sidecar/src/core/codec/checkpoint.ts'
import { readWholeTopic } from '../integration/helpers/topic-reader.ts'
import { startLab, type Lab } from '../../lab/lab.ts'
import { waitFor } from '../../lab/wait.ts'
import { formatDrillTable, runDrill, type DrillResult } from '../../lab/drill/drill.ts'
import { startSidecarProcess, type SidecarProcess } from '../../lab/process/sidecar-process.ts'
import { smokeKafkaLines, testedKafkaLines } from '../kafka-lines.ts'

const VERSIONS = [...testedKafkaLines(), ...smokeKafkaLines()]

describe.each(VERSIONS)('failover/failback drill on Kafka %s', (kafka) => {
  const labs: Lab[] = []
  let sidecar: SidecarProcess | undefined
  const results: DrillResult[] = []

  afterAll(async () => {
    await sidecar?.stop()
    for (const lab of labs) await lab.stop()
    if (results.length > 0) console.log(`Kafka ${kafka}\n${formatDrillTable(results)}`)
  })

  async function lab (): Promise<Lab> {
    const started = await startLab({ kafka })
    labs.push(started)
    return started
  }

  it('MM2 alone cannot translate failback: the group re-reads what it consumed on B', async () => {
    const result = await runDrill(await lab(), { mode: 'mm2-alone', topic: 'orders', group: 'billing', translationWaitMs: 30_000 })
    results.push(result)
    const failback = result.phases[1]!
    expect(failback.phase).toBe('failback B->A')
    // The group's offsets on `orders` on A never move: MM2 has no syncs for A.orders in flow B->A.
    expect(failback.secondsToTranslated).toBeNull()
    // So it resumes at its stale offset and re-reads the 300 records it had already read on B.
    expect(failback.reread).toBeGreaterThanOrEqual(300)
    expect(failback.lost).toBe(0)
  })

  it('MM2 + mm2-failback: failback loses nothing, re-reads no more than the reported window, and MM2 emits failback checkpoints', async () => {
    const current = await lab()
    sidecar = await startSidecarProcess({ mm2Config: current.mm2PropertiesPath!, logDir: current.logDir })
    const result = await runDrill(current, { mode: 'mm2+sidecar', topic: 'orders', group: 'billing', scrapeSidecar: sidecar.scrape })
    results.push(result)
    for (const phase of result.phases) {
      expect(phase.lost, `${phase.phase} lost records`).toBe(0)
      // The reported window is an upper bound of what the group re-reads, in both phases.
      expect(phase.reportedWindow, `${phase.phase} reported window`).not.toBeNull()
      expect(phase.reread, `${phase.phase} re-read records`).toBeLessThanOrEqual(phase.reportedWindow!)
    }
    const failback = result.phases[1]!
    expect(failback.secondsToTranslated, 'the group has translated offsets on A after failback').not.toBeNull()
    expect(failback.reportedWindow).not.toBeNull()
    expect(failback.reread).toBeLessThanOrEqual(failback.reportedWindow!)
    // MM2's own, unmodified B->A checkpoint connector translates A.orders back to orders on A, from our
    // reverse syncs. It writes to A, so after A's outage it needs a few of its intervals to catch up.
    const checkpoint = await waitFor(async () => {
      const checkpoints = await readWholeTopic(current, 'A', 'B.checkpoints.internal', (record) => decodeCheckpoint(record.key, record.value))
      return checkpoints.find((entry) => entry.consumerGroupId === 'billing' && entry.topic === 'orders') ?? null
    }, { timeoutMs: 120_000, intervalMs: 2000, description: 'an MM2 B->A checkpoint of group billing for orders on A' })
    // The group's position on A.orders, translated back through reverse syncs: never past it (no skips).
    expect(checkpoint.downstreamOffset).toBeGreaterThan(0n)
    expect(checkpoint.downstreamOffset).toBeLessThanOrEqual(checkpoint.upstreamOffset)
    expect(await sidecar.ready()).toBe(true)
  })
})
