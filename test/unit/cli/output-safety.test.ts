// What the commands print when names carry control characters or formulas, and how errors look when a
// script asked for JSON: no raw control character on stdout or stderr, CSV a spreadsheet will not
// evaluate, one JSON error object on stderr with the exit codes of the human output.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../../sidecar/src/cli/main.ts'
import type { CliIo } from '../../../sidecar/src/cli/context.ts'
import { renderReconcile, skippedRecordWarnings } from '../../../sidecar/src/cli/commands/reconcile.ts'
import { Mm2FailbackError } from '../../../sidecar/src/errors.ts'
import { errorObject, requestedOutput } from '../../../sidecar/src/cli/report-error.ts'
import { formatJson } from '../../../sidecar/src/cli/output-encoding.ts'
import type { GroupPlan, PlanRow } from '../../../sidecar/src/core/reconcile/plan.ts'
import type { ReconcileResult } from '../../../sidecar/src/engine/reconcile/reconcile-session.ts'

// Any C0 control but LF (line ends), DEL, C1 control or bidi override/isolate.
// eslint-disable-next-line no-control-regex -- the test looks for exactly these characters
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/
const HOSTILE = 'pay\u001b]0;pwned\u0007\r\nok\u202eevil\u2066'
const HOSTILE_SHOWN = 'pay\\x1b]0;pwned\\x07\\x0d\\x0aok\\u202eevil\\u2066'

async function run (...argv: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  let stdout = ''
  let stderr = ''
  const io: CliIo = { stdout: (text) => { stdout += text }, stderr: (text) => { stderr += text }, isTty: () => false }
  const code = await main(argv, io)
  return { code, stdout, stderr }
}

function row (overrides: Partial<PlanRow>): PlanRow {
  return {
    group: 'g',
    sourceCluster: 'B',
    targetCluster: 'A',
    sourceTopic: 'A.orders',
    targetTopic: 'orders',
    partition: 0,
    sourceOffset: 10n,
    targetOffset: 12n,
    translatedOffset: 9n,
    delta: -3n,
    method: 'conservative',
    rereadWindow: 1n,
    action: 'skip',
    reason: 'would-rewind',
    note: 'sync 8->9',
    metadata: '',
    ...overrides
  }
}

function result (rows: PlanRow[]): ReconcileResult {
  const n = rows.length
  const summary = { partitions: n, commit: 0, inSync: 0, wouldRewind: n, groupActive: 0, untranslatable: 0, exact: 0, conservative: n, rereadWindow: 1n }
  const group: GroupPlan = {
    group: rows[0]!.group,
    sourceCluster: 'B',
    targetCluster: 'A',
    targetMembers: 0,
    rows,
    summary
  }
  return { plan: { groups: [group], untranslatable: 0, commits: 0 }, executions: [], requests: 0, unrouted: [], skipped: [] }
}

describe('reconcile table: names from Kafka are shown, not sent to the terminal', () => {
  const plan = result([row({ group: HOSTILE, sourceTopic: `A.${HOSTILE}` }), row({ group: HOSTILE, partition: 1, targetOffset: null, delta: null, note: 'x' })])

  it('escapes ESC, BEL, CR, LF and bidi controls in cells and in the summary line', () => {
    const text = renderReconcile(plan, 'table')
    expect(text).not.toMatch(RAW_CONTROL)
    const lines = text.split('\n')
    expect(lines[1]).toContain(HOSTILE_SHOWN)
    expect(lines[1]).toContain(`A.${HOSTILE_SHOWN}`)
    expect(text).toContain(`group ${HOSTILE_SHOWN} B->A: 2 partition(s)`)
    // One line per row: the LF in the group id did not start a line of its own.
    expect(lines.filter((line) => line.includes('pwned'))).toHaveLength(3)
  })

  it('aligns columns on the escaped text', () => {
    const [header, first, second] = renderReconcile(plan, 'table').split('\n') as [string, string, string]
    for (const title of ['source', 'source topic', 'partition', 'delta']) {
      const column = header.indexOf(title)
      expect(column).toBeGreaterThan(0)
      expect(first[column - 1]).toBe(' ')
      expect(second[column - 1]).toBe(' ')
      expect(first[column]).not.toBe(' ')
      expect(second[column]).not.toBe(' ')
    }
  })

  it('warnings about records of a hostile topic are one escaped line', () => {
    const [line] = skippedRecordWarnings([{ cluster: 'A', topic: HOSTILE, recordType: 'offset sync', reason: 'bad\u009b', count: 2 }])
    expect(line).toBe(`mm2-failback: warning: skipped 2 bad offset sync record(s) in topic ${HOSTILE_SHOWN} on cluster A (bad\\x9b); they are not used for translation.\n`)
  })
})

describe('reconcile csv', () => {
  it('quotes a lone CR, quotes and commas, neutralises formulas, and writes offsets as numbers', () => {
    const csv = renderReconcile(result([
      row({ group: '=HYPERLINK("http://evil.example","x")', note: 'a\rb' }),
      row({ group: '-1', sourceTopic: 'a,b', targetOffset: null, delta: null, rereadWindow: null, note: '@x' })
    ]), 'csv')
    const lines = csv.split('\n')
    expect(lines[0]).toBe('group,source,target,source topic,target topic,partition,source offset,target offset,translated,delta,method,re-read window,action,note')
    expect(lines[1]).toBe('"\'=HYPERLINK(""http://evil.example"",""x"")",B,A,A.orders,orders,0,10,12,9,-3,conservative,1,skip: would-rewind,"a\rb"')
    expect(lines[2]).toBe('\'-1,B,A,"a,b",orders,0,10,,9,,conservative,,skip: would-rewind,\'@x')
    expect(lines[3]).toBe('')
    expect(lines).toHaveLength(4)
  })
})

