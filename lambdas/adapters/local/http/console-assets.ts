import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';

/** Where the console is mounted on the local server. */
export const CONSOLE_PATH = '/console';

const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

/** A flat directory of plain names: nothing else is served, so no path can climb out. */
const FILE_RE = /^[a-z0-9][a-z0-9-]*\.(html|js|css|svg)$/;

/**
 * The console's own files only: scripts and styles from this origin, no third-party
 * request, fetches to this API. Fairness reports render in a sandboxed frame from a blob.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  'frame-src blob:',
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/** True when the request path is the console's. */
export const isConsolePath = (path: string): boolean =>
  path === CONSOLE_PATH || path.startsWith(`${CONSOLE_PATH}/`);

/**
 * Serves the console's static files from `dir` (GET/HEAD only). `/console` redirects to
 * `/console/` so relative module imports resolve; `/console/` is index.html.
 */
export const serveConsole = async (
  dir: string,
  method: string,
  path: string,
  res: ServerResponse,
): Promise<number> => {
  const send = (status: number, headers: Record<string, string>, body = ''): number => {
    res.writeHead(status, { 'content-length': Buffer.byteLength(body), ...headers });
    res.end(method === 'HEAD' ? undefined : body);
    return status;
  };
  if (method !== 'GET' && method !== 'HEAD') return send(405, { allow: 'GET, HEAD' });
  if (path === CONSOLE_PATH) return send(308, { location: `${CONSOLE_PATH}/` });
  const name = path.slice(CONSOLE_PATH.length + 1) || 'index.html';
  const type = FILE_RE.exec(name)?.[1];
  if (type === undefined) return send(404, { 'content-type': 'text/plain' }, 'not found');
  let bytes: Buffer;
  try {
    bytes = await readFile(join(dir, name));
  } catch {
    return send(404, { 'content-type': 'text/plain' }, 'not found');
  }
  res.writeHead(200, {
    'content-type': TYPES[type] as string,
    'content-length': bytes.length,
    'cache-control': 'no-cache',
    'content-security-policy': CONSOLE_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  res.end(method === 'HEAD' ? undefined : bytes);
  return 200;
};
