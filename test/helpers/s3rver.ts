/**
 * s3rver (an S3 API on the file system) for integration tests, on 127.0.0.1 with a fresh
 * directory, in a child process (see s3rver-server.ts). It ignores Object Lock and
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
  | { type: 'ready'; port: number }
  | { type: 'settled' }
  | ({ type: 'request' } & ReceivedRequest);

export const startS3rver = async (buckets: readonly string[]): Promise<LocalS3> => {
  const directory = await tempDir('s3rver-');
  const script = fileURLToPath(new URL('./s3rver-server.ts', import.meta.url));
  const child: ChildProcess = fork(script, [directory, ...buckets], {
    execArgv: ['--openssl-legacy-provider'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const requests: ReceivedRequest[] = [];
  const settling: (() => void)[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code}`)));
    child.on('message', (message: Message) => {
      if (message.type === 'ready') resolve(message.port);
      else if (message.type === 'settled') settling.shift()?.();
      else requests.push({ method: message.method, url: message.url, headers: message.headers });
    });
  });
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
      if (child.connected) child.send('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
      await removeDir(directory);
    },
  };
};
