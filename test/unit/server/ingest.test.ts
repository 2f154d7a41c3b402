import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, postJson, xApiKey } from '#test/e2e/support/http-client.ts';
import { startTestApi } from './fakes.ts';

const seed = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/seeds/${name}`, import.meta.url), 'utf8'));

describe('single-event routes', () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(() => t.api.close());

  it.each([
    [
      '/v1/audit/events',
      'audit_event',
      'seed1-audit-event.json',
      'unique_event_identifier',
      'customer_support_agent',
    ],
    [
      '/v1/logs/decisions',
      'decision_log',
      'seed2-decision-api.json',
      'req_7f3a9c2e',
      'loan_underwriting_v1',
    ],
    ['/v1/logs', 'log', 'seed2-decision-log.json', 'sess_b41e7d90', 'loan_underwriting_agent'],
  ])(
    'POST %s answers 202 and publishes a %s envelope',
    async (path, route, file, eventId, chain) => {
      const payload = seed(file);

      const res = await postJson(t.url, path, payload, bearer(t.apiKey));

      expect(res.status).toBe(202);
      expect(res.json).toEqual({ event_id: eventId, chain, status: 'accepted' });
      const envelope = t.stream.published.at(-1);
      expect(envelope).toMatchObject({ v: 1, route, payload });
      expect(envelope?.request_id).toBe(res.headers['x-request-id']);
    },
  );

  it('uses the request id as event id when the payload has none', async () => {
    const res = await postJson(
      t.url,
      '/v1/logs',
      seed('issue2-decision-use-case.json'),
      xApiKey(t.apiKey),
    );

    expect(res.status).toBe(202);
    expect(res.json.event_id).toBe(res.headers['x-request-id']);
    expect(res.json.event_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.json.chain).toBe('claims_triage');
  });

  it('answers 202 only once the stream has made the event durable', async () => {
    const release = t.stream.hold();
    let answered = false;
    const pending = postJson(
      t.url,
      '/v1/logs',
      seed('seed2-faq-minimal.json'),
      bearer(t.apiKey),
    ).then((res) => {
      answered = true;
      return res;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(answered).toBe(false);

    release();

    expect((await pending).status).toBe(202);
  });

  it('answers 400 listing every offending field, and publishes nothing', async () => {
    const before = t.stream.published.length;
    const res = await postJson(
      t.url,
      '/v1/logs/decisions',
      { decision_id: 7, timestamp: 'yesterday', output: { decision: null } },
      bearer(t.apiKey),
    );

    expect(res.status).toBe(400);
    expect(res.json.error).toBe('invalid_request');
    expect(res.json.problems.map((p: { path: string }) => p.path).sort()).toEqual([
      'decision_id',
      'output.decision',
      'timestamp',
    ]);
    expect(t.stream.published.length).toBe(before);
  });

  it('answers 400 naming the position of a JSON syntax error', async () => {
    const res = await postJson(t.url, '/v1/logs', '{"decision_id": "a",}', bearer(t.apiKey));

    expect(res.status).toBe(400);
    expect(res.json.problems[0].message).toMatch(/position 20/);
  });

  it('answers 400 for a payload of unknown kind', async () => {
    const res = await postJson(t.url, '/v1/logs', { hello: 'world' }, bearer(t.apiKey));

    expect(res.status).toBe(400);
    expect(res.json.problems).toHaveLength(1);
  });

  it('answers 503 when the stream cannot take the event, without echoing it', async () => {
    const failing = await startTestApi();
    failing.stream.failWith(new Error('disk full'));

    const res = await postJson(
      failing.url,
      '/v1/logs',
      seed('seed2-faq-minimal.json'),
      bearer(failing.apiKey),
    );
    await failing.api.close();

    expect(res.status).toBe(503);
    expect(res.text).not.toContain('dec_abc123');
    expect(JSON.stringify(failing.lines)).not.toContain('debt_to_income');
  });
});
