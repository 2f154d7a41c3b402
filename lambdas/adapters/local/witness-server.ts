/**
 * The witness's HTTP face (C2SP tlog-witness): `POST /add-checkpoint` and
 * `GET /<hex sha256 of origin>/checkpoint`. Listens on 127.0.0.1 unless told otherwise.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { addCheckpoint, type WitnessDeps } from '#core/witness/add-checkpoint.ts';

const MAX_BODY = 64 * 1024;

export interface WitnessServer {
  readonly url: string;
  close(): Promise<void>;
}

const readBody = async (req: IncomingMessage): Promise<string | undefined> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
};

export const startWitnessServer = async (
  deps: WitnessDeps,
  options: { readonly host?: string; readonly port?: number } = {},
): Promise<WitnessServer> => {
  const server = createServer((req, res) => {
    const answer = async (): Promise<{ status: number; type: string; body: string }> => {
      const path = new URL(req.url ?? '/', 'http://witness').pathname;
      if (req.method === 'POST' && path === '/add-checkpoint') {
        const body = await readBody(req);
        if (body === undefined) return { status: 413, type: 'text/plain', body: 'too large\n' };
        const a = await addCheckpoint(body, deps);
        return { status: a.status, type: a.contentType, body: a.body };
      }
      const hash = /^\/([0-9a-f]{64})\/checkpoint$/.exec(path)?.[1];
      if (req.method === 'GET' && hash) {
        const state = await deps.store.getByOriginHash(hash);
        return state
          ? { status: 200, type: 'text/plain; charset=utf-8', body: state.note }
          : { status: 404, type: 'text/plain', body: 'unknown origin\n' };
      }
      return { status: 404, type: 'text/plain', body: 'not found\n' };
    };
    answer().then(
      ({ status, type, body }) => {
        res.writeHead(status, { 'content-type': type }).end(body);
      },
      () => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
