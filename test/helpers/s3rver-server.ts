/**
 * Child process side of test/helpers/s3rver.ts: runs s3rver on 127.0.0.1, one server at a
 * time, each on a fresh directory and port, and reports the port and every request it
 * receives to the parent over IPC. It runs in its own Node with --openssl-legacy-provider
 * because s3rver ciphers list continuation tokens with DES, which OpenSSL 3 only offers
 * there (without it, any truncated listing fails with 500). The parent keeps the process
 * for the next file of the same worker (a Node start and s3rver's imports cost ~0.7 CPU-s);
 * it exits when the parent goes away.
 */
import S3rver from 's3rver';

export type ToServer =
  | { type: 'start'; lease: number; directory: string; buckets: string[] }
  | { type: 'close'; lease: number }
  | 'settle';

let server: S3rver | undefined;

const answer = async (message: ToServer) => {
  if (message === 'settle') {
    process.send?.({ type: 'settled' });
  } else if (message.type === 'start') {
    const { lease, directory, buckets } = message;
    const started = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory,
      configureBuckets: buckets.map((name) => ({ name })),
    });
    const { port } = await started.run();
    started.httpServer.on('request', (req) => {
      process.send?.({
        type: 'request',
        lease,
        method: req.method,
        url: req.url,
        headers: req.headers,
      });
    });
    server = started;
    process.send?.({ type: 'ready', lease, port });
  } else if (message.type === 'close') {
    await server?.close();
    server = undefined;
    process.send?.({ type: 'closed', lease: message.lease });
  }
};

process.on('message', (message: ToServer) => void answer(message));
process.on('disconnect', () => process.exit(0));
