// `npm run compat-table`: renders docs/compatibility.json (the outcomes test/e2e/compatibility.test.ts
// observed) into README.md between its compat markers. `--check` writes nothing and exits 1 when
// README.md's table differs from the rendering.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { validateCompatDocument } from '../lab/compat/cells.ts'
import { replaceCompatBlock } from '../lab/compat/table.ts'

const root = new URL('..', import.meta.url).pathname
const readmePath = join(root, 'README.md')
const doc = validateCompatDocument(JSON.parse(readFileSync(join(root, 'docs/compatibility.json'), 'utf8')))
const readme = readFileSync(readmePath, 'utf8')
const updated = replaceCompatBlock(readme, doc)
if (updated === readme) {
  console.log('compat-table: README.md is up to date.')
} else if (process.argv.includes('--check')) {
  console.error('compat-table --check: README.md\'s compatibility table differs from docs/compatibility.json; run npm run compat-table.')
  process.exit(1)
} else {
  writeFileSync(readmePath, updated)
  console.log(`compat-table: wrote the table of ${doc.rows.length} line(s) into README.md.`)
}
