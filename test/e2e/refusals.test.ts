import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import {
  readLedger,
  startTestRuntime,
  verifyDataDir,
  waitForRecord,
} from './support/dev-harness.ts';
import { bearer, call, postJson, xApiKey } from './support/http-client.ts';

const MiB = 1_048_576;
const valid = (id: string) => ({
  decision_id: id,
  application_id: 'app_x',
  output: { decision: 'ok' },
});

describe('refusals on the running pipeline record nothing and never take it down', () => {
  let dataDir: string;
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  let key: string;
  beforeAll(async () => {
    dataDir = await tempDir('audit-trail-e2e-');
    runtime = await startTestRuntime(dataDir);
    key = runtime.apiKey.key;
  });
  afterAll(async () => {
    await runtime.stop();
    await removeDir(dataDir);
  });

  it('401 without a valid key, in either header', async () => {
    const answers = await Promise.all([
      postJson(runtime.url, '/v1/logs', valid('r-401a'), {}),
      postJson(runtime.url, '/v1/logs', valid('r-401b'), bearer(`${key}x`)),
      postJson(runtime.url, '/v1/logs', valid('r-401c'), xApiKey(key.slice(1))),
    ]);

    expect(answers.map((a) => [a.status, a.json.error])).toEqual(
      Array(3).fill([401, 'unauthorized']),
    );
  });

  it('415 for a non-JSON body', async () => {
    const res = await call(runtime.url, '/v1/audit/events', {
      method: 'POST',
      headers: { ...bearer(key), 'content-type': 'text/plain' },
      body: 'decision_id=r-415',
    });

    expect(res.status).toBe(415);
  });

  it('400 with every problem in one body', async () => {
    const res = await postJson(
      runtime.url,
      '/v1/logs/decisions',
      { decision_id: '', application_id: ' padded ', timestamp: 5, output: { decision: [] } },
      bearer(key),
    );

    expect(res.status).toBe(400);
    expect(res.json.problems.map((p: { path: string }) => p.path).sort()).toEqual([
      'application_id',
      'decision_id',
      'output.decision',
      'timestamp',
    ]);
  });

  it('400 for 1 MB of [[[[, 413 for a 50 MB body, and /healthz still answers', async () => {
    const deep = await postJson(runtime.url, '/v1/logs', '['.repeat(MiB - 16), bearer(key));
    const chunk = Buffer.alloc(MiB, 0x5b);
    let sent = 0;
    const huge = await call(runtime.url, '/v1/logs', {
      method: 'POST',
      headers: { ...bearer(key), 'content-type': 'application/json', 'content-length': 50 * MiB },
      body: function* () {
        for (; sent < 50; sent++) yield chunk;
      },
    });
    const health = await call(runtime.url, '/healthz');

    expect(deep.status).toBe(400);
    expect(huge.status).toBe(413);
    expect(sent).toBeLessThan(40);
    expect(health.json).toMatchObject({ ok: true });
  });

  it('a mixed batch records its valid items only', async () => {
    const res = await postJson(
      runtime.url,
      '/v1/events:batch',
      {
        events: [
          valid('r-b0'),
          { decision_id: 'r-b1', timestamp: 'never', output: 'x' },
          valid('r-b2'),
        ],
      },
      bearer(key),
    );

    expect(res.status).toBe(202);
    expect(res.json.results.map((r: { status: string }) => r.status)).toEqual([
      'accepted',
      'invalid',
      'accepted',
    ]);
    expect((await waitForRecord(runtime.url, key, 'r-b0')).seq).toBe(0);
    expect((await waitForRecord(runtime.url, key, 'r-b2')).seq).toBe(1);
  });

  it('leaves only accepted events in the ledger and a clean archive', async () => {
    await runtime.stop();

    const chains = await readLedger(dataDir);
    expect([...chains.keys()]).toEqual(['app_x']);
    expect(chains.get('app_x')?.map((r) => r.event_id)).toEqual(['r-b0', 'r-b2']);
    const report = await verifyDataDir(dataDir);
    expect(report.faults).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
