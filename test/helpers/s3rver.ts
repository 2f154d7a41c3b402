/**
 * s3rver (an S3 API on the file system) for integration tests, on 127.0.0.1 with a fresh
 * directory and port, in a child process (see s3rver-server.ts) that the next file of the
 * same worker process reuses once this one stopped its server. It ignores Object Lock and
 * conditional writes, so tests assert the requests it received: every request's method,
 * path and headers are kept in `requests`.
 */
import { type ChildProcess, fork } from 'node:child_process';
import type { IncomingHttpHeaders } from 'node:http';
import { fileURLToPath } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import { removeDir, tempDir } from './temp-dir.ts';

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

export interface LocalS3 {
  readonly endpoint: string;
  readonly client: S3Client;
  readonly requests: ReceivedRequest[];
  /** Resolves once `requests` holds every request s3rver received so far (they come over
   * IPC from its child process, which may be after the HTTP answer did). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/** A client for s3rver: path-style, and checksums only when required (else the SDK sends
 * aws-chunked bodies that s3rver stores with their framing). */
export const s3ClientFor = (endpoint: string): S3Client =>
  new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });

type Message =
  | { type: 'ready'; lease: number; port: number }
  | { type: 'closed'; lease: number }
  | { type: 'settled' }
  | ({ type: 'request'; lease: number } & ReceivedRequest);

/** s3rver child processes with no server running, kept for the next file of this worker
 * process: on globalThis, since each test file gets fresh modules (fresh-file.ts). */
const KEPT = Symbol.for('audit-trail.test.s3rver');
const kept = (): { idle: ChildProcess[]; leases: number } => {
  const store = globalThis as { [KEPT]?: { idle: ChildProcess[]; leases: number } };
  store[KEPT] ??= { idle: [], leases: 0 };
  return store[KEPT];
};

const forkServer = (): ChildProcess => {
  const script = fileURLToPath(new URL('./s3rver-server.ts', import.meta.url));
  return fork(script, [], {
    execArgv: ['--openssl-legacy-provider'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
};

export const startS3rver = async (buckets: readonly string[]): Promise<LocalS3> => {
  const directory = await tempDir('s3rver-');
  const child = kept().idle.find((c) => c.connected) ?? forkServer();
  kept().idle = kept().idle.filter((c) => c !== child && c.connected);
  child.ref();
  child.channel?.ref();
  // Messages name the server they are about, so none reaches a later file's list.
  const lease = ++kept().leases;
  const requests: ReceivedRequest[] = [];
  const settling: (() => void)[] = [];
  const waiting = new Map<string, (port: number) => void>();
  let onExit = () => {};
  const exited = new Promise<void>((resolve) => {
    onExit = resolve;
    child.once('exit', onExit);
  });
  const onMessage = (message: Message) => {
    if (message.type === 'settled') settling.shift()?.();
    else if (message.lease !== lease) return;
    else if (message.type === 'request') {
      requests.push({ method: message.method, url: message.url, headers: message.headers });
    } else waiting.get(message.type)?.(message.type === 'ready' ? message.port : 0);
  };
  child.on('message', onMessage);
  const reply = (type: 'ready' | 'closed') =>
    new Promise<number>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`s3rver exited with ${code}`));
      child.once('exit', onExit);
      waiting.set(type, (port) => {
        child.off('exit', onExit);
        resolve(port);
      });
    });
  const ready = reply('ready');
  child.send({ type: 'start', lease, directory, buckets: [...buckets] });
  const port = await ready;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = s3ClientFor(endpoint);
  return {
    endpoint,
    client,
    requests,
    // The child sends each request's message when the request arrives, before answering
    // it, and IPC keeps order: its answer to this ping comes after all of them.
    settled: () =>
      new Promise<void>((resolve) => {
        settling.push(resolve);
        child.send('settle');
      }),
    stop: async () => {
      client.destroy();
      if (child.connected) {
        const closed = reply('closed').catch(() => 0);
        child.send({ type: 'close', lease });
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        await Promise.race([closed, exited]);
        clearTimeout(timer);
      }
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (child.connected && child.exitCode === null) {
        // Idle, it must not keep this process alive; it exits when this process does.
        child.unref();
        child.channel?.unref();
        kept().idle.push(child);
      }
      await removeDir(directory);
    },
  };
};
