import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerRecord } from '#core/chain/record.ts';
import { bearer, call, xApiKey } from '#test/e2e/support/http-client.ts';
import { startTestApi } from './fakes.ts';

const record = (event_id: string, seq: number): LedgerRecord => ({
  chain: 'app_a',
  seq,
  kind: 'decision',
  event_id,
  ingested_at: '2024-01-15T10:30:01.000Z',
  body_hash: 'b'.repeat(64),
  policy: { version: 'none', decision: 'pass', findings: [] },
  prev: '0'.repeat(64),
  hash: 'a'.repeat(64),
  body: { decision_id: event_id },
});

describe('lookup, health and routing', () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  beforeAll(async () => {
    t = await startTestApi({
      records: [record('d1', 0), record('odd/id ü', 1)],
      health: () => ({ pending: 3 }),
    });
  });
  afterAll(() => t.api.close());

  it('answers 200 with the stored record', async () => {
    const res = await call(t.url, '/v1/events/d1', { headers: bearer(t.apiKey) });

    expect(res.status).toBe(200);
    expect(res.json).toEqual({ record: record('d1', 0) });
  });

  it('decodes a percent-encoded event id', async () => {
    const res = await call(t.url, `/v1/events/${encodeURIComponent('odd/id ü')}`, {
      headers: xApiKey(t.apiKey),
    });

    expect(res.json.record.seq).toBe(1);
  });

  it('answers 404 for an id with no record', async () => {
    const res = await call(t.url, '/v1/events/nope', { headers: bearer(t.apiKey) });

    expect(res.status).toBe(404);
    expect(res.json.error).toBe('not_found');
  });

  it('answers 400 for a malformed percent-encoding', async () => {
    const res = await call(t.url, '/v1/events/%E0%A4%A', { headers: bearer(t.apiKey) });

    expect(res.status).toBe(400);
  });

  it('answers /healthz without a key, with the runtime stats', async () => {
    const res = await call(t.url, '/healthz');

    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ok: true, pending: 3 });
  });

  it.each(['/', '/v1', '/v1/events', '/v1/events/a/b', '/v2/logs'])(
    'answers 404 JSON for %s',
    async (path) => {
      const res = await call(t.url, path, { headers: bearer(t.apiKey) });

      expect(res.status).toBe(404);
      expect(res.json.error).toBe('not_found');
    },
  );

  it.each([
    ['GET', '/v1/logs', 'POST'],
    ['DELETE', '/v1/events/d1', 'GET'],
    ['POST', '/healthz', 'GET'],
  ])('answers 405 for %s %s, allowing %s', async (method, path, allow) => {
    const res = await call(t.url, path, { method, headers: bearer(t.apiKey) });

    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe(allow);
  });

  it('ignores a query string when routing', async () => {
    const res = await call(t.url, '/healthz?verbose=1');

    expect(res.status).toBe(200);
  });

  it('stops accepting once closed', async () => {
    const other = await startTestApi();
    await other.api.close();

    await expect(call(other.url, '/healthz')).rejects.toThrow(/ECONNREFUSED/);
  });
});
