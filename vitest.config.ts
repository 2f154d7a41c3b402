import { defineConfig } from 'vitest/config';

// Tests import the client workspace package from its sources (packages/client/src), not
// from its built dist/, through this export condition (tsconfig.json names it too); the
// rest are Vitest's own defaults, which setting the list replaces (Vite's server conditions
// without 'module': that one would load packages' untranspiled `dist-es` builds).
const conditions = ['@ai-audit-trail/source', 'node', 'development|production'];

export default defineConfig({
  ssr: { resolve: { conditions } },
  test: {
    include: ['test/**/*.test.ts'],
    // Generous: `npm test` must pass on a machine fully loaded by another job, where a CDK
    // synth alone can take a minute. No test asserts wall time; this only stops a hang.
    testTimeout: 240_000,
    hookTimeout: 240_000,
    pool: 'forks',
  },
});
