import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import { normalise } from '#core/events/normalise.ts';
import { bearer, postJson } from '#test/e2e/support/http-client.ts';
import { startTestApi } from './fakes.ts';

const decision = (id: string, app = 'app_a') => ({
  decision_id: id,
  application_id: app,
  output: { decision: 'approve' },
});

describe('POST /v1/events:batch', () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(() => t.api.close());

  it('accepts the valid items and reports each invalid one by index', async () => {
    const events = [
      decision('b1'),
      { decision_id: 42 },
      decision('b2', 'app_b'),
      'not an object',
      { input: { messages: [] }, system: 'bot', event_id: 'b3' },
    ];

    const res = await postJson(t.url, '/v1/events:batch', { events }, bearer(t.apiKey));

    expect(res.status).toBe(202);
    expect(res.json.results).toEqual([
      { index: 0, event_id: 'b1', chain: 'app_a', status: 'accepted' },
      {
        index: 1,
        status: 'invalid',
        problems: [expect.objectContaining({ path: 'events[1].decision_id' })],
      },
      { index: 2, event_id: 'b2', chain: 'app_b', status: 'accepted' },
      { index: 3, status: 'invalid', problems: [expect.objectContaining({ path: 'events[3]' })] },
      { index: 4, event_id: 'b3', chain: 'bot', status: 'accepted' },
    ]);
    const requestId = res.headers['x-request-id'];
    expect(t.stream.published.map((e) => [e.request_id, e.route])).toEqual([
      [`${requestId}:0`, 'batch'],
      [`${requestId}:2`, 'batch'],
      [`${requestId}:4`, 'batch'],
    ]);
  });

  it('publishes each envelope with its normalised form, so the processor does not validate it again', async () => {
    const res = await postJson(
      t.url,
      '/v1/events:batch',
      { events: [decision('n1')] },
      bearer(t.apiKey),
    );
    const published = t.stream.published.find(
      (e) => e.request_id === `${res.headers['x-request-id']}:0`,
    );

    // The kept result: the same object on every call (a result computed afresh never is)
    const result = normalise(published as IntakeEnvelope);
    expect(normalise(published as IntakeEnvelope)).toBe(result);
    expect(result.ok && result.event.event_id).toBe('n1');
  });

  it('gives an item without id its own request id as event id', async () => {
    const res = await postJson(
      t.url,
      '/v1/events:batch',
      { events: [decision('x'), { output: { decision: 'deny' } }] },
      bearer(t.apiKey),
    );

    expect(res.json.results[1].event_id).toBe(`${res.headers['x-request-id']}:1`);
  });

  it('refuses an item over 1 MiB and accepts the rest', async () => {
    const big = { ...decision('big'), padding: 'x'.repeat(1_048_576) };

    const res = await postJson(
      t.url,
      '/v1/events:batch',
      { events: [big, decision('small')] },
      bearer(t.apiKey),
    );

    expect(res.status).toBe(202);
    expect(res.json.results[0]).toMatchObject({
      status: 'invalid',
      problems: [{ path: 'events[0]' }],
    });
    expect(res.json.results[1]).toMatchObject({ status: 'accepted', event_id: 'small' });
  });

  it('answers 400 with every problem when no item is valid', async () => {
    const before = t.stream.published.length;

    const res = await postJson(
      t.url,
      '/v1/events:batch',
      { events: [{}, { decision_id: '' }] },
      bearer(t.apiKey),
    );

    expect(res.status).toBe(400);
    expect(res.json.problems.map((p: { path: string }) => p.path)).toEqual([
      'events[0]',
      'events[1].decision_id',
    ]);
    expect(t.stream.published.length).toBe(before);
  });

  it.each([
    ['no events field', {}],
    ['an empty list', { events: [] }],
    ['501 events', { events: Array.from({ length: 501 }, (_, i) => decision(`e${i}`)) }],
    ['events not a list', { events: { a: 1 } }],
  ])('answers 400 for %s', async (_name, body) => {
    const res = await postJson(t.url, '/v1/events:batch', body, bearer(t.apiKey));

    expect(res.status).toBe(400);
    expect(res.json.problems[0].path).toBe('events');
  });

  it('accepts 500 events in one request', async () => {
    const events = Array.from({ length: 500 }, (_, i) => decision(`full-${i}`));

    const res = await postJson(t.url, '/v1/events:batch', { events }, bearer(t.apiKey));

    expect(res.status).toBe(202);
    expect(
      res.json.results.filter((r: { status: string }) => r.status === 'accepted'),
    ).toHaveLength(500);
  });

  it('answers 413 for a batch body over 10 MiB', async () => {
    const padding = 'x'.repeat(900_000);
    const events = Array.from({ length: 12 }, (_, i) => ({ ...decision(`p${i}`), padding }));

    const res = await postJson(t.url, '/v1/events:batch', { events }, bearer(t.apiKey));

    expect(res.status).toBe(413);
  });
});
