/**
 * Legal holds reach S3 Object Lock: placing a hold sets PutObjectLegalHold ON on the archive
 * objects that hold the covered records' bodies (their segments), releasing it sets OFF on
 * what no other active hold covers. Ledger on DynamoDB Local, archive on s3rver; s3rver
 * refuses the legal-hold API (PUT ?legal-hold: MethodNotAllowed, asserted below), so the legal-hold requests
 * go to an aws-sdk-client-mock S3 client and are asserted there. The local runtime's file
 * adapter records the same keys.
 */
import { join } from 'node:path';
import { PutObjectCommand, PutObjectLegalHoldCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoBodyKeys } from '#adapters/aws/dynamo-body-keys.ts';
import { S3ObjectHolds } from '#adapters/aws/s3-object-holds.ts';
import { openFileObjectHolds } from '#adapters/local/file-object-holds.ts';
import { segmentKey } from '#core/archive/layout.ts';
import { processBatch } from '#core/pipeline/process-batch.ts';
import { createBodySealer } from '#core/retention/body-sealer.ts';
import { createHold, releaseHold } from '#core/retention/governance.ts';
import { DEFAULT_RETENTION_RULES } from '#core/retention/rules.ts';
import type { ObjectHoldsPort } from '#ports/object-holds.ts';
import { awsWorld } from '#test/helpers/aws-world.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { decisionEnvelope, processorDeps } from './support.ts';

const world = awsWorld();
let dir: string;

beforeAll(async () => {
  dir = await tempDir('object-holds-');
});

afterAll(async () => {
  await removeDir(dir);
});

describe('legal holds on S3 Object Lock', () => {
  it('s3rver does not implement the legal-hold API (hence the mocked client below)', async () => {
    await world.s3.client.send(
      new PutObjectCommand({ Bucket: 'archive', Key: 'probe', Body: 'x' }),
    );
    await expect(
      world.s3.client.send(
        new PutObjectLegalHoldCommand({
          Bucket: 'archive',
          Key: 'probe',
          LegalHold: { Status: 'ON' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'MethodNotAllowed' });
  });

  it('sets ON for the segments a hold covers, OFF on release unless another hold still covers them', async () => {
    // Prepare: ann on two chains, bob on a third
    const { table, archive, ledger } = await world.newLedger({ searchIndexes: true });
    const keysTable = await world.newKeysTable();
    const sealer = await createBodySealer(
      DEFAULT_RETENTION_RULES,
      new DynamoBodyKeys({ client: world.db.client, table: keysTable }),
    );
    const deps = { ...processorDeps(ledger, archive), sealer };
    const user = (id: string) => ({ metadata: { user_id: id } });
    await processBatch(
      [
        decisionEnvelope('a1', 'loans', user('ann')),
        decisionEnvelope('a2', 'cards', user('ann')),
        decisionEnvelope('b1', 'fraud', user('bob')),
      ],
      deps,
    );
    const client = new S3Client({ region: 'eu-west-1' });
    const mock = mockClient(client);
    mock.on(PutObjectLegalHoldCommand).resolves({});
    const local = openFileObjectHolds(join(dir, 'legal-holds.txt'));
    const both: ObjectHoldsPort = {
      setLegalHold: async (keys, on) => {
        await new S3ObjectHolds({ client, bucket: 'archive', prefix: table }).setLegalHold(
          keys,
          on,
        );
        await local.setLegalHold(keys, on);
      },
    };
    const governance = {
      ledger,
      archive,
      clock: deps.clock,
      subjects: sealer.subjects,
      objectHolds: both,
    };
    const requests = () =>
      mock
        .commandCalls(PutObjectLegalHoldCommand)
        .map((c) => [
          c.args[0].input.Key,
          c.args[0].input.LegalHold?.Status,
          c.args[0].input.Bucket,
        ])
        .sort();
    const annSegments = [segmentKey('cards', 0), segmentKey('loans', 0)];

    // Act: a hold on ann, then one on the loans chain
    const onAnn = await createHold(
      { scope: { user_id: 'ann' }, case_id: 'c-1', reason: 'x' },
      governance,
    );
    const afterAnn = requests();
    mock.resetHistory();
    await createHold({ scope: { chain: 'loans' }, case_id: 'c-2', reason: 'y' }, governance);
    mock.resetHistory();
    await releaseHold(onAnn.hold_id, governance);

    // Assess
    expect(afterAnn).toEqual(annSegments.map((k) => [`${table}/${k}`, 'ON', 'archive']));
    expect(await local.held()).toEqual([segmentKey('loans', 0)]);
    // After the release: loans stays held (the chain hold), cards is cleared, fraud untouched.
    expect(requests()).toEqual([
      [`${table}/${segmentKey('cards', 0)}`, 'OFF', 'archive'],
      [`${table}/${segmentKey('loans', 0)}`, 'ON', 'archive'],
    ]);
    mock.restore();
  });
});
