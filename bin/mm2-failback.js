#!/usr/bin/env node
// From a checkout this runs the TypeScript sources directly (Node >= 22.18 strips types; the project
// pins Node 24). Installed as a package the files live under node_modules/, where Node refuses to
// strip types (ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING), so there it runs the JavaScript that
// `npm pack` / `npm publish` compile into dist/ (the prepack script).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { heapFlags } from './node-heap.js'
import { unsupportedNode } from './node-support.js'

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
const problem = unsupportedNode(process.versions.node, manifest.engines.node)
if (problem !== null) {
  process.stderr.write(`mm2-failback: ${problem}\n`)
  process.exit(2)
}

// `run` starts with a larger initial old generation (node-heap.js), which NODE_OPTIONS cannot set: Node is
// executed again with the flag, in this same process. Where that is unavailable (Windows) it runs as is.
const flags = heapFlags(process.argv.slice(2), process.execArgv, process.env.NODE_OPTIONS ?? '')
if (flags.length > 0 && typeof process.execve === 'function') {
  try {
    process.execve(process.execPath, [process.execPath, ...flags, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], process.env)
  } catch {}
}

const installed = import.meta.url.includes('/node_modules/')
const entry = installed ? '../dist/sidecar/src/cli/main.js' : '../sidecar/src/cli/main.ts'
const { main } = await import(entry)

process.exitCode = await main(process.argv.slice(2))
// The command is done. Whatever still holds the event loop (a socket a failed stop left open, a timer)
// must not keep the process alive: it exits shortly after, with the code main returned.
setTimeout(() => { process.exit() }, 1000).unref()
