import { type IncomingHttpHeaders, request } from 'node:http';

/** A finished HTTP exchange, with the JSON body parsed when there is one. */
export interface HttpResult {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read answer fields freely, then assert on them.
  readonly json: any;
}

export interface CallOptions {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string | number>>;
  /** A body, or a generator of chunks for bodies too large to build in memory. */
  readonly body?: string | Uint8Array | (() => Iterable<Uint8Array>);
}

/**
 * One request on a fresh connection (no keep-alive pooling between tests). The answer is
 * read even when the server answers before the body is sent and closes the connection:
 * an early 413 is a result, not an error.
 */
export const call = (url: string, path: string, options: CallOptions = {}): Promise<HttpResult> =>
  new Promise((resolve, reject) => {
    const req = request(new URL(path, url), {
      method: options.method ?? 'GET',
      headers: options.headers,
      agent: false,
    });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const isJson = String(res.headers['content-type']).startsWith('application/json');
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text,
          json: isJson ? JSON.parse(text) : undefined,
        });
        req.destroy();
      });
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const { body } = options;
    if (typeof body === 'function') pump(req, body()[Symbol.iterator]());
    else req.end(body);
  });

/** Writes chunks with back-pressure; stops quietly once the server has closed. */
const pump = (req: ReturnType<typeof request>, chunks: Iterator<Uint8Array>): void => {
  for (;;) {
    if (req.destroyed) return;
    const next = chunks.next();
    if (next.done === true) {
      req.end();
      return;
    }
    if (!req.write(next.value)) {
      req.once('drain', () => pump(req, chunks));
      return;
    }
  }
};

/** JSON POST with the API key in the header style a seed uses. */
export const postJson = (
  url: string,
  path: string,
  body: unknown,
  auth: Readonly<Record<string, string>>,
): Promise<HttpResult> =>
  call(url, path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** Both header styles the API accepts. */
export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
export const xApiKey = (key: string) => ({ 'x-api-key': key });
