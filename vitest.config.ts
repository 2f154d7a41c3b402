import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Generous: `npm test` must pass on a machine fully loaded by another job, where a CDK
    // synth alone can take a minute. No test asserts wall time; this only stops a hang.
    testTimeout: 240_000,
    hookTimeout: 240_000,
    pool: 'forks',
  },
});
