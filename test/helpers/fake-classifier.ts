/**
 * A stand-in for an external classifier (a Presidio analyser) on 127.0.0.1: it answers
 * findings for e-mail addresses, or fails the way a real one does (500, garbage, a hang),
 * as the test sets `mode`. Counts the requests it got; `close` ends hung requests too.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ClassifierMode = 'ok' | '500' | 'garbage' | 'hang';

export interface FakeClassifier {
  readonly url: string;
  mode: ClassifierMode;
  readonly requests: number;
  close(): Promise<void>;
}

export const startFakeClassifier = async (): Promise<FakeClassifier> => {
  const hung: ServerResponse[] = [];
  let requests = 0;
  const state: { mode: ClassifierMode } = { mode: 'ok' };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests += 1;
      if (state.mode === 'hang') {
        hung.push(res);
        return;
      }
      if (state.mode === '500') {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('analyzer crashed');
        return;
      }
      if (state.mode === 'garbage') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"oops": tru');
        return;
      }
      const { text = '' } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        text?: string;
      };
      const found = [...text.matchAll(/[\w.]+@[\w.]+\.\w+/g)].map((m) => ({
        entity_type: 'EMAIL_ADDRESS',
        start: m.index,
        end: m.index + m[0].length,
        score: 0.9,
      }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(found));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/analyze`,
    get mode() {
      return state.mode;
    },
    set mode(m: ClassifierMode) {
      state.mode = m;
    },
    get requests() {
      return requests;
    },
    close: async () => {
      for (const res of hung.splice(0)) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
