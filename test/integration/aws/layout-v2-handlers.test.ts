/**
 * Layout v2 end to end through the AWS handlers (DynamoDB Local + s3rver; EventBridge
 * mocked): the processor Lambda seals bodies and quarantined bytes with keys in the body-key
 * table, the query Lambda opens them, the purge Lambda's steps (plan → receipt per chain →
 * finish) destroy the keys of an erased user and of expired periods, after which the bodies
 * are unreadable everywhere and the archive verifies clean, naming the receipt.
 */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { APIGatewayProxyResult, KinesisStreamBatchResponse } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoBodyKeys } from '#adapters/aws/dynamo-body-keys.ts';
import { DynamoLedger } from '#adapters/aws/dynamo-ledger.ts';
import { S3Archive } from '#adapters/aws/s3-archive.ts';
import { loadOrCreateEd25519Signer } from '#adapters/local/ed25519-signer.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import { checkpointChains } from '#core/pipeline/checkpoint.ts';
import { DEFAULT_POLICY_YAML } from '#core/policy/default-policy.ts';
import { createBodySealer } from '#core/retention/body-sealer.ts';
import { requestErasure } from '#core/retention/governance.ts';
import type { ChainPurge } from '#core/retention/purge.ts';
import { DEFAULT_RETENTION_RULES } from '#core/retention/rules.ts';
import { verifyArchive } from '#core/verify/verify-archive.ts';
import { systemClock } from '#ports/clock.ts';
import { awsWorld } from '#test/helpers/aws-world.ts';
import { createBodyKeysTable, createLedgerTable } from '#test/helpers/dynamodb-local.ts';
import { routeEvent } from '#test/helpers/route-event.ts';
import { silentLog } from '#test/helpers/silent-log.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { lambdaContext } from '#test/unit/handlers/context.ts';
import { kinesisEvent, kinesisRecord } from './kinesis.ts';
import { decisionEnvelope } from './support.ts';

const eventBridge = mockClient(EventBridgeClient);

const world = awsWorld();
let signerDir: string;
const TABLE = 'ledger';
const KEYS = 'body-keys';
const BUCKET = 'archive';

beforeAll(async () => {
  await createLedgerTable(world.db.client, TABLE, { chainsIndex: 'chains', searchIndexes: true });
  await createBodyKeysTable(world.db.client, KEYS);
  signerDir = await tempDir('v2-handlers-');
  Object.assign(
    process.env,
    world.handlerEnv(
      { ledger: TABLE, keys: KEYS },
      { GIVE_UP_AFTER_SECONDS: '3600', ALERTS_BUS: 'audit-alerts', POLICY: DEFAULT_POLICY_YAML },
    ),
  );
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
});

afterAll(async () => {
  eventBridge.restore();
  await removeDir(signerDir);
});

const ERASED = 'Quillwort-Marmoset-Tangent';
const KEPT = 'Bramble-Osprey-Lattice';
const QUARANTINED = 'Thistle-Narwhal-Cobalt';

/** Everything the product keeps on AWS as text: every ledger and key item, every object. */
const everything = async (): Promise<string> => {
  const items = await world.db.client.send(new ScanCommand({ TableName: TABLE }));
  const keys = await world.db.client.send(new ScanCommand({ TableName: KEYS }));
  const archive = new S3Archive({ client: world.s3.client, bucket: BUCKET });
  const objects: string[] = [];
  for await (const key of archive.list('')) {
    objects.push(new TextDecoder().decode(await archive.get(key)));
  }
  return [JSON.stringify(items.Items), JSON.stringify(keys.Items), ...objects].join('\n');
};

