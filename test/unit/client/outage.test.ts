import { AuditTrailClient } from '@ai-audit-trail/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * The app's network, as fetch sees it: down (every request fails the way a killed
 * connection does) or up (a server that records each event id it receives and answers 202).
 * Counts requests, and requests started inside a log call (there must be none).
 */
const network = () => {
  const state = { up: true, inLogCall: false, failed: 0, startedInLogCall: 0 };
  const received: string[] = [];
  const fetchFn: typeof fetch = async (_url, init) => {
    if (state.inLogCall) state.startedInLogCall++;
    if (!state.up) {
      state.failed++;
      throw new TypeError('fetch failed', { cause: new Error('connect ENETUNREACH') });
    }
    const { events } = JSON.parse(String(init?.body)) as { events: { event_id: string }[] };
    received.push(...events.map((e) => e.event_id));
    const results = events.map(() => ({ status: 'accepted' }));
    return new Response(JSON.stringify({ results }), { status: 202 });
  };
  return { state, received, fetchFn };
};

const inference = (n: number) => ({
  application_id: 'outage_app',
  model: { provider: 'openai', name: 'gpt-4o-mini' },
  input: { messages: [{ role: 'user', content: `question ${n}` }] },
  output: { content: `answer ${n}` },
});

describe('client through a network outage (virtual time)', () => {
  // The client's timers (batch interval, backoff sleeps, its next-turn sends) and Date run
  // on a fake clock, so a minute passes without waiting a minute; nothing here is timed.
  beforeEach(() => {
    vi.useFakeTimers({
      toFake: [
        'setTimeout',
        'clearTimeout',
        'setInterval',
        'clearInterval',
        'setImmediate',
        'Date',
      ],
    });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('loses nothing that fits the buffer when the network is gone for a minute, and logging never waits', async () => {
    const net = network();
    const errors: string[] = [];
    // Default batching and backoff (base 100 ms, cap 30 s): what an app gets.
    const client = new AuditTrailClient({
      endpoint: 'http://audit.example',
      apiKey: 'k',
      maxBufferSize: 2_000,
      fetch: net.fetchFn,
      onError: (error) => errors.push(error.code),
    });

    net.state.up = false;
    const ids: string[] = [];
    // Sixty seconds down; the app logs 25 events each second, 1,500 in all (< 2,000).
    for (let second = 0; second < 60; second++) {
      for (let i = 0; i < 25; i++) {
        net.state.inLogCall = true;
        const id = client.logEvent(inference(ids.length));
        net.state.inLogCall = false;
        // An id at once, not a promise the app would have to await.
        expect(typeof id).toBe('string');
        ids.push(id);
      }
      await vi.advanceTimersByTimeAsync(1_000);
    }
    expect(net.received).toEqual([]);
    // The client kept trying through the outage (at least once per backoff cap).
    expect(net.state.failed).toBeGreaterThanOrEqual(2);
    expect(client.stats()).toMatchObject({ sent: 0, dropped: 0, failed: 0 });
    expect(client.stats().queued + client.stats().inFlight).toBe(1_500);

    net.state.up = true;
    // The longest backoff is 30 s: within that the client is back, then it catches up.
    for (let s = 0; s < 120 && client.stats().sent < ids.length; s++) {
      await vi.advanceTimersByTimeAsync(1_000);
    }

    expect(client.stats()).toMatchObject({ sent: 1_500, dropped: 0, failed: 0, queued: 0 });
    // Every event arrived, each once (a retried batch carries the same ids: the server
    // would drop a repeat; here none was sent twice after a success).
    expect([...net.received].sort()).toEqual([...ids].sort());
    expect(new Set(net.received).size).toBe(net.received.length);
    expect(net.state.startedInLogCall).toBe(0);
    expect(errors).toEqual([]);
    await client.close(0);
  });

  it('past the buffer, keeps the newest events and counts exactly the ones it dropped', async () => {
    const net = network();
    const client = new AuditTrailClient({
      endpoint: 'http://audit.example',
      apiKey: 'k',
      maxBufferSize: 1_000,
      batchSize: 100,
      fetch: net.fetchFn,
    });
    net.state.up = false;
    const ids: string[] = [];
    for (let second = 0; second < 60; second++) {
      for (let i = 0; i < 25; i++) ids.push(client.logEvent(inference(ids.length)));
      await vi.advanceTimersByTimeAsync(1_000);
    }
    net.state.up = true;
    for (let s = 0; s < 120 && client.stats().queued + client.stats().inFlight > 0; s++) {
      await vi.advanceTimersByTimeAsync(1_000);
    }

    const { sent, dropped } = client.stats();
    // 1,500 logged into room for 1,000: 500 dropped, 1,000 sent, nothing else lost.
    expect({ sent, dropped }).toEqual({ sent: 1_000, dropped: 500 });
    expect(net.received).toHaveLength(1_000);
    // Dropped are the oldest waiting ones: the newest 900 are all there.
    expect(net.received).toEqual(expect.arrayContaining(ids.slice(-900)));
    await client.close(0);
  });
});
