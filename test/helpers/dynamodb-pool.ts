/**
 * Vitest globalSetup: a pool of DynamoDB Local JVMs shared by the whole run. Starting a
 * JVM costs seconds of CPU, once per test file before; now a file leases an idle instance
 * (one is started when none is idle, so there are never more than the files running at
 * once) and gives it back when it stops it. startDynamoDbLocal empties a leased instance
 * first, so each file still sees a fresh database. The pool answers on 127.0.0.1; its URL
 * reaches the test workers through the environment (AUDIT_TRAIL_TEST_DYNAMODB_POOL=off: no pool).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DynamoDbLocalProcess, spawnDynamoDbLocal } from './dynamodb-local-process.ts';
import { POOL_ENV } from './dynamodb-pool-env.ts';

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  // `off`: every file starts its own JVM, as before (to measure what the pool saves).
  if (process.env[POOL_ENV] === 'off') return undefined;
  const all: DynamoDbLocalProcess[] = [];
  const starting = new Set<Promise<DynamoDbLocalProcess>>();
  const idle: DynamoDbLocalProcess[] = [];

  const lease = async (): Promise<DynamoDbLocalProcess> => {
    const ready = idle.pop();
    if (ready) return ready;
    const start = spawnDynamoDbLocal();
    starting.add(start);
    try {
      const started = await start;
      all.push(started);
      return started;
    } finally {
      starting.delete(start);
    }
  };

  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://pool');
    try {
      if (req.method === 'POST' && url.pathname === '/lease') {
        const { endpoint } = await lease();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ endpoint }));
        return;
      }
      if (req.method === 'POST' && url.pathname === '/release') {
        const instance = all.find((i) => i.endpoint === url.searchParams.get('endpoint'));
        if (instance && !idle.includes(instance)) idle.push(instance);
        res.writeHead(instance ? 204 : 404).end();
        return;
      }
      res.writeHead(404).end();
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    }
  };

  const server = createServer((req, res) => void answer(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.env[POOL_ENV] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return async () => {
    delete process.env[POOL_ENV];
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const late = await Promise.allSettled(starting);
    for (const r of late) if (r.status === 'fulfilled' && !all.includes(r.value)) all.push(r.value);
    await Promise.all(all.map((i) => i.stop()));
  };
}
