import { availableParallelism, loadavg } from 'node:os';
import { defineConfig } from 'vitest/config';

// Tests import the client workspace package from its sources (packages/client/src), not
// from its built dist/, through this export condition (tsconfig.json names it too); the
// rest are Vitest's own defaults, which setting the list replaces (Vite's server conditions
// without 'module': that one would load packages' untranspiled `dist-es` builds).
const conditions = ['@ai-audit-trail/source', 'node', 'development|production'];

// Vitest's default is one worker less than the cores: a single worker on a 2-core machine.
// Most files wait on a child process (a JVM, s3rver, Chromium, the CLI) for much of their
// time, so three files at once keep both cores busy. On a machine already busier than its
// cores (load average), more workers only stretch each file towards its timeouts: one, as
// before. AUDIT_TRAIL_TEST_WORKERS overrides both.
const busy = (loadavg()[0] ?? 0) > availableParallelism();
const WORKERS = Number(process.env.AUDIT_TRAIL_TEST_WORKERS ?? (busy ? 1 : 3));

// Unit files share worker processes, except those that stub an SDK client class's prototype
// for the whole process (aws-sdk-client-mock).
const SHARED_WORKER = ['test/unit/**/!(managed-adapters|managed-failures).test.ts'];

export default defineConfig({
  ssr: { resolve: { conditions } },
  test: {
    // Generous: `npm test` must pass on a machine fully loaded by another job, where a CDK
    // synth alone can take a minute. No test asserts wall time; this only stops a hang.
    testTimeout: 240_000,
    hookTimeout: 240_000,
    pool: 'forks',
    maxWorkers: WORKERS,
    // One DynamoDB Local JVM per file running at once, not one per file: each costs
    // seconds of CPU to start (test/helpers/dynamodb-pool.ts).
    globalSetup: ['test/helpers/dynamodb-pool.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'isolated', include: ['test/**/*.test.ts'], exclude: SHARED_WORKER },
      },
      {
        // Unit files are many and short: a fresh process for each cost more than its tests.
        // They share workers, each file still gets fresh project modules and environment
        // (test/helpers/fresh-file.ts).
        extends: true,
        test: {
          name: 'unit',
          include: SHARED_WORKER,
          isolate: false,
          setupFiles: ['test/helpers/fresh-file.ts'],
        },
      },
    ],
  },
});
