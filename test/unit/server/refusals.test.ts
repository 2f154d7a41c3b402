import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, call, postJson, xApiKey } from '#test/e2e/support/http-client.ts';
import { startTestApi } from './fakes.ts';

const MiB = 1_048_576;
const minimal = { decision_id: 'd1', output: { decision: 'approve' } };

describe('refusals', () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(() => t.api.close());

  it.each([
    ['no key', {}],
    ['a wrong x-api-key', xApiKey('wrong')],
    ['a wrong bearer key', bearer('test-key-0123456789x')],
    ['a prefix of the key', bearer('test-key')],
    ['a non-Bearer scheme', { authorization: 'Basic test-key-0123456789' }],
  ])('answers 401 with %s', async (_name, auth) => {
    const res = await postJson(t.url, '/v1/logs', minimal, auth);

    expect(res.status).toBe(401);
    expect(res.json.error).toBe('unauthorized');
    expect(t.stream.published).toHaveLength(0);
  });

  it('checks the key before looking a record up', async () => {
    const res = await call(t.url, '/v1/events/d1');

    expect(res.status).toBe(401);
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['JSON in latin-1', 'application/json; charset=iso-8859-1'],
    ['no content type', undefined],
  ])('answers 415 for %s', async (_name, type) => {
    const res = await call(t.url, '/v1/logs', {
      method: 'POST',
      headers: { ...bearer(t.apiKey), ...(type === undefined ? {} : { 'content-type': type }) },
      body: JSON.stringify(minimal),
    });

    expect(res.status).toBe(415);
    expect(res.json.error).toBe('unsupported_media_type');
  });

  it.each(['application/json; charset=utf-8', 'application/vnd.api+json', 'Application/JSON'])(
    'accepts %s',
    async (type) => {
      const res = await call(t.url, '/v1/logs', {
        method: 'POST',
        headers: { ...bearer(t.apiKey), 'content-type': type },
        body: JSON.stringify(minimal),
      });

      expect(res.status).toBe(202);
    },
  );

  it('answers 413 for one byte over 1 MiB', async () => {
    const padding = 'x'.repeat(MiB);
    const res = await postJson(t.url, '/v1/logs', { ...minimal, padding }, bearer(t.apiKey));

    expect(res.status).toBe(413);
    expect(res.json.error).toBe('payload_too_large');
  });

  it('answers 413 for a chunked body once it passes the limit, without a content length', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const res = await call(t.url, '/v1/logs', {
      method: 'POST',
      headers: { ...bearer(t.apiKey), 'content-type': 'application/json' },
      body: function* () {
        for (let i = 0; i < 800; i++) yield chunk; // 50 MiB
      },
    });

    expect(res.status).toBe(413);
    expect((await call(t.url, '/healthz')).status).toBe(200);
  });

  it('lets a client that sends `Connection: close` finish its body, then read the 413', async () => {
    // The client reads nothing until it has written all 4 MiB: if the server closed as soon
    // as it had answered, these writes would meet a reset and the 413 would be lost.
    const { port } = new URL(t.url);
    const socket = connect(Number(port), '127.0.0.1');
    socket.pause();
    const answer = new Promise<string>((resolve, reject) => {
      const parts: Buffer[] = [];
      socket.on('data', (part: Buffer) => parts.push(part));
      socket.on('end', () => resolve(Buffer.concat(parts).toString('latin1')));
      socket.on('error', reject);
    });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const frame = Buffer.concat([
      Buffer.from(`${chunk.byteLength.toString(16)}\r\n`),
      chunk,
      Buffer.from('\r\n'),
    ]);
    const write = (data: string | Buffer) =>
      new Promise<void>((resolve, reject) =>
        socket.write(data, (e) => (e ? reject(e) : resolve())),
      );
    await write(
      `POST /v1/logs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${t.apiKey}\r\n` +
        'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n',
    );
    for (let i = 0; i < 64; i++) await write(frame);
    await write('0\r\n\r\n');
    socket.resume();
    const text = await answer;
    socket.destroy();

    expect(text).toMatch(/^HTTP\/1\.1 413 /);
    expect(text).toContain('payload_too_large');
  });

  it('answers 413 for a 50 MB body before it is sent, and keeps serving', async () => {
    const chunk = Buffer.alloc(MiB, 0x5b);
    let sent = 0;

    const res = await call(t.url, '/v1/logs', {
      method: 'POST',
      headers: {
        ...bearer(t.apiKey),
        'content-type': 'application/json',
        'content-length': 50 * MiB,
      },
      body: function* () {
        for (; sent < 50; sent++) yield chunk;
      },
    });

    expect(res.status).toBe(413);
    // Refused on its declared length: the connection closed long before 50 MiB went out.
    expect(sent).toBeLessThan(40);
    expect((await call(t.url, '/healthz')).status).toBe(200);
  });

  it('answers 400 for 1 MB of unclosed brackets and keeps serving', async () => {
    const res = await postJson(t.url, '/v1/logs', '['.repeat(MiB - 1), bearer(t.apiKey));

    expect(res.status).toBe(400);
    expect((await call(t.url, '/healthz')).status).toBe(200);
  });

  it('answers 400 for deep but well-formed nesting', async () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const res = await postJson(
      t.url,
      '/v1/logs',
      `{"decision_id":"d","output":{"decision":"x"},"inputs":${deep}}`,
      bearer(t.apiKey),
    );

    expect(res.status).toBe(400);
    expect(res.json.problems[0].message).toMatch(/deeper than/);
  });

  it('answers 400 for a body that is not UTF-8', async () => {
    const res = await call(t.url, '/v1/logs', {
      method: 'POST',
      headers: { ...bearer(t.apiKey), 'content-type': 'application/json' },
      body: Buffer.from([0x7b, 0xff, 0x7d]),
    });

    expect(res.status).toBe(400);
  });
});
