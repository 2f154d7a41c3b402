/**
 * A recording proxy in front of s3rver on 127.0.0.1 for the legal-hold API, which s3rver
 * does not implement (PUT `?legal-hold` answers 405 MethodNotAllowed: object-holds.test.ts
 * asserts it). Requests with the `legal-hold` subresource are recorded (method, path,
 * query, the XML body's Status) and answered 200 as S3 does; every other request is passed
 * to s3rver byte for byte, headers (Host included, so SigV4 still checks out) unchanged.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LegalHoldRequest {
  readonly method: string;
  /** The path, bucket first (path-style): `/archive/<prefix>/<key>`. */
  readonly path: string;
  /** The query's parameter names (`legal-hold`, and `versionId` when sent). */
  readonly query: readonly string[];
  /** `ON` or `OFF` from `<LegalHold><Status>…</Status></LegalHold>`; undefined if absent. */
  readonly status: string | undefined;
}

export interface LegalHoldProxy {
  readonly endpoint: string;
  readonly requests: LegalHoldRequest[];
  close(): Promise<void>;
}

export const startLegalHoldProxy = async (s3Endpoint: string): Promise<LegalHoldProxy> => {
  const target = new URL(s3Endpoint);
  const requests: LegalHoldRequest[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    if (url.searchParams.has('legal-hold')) {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const xml = Buffer.concat(chunks).toString('utf8');
        requests.push({
          method: req.method ?? '',
          path: decodeURIComponent(url.pathname),
          query: [...url.searchParams.keys()],
          status: /<Status>([^<]*)<\/Status>/.exec(xml)?.[1],
        });
        res.writeHead(200, { 'content-length': '0' }).end();
      });
      return;
    }
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => res.destroy(error));
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};
