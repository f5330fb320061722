// The lab `npm run lab -- down|status` act on when no --run-dir is given: .lab/current names its run
// directory. `lab up` and the demo's --keep record it; `lab down` forgets it.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { REPO_ROOT } from './versions.ts'

export const LAB_ROOT = join(REPO_ROOT, '.lab')
const CURRENT = join(LAB_ROOT, 'current')

export function recordCurrentLab (runDir: string): void {
  mkdirSync(LAB_ROOT, { recursive: true })
  writeFileSync(CURRENT, runDir + '\n')
}

/** `explicit` (a --run-dir) or the recorded lab. */
export function currentRunDir (explicit?: string): string {
  if (explicit) return resolve(explicit)
  if (!existsSync(CURRENT)) throw new Error(`No lab recorded in ${CURRENT}; start one with \`npm run lab -- up\` or pass --run-dir.`)
  return readFileSync(CURRENT, 'utf8').trim()
}

export function forgetCurrentLab (runDir: string): void {
  if (existsSync(CURRENT) && readFileSync(CURRENT, 'utf8').trim() === runDir) rmSync(CURRENT)
}

/** What to run to stop a kept lab and whatever is attached to it (printed by the demo's --keep). */
export function stopKeptLabCommand (runDir: string): string {
  return `npm run lab -- down --run-dir ${runDir}`
}
