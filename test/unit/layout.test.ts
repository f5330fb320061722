// Import rules between the top-level folders, which no type check sees:
// - test/ holds tests only: the product, the lab (lab/), the demo and the benches never import from it,
//   so deleting or rewriting a test cannot break `npm run demo`, `npm run bench` or `npm run lab`.
// - dashboards/ and alerts/ are peers over one MonitoringConfig (sidecar/src/metrics/monitoring/): neither
//   imports the other, so each renders alone; only the bundle lint (scripts/lint-monitoring.ts) sees both.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = new URL('../../', import.meta.url).pathname

// Not sources of this repository (dependencies, build output, run directories) or the tests themselves.
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'coverage', 'test'])

function sourceFiles (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return entry.name.startsWith('.') || SKIPPED_DIRS.has(entry.name) ? [] : sourceFiles(path)
    return /\.(ts|js|mjs|cjs)$/.test(entry.name) ? [path] : []
  })
}

/** Repository-relative paths of the files `file` imports by a relative specifier (static, re-export or dynamic). */
function relativeImports (file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/\b(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]|\bimport\s+['"]([^'"]+)['"]/g)]
    .map((match) => match[1] ?? match[2] ?? match[3] ?? '')
    .filter((specifier) => specifier.startsWith('./') || specifier.startsWith('../'))
    .map((specifier) => relative(root, join(file, '..', specifier)))
}

/** `<file> imports <target>` for every import of a file in `from` that lands in `forbidden`. */
function violations (files: readonly string[], forbidden: string): string[] {
  return files.flatMap((file) => relativeImports(file)
    .filter((target) => target === forbidden || target.startsWith(`${forbidden}/`))
    .map((target) => `${relative(root, file)} imports ${target}`))
}

describe('test/ holds tests only', () => {
  const files = sourceFiles(root)
  const folders = new Set(files.map((file) => relative(root, file).split('/')[0]))

  it('scans the product, the lab, the scripts and the benches', () => {
    for (const folder of ['sidecar', 'lab', 'scripts', 'bench', 'dashboards', 'alerts']) expect(folders, folder).toContain(folder)
  })

  it('nothing outside test/ imports from test/', () => {
    expect(violations(files, 'test')).toEqual([])
  })
})

describe('dashboards/ and alerts/ are peers', () => {
  const dashboards = sourceFiles(join(root, 'dashboards'))
  const alerts = sourceFiles(join(root, 'alerts'))

  it('has sources on both sides', () => {
    expect(dashboards.length).toBeGreaterThan(0)
    expect(alerts.length).toBeGreaterThan(0)
  })

  it('nothing in dashboards/ imports alerts/', () => {
    expect(violations(dashboards, 'alerts')).toEqual([])
  })

  it('nothing in alerts/ imports dashboards/', () => {
    expect(violations(alerts, 'dashboards')).toEqual([])
  })
})
