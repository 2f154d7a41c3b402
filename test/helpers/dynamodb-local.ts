/**
 * DynamoDB Local for integration tests: an empty in-memory database (-sharedDb: one
 * database whatever the credentials and region) on 127.0.0.1, per test file. Under Vitest
 * the JVM comes from the run's pool (dynamodb-pool.ts, a globalSetup) and is emptied here
 * before use; elsewhere (a bench under plain Node) a JVM is started for the caller.
 */
import {
  CreateTableCommand,
  DeleteTableCommand,
  type DynamoDBClient,
  ListTablesCommand,
} from '@aws-sdk/client-dynamodb';
import { SEARCH_INDEXES, SEARCH_SORT_KEY, TERMS_ATTRIBUTE } from '#core/search/index-keys.ts';
import {
  clientFor,
  type DynamoDbLocalProcess,
  freePort,
  spawnDynamoDbLocal,
} from './dynamodb-local-process.ts';
import { POOL_ENV } from './dynamodb-pool-env.ts';

export { freePort };

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  /** A fresh client on the same instance (e.g. one per simulated processor). */
  newClient(): DynamoDBClient;
  stop(): Promise<void>;
}

/** An instance of the run's pool, given back (not stopped) when the file is done. */
const lease = async (pool: string): Promise<DynamoDbLocalProcess> => {
  const res = await fetch(`${pool}/lease`, { method: 'POST' });
  if (!res.ok) throw new Error(`DynamoDB Local pool: ${res.status} ${await res.text()}`);
  const { endpoint } = (await res.json()) as { endpoint: string };
  return {
    endpoint,
    stop: async () => {
      await fetch(`${pool}/release?endpoint=${encodeURIComponent(endpoint)}`, { method: 'POST' });
    },
  };
};

/** Deletes every table: a leased instance is then as empty as a new one. */
const dropTables = async (client: DynamoDBClient): Promise<void> => {
  const names: string[] = [];
  let start: string | undefined;
  do {
    const page = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    names.push(...(page.TableNames ?? []));
    start = page.LastEvaluatedTableName;
  } while (start);
  await Promise.all(names.map((TableName) => client.send(new DeleteTableCommand({ TableName }))));
};

export const startDynamoDbLocal = async (): Promise<DynamoDbLocal> => {
  const pool = process.env[POOL_ENV] === 'off' ? undefined : process.env[POOL_ENV];
  const instance = pool ? await lease(pool) : await spawnDynamoDbLocal();
  const { endpoint } = instance;
  const client = clientFor(endpoint);
  try {
    if (pool) await dropTables(client);
  } catch (error) {
    client.destroy();
    await instance.stop();
    throw error;
  }
  return {
    endpoint,
    client,
    newClient: () => clientFor(endpoint),
    stop: async () => {
      client.destroy();
      await instance.stop();
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
