import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { type DevProcess, killDev, spawnDev } from './support/dev-process.ts';

/**
 * Two `audit-trail dev` processes started at the same instant on one data directory: on a
 * fresh directory, and after a kill -9 left a stale lock behind (the case a pid file gets
 * wrong), exactly one runs and the other exits saying the directory is in use.
 */
describe('audit-trail dev: one process per data directory', () => {
  let dataDir: string;
  let running: DevProcess[] = [];
  beforeEach(async () => {
    dataDir = await tempDir('audit-trail-e2e-lock-');
  });
  afterEach(async () => {
    for (const dev of running) await killDev(dev);
    running = [];
    await removeDir(dataDir);
  });

  const startTwoAtOnce = async () => {
    const args = ['--port', '0', '--data', dataDir];
    const results = await Promise.allSettled([spawnDev(args), spawnDev(args)]);
    const up = results.filter((r) => r.status === 'fulfilled').map((r) => r.value);
    running.push(...up);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    return { up, refused };
  };

  it('runs exactly one of two started together, also after a kill -9', async () => {
    // Act: on a fresh data directory.
    const fresh = await startTwoAtOnce();

    // Assess
    expect(fresh.up).toHaveLength(1);
    expect(fresh.refused).toHaveLength(1);
    expect(String(fresh.refused[0]?.reason)).toMatch(/is in use by process \d+/);

    // Act: the holder dies without releasing; two start together on its stale lock.
    const [holder] = fresh.up;
    holder?.child.kill('SIGKILL');
    await holder?.exited;
    running = [];
    const afterCrash = await startTwoAtOnce();

    // Assess
    expect(afterCrash.up).toHaveLength(1);
    expect(afterCrash.refused).toHaveLength(1);
    expect(String(afterCrash.refused[0]?.reason)).toMatch(/is in use by process \d+/);
  });
});
