import { cpus } from 'node:os';
import { defineConfig } from 'vitest/config';

// Tests import the client workspace package from its sources (packages/client/src), not
// from its built dist/, through this export condition (tsconfig.json names it too); the
// rest are Vitest's own defaults, which setting the list replaces (Vite's server conditions
// without 'module': that one would load packages' untranspiled `dist-es` builds).
const conditions = ['@ai-audit-trail/source', 'node', 'development|production'];

// Vitest's default is one worker less than the cores: a single worker on a 2-core machine.
// Most files wait on a child process (a JVM, s3rver, Chromium, the CLI) for part of their
// time, so three files at once keep both cores busy. On a machine whose cores other jobs
// already keep busy, more workers only stretch each file towards its timeouts: one. Busy is
// measured over the last second (CPU idle across all cores), not the 1-minute load average,
// which still counts the `npm ci` and lint that `.ci/run` just finished. AUDIT_TRAIL_TEST_WORKERS
// overrides both.
const cpuTimes = () =>
  cpus().reduce(
    (sum, { times: t }) => ({
      idle: sum.idle + t.idle,
      total: sum.total + t.user + t.nice + t.sys + t.idle + t.irq,
    }),
    { idle: 0, total: 0 },
  );
/** Share of all cores other processes kept busy over `ms` (0..1). */
const busyShare = async (ms: number): Promise<number> => {
  const before = cpuTimes();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = cpuTimes();
  const total = after.total - before.total;
  return total > 0 ? 1 - (after.idle - before.idle) / total : 0;
};
const workers = async (): Promise<number> => {
  const forced = process.env.AUDIT_TRAIL_TEST_WORKERS;
  if (forced !== undefined) return Number(forced);
  // More than one core's worth busy out of two (half of any core count): another job runs.
  return (await busyShare(1_000)) > 0.5 ? 1 : 3;
};
const WORKERS = await workers();

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
