import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { runCliHere } from './support/cli-in-process.ts';
import { type DevProcess, killDev, spawnDev } from './support/dev-process.ts';
import { bearer, call, postJson } from './support/http-client.ts';

describe('audit-trail dev: configuration and shutdown', () => {
  let dataDir: string;
  let running: DevProcess | undefined;
  beforeEach(async () => {
    dataDir = await tempDir('audit-trail-e2e-');
  });
  afterEach(async () => {
    await killDev(running);
    await removeDir(dataDir);
  });

  it('takes PORT and AUDIT_TRAIL_DATA from the environment, creates and prints a dev key, stops cleanly on SIGTERM', async () => {
    running = await spawnDev([], { PORT: '0', AUDIT_TRAIL_DATA: dataDir });
    const keyFile = join(dataDir, 'api-key');
    const key = (await readFile(keyFile, 'utf8')).trim();

    expect(running.output()).toContain(`data: ${dataDir}`);
    expect(running.output()).toContain(`Authorization: Bearer ${key}`);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect((await call(running.url, '/healthz')).status).toBe(200);
    const res = await postJson(
      running.url,
      '/v1/logs',
      { decision_id: 'cli-1', output: { decision: 'ok' } },
      bearer(key),
    );
    expect(res.status).toBe(202);

    running.child.kill('SIGTERM');
    const exit = await running.exited;
    expect(exit.code, running.output()).toBe(0);
    expect(running.output()).toContain('stopped cleanly');
    running = undefined;
  });

  it('uses AUDIT_TRAIL_API_KEY without writing or printing it', async () => {
    const secret = 'env-given-key-123456';
    running = await spawnDev(['--port', '0', '--data', dataDir], { AUDIT_TRAIL_API_KEY: secret });

    const accepted = await postJson(
      running.url,
      '/v1/logs',
      { decision_id: 'cli-2', output: { decision: 'ok' } },
      bearer(secret),
    );

    expect(accepted.status).toBe(202);
    expect(running.output()).not.toContain(secret);
    await expect(stat(join(dataDir, 'api-key'))).rejects.toThrow(/ENOENT/);
  });

  it('refuses a bad policy file at start, naming its problems', async () => {
    const policy = join(dataDir, 'bad-policy.yaml');
    await writeFile(policy, 'rules: [{ id: 1 }]\n');

    const result = await runCliHere(['dev', '--port', '0', '--data', dataDir, '--policy', policy]);

    expect(result.code).toBe(1);
    expect(result.output).toMatch(/^error: invalid policy/m);
    expect(result.output).not.toMatch(/\n\s+at /);
  });

  it.each([
    ['--port', '70000'],
    ['--checkpoint-interval', '0'],
  ])('refuses %s %s', async (flag, value) => {
    const result = await runCliHere(['dev', '--data', dataDir, flag, value]);

    expect(result.code).toBe(1);
    expect(result.output).toMatch(/expected/);
  });
});
