#!/usr/bin/env node
// From a checkout this runs the TypeScript sources directly (Node >= 22.18 strips types; the project
// pins Node 24). Installed as a package the files live under node_modules/, where Node refuses to
// strip types (ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING), so there it runs the JavaScript that
// `npm pack` / `npm publish` compile into dist/ (the prepack script).
import { readFileSync } from 'node:fs'
import { unsupportedNode } from './node-support.js'

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
const problem = unsupportedNode(process.versions.node, manifest.engines.node)
if (problem !== null) {
  process.stderr.write(`mm2-failback: ${problem}\n`)
  process.exit(2)
}

const installed = import.meta.url.includes('/node_modules/')
const entry = installed ? '../dist/sidecar/src/cli/main.js' : '../sidecar/src/cli/main.ts'
const { main } = await import(entry)

process.exitCode = await main(process.argv.slice(2))
// The command is done. Whatever still holds the event loop (a socket a failed stop left open, a timer)
// must not keep the process alive: it exits shortly after, with the code main returned.
setTimeout(() => { process.exit() }, 1000).unref()
