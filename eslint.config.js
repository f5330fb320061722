import neostandard from 'neostandard'

// --- Layering ---------------------------------------------------------------------------------------
// Under sidecar/src, imports point one way: cli -> engine -> kafka | config | metrics -> core, and
// sidecar/src/errors.ts is importable by every layer. Only sidecar/src/kafka imports the Kafka client.
// test/ is imported by tests only (tooling that scripts and benchmarks share lives in lab/).
// dashboards/ and alerts/ do not import each other. test/unit/lint/layering.test.ts lints bad and
// good imports against this file.
//
// Patterns match the import specifier as written (gitignore globs), so `**/engine/**` catches
// '../engine/x.ts' and '../../engine/x.ts' at any depth, whatever the importing file's depth.
// ESLint keeps only the options of the last config entry that sets a rule for a file, so every entry
// below lists all the restrictions for its files (restrict() composes them), and each per-file
// exception at the end restates what it keeps. no-restricted-imports does not see import(), so
// below the CLI dynamic imports are banned outright.

const LAYERING = 'Layering (cli -> engine -> kafka | config | metrics -> core; errors.ts for all)'
const folders = (...names) => names.map((name) => `**/${name}/**`)
const SIDECAR_LAYERS = ['kafka', 'config', 'metrics', 'engine', 'cli']

// core, kafka, config and metrics import core/, errors.ts and their own folder, nothing else of the repo.
const onlyOwnFolder = (layer) => ({
  group: folders(...SIDECAR_LAYERS.filter((name) => name !== layer), 'dashboards', 'alerts'),
  message: `${LAYERING}: sidecar/src/${layer} imports only ${layer === 'core' ? 'core/' : `core/, ${layer}/`} and errors.ts.`
})
const noCli = { group: folders('cli'), message: `${LAYERING}: sidecar/src/engine does not import cli/.` }
const noKafkaClient = {
  group: ['@platformatic/kafka', '@platformatic/kafka/*'],
  message: `${LAYERING}: only sidecar/src/kafka imports @platformatic/kafka; the other layers use its adapters.`
}
const noTest = {
  group: folders('test'),
  message: `${LAYERING}: only tests import test/; sidecar/, scripts/, bench/ and lab/ do not (shared tooling goes to lab/).`
}
// For the same reason as test/: sidecar/src ships in the npm package (package.json "files") and
// these folders do not, so importing them would break the installed CLI.
const noUnshipped = {
  group: folders('scripts', 'bench', 'lab', 'deploy'),
  message: `${LAYERING}: sidecar/ ships in the npm package; scripts/, bench/, lab/ and deploy/ do not.`
}
const noDashboards = { group: folders('dashboards'), message: `${LAYERING}: alerts/ does not import dashboards/.` }
const noAlerts = { group: folders('alerts'), message: `${LAYERING}: dashboards/ does not import alerts/.` }

// The pure core must stay free of I/O: no sockets, files, timers, env, Kafka client or prom-client.
// test/unit/core/purity.test.ts checks the same thing from the other side.
const coreIo = [
  {
    group: ['node:*', 'fs', 'fs/*', 'net', 'http', 'https', 'child_process', 'os', 'path', 'dgram', 'tls', 'worker_threads',
      'timers', 'timers/*', 'process'],
    message: 'sidecar/src/core is pure: no I/O modules.'
  },
  { group: ['@platformatic/*', 'prom-client', 'yargs', 'yargs/*'], message: 'sidecar/src/core is pure: adapters live in kafka/, metrics/ and cli/.' }
]
const corePurity = {
  files: ['sidecar/src/core/**/*.ts'],
  rules: { 'no-restricted-globals': ['error', 'process', 'setTimeout', 'setInterval', 'setImmediate', 'fetch', 'require'] }
}
const noDynamicImport = {
  files: ['sidecar/src/{core,kafka,config,metrics,engine}/**/*.ts'],
  rules: {
    'no-restricted-syntax': ['error', {
      selector: 'ImportExpression',
      message: `${LAYERING}: below the CLI, import statically so that the layering rules can check the import.`
    }]
  }
}

const restrict = (files, ...patterns) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns: patterns.flat() }] } })
const sidecar = [noTest, noUnshipped]
const layering = [
  restrict(['sidecar/**/*.{ts,js}'], sidecar, noKafkaClient),
  restrict(['sidecar/src/engine/**/*.ts'], sidecar, noKafkaClient, noCli),
  restrict(['sidecar/src/config/**/*.ts'], sidecar, noKafkaClient, onlyOwnFolder('config')),
  restrict(['sidecar/src/metrics/**/*.ts'], sidecar, noKafkaClient, onlyOwnFolder('metrics')),
  restrict(['sidecar/src/kafka/**/*.ts'], sidecar, onlyOwnFolder('kafka')),
  restrict(['sidecar/src/core/**/*.ts'], sidecar, coreIo, onlyOwnFolder('core')),
  corePurity,
  noDynamicImport,
  restrict(['scripts/**/*.{ts,js}', 'bench/**/*.{ts,js}', 'lab/**/*.{ts,js}'], noTest),
  restrict(['dashboards/**/*.ts'], noAlerts),
  restrict(['alerts/**/*.ts'], noDashboards)
]

// --- Line length ------------------------------------------------------------------------------------
// 160 columns, for code and comments alike. Exempt are only lines holding a URL (kept whole so it can
// be followed) or a long string or template literal: one of 100+ characters fills most of a line by
// itself, and splitting it with `+` stops a message or query from being found by grep.
// Not @stylistic's ignoreStrings/ignoreTemplateLiterals: they exempt every line that holds any
// literal, which covers most long code lines (an options object with one short string in it), and
// those are the lines to wrap. Nor ignoreRegExpLiterals: a long regex can be built from parts.
// The pattern is a heuristic on the line's text: a literal starts after a space or punctuation.
// 'error': a line over the limit fails the lint like any other problem.
const MAX_LEN = 160
const LONG_LITERAL = 100
const literalOf = (quote) => `${quote}(?:[^${quote}\\\\]|\\\\.){${LONG_LITERAL},}${quote}`
const lineLength = {
  rules: {
    '@stylistic/max-len': ['error', {
      code: MAX_LEN,
      ignoreUrls: true,
      ignorePattern: `(?:^|[\\s([{,:=?+!|&])(?:${["'", '"', '`'].map(literalOf).join('|')})`
    }]
  }
}

export default [
  ...neostandard({ ts: true, ignores: ['node_modules/**', 'dist/**', 'coverage/**', '.lab/**', '.scratch/**', 'release/**', 'dashboards/generated/**'] }),
  lineLength,
  ...layering
]
