// Tiny builders for the mm2.properties parser tests.
import { parseMm2Properties, type Mm2ParseOptions } from '../../../sidecar/src/config/mm2-properties.ts'
import type { Mm2Config, Mm2Flow } from '../../../sidecar/src/core/mm2/model.ts'
import { isMm2FailbackError, type Mm2FailbackError } from '../../../sidecar/src/errors.ts'

export const lines = (...text: string[]): string => text.join('\n') + '\n'
export const AB = lines('clusters = A, B', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092')

export function flow (config: Mm2Config, name: string): Mm2Flow {
  const found = config.flows.find((candidate) => candidate.name === name)
  if (found === undefined) throw new Error(`no flow ${name}`)
  return found
}

export function failure (text: string, options?: Mm2ParseOptions): Mm2FailbackError {
  try {
    parseMm2Properties(text, options)
  } catch (error) {
    if (isMm2FailbackError(error, 'MM2_CONFIG_INVALID')) return error
    throw error
  }
  throw new Error('expected MM2_CONFIG_INVALID')
}

export const problemsOf = (text: string): string[] =>
  ((failure(text).context.problems ?? []) as Array<{ line?: number, message: string }>).map((problem) => `${problem.line ?? '-'}: ${problem.message}`)
