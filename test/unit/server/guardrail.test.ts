import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalApi } from '#adapters/local/http/server.ts';
import type { GuardrailEvaluator } from '#ports/guardrail.ts';
import { bearer, postJson } from '#test/e2e/support/http-client.ts';
import { silentLog } from '#test/helpers/silent-log.ts';
import { fakeLedger, fakeStream, startTestApi } from './fakes.ts';

/** Blocks any text mentioning "secret"; chains what it evaluated. */
const evaluator: GuardrailEvaluator = async (payload, request) => {
  const text = (payload as { text?: unknown }).text;
  if (typeof text !== 'string') return { status: 400, body: { error: 'invalid_request' } };
  const decision = text.includes('secret') ? 'block' : 'pass';
  return {
    status: 200,
    body: { event_id: request.request_id, decision },
    envelope: { v: 1, route: 'guardrail', ...request, payload },
  };
};

describe('POST /v1/guardrails/evaluate', () => {
  const stream = fakeStream();
  let api: Awaited<ReturnType<typeof startLocalApi>>;
  beforeAll(async () => {
    api = await startLocalApi({
      host: '127.0.0.1',
      port: 0,
      apiKey: 'k',
      stream,
      ledger: fakeLedger([]),
      log: silentLog,
      guardrail: evaluator,
    });
  });
  afterAll(() => api.close());

  it('answers the evaluation and chains the evaluated event first', async () => {
    const res = await postJson(
      api.url,
      '/v1/guardrails/evaluate',
      { text: 'a secret' },
      bearer('k'),
    );

    expect(res.status).toBe(200);
    expect(res.json).toEqual({ event_id: res.headers['x-request-id'], decision: 'block' });
    expect(stream.published).toEqual([
      expect.objectContaining({ route: 'guardrail', request_id: res.json.event_id }),
    ]);
  });

  it("passes the evaluator's refusal through and chains nothing", async () => {
    const before = stream.published.length;

    const res = await postJson(api.url, '/v1/guardrails/evaluate', { text: 5 }, bearer('k'));

    expect(res.status).toBe(400);
    expect(stream.published.length).toBe(before);
  });

  it('requires the API key', async () => {
    const res = await postJson(api.url, '/v1/guardrails/evaluate', { text: 'x' }, {});

    expect(res.status).toBe(401);
  });

  it('is absent when no evaluator is configured', async () => {
    const plain = await startTestApi();

    const res = await postJson(
      plain.url,
      '/v1/guardrails/evaluate',
      { text: 'x' },
      bearer(plain.apiKey),
    );
    await plain.api.close();

    expect(res.status).toBe(404);
  });
});
