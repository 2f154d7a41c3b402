/** The console's static files on the local server: only flat file names of the console
 * directory, with the CSP; nothing outside it, nothing but GET/HEAD. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP, serveConsole } from '#adapters/local/http/console-assets.ts';
import { call } from '#test/e2e/support/http-client.ts';

const DIR = fileURLToPath(new URL('../../../console', import.meta.url));
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    void serveConsole(DIR, req.method ?? '', (req.url ?? '/').split('?')[0] ?? '/', res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('serveConsole', () => {
  it('redirects /console to /console/ and serves index.html there, with the CSP', async () => {
    const bare = await call(url, '/console');
    expect(bare.status).toBe(308);
    expect(bare.headers.location).toBe('/console/');
    const index = await call(url, '/console/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(index.text).toContain('<script type="module" src="app.js">');
  });

  it('serves scripts as JavaScript', async () => {
    const js = await call(url, '/console/proof.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['x-content-type-options']).toBe('nosniff');
  });

  it.each([
    '/console/../package.json',
    '/console/%2e%2e/package.json',
    '/console/sub/app.js',
    '/console/.env',
    '/console/missing.js',
    '/console/app.ts',
  ])('answers 404 for %s', async (path) => {
    expect((await call(url, path)).status).toBe(404);
  });

  it('takes no writes', async () => {
    const res = await call(url, '/console/app.js', { method: 'POST', body: 'x' });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });
});
