import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFileKeyStore } from '#adapters/local/file-key-store.ts';
import { createKey } from '#core/access/keys.ts';
import { type DevRuntime, devPaths } from '#handlers/wiring/dev-runtime.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { startTestRuntime, waitForRecord } from './support/dev-harness.ts';
import { bearer, call } from './support/http-client.ts';

// GET /v1/reports/evidence on the embedded default: the package of `report evidence`, over
// the runtime's own archive, with its layout v2 bodies opened (use cases counted, none
// "(body not held)"), as JSON or as the standalone page.
let dir: string;
let runtime: DevRuntime;
const DECISIONS = 5;

const get = (path: string, key = runtime.apiKey.key) =>
  call(runtime.url, path, { headers: bearer(key) });

beforeAll(async () => {
  dir = await tempDir('evidence-route-');
  runtime = await startTestRuntime(dir);
  for (let i = 0; i < DECISIONS; i++) {
    await call(runtime.url, '/v1/logs/decisions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(runtime.apiKey.key) },
      body: JSON.stringify({
        application_id: 'loans',
        decision_id: `dec_${i}`,
        output: { decision: i % 2 ? 'approve' : 'deny' },
        metadata: { use_case: i < 3 ? 'credit' : 'fraud' },
      }),
    });
  }
  await waitForRecord(runtime.url, runtime.apiKey.key, `dec_${DECISIONS - 1}`);
  await runtime.checkpoint();
});
afterAll(async () => {
  await runtime?.stop();
  await removeDir(dir);
});

describe('GET /v1/reports/evidence', () => {
  const period = 'from=2020-01-01T00:00:00Z&to=2099-01-01T00:00:00Z';

  it('answers the evidence package, counting use cases of sealed bodies', async () => {
    const answer = await get(`/v1/reports/evidence?${period}`);
    expect(answer.status).toBe(200);
    const evidence = answer.json;
    expect(evidence.format).toBe('audit-trail-evidence/v1');
    expect(evidence.volumes.by_kind.decision).toBe(DECISIONS);
    expect(evidence.volumes.by_use_case).toMatchObject({ credit: 3, fraud: 2 });
    expect(evidence.volumes.by_use_case['(body not held)']).toBeUndefined();
    expect(evidence.verification).toMatchObject({ ok: true, verified_chains: ['loans'] });
    expect(evidence.verification.command).toBe(
      `audit-trail verify ${devPaths(dir).archive} --chain loans --body-keys ${devPaths(dir).bodyKeys}`,
    );
  });

  it('narrows to a use case', async () => {
    const answer = await get(`/v1/reports/evidence?${period}&use_case=fraud`);
    expect(answer.json.volumes.records).toBe(2);
  });

  it('answers the standalone page with format=html', async () => {
    const answer = await get(`/v1/reports/evidence?${period}&format=html`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(answer.text).toMatch(/^<!doctype html>/);
    expect(answer.text).toContain('Audit trail evidence');
  });

  it('refuses a query without a period, naming every problem', async () => {
    const answer = await get('/v1/reports/evidence?to=soon&format=pdf');
    expect(answer.status).toBe(400);
    expect(answer.json.problems.map((p: { path: string }) => p.path)).toEqual([
      'from',
      'to',
      'format',
    ]);
  });

  it('asks a key that sees only some chains to name one of them', async () => {
    const store = openFileKeyStore(devPaths(dir).accessKeys);
    const { key } = await createKey({ role: 'auditor', chains: ['loans'] }, store, new Date());
    expect((await get(`/v1/reports/evidence?${period}`, key)).status).toBe(403);
    expect((await get(`/v1/reports/evidence?${period}&chain=other`, key)).status).toBe(403);
    const own = await get(`/v1/reports/evidence?${period}&chain=loans`, key);
    expect(own.status).toBe(200);
    expect(own.json.volumes.by_chain).toEqual({ loans: DECISIONS });
  });
});
