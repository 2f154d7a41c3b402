import { globSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { defineConfig } from 'vitest/config';
import LongestFirst from './test/helpers/longest-first.ts';

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

// Test files share worker processes: a fresh process per file cost more CPU than most files'
// tests (Node and Vitest start-up, then aws-cdk-lib, the AWS SDK, Playwright and the project's
// modules imported again), and the suite is CPU-bound on 2 cores. Each file still gets fresh
// project modules and environment (test/helpers/fresh-file.ts). Files that stub an SDK
// client class's prototype for the whole process (aws-sdk-client-mock) keep a process of
// their own, found by what they import so a new one cannot be missed.
const OWN_PROCESS = globSync('test/**/*.test.ts').filter((file) =>
  readFileSync(file, 'utf8').includes("from 'aws-sdk-client-mock'"),
);

export default defineConfig({
  ssr: { resolve: { conditions } },
  test: {
    // Generous, and the only timeout: `npm test` must pass on a machine loaded by other
    // jobs, where bundling every Lambda took 290 s at load 26 (240 s was too short). No test
    // asserts wall time and none sets a shorter timeout of its own; this only stops a hang.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // expect.poll waits 1 s by default: too short for a browser page on a loaded machine
    // (test/helpers/patient-browser.ts gives Playwright's own waits the same bound).
    expect: { poll: { timeout: 240_000 } },
    pool: 'forks',
    maxWorkers: WORKERS,
    // One DynamoDB Local JVM per file running at once, not one per file: each costs
    // seconds of CPU to start (test/helpers/dynamodb-pool.ts).
    globalSetup: ['test/helpers/dynamodb-pool.ts'],
    // The files known to take longest start first (a clean clone has no duration cache).
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        extends: true,
        test: { name: 'isolated', include: OWN_PROCESS },
      },
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['test/**/*.test.ts'],
          exclude: OWN_PROCESS,
          isolate: false,
          setupFiles: ['test/helpers/fresh-file.ts'],
        },
      },
    ],
  },
});
