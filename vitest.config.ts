import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node'
        }
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          environment: 'node',
          // Real JVMs: one lab at a time on a 2-core machine.
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 300_000
        }
      }
    ],
    coverage: {
      provider: 'v8',
      include: ['sidecar/src/core/**'],
      thresholds: { 'sidecar/src/core/**': { lines: 90, branches: 85 } }
    }
  }
})