describe('layout v2 through the AWS handlers', () => {
  it('seals at ingest, opens on read, erases and expires through the purge steps, verifies clean', async () => {
    // Prepare
    const processor = (await import('#handlers/processor.ts')).handler;
    const query = (await import('#handlers/query.ts')).handler;
    const { purgeStep } = await import('#handlers/purge.ts');
    const ledger = new DynamoLedger({ client: world.db.client, table: TABLE });
    const archive = new S3Archive({ client: world.s3.client, bucket: BUCKET });
    const keys = new DynamoBodyKeys({ client: world.db.client, table: KEYS });
    const get = async (eventId: string) => {
      const answer = (await query(
        routeEvent('get_event', { params: { event_id: eventId } }) as never,
        lambdaContext('query'),
      )) as APIGatewayProxyResult;
      return (JSON.parse(answer.body) as { record: LedgerRecord }).record;
    };
    const purge = async (now: Date) => {
      const plan = (await purgeStep({ step: 'plan', now: now.toISOString() })) as unknown as {
        run_id: string;
        chains: ChainPurge[];
      };
      for (const item of plan.chains) {
        await purgeStep({ step: 'chain', item, run_id: plan.run_id, now: now.toISOString() });
      }
      return (await purgeStep({ step: 'finish', now: now.toISOString() })) as {
        purged: number;
        keys_destroyed: number;
        by_rule: Record<string, number>;
      };
    };

    // Act: ingest
    const broken = kinesisRecord(`{"broken": "${QUARANTINED}"`, 'loans', { raw: true });
    const response = (await processor(
      kinesisEvent([
        kinesisRecord(
          decisionEnvelope('ann-1', 'loans', { metadata: { user_id: 'ann' }, note: ERASED }),
          'loans',
        ),
        kinesisRecord(
          decisionEnvelope('bob-1', 'loans', { metadata: { user_id: 'bob' }, note: KEPT }),
          'loans',
        ),
        broken,
      ]),
      lambdaContext('processor'),
    )) as KinesisStreamBatchResponse;

    // Assess: stored sealed everywhere, opened for readers
    expect(response.batchItemFailures).toEqual([]);
    const stored = await everything();
    for (const secret of [ERASED, KEPT, QUARANTINED]) expect(stored).not.toContain(secret);
    const loans = [];
    for await (const r of ledger.range('loans', 0, 9)) loans.push(r);
    const rejectedId = `rejected:kinesis:${broken.eventID}`;
    const where = (await ledger.locate([rejectedId])).get(rejectedId);
    const rejected = where && (await ledger.get(where.chain, where.seq));
    expect(
      [...loans, rejected].map((r) => [r?.kind, r?.body === undefined, r?.body_enc?.v]),
    ).toEqual([
      ['decision', true, 2],
      ['decision', true, 2],
      ['rejected', true, 2],
    ]);
    expect(loans[0]?.retention).toMatchObject({ rule: 'kind=decision' });
    expect(rejected?.retention).toMatchObject({ rule: 'kind=rejected' });
    expect(JSON.stringify((await get('ann-1')).body)).toContain(ERASED);

    // Act: erase ann (the governance route is local-only: its core function), purge now
    const sealer = await createBodySealer(DEFAULT_RETENTION_RULES, keys);
    const writer = { ledger, archive, clock: systemClock };
    await requestErasure(
      { user_id: 'ann', reason: 'art. 17' },
      { ...writer, subjects: sealer.subjects },
    );
    const now = new Date();
    const erased = await purge(now);

    // Assess: ann's body unreadable, bob's kept, receipt written, a rerun purges nothing
    expect(erased.purged).toBe(1);
    expect((await get('ann-1')).body).toBeUndefined();
    expect(JSON.stringify((await get('bob-1')).body)).toContain(KEPT);
    expect((await purge(now)).purged).toBe(0);
    const receipt = (await ledger.head('loans')).seq;
    expect((await ledger.get('loans', receipt))?.kind).toBe('purge');
    const signer = await loadOrCreateEd25519Signer(signerDir);
    await checkpointChains({ ...writer, signer, log: silentLog, logName: signer.keyName });
    const verified = await verifyArchive(archive, { bodyKeys: keys });
    expect(verified.faults).toEqual([]);
    expect(verified.purged).toContainEqual(
      expect.objectContaining({ chain: 'loans', from: 0, to: 0, by: receipt }),
    );

    // Act: past the rejected retention (90 days): the quarantined bytes' period key goes
    const later = new Date(now.getTime() + 100 * 86_400_000);
    const expired = await purge(later);

    // Assess
    expect(expired.by_rule).toMatchObject({ 'kind=rejected': 1 });
    expect(await keys.ids('p/kind=rejected/')).toEqual([]);
    expect(await keys.ids('p/kind=decision/')).not.toEqual([]);
    await checkpointChains({ ...writer, signer, log: silentLog, logName: signer.keyName });
    const after = await verifyArchive(archive, { bodyKeys: keys });
    expect(after.faults).toEqual([]);
    expect(after.purged).toContainEqual(expect.objectContaining({ chain: where?.chain }));
    expect(await everything()).not.toContain(ERASED);
  });
});
