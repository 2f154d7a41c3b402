/**
 * `audit-trail keys create|revoke --table` (the AWS key store) puts each key change on the
 * stack's admin chain at once, as admin records naming the operator, over DynamoDB Local
 * and s3rver; without where the admin chain is, it refuses (exit 2) and changes nothing.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoKeyStore } from '#adapters/aws/dynamo-key-store.ts';
import { DynamoLedger } from '#adapters/aws/dynamo-ledger.ts';
import { S3Archive } from '#adapters/aws/s3-archive.ts';
import { type AdminBody, adminRecords } from '#core/admin/admin-chain.ts';
import { collect } from '#test/helpers/collect.ts';
import {
  createLedgerTable,
  type DynamoDbLocal,
  startDynamoDbLocal,
} from '#test/helpers/dynamodb-local.ts';
import { type LocalS3, startS3rver } from '#test/helpers/s3rver.ts';

const run = promisify(execFile);
/** s3rver takes its own credentials; DynamoDB Local (-sharedDb) takes any. */
let db: DynamoDbLocal;
let s3: LocalS3;

beforeAll(async () => {
  [db, s3] = await Promise.all([startDynamoDbLocal(), startS3rver(['archive'])]);
  await createLedgerTable(db.client, 'ledger');
  await db.client.send(
    new CreateTableCommand({
      TableName: 'keys',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'digest', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'digest', KeyType: 'HASH' }],
    }),
  );
}, 120_000);

afterAll(async () => {
  await Promise.all([db?.stop(), s3?.stop()]);
});

const keys = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['bin/audit-trail.ts', 'keys', ...args],
      {
        env: {
          ...process.env,
          NODE_OPTIONS: '',
          AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'S3RVER',
          AWS_SECRET_ACCESS_KEY: 'S3RVER',
        },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};
const chainFlags = () => [
  '--ledger-table',
  'ledger',
  '--archive',
  's3://archive',
  '--endpoint-url',
  s3.endpoint,
];

describe('audit-trail keys --table', () => {
  it('refuses a change it cannot put on the admin chain, changing nothing', async () => {
    // Act
    const result = await keys('create', '--table', 'keys', '--role', 'reviewer');

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--ledger-table/);
    expect(await dynamoKeyStore(db.client, 'keys').list()).toEqual([]);
  });

  it('appends key.create and key.revoke records to the admin chain, once each', async () => {
    // Act
    const created = await keys('create', '--table', 'keys', '--role', 'auditor', ...chainFlags());
    const [stored] = await dynamoKeyStore(db.client, 'keys').list();
    const revoked = await keys('revoke', stored?.key_id ?? '', '--table', 'keys', ...chainFlags());

    // Assess
    expect([created.code, revoked.code], created.stderr + revoked.stderr).toEqual([0, 0]);
    const records = await collect(
      adminRecords(new DynamoLedger({ client: db.client, table: 'ledger' })),
    );
    expect(
      records.map((r) => ({
        kind: r.kind,
        action: (r.body as AdminBody).action,
        target: (r.body as AdminBody).target,
        who: r.submitter?.key_id,
      })),
    ).toEqual([
      {
        kind: 'admin',
        action: 'key.create',
        target: stored?.key_id,
        who: expect.stringMatching(/^local:/),
      },
      {
        kind: 'admin',
        action: 'key.revoke',
        target: stored?.key_id,
        who: expect.stringMatching(/^local:/),
      },
    ]);
    // The records are archived (the admin chain's segment is in the bucket).
    const archive = new S3Archive({ client: s3.client, bucket: 'archive' });
    const segments = await collect(archive.list('chains/'));
    expect(segments.length).toBeGreaterThan(0);
  });
});
