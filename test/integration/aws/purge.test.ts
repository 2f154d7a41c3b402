/**
 * The purge on the AWS adapters: DynamoDB ledger and body-key table (DynamoDB Local), S3
 * archive (s3rver). Layout v2 items and objects hold only ciphertext; an erasure plus a
 * retention purge leave the archive verifying clean, with the purged bodies named.
 */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoBodyKeys } from '#adapters/aws/dynamo-body-keys.ts';
import { loadOrCreateEd25519Signer } from '#adapters/local/ed25519-signer.ts';
import { checkpointChains } from '#core/pipeline/checkpoint.ts';
import { processBatch } from '#core/pipeline/process-batch.ts';
import { createBodySealer } from '#core/retention/body-sealer.ts';
import { requestErasure } from '#core/retention/governance.ts';
import { runPurge } from '#core/retention/purge.ts';
import { DEFAULT_RETENTION_RULES } from '#core/retention/rules.ts';
import { verifyArchive } from '#core/verify/verify-archive.ts';
import { awsWorld } from '#test/helpers/aws-world.ts';
import { silentLog } from '#test/helpers/silent-log.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { decisionEnvelope, processorDeps } from './support.ts';

const world = awsWorld();
let signerDir: string;

beforeAll(async () => {
  signerDir = await tempDir('purge-signer-');
});

afterAll(async () => {
  await removeDir(signerDir);
});

const SECRET = 'Quixotic-Pangolin-Lantern';

describe('purge on DynamoDB and S3', () => {
  it('erases one user and expired bodies: keys deleted, receipts written, archive clean', async () => {
    const { table, archive, ledger } = await world.newLedger();
    const keysTable = await world.newKeysTable();
    const keys = new DynamoBodyKeys({ client: world.db.client, table: keysTable });
    const sealer = await createBodySealer(DEFAULT_RETENTION_RULES, keys);
    const deps = { ...processorDeps(ledger, archive), sealer };
    const outcomes = await processBatch(
      [
        decisionEnvelope('d1', 'app', { metadata: { user_id: 'ann' }, note: SECRET }),
        decisionEnvelope('d2', 'app', { metadata: { user_id: 'bob' }, note: 'kept' }),
      ],
      deps,
    );
    expect(outcomes.map((o) => o.status)).toEqual(['recorded', 'recorded']);
    const items = await world.db.client.send(new ScanCommand({ TableName: table }));
    expect(JSON.stringify(items.Items)).not.toContain(SECRET);

    const now = deps.clock.now();
    const writer = { ledger, archive, clock: deps.clock };
    await requestErasure(
      { user_id: 'ann', reason: 'art. 17' },
      { ...writer, subjects: sealer.subjects },
    );
    const report = await runPurge({ now }, { ...writer, keys, log: silentLog });
    expect(report.purged).toBe(1);
    expect(report.chains).toMatchObject([{ chain: 'app', ranges: [[0, 0]] }]);
    expect((await runPurge({ now }, { ...writer, keys, log: silentLog })).purged).toBe(0);

    const signer = await loadOrCreateEd25519Signer(signerDir);
    await checkpointChains({ ...writer, signer, log: silentLog, logName: signer.keyName });
    const verified = await verifyArchive(archive, { bodyKeys: keys });
    expect(verified.faults).toEqual([]);
    expect(verified.purged).toMatchObject([{ chain: 'app', from: 0, to: 0, by: 2 }]);

    // Past the decision retention: the rest goes too.
    const later = new Date('2033-01-01T00:00:00Z');
    const expired = await runPurge({ now: later }, { ...writer, keys, log: silentLog });
    expect(expired.purged).toBe(1);
    expect(expired.by_rule).toEqual({ 'kind=decision': 1 });
  });
});
