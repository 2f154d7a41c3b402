/**
 * One DynamoDB Local JVM (the jar shipped in amplify-dynamodb-simulator): in memory,
 * -sharedDb (one database whatever the credentials and region), on a free port of
 * 127.0.0.1 (it has no bind option, so clients always use 127.0.0.1). Started by the test
 * run's pool (dynamodb-pool.ts) or, outside Vitest, by startDynamoDbLocal itself.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

export interface DynamoDbLocalProcess {
  readonly endpoint: string;
  stop(): Promise<void>;
}

const emulatorDir = (): string => {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
};

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });

export const clientFor = (endpoint: string): DynamoDBClient =>
  new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });

/** Starts the JVM and answers once it serves ListTables. */
export const spawnDynamoDbLocal = async (): Promise<DynamoDbLocalProcess> => {
  const dir = emulatorDir();
  const port = await freePort();
  const child: ChildProcess = spawn(
    'java',
    [
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-Xmx256m',
      // The client compiler only and a single-threaded collector: on 2 shared cores the
      // C2 compiler's and the parallel collector's threads cost more CPU than they save in
      // a test run (two DynamoDB files: 60 CPU-s before, 40-49 after; docs/BENCHMARKS.md).
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      '-XX:CICompilerCount=1',
      '-jar',
      'DynamoDBLocal.jar',
      '-inMemory',
      '-sharedDb',
      '-port',
      String(port),
    ],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const probe = clientFor(endpoint);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 180_000;
  try {
    for (;;) {
      try {
        await probe.send(new ListTablesCommand({}));
        break;
      } catch (error) {
        if (child.exitCode !== null || Date.now() > deadline) {
          child.kill('SIGKILL');
          throw new Error(`DynamoDB Local did not start: ${String(error)} ${stderr}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } finally {
    probe.destroy();
  }
  return {
    endpoint,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
};
