#!/usr/bin/env node
// Runs the TypeScript sources directly: Node >= 22.18 strips types natively (the project pins Node 24).
import { main } from '../sidecar/src/cli/main.ts'

process.exitCode = await main(process.argv.slice(2))
