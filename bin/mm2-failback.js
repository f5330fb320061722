#!/usr/bin/env node
// From a checkout this runs the TypeScript sources directly (Node >= 22.18 strips types; the project
// pins Node 24). Installed as a package the files live under node_modules/, where Node refuses to
// strip types (ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING), so there it runs the JavaScript that
// `npm pack` / `npm publish` compile into dist/ (the prepack script).
const installed = import.meta.url.includes('/node_modules/')
const entry = installed ? '../dist/sidecar/src/cli/main.js' : '../sidecar/src/cli/main.ts'
const { main } = await import(entry)

process.exitCode = await main(process.argv.slice(2))
