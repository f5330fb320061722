// The Node.js policy: package.json's engines.node is the one range; bin/mm2-failback.js refuses an older
// Node with exit 2 and one line, before anything imports the Kafka client.
import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { unsupportedNode } from '../../../bin/node-support.js'

const root = join(import.meta.dirname, '../../..')
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string, engines: { node: string } }

describe('Node.js support', () => {
  it('accepts the range and above, refuses below, naming both versions and what to install', () => {
    expect(unsupportedNode('22.22.0', '>=22.22')).toBeNull()
    expect(unsupportedNode('22.23.1', '>=22.22')).toBeNull()
    expect(unsupportedNode('24.0.0', '>=22.22')).toBeNull()
    expect(unsupportedNode('v23.0.0', '>=22.22')).toBeNull()
    expect(unsupportedNode('22.21.9', '>=22.22'))
      .toMatch(/^Node\.js v22\.21\.9 \(.+\) is too old: mm2-failback needs Node\.js >=22\.22, .* Install Node\.js 22\.22\.0 or later/)
    expect(unsupportedNode('20.20.2', '>=22.22')).toMatch(/v20\.20\.2/)
    expect(unsupportedNode('18.0.0', '>= 22.22.1')).toMatch(/needs Node\.js >=22\.22\.1/)
  })

  it('README and engines state the same minimum, and it is what the Kafka client needs', () => {
    const minimum = manifest.engines.node.replace('>=', '')
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    expect(readme).toContain(`Node.js ≥ ${minimum}`)
    const kafkaClient = JSON.parse(readFileSync(join(root, 'node_modules/@platformatic/kafka/package.json'), 'utf8')) as { engines: { node: string } }
    expect(kafkaClient.engines.node).toContain(`>= ${minimum}`)
  })

  it('the CLI prints its own package version, and an older system Node is refused with exit 2 before anything loads', () => {
    expect(execFileSync(process.execPath, [join(root, 'bin/mm2-failback.js'), '--version'], { encoding: 'utf8' }).trim()).toBe(manifest.version)
    // The machine's own `node` (outside node_modules/.bin): refused when older than the range, else it runs.
    const path = (process.env.PATH ?? '').split(':').filter((entry) => !entry.includes('node_modules')).join(':')
    const system = spawnSync('node', [join(root, 'bin/mm2-failback.js'), '--version'], { encoding: 'utf8', env: { ...process.env, PATH: path } })
    const version = spawnSync('node', ['-p', 'process.versions.node'], { encoding: 'utf8', env: { ...process.env, PATH: path } }).stdout.trim()
    expect(version).toMatch(/^\d+\.\d+\.\d+$/)
    if (unsupportedNode(version, manifest.engines.node) === null) {
      expect({ status: system.status, stdout: system.stdout.trim() }).toEqual({ status: 0, stdout: manifest.version })
    } else {
      expect(system.status).toBe(2)
      expect(system.stdout).toBe('')
      expect(system.stderr).toBe(`mm2-failback: ${unsupportedNode(version, manifest.engines.node)!.replace(process.execPath, system.stderr.match(/\((\/[^)]+)\)/)![1]!)}\n`)
    }
  })
})
