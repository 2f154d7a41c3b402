import { createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import {
  GetPublicKeyCommand,
  KMSClient,
  SignCommand,
  type SignCommandInput,
} from '@aws-sdk/client-kms';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { KinesisStreamBatchResponse } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseS3Location } from '#adapters/aws/s3-location.ts';
import { keyFile, segmentKey } from '#core/archive/layout.ts';
import { verifyArchive } from '#core/verify/verify-archive.ts';
import { runCliInProcess } from '#test/e2e/support/cli-in-process.ts';
import { awsWorld } from '#test/helpers/aws-world.ts';
import { createBodyKeysTable, createLedgerTable } from '#test/helpers/dynamodb-local.ts';
import { lambdaContext } from '#test/unit/handlers/context.ts';
import { openArchiveReader } from '../../../bin/commands/archive-location.ts';
import { kinesisEvent, kinesisRecord } from './kinesis.ts';
import { decisionEnvelope } from './support.ts';

// The whole AWS path on local engines: processor and checkpointer handlers write to
// DynamoDB Local and s3rver (KMS, which has no local implementation, is mocked around a
// real Ed25519 key), then the archive is verified through the S3 API as an auditor would.
const kms = mockClient(KMSClient);

const world = awsWorld();
const LOCATION = 's3://archive/audit/v1';
const LOG_NAME = 'audit-trail.test';

const kmsKey = () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  kms.on(GetPublicKeyCommand).resolves({
    KeySpec: 'ECC_NIST_EDWARDS25519',
    SigningAlgorithms: ['ED25519_SHA_512'],
    PublicKey: new Uint8Array(spki),
  });
  kms.on(SignCommand).callsFake((input: SignCommandInput) => ({
    Signature: new Uint8Array(sign(null, Buffer.from(input.Message ?? []), privateKey)),
  }));
};

// The command tree of `node bin/audit-trail.ts verify`, run in this process (a fresh Node
// cost ~2.4 CPU-s each): it reads the archive through S3 only, as an auditor's would.
const cli = async (...args: string[]) => {
  const { status, stdout, stderr } = await runCliInProcess(['verify', ...args]);
  return { code: status, stdout, stderr };
};

beforeAll(async () => {
  await createLedgerTable(world.db.client, 'ledger', { chainsIndex: 'chains' });
  await createBodyKeysTable(world.db.client, 'body-keys');
  Object.assign(
    process.env,
    world.handlerEnv(
      { ledger: 'ledger', keys: 'body-keys', prefix: 'audit/v1' },
      {
        ARCHIVE_RETENTION_DAYS: '2555',
        GIVE_UP_AFTER_SECONDS: '3600',
        ALERTS_BUS: 'audit-alerts',
        SIGNING_KEY_ID: 'alias/audit-checkpoints',
        LOG_NAME,
      },
    ),
  );
  kmsKey();
  const processor = (await import('#handlers/processor.ts')).handler;
  const checkpointer = (await import('#handlers/checkpointer.ts')).handler;
  const apps = ['loans', 'support', 'fraud'];
  for (let batch = 0; batch < 3; batch++) {
    const records = [...Array(20).keys()].map((i) => {
      const app = apps[i % apps.length] ?? 'loans';
      return kinesisRecord(decisionEnvelope(`v-${batch}-${i}`, app), app);
    });
    const response = (await processor(
      kinesisEvent(records),
      lambdaContext('processor'),
    )) as KinesisStreamBatchResponse;
    expect(response.batchItemFailures).toEqual([]);
    await checkpointer({}, lambdaContext('checkpointer'));
  }
});

afterAll(async () => {
  kms.restore();
});

describe('verify s3://bucket/prefix', () => {
  it('parses bucket and prefix', () => {
    expect(parseS3Location('s3://archive/audit/v1/')).toEqual({
      bucket: 'archive',
      prefix: 'audit/v1',
    });
    expect(parseS3Location('s3://archive')).toEqual({ bucket: 'archive', prefix: '' });
    expect(() => parseS3Location('s3://Not_A_Bucket/x')).toThrow(/valid bucket name/);
  });

  it('verifies the archive the AWS handlers wrote, clean, through the S3 API', async () => {
    // Prepare
    const reader = await openArchiveReader(LOCATION, {
      endpointUrl: world.s3.endpoint,
      region: 'eu-west-1',
    });

    // Act
    const report = await verifyArchive(reader);

    // Assess
    // Three application chains (60 events) and the admin chain, whose one record is the
    // policy.change the processor's cold start wrote.
    expect(report).toMatchObject({ ok: true, chains: 4, records: 61, unsigned: 0, faults: [] });
    expect(report.checkpoints).toBeGreaterThanOrEqual(3);
    expect(report.key).toMatch(/^audit-trail\.test\+[0-9a-f]{8}$/);
    const published = new TextDecoder().decode(await reader.get(keyFile(LOG_NAME)));
    expect(published.startsWith(`${report.key}+`)).toBe(true);
  });

  it('runs as `audit-trail verify s3://… --endpoint-url --region --json`, exit 0 when clean', async () => {
    // Act
    const result = await cli(
      LOCATION,
      '--endpoint-url',
      world.s3.endpoint,
      '--region',
      'eu-west-1',
      '--json',
    );

    // Assess
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: true,
      chains: 4,
      records: 61,
      faults: [],
    });
  });

  it('names the chain, seq and kind when a byte of an S3 segment changes', async () => {
    // Prepare
    const reader = await openArchiveReader(LOCATION, { endpointUrl: world.s3.endpoint });
    const key = segmentKey('support', 0);
    const original = new TextDecoder().decode(await reader.get(key));
    // Layout v2: the body is ciphertext, so change an envelope field the hash commits to.
    expect(original).not.toContain('"decision_id"');
    const tampered = original.replace('"event_id":"v-0-4"', '"event_id":"v-0-X"');
    expect(tampered).not.toBe(original);
    // An account administrator cannot do this on an Object Lock bucket; s3rver lets the
    // test play the attacker who could.
    await world.s3.client.send(
      new PutObjectCommand({ Bucket: 'archive', Key: `audit/v1/${key}`, Body: tampered }),
    );

    // Act
    const result = await cli(LOCATION, '--endpoint-url', world.s3.endpoint, '--json');

    // Assess
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      ok: boolean;
      faults: { chain: string; seq: number; kind: string }[];
    };
    expect(report.ok).toBe(false);
    expect(report.faults).toContainEqual(
      expect.objectContaining({ chain: 'support', seq: 1, kind: 'modified' }),
    );
  });

  it('exits 2 for a location that is not a bucket', async () => {
    // Act
    const result = await cli('s3://Bad_Bucket', '--endpoint-url', world.s3.endpoint);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('valid bucket name');
  });
});
