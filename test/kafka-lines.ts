// The Kafka lines the real-Kafka tests (integration, e2e) run on: MM2_FAILBACK_E2E_VERSIONS, a comma-
// separated list of lab lines (e.g. `4.4` or `3.9,4.1`), else the default matrix below.
import { parseKafkaLine, type KafkaLine } from '../lab/versions.ts'

export const DEFAULT_TESTED_LINES: readonly KafkaLine[] = ['3.9', '4.1']

export function testedKafkaLines (): KafkaLine[] {
  const listed = process.env.MM2_FAILBACK_E2E_VERSIONS
  if (listed === undefined || listed.trim() === '') return [...DEFAULT_TESTED_LINES]
  return listed.split(',').map((line) => line.trim()).filter(Boolean).map(parseKafkaLine)
}
