/**
 * `audit-trail keys create|revoke --table` (the AWS key store) puts each key change on the
 * stack's admin chain at once, as admin records naming the operator, over DynamoDB Local
 * and s3rver; without where the admin chain is, it refuses (exit 2) and changes nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamoKeyStore } from '#adapters/aws/dynamo-key-store.ts';
import { DynamoLedger } from '#adapters/aws/dynamo-ledger.ts';
import { S3Archive } from '#adapters/aws/s3-archive.ts';
import { type AdminBody, adminRecords } from '#core/admin/admin-chain.ts';
import { runCliInProcess } from '#test/e2e/support/cli-in-process.ts';
import { awsWorld } from '#test/helpers/aws-world.ts';
import { collect } from '#test/helpers/collect.ts';
import { createKeyStoreTable, createLedgerTable } from '#test/helpers/dynamodb-local.ts';

const world = awsWorld();

beforeAll(async () => {
  await createLedgerTable(world.db.client, 'ledger');
  await createKeyStoreTable(world.db.client, 'keys');
});

// The command tree of `node bin/audit-trail.ts keys`, run in this process (a fresh Node
// cost ~2 CPU-s each) with the variables the child was given.
const keys = async (...args: string[]) => {
  const { status, stdout, stderr } = await runCliInProcess(['keys', ...args], {
    env: {
      AWS_ENDPOINT_URL_DYNAMODB: world.db.endpoint,
      AWS_REGION: 'us-east-1',
      // s3rver takes its own credentials; DynamoDB Local (-sharedDb) takes any.
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
    },
  });
  return { code: status, stdout, stderr };
};
const chainFlags = () => [
  '--ledger-table',
  'ledger',
  '--archive',
  's3://archive',
  '--endpoint-url',
  world.s3.endpoint,
];

describe('audit-trail keys --table', () => {
  it('refuses a change it cannot put on the admin chain, changing nothing', async () => {
    // Act
    const result = await keys('create', '--table', 'keys', '--role', 'reviewer');

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--ledger-table/);
    expect(await dynamoKeyStore(world.db.client, 'keys').list()).toEqual([]);
  });

  it('appends key.create and key.revoke records to the admin chain, once each', async () => {
    // Act
    const created = await keys('create', '--table', 'keys', '--role', 'auditor', ...chainFlags());
    const [stored] = await dynamoKeyStore(world.db.client, 'keys').list();
    const revoked = await keys('revoke', stored?.key_id ?? '', '--table', 'keys', ...chainFlags());

    // Assess
    expect([created.code, revoked.code], created.stderr + revoked.stderr).toEqual([0, 0]);
    const records = await collect(
      adminRecords(new DynamoLedger({ client: world.db.client, table: 'ledger' })),
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
    const archive = new S3Archive({ client: world.s3.client, bucket: 'archive' });
    const segments = await collect(archive.list('chains/'));
    expect(segments.length).toBeGreaterThan(0);
  });
});
