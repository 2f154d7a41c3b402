import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirInUseError } from '#adapters/local/data-dir-lock.ts';
import { devPaths } from '#handlers/wiring/dev-runtime.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import {
  readLedger,
  startTestRuntime,
  verifyDataDir,
  waitForRecord,
} from './support/dev-harness.ts';
import { bearer, postJson } from './support/http-client.ts';

const decision = (id: string, app: string) => ({
  decision_id: id,
  application_id: app,
  output: { decision: 'approve' },
});
const batchOf = (prefix: string, count: number, app: string) => ({
  events: Array.from({ length: count }, (_, i) => decision(`${prefix}-${i}`, app)),
});

describe('stop and restart on the same data directory', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await tempDir('audit-trail-e2e-');
  });
  afterEach(() => removeDir(dataDir));

  it('resumes each chain at the next seq, with the same API key', async () => {
    const first = await startTestRuntime(dataDir);
    expect(first.apiKey.source).toBe('created');
    await postJson(
      first.url,
      '/v1/events:batch',
      batchOf('one', 5, 'app_r'),
      bearer(first.apiKey.key),
    );
    await waitForRecord(first.url, first.apiKey.key, 'one-4');
    await first.stop();

    const second = await startTestRuntime(dataDir);
    const res = await postJson(
      second.url,
      '/v1/logs',
      decision('two-0', 'app_r'),
      bearer(second.apiKey.key),
    );
    const record = await waitForRecord(second.url, second.apiKey.key, 'two-0');
    const earlier = await waitForRecord(second.url, second.apiKey.key, 'one-4');
    await second.stop();

    expect(second.apiKey).toEqual({ key: first.apiKey.key, source: 'file' });
    expect(res.status).toBe(202);
    expect(record.seq).toBe(5);
    expect(record.prev).toBe(earlier.hash);
    const report = await verifyDataDir(dataDir);
    expect(report.faults).toEqual([]);
    expect(report).toMatchObject({ ok: true, records: 6, unsigned: 0 });
  });

  it('drains on stop: every acknowledged event is recorded when stop resolves', async () => {
    const runtime = await startTestRuntime(dataDir, { stream: { batchWindowMs: 50 } });
    const auth = bearer(runtime.apiKey.key);
    const answers = await Promise.all([
      postJson(runtime.url, '/v1/events:batch', batchOf('a', 200, 'app_d'), auth),
      postJson(runtime.url, '/v1/events:batch', batchOf('b', 200, 'app_e'), auth),
    ]);
    expect(answers.map((a) => a.status)).toEqual([202, 202]);

    await runtime.stop();

    const chains = await readLedger(dataDir);
    expect(chains.get('app_d')?.length).toBe(200);
    expect(chains.get('app_e')?.length).toBe(200);
    const report = await verifyDataDir(dataDir);
    expect(report.faults).toEqual([]);
    expect(report).toMatchObject({ ok: true, records: 400, checkpoints: 2, unsigned: 0 });
  });

  it('refuses a second runtime on a data directory in use', async () => {
    const first = await startTestRuntime(dataDir);

    await expect(startTestRuntime(dataDir)).rejects.toThrow(DataDirInUseError);

    await first.stop();
    const again = await startTestRuntime(dataDir);
    await again.stop();
  });

  it('takes over the lock of a process that died without releasing it', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(devPaths(dataDir).lock, `${gone}\n`);

    const runtime = await startTestRuntime(dataDir);
    const owner = (await readFile(devPaths(dataDir).lock, 'utf8')).trim();
    await runtime.stop();

    expect(owner).toBe(String(process.pid));
    await expect(readFile(devPaths(dataDir).lock)).rejects.toThrow(/ENOENT/);
  });

  it('refuses new requests once stopping', async () => {
    const runtime = await startTestRuntime(dataDir);
    const { url } = runtime;
    await runtime.stop();

    await expect(postJson(url, '/v1/logs', decision('late', 'app_s'), {})).rejects.toThrow(
      /ECONNREFUSED/,
    );
  });
});
