import { AuditTrailClient, type AuditTrailError } from '@ai-audit-trail/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DevRuntime } from '#handlers/wiring/dev-runtime.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { until } from '#test/helpers/until.ts';
import { readLedger, startTestRuntime, verifyDataDir } from './support/dev-harness.ts';

const inference = (n: number) => ({
  application_id: 'client_app',
  model: { provider: 'openai', name: 'gpt-4o-mini' },
  input: { messages: [{ role: 'user', content: `question ${n}` }] },
  output: { content: `answer ${n}` },
});

/** Event ids in the ledger, in chain order. */
const recordedIds = async (dataDir: string): Promise<string[]> =>
  [...(await readLedger(dataDir)).values()].flat().map((r) => r.event_id);

describe('AuditTrailClient against the local server', () => {
  let dataDir: string;
  let runtime: DevRuntime | undefined;
  const errors: AuditTrailError[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeEach(async () => {
    dataDir = await tempDir('audit-trail-client-');
    errors.length = 0;
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(async () => {
    process.off('unhandledRejection', onUnhandled);
    await runtime?.stop();
    runtime = undefined;
    await removeDir(dataDir);
  });

  const clientFor = (url: string, key: string, extra: Record<string, unknown> = {}) =>
    new AuditTrailClient({
      endpoint: url,
      apiKey: key,
      flushIntervalMs: 20,
      retry: { baseMs: 10, maxMs: 100 },
      onError: (error) => errors.push(error),
      ...extra,
    });

  it('batches inferences, decisions and outcomes into records that verify', async () => {
    runtime = await startTestRuntime(dataDir);
    const client = clientFor(runtime.url, runtime.apiKey.key, { batchSize: 50 });
    const ids = Array.from({ length: 120 }, (_, n) => client.logEvent(inference(n)));
    const decisionId = client.logDecision({
      application_id: 'client_app',
      inputs: { amount: 1200 },
      output: { decision: 'approve', reason: 'score above threshold' },
    });
    client.logOutcome({ decision_id: decisionId, outcome: 'repaid', application_id: 'client_app' });
    await client.close();
    await runtime.stop();

    expect(client.stats()).toMatchObject({ sent: 122, rejected: 0, dropped: 0, failed: 0 });
    // 122 events in batches of at most 50: at least three requests, each answered 202.
    const recorded = await recordedIds(dataDir);
    expect(recorded).toEqual(expect.arrayContaining([...ids, decisionId]));
    expect(new Set(recorded).size).toBe(recorded.length);
    const report = await verifyDataDir(dataDir);
    expect(report.faults).toEqual([]);
    expect(report.ok).toBe(true);
    expect(errors).toEqual([]);
  });

  it('loses nothing that fits the buffer while the server is down, and the app never waits', async () => {
    runtime = await startTestRuntime(dataDir);
    const { url, apiKey } = runtime;
    const port = Number(new URL(url).port);
    await runtime.stop();
    runtime = undefined;

    const client = clientFor(url, apiKey.key, { batchSize: 25, maxBufferSize: 1_000 });
    const ids: string[] = [];
    for (let n = 0; n < 300; n++) {
      const id = client.logEvent(inference(n));
      // Returned synchronously: an id, not a promise the app would have to await.
      expect(typeof id).toBe('string');
      ids.push(id);
    }
    // The server is down: the client keeps retrying the batches it holds.
    await until(() => client.stats().retries >= 5, 10_000);
    expect(client.stats()).toMatchObject({ sent: 0, dropped: 0 });

    runtime = await startTestRuntime(dataDir, { port, apiKey: apiKey.key });
    await client.flush();
    expect(client.stats()).toMatchObject({ sent: 300, dropped: 0, queued: 0, inFlight: 0 });
    await client.close();
    await runtime.stop();
    runtime = undefined;

    expect((await recordedIds(dataDir)).sort()).toEqual([...ids].sort());
    expect((await verifyDataDir(dataDir)).ok).toBe(true);
    expect(unhandled).toEqual([]);
  });

  it('when the buffer is full, drops the oldest waiting events and counts them', async () => {
    runtime = await startTestRuntime(dataDir);
    const { url, apiKey } = runtime;
    const port = Number(new URL(url).port);
    await runtime.stop();
    runtime = undefined;

    const client = clientFor(url, apiKey.key, { batchSize: 10, maxBufferSize: 50 });
    const ids = Array.from({ length: 80 }, (_, n) => client.logEvent(inference(n)));
    await until(() => client.stats().retries >= 1, 10_000);
    expect(client.stats().dropped).toBe(30);

    runtime = await startTestRuntime(dataDir, { port, apiKey: apiKey.key });
    await client.close();
    await runtime.stop();
    runtime = undefined;

    expect(client.stats()).toMatchObject({ sent: 50, dropped: 30 });
    expect((await recordedIds(dataDir)).sort()).toEqual(ids.slice(30).sort());
    expect(errors.filter((e) => e.code === 'dropped')).toHaveLength(30);
  });

  it('retries a 429 after Retry-After and records each event once', async () => {
    runtime = await startTestRuntime(dataDir);
    let refusals = 2;
    const throttling: typeof fetch = (input, init) => {
      if (refusals-- > 0) {
        return Promise.resolve(
          new Response('{}', { status: 429, headers: { 'retry-after': '0' } }),
        );
      }
      return fetch(input, init);
    };
    const client = clientFor(runtime.url, runtime.apiKey.key, { fetch: throttling });
    const ids = Array.from({ length: 5 }, (_, n) => client.logEvent(inference(n)));
    // The same id twice: a client-side retry of one event is recorded once.
    client.logEvent({ ...inference(0), event_id: ids[0] as string });
    await client.close();
    await runtime.stop();
    runtime = undefined;

    expect(client.stats()).toMatchObject({ retries: 2, sent: 6 });
    expect((await recordedIds(dataDir)).sort()).toEqual([...ids].sort());
  });

  it('samples by id, sends forced events, and reports refused ones without throwing', async () => {
    runtime = await startTestRuntime(dataDir);
    const client = clientFor(runtime.url, runtime.apiKey.key, { sampleRate: 0 });
    client.logEvent(inference(1));
    const forced = client.logEvent(inference(2), { force: true });
    const invalid = client.logEvent(
      { application_id: 'client_app', note: 'no kind' },
      { force: true },
    );
    const circular: Record<string, unknown> = { input: { messages: 'x' } };
    circular.self = circular;
    expect(() => client.logEvent(circular, { force: true })).not.toThrow();
    await client.close();

    expect(client.stats()).toMatchObject({ sampledOut: 1, sent: 1, rejected: 2 });
    expect(errors.map((e) => e.code).sort()).toEqual(['rejected', 'serialise']);
    expect(errors.find((e) => e.code === 'rejected')?.message).toContain(invalid);
    await runtime.stop();
    runtime = undefined;
    expect(await recordedIds(dataDir)).toEqual([forced]);
  });

  it('close() gives up after its timeout when the server never comes back, without rejecting', async () => {
    const client = clientFor('http://127.0.0.1:9', 'k');
    client.logEvent(inference(1));
    await expect(client.close(200)).resolves.toBeUndefined();
    expect(client.stats().failed).toBe(1);
    expect(errors.map((e) => e.code)).toEqual(['unsent']);
    expect(unhandled).toEqual([]);
  });
});
