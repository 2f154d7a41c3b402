/**
 * DynamoDB Local (the jar shipped in amplify-dynamodb-simulator) for integration tests:
 * one in-memory instance per test file (-sharedDb: one database whatever the credentials
 * and region), on a free port of 127.0.0.1 (it has no bind option, so clients always use
 * 127.0.0.1).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { SEARCH_INDEXES, SEARCH_SORT_KEY, TERMS_ATTRIBUTE } from '#core/search/index-keys.ts';

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  /** A fresh client on the same instance (e.g. one per simulated processor). */
  newClient(): DynamoDBClient;
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

const clientFor = (endpoint: string): DynamoDBClient =>
  new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });

export const startDynamoDbLocal = async (): Promise<DynamoDbLocal> => {
  const dir = emulatorDir();
  const port = await freePort();
  const child: ChildProcess = spawn(
    'java',
    [
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-Xmx256m',
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
  const client = clientFor(endpoint);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch (error) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`DynamoDB Local did not start: ${String(error)} ${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return {
    endpoint,
    client,
    newClient: () => clientFor(endpoint),
    stop: async () => {
      client.destroy();
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
};

/** A string-keyed GSI, keys only, with its key attributes. */
const index = (
  name: string,
  hash: string,
  range: string,
  projection: { ProjectionType: 'KEYS_ONLY' | 'INCLUDE'; NonKeyAttributes?: string[] } = {
    ProjectionType: 'KEYS_ONLY',
  },
) => ({
  attributes: [
    { AttributeName: hash, AttributeType: 'S' as const },
    { AttributeName: range, AttributeType: 'S' as const },
  ],
  gsi: {
    IndexName: name,
    KeySchema: [
      { AttributeName: hash, KeyType: 'HASH' as const },
      { AttributeName: range, KeyType: 'RANGE' as const },
    ],
    Projection: projection,
  },
});

/** The ledger table as the CDK stack defines it: PK chain (S), SK seq (N), plus the sparse
 * `chains` index over meta items and the search indexes (core/search/index-keys.ts) when
 * asked for. */
export const createLedgerTable = async (
  client: DynamoDBClient,
  table: string,
  options: { chainsIndex?: string; searchIndexes?: boolean } = {},
): Promise<void> => {
  const indexes = [
    ...(options.chainsIndex ? [index(options.chainsIndex, 'registry', 'chain_name')] : []),
    ...(options.searchIndexes
      ? SEARCH_INDEXES.map((i) =>
          index(i.name, i.key, SEARCH_SORT_KEY, {
            ProjectionType: 'INCLUDE',
            NonKeyAttributes: [TERMS_ATTRIBUTE],
          }),
        )
      : []),
  ];
  await client.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'chain', AttributeType: 'S' },
        { AttributeName: 'seq', AttributeType: 'N' },
        // One definition per attribute, however many indexes sort by it.
        ...[
          ...new Map(
            indexes.flatMap((i) => i.attributes).map((a) => [a.AttributeName, a]),
          ).values(),
        ],
      ],
      KeySchema: [
        { AttributeName: 'chain', KeyType: 'HASH' },
        { AttributeName: 'seq', KeyType: 'RANGE' },
      ],
      ...(indexes.length > 0 ? { GlobalSecondaryIndexes: indexes.map((i) => i.gsi) } : {}),
    }),
  );
};

/** The API key table as the CDK stack defines it (lib/constructs/key-table.ts): PK digest (S). */
export const createKeyStoreTable = async (client: DynamoDBClient, table: string): Promise<void> => {
  await client.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'digest', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'digest', KeyType: 'HASH' }],
    }),
  );
};

/** The body-key table as the CDK stack defines it (lib/constructs/purge-workflow.ts): PK id (S). */
export const createBodyKeysTable = async (client: DynamoDBClient, table: string): Promise<void> => {
  await client.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    }),
  );
};
