/**
 * The AWS test world of one test file: DynamoDB Local and s3rver started once (in the
 * file's beforeAll, stopped in its afterAll), a fresh ledger table per test with the
 * archive under a prefix of its own, and the environment that points the handlers at both.
 * Call `awsWorld()` at the top level of a test file.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { DynamoLedger } from '#adapters/aws/dynamo-ledger.ts';
import { S3Archive } from '#adapters/aws/s3-archive.ts';
import {
  createBodyKeysTable,
  createLedgerTable,
  type DynamoDbLocal,
  startDynamoDbLocal,
} from './dynamodb-local.ts';
import { type LocalS3, startS3rver } from './s3rver.ts';

export const ARCHIVE_BUCKET = 'archive';

/** The AWS SDK environment that points the handlers' clients at DynamoDB Local and s3rver. */
export const localEngineEnv = (dynamoEndpoint: string, s3Endpoint: string) => ({
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
  AWS_ENDPOINT_URL_S3: s3Endpoint,
  // s3rver stores aws-chunked framing otherwise.
  AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
  AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
});

export interface LedgerOptions {
  readonly chainsIndex?: string;
  readonly searchIndexes?: boolean;
}

export interface TestLedger {
  readonly table: string;
  readonly archive: S3Archive;
  readonly ledger: DynamoLedger;
}

export interface AwsWorld {
  readonly db: DynamoDbLocal;
  readonly s3: LocalS3;
  /** A fresh ledger table (so tests never see each other's chains), the archive under the
   * table's name, and a DynamoLedger over both. */
  newLedger(options?: LedgerOptions): Promise<TestLedger>;
  /** A fresh body-key table; its name. */
  newKeysTable(): Promise<string>;
  /** The handlers' configuration for one ledger table and body-key table; `extra` adds to it
   * or overrides it (the handlers read it at cold start: set it before importing them). */
  handlerEnv(
    tables: { ledger: string; keys: string; prefix?: string },
    extra?: Record<string, string>,
  ): Record<string, string>;
}

export const awsWorld = (options: { s3?: boolean } = {}): AwsWorld => {
  let db: DynamoDbLocal | undefined;
  let s3: LocalS3 | undefined;
  beforeAll(async () => {
    [db, s3] = await Promise.all([
      startDynamoDbLocal(),
      options.s3 === false ? undefined : startS3rver([ARCHIVE_BUCKET]),
    ]);
  });
  afterAll(async () => {
    await Promise.all([db?.stop(), s3?.stop()]);
  });
  const started = <T>(engine: T | undefined, name: string): T => {
    if (!engine) throw new Error(`${name} is not running (awsWorld() starts it in beforeAll)`);
    return engine;
  };
  const world: AwsWorld = {
    get db() {
      return started(db, 'DynamoDB Local');
    },
    get s3() {
      return started(s3, 's3rver');
    },
    newLedger: async (ledgerOptions = {}) => {
      const table = `ledger-${randomUUID()}`;
      await createLedgerTable(world.db.client, table, ledgerOptions);
      const archive = new S3Archive({
        client: world.s3.client,
        bucket: ARCHIVE_BUCKET,
        prefix: table,
      });
      const ledger = new DynamoLedger({
        client: world.db.client,
        table,
        bodyStore: archive,
        ...(ledgerOptions.chainsIndex ? { chainsIndex: ledgerOptions.chainsIndex } : {}),
      });
      return { table, archive, ledger };
    },
    newKeysTable: async () => {
      const table = `keys-${randomUUID()}`;
      await createBodyKeysTable(world.db.client, table);
      return table;
    },
    handlerEnv: (tables, extra = {}) => ({
      ...localEngineEnv(world.db.endpoint, world.s3.endpoint),
      LEDGER_TABLE: tables.ledger,
      LEDGER_CHAINS_INDEX: 'chains',
      ARCHIVE_BUCKET,
      ...(tables.prefix === undefined ? {} : { ARCHIVE_PREFIX: tables.prefix }),
      ARCHIVE_RETENTION_DAYS: '3650',
      BODY_KEYS_TABLE: tables.keys,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
      ...extra,
    }),
  };
  return world;
};
