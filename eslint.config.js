import neostandard from 'neostandard'

// The pure core must stay free of I/O: no sockets, files, timers, env, Kafka client or prom-client.
// test/unit/core/purity.test.ts checks the same thing from the other side.
const coreIoBan = {
  files: ['sidecar/src/core/**/*.ts'],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [
        { group: ['node:*', 'fs', 'fs/*', 'net', 'http', 'https', 'child_process', 'os', 'path', 'dgram', 'tls', 'worker_threads', 'timers', 'timers/*', 'process'], message: 'sidecar/src/core is pure: no I/O modules.' },
        { group: ['@platformatic/*', 'prom-client', 'yargs', 'yargs/*'], message: 'sidecar/src/core is pure: adapters live in kafka/, metrics/ and cli/.' },
        { group: ['**/kafka/**', '**/metrics/**', '**/engine/**', '**/cli/**', '**/config/load*'], message: 'Imports point one way: cli -> engine -> kafka/metrics -> core.' }
      ]
    }],
    'no-restricted-globals': ['error', 'process', 'setTimeout', 'setInterval', 'setImmediate', 'fetch', 'require']
  }
}

export default [
  ...neostandard({ ts: true, ignores: ['node_modules/**', 'dist/**', 'coverage/**', '.lab/**', 'dashboards/generated/**'] }),
  coreIoBan
]