describe('inspect table', () => {
  it('escapes a hostile --topic in the table and keeps it exact in JSON', async () => {
    const fixture = fileURLToPath(new URL('../../fixtures/mm2-properties/dr-active-passive.properties', import.meta.url))
    const table = await run('inspect', '--mm2-config', fixture, '--topic', HOSTILE)
    expect(table.code).toBe(0)
    expect(table.stdout).not.toMatch(RAW_CONTROL)
    expect(table.stdout).toContain(`${HOSTILE_SHOWN} on `)
    const json = await run('inspect', '--mm2-config', fixture, '--topic', HOSTILE, '-o', 'json')
    expect(json.stdout).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/)
    const report = JSON.parse(json.stdout) as { flows: Array<{ topics: Array<{ topic: string }> }> }
    expect(report.flows[0]!.topics[0]!.topic).toBe(HOSTILE)
  })
})

describe('errors', () => {
  let dir = ''
  let mm2 = ''
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mm2-failback-output-'))
    mm2 = join(dir, 'mm2.properties')
    // Port 1 on loopback: nothing listens, so the connection is refused at once.
    await writeFile(mm2, 'clusters = A, B\nA.bootstrap.servers = 127.0.0.1:1\nB.bootstrap.servers = 127.0.0.1:1\nA->B.enabled = true\nB->A.enabled = true\n')
  })
  afterAll(async () => { await rm(dir, { recursive: true, force: true }) })

  const parseError = (stderr: string): Record<string, unknown> => {
    expect(stderr.endsWith('\n')).toBe(true)
    expect(stderr.trimEnd()).not.toContain('\n')
    return (JSON.parse(stderr) as { error: Record<string, unknown> }).error
  }

  it('a human error line escapes the names it quotes', async () => {
    const result = await run('reconcile', '--mm2-config', mm2, '-g', 'G', '--from', HOSTILE, '--to', 'A', '--dry-run')
    expect(result.code).toBe(2)
    expect(result.stderr).not.toMatch(RAW_CONTROL)
    expect(result.stderr.split('\n')[0]).toContain(`has no cluster alias ${HOSTILE_SHOWN} (it has A, B)`)
  })

  it('a usage error from a handler is one JSON object on stderr with -o json, exit 2', async () => {
    const result = await run('reconcile', '--mm2-config', mm2, '-g', 'G', '--from', 'B', '--to', 'A', '-o', 'json')
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(parseError(result.stderr)).toEqual({
      code: 'MM2_USAGE', message: 'Give exactly one of --dry-run (print the plan) and --execute (apply it).', retriable: false
    })
  })

  it.each([
    ['--output=json', ['reconcile', '--output=json', '--no-such-flag']],
    ['--output json', ['reconcile', '--mm2-config', 'x', '--output', 'json', '--from', 'B']],
    ['-o json on a command without --output', ['dashboards', 'generate', '-o', 'json']]
  ])('a usage error yargs reports is JSON too (%s), exit 2', async (_name, argv) => {
    const result = await run(...argv)
    expect(result.code).toBe(2)
    const error = parseError(result.stderr)
    expect(error['code']).toBe('MM2_USAGE')
    expect(error['message']).toEqual(expect.any(String))
  })

  it('a config error carries its file, exit 2', async () => {
    const missing = join(dir, 'nope.properties')
    const result = await run('translate', '--mm2-config', missing, '--from', 'B', '--to', 'A', '--topic', 't', '--partition', '0', '--offset', '1',
      '-o', 'json')
    expect(result.code).toBe(2)
    expect(parseError(result.stderr)).toMatchObject({ code: 'MM2_CONFIG_INVALID', file: missing })
  })

  it('a runtime error is JSON with the cluster it concerns, exit 1', async () => {
    const argv = ['reconcile', '--mm2-config', mm2, '-g', 'G', '--from', 'B', '--to', 'A', '--dry-run', '-o', 'json', '--timeout-ms', '2000']
    const result = await run(...argv)
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    const error = parseError(result.stderr)
    expect(error).toMatchObject({ code: 'MM2_CLUSTER_UNREACHABLE', retriable: true })
    expect(['A', 'B']).toContain(error['cluster'])
    expect(error['message']).toMatch(/is unreachable/)
  })

  it('the JSON view flattens the context (bigints become strings) and never lets it replace code or message', () => {
    const error = new Mm2FailbackError('MM2_WOULD_REWIND', 'no', { cluster: 'B', group: 'g', topic: 't', partition: 0, offset: 5n, code: 'x', message: 'y' })
    expect(errorObject(error)).toEqual({
      code: 'MM2_WOULD_REWIND', message: 'no', cluster: 'B', group: 'g', topic: 't', partition: 0, offset: 5n, retriable: false
    })
    expect(JSON.parse(formatJson({ error: errorObject(error) }, 0))).toMatchObject({ error: { offset: '5' } })
    expect(errorObject(new TypeError('boom'))).toEqual({ code: 'MM2_INTERNAL', message: 'boom', retriable: false })
  })

  it.each([
    [['reconcile', '-o', 'json'], 'json'],
    [['reconcile', '--output=csv'], 'csv'],
    [['reconcile', '-o=json'], 'json'],
    [['reconcile', '--output', 'json', '-o', 'table'], 'table'],
    [['reconcile', '--', '-o', 'json'], undefined],
    [['reconcile', '-o'], undefined]
  ])('requestedOutput(%j) is %s', (argv, expected) => {
    expect(requestedOutput(argv)).toBe(expected)
  })
})
