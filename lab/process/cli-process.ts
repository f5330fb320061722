// Runs the mm2-failback CLI as a user would (node bin/mm2-failback.js ...), with extra environment
// variables (what `${env:...}` references in mm2.properties read), and returns its exit code and output.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { REPO_ROOT } from '../versions.ts'

export interface CliResult { code: number, stdout: string, stderr: string }

export async function runCli (args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'mm2-failback.js'), ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env }
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
    child.on('error', reject)
    child.on('close', (code) => { resolve({ code: code ?? -1, stdout, stderr }) })
  })
}
