// This package's own manifest (name, version) and directory, found by walking up from this module: the
// sources run from <root>/sidecar/src and the installed package from <root>/dist/sidecar/src, and a
// project that depends on mm2-failback has a package.json of its own closer to the working directory,
// which is why `--version` must not let yargs look for "the" package.json.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface PackageInfo {
  name: string
  version: string
  /** The directory holding the manifest: the files the package ships (alerts/runbook.md, ...) are under it. */
  root: string
}

const PACKAGE_NAME = 'mm2-failback'

function readOwnManifest (): PackageInfo {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const candidate = join(dir, 'package.json')
    if (existsSync(candidate)) {
      const manifest = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string, version?: string }
      if (manifest.name === PACKAGE_NAME && typeof manifest.version === 'string') {
        return { name: manifest.name, version: manifest.version, root: dir }
      }
    }
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`cannot find the package.json of ${PACKAGE_NAME} above ${fileURLToPath(import.meta.url)}`)
    dir = parent
  }
}

export const PACKAGE: PackageInfo = readOwnManifest()
