/**
 * Setup file of the test files that share a worker process (vitest.config.ts, project
 * `shared`): each file starts with fresh project modules, as in a process of its own, and
 * leaves process.env as it found it.
 */
import { afterAll, vi } from 'vitest';

vi.resetModules();
const env = { ...process.env };

afterAll(() => {
  for (const name of Object.keys(process.env)) if (!(name in env)) delete process.env[name];
  Object.assign(process.env, env);
});
