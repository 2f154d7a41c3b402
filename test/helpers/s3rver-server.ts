/**
 * Child process side of test/helpers/s3rver.ts: runs s3rver on 127.0.0.1 and reports its
 * port and every request it receives to the parent over IPC. It runs in its own Node with
 * --openssl-legacy-provider because s3rver ciphers list continuation tokens with DES,
 * which OpenSSL 3 only offers there (without it, any truncated listing fails with 500).
 *
 * argv: <directory> <bucket>…
 */
import S3rver from 's3rver';

const [directory, ...buckets] = process.argv.slice(2);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  ...(directory === undefined ? {} : { directory }),
  configureBuckets: buckets.map((name) => ({ name })),
});
const { port } = await server.run();
server.httpServer.on('request', (req) => {
  process.send?.({ type: 'request', method: req.method, url: req.url, headers: req.headers });
});
process.on('message', async (message) => {
  if (message === 'settle') process.send?.({ type: 'settled' });
  if (message === 'stop') {
    await server.close();
    process.disconnect();
  }
});
process.send?.({ type: 'ready', port });
