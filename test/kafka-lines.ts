// The Kafka lines the real-Kafka tests (integration, e2e) run on. The default matrix keeps `npm test`
// inside its time budget on 2 cores: every test on the oldest and the newest line (where MM2 and the
// brokers differ most), and the failover/failback drill alone on the lines between (a smoke run).
//   MM2_FAILBACK_E2E_VERSIONS    comma-separated lab lines for every test (e.g. `4.1` or `3.9,4.1,4.4`);
//                                setting it also turns the smoke lines off unless they are set too;
//   MM2_FAILBACK_SMOKE_VERSIONS  lines for the drill alone (empty: none).
import { KAFKA_LINES, parseKafkaLine, type KafkaLine } from '../lab/versions.ts'

export const DEFAULT_TESTED_LINES: readonly KafkaLine[] = [KAFKA_LINES[0], KAFKA_LINES[KAFKA_LINES.length - 1]!]
export const DEFAULT_SMOKE_LINES: readonly KafkaLine[] = KAFKA_LINES.filter((line) => !DEFAULT_TESTED_LINES.includes(line))

const parseList = (listed: string): KafkaLine[] => listed.split(',').map((line) => line.trim()).filter(Boolean).map(parseKafkaLine)

/** Lines every real-Kafka test runs on. */
export function testedKafkaLines (): KafkaLine[] {
  const listed = process.env.MM2_FAILBACK_E2E_VERSIONS
  if (listed === undefined || listed.trim() === '') return [...DEFAULT_TESTED_LINES]
  return parseList(listed)
}

/** Lines only the failover/failback drill runs on, besides the tested ones. */
export function smokeKafkaLines (): KafkaLine[] {
  const listed = process.env.MM2_FAILBACK_SMOKE_VERSIONS
  const explicitFull = (process.env.MM2_FAILBACK_E2E_VERSIONS ?? '').trim() !== ''
  const lines = listed !== undefined ? parseList(listed) : explicitFull ? [] : [...DEFAULT_SMOKE_LINES]
  const full = testedKafkaLines()
  return lines.filter((line) => !full.includes(line))
}

/** KIP-848 consumer groups (group.protocol=consumer) are generally available from Kafka 4.0. */
export const hasKip848Groups = (line: KafkaLine): boolean => Number(line.split('.')[0]) >= 4
