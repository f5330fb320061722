// The core is pure: it imports no I/O module and touches no process, timer or network global.
// eslint.config.js enforces the same rule while editing; this test keeps it true in CI.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = new URL('../../../', import.meta.url).pathname
const coreDir = join(root, 'sidecar/src/core')

function sourceFiles (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

const allowedImport = (specifier: string): boolean =>
  specifier.startsWith('./') || specifier.startsWith('../') || specifier === 'fast-check'

describe('sidecar/src/core purity', () => {
  const files = sourceFiles(coreDir)

  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(0)
  })

  it.each(files.map((file) => [relative(root, file), file]))('%s imports only core modules and no I/O', (_name, file) => {
    const text = readFileSync(file, 'utf8')
    const specifiers = [...text.matchAll(/\b(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]/g)]
      .map((match) => match[1] ?? match[2] ?? '')
    for (const specifier of specifiers) {
      expect(allowedImport(specifier), `${specifier} is not allowed in the core`).toBe(true)
      if (specifier.startsWith('.')) {
        const target = join(file, '..', specifier)
        const outside = relative(coreDir, target).startsWith('..') && !target.endsWith('/errors.ts')
        expect(outside, `${specifier} leaves sidecar/src/core`).toBe(false)
      }
    }
    const code = text.replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '')
    expect(code).not.toMatch(/\b(process\.|setTimeout|setInterval|setImmediate|fetch\(|require\()/)
  })
})
