import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { APIGatewayProxyResult, KinesisStreamBatchResponse } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoBodyKeys } from '#adapters/aws/dynamo-body-keys.ts';
import { DynamoLedger } from '#adapters/aws/dynamo-ledger.ts';
import { S3Archive } from '#adapters/aws/s3-archive.ts';
import { quarantineKey, segmentKey } from '#core/archive/layout.ts';
import { checkRecord } from '#core/chain/hash.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import { DEFAULT_POLICY_YAML } from '#core/policy/default-policy.ts';
import { openRecord } from '#core/retention/open-record.ts';
import { createProcessor } from '#handlers/wiring/kinesis-processor.ts';
import type { ArchivePort } from '#ports/archive.ts';
import { awsWorld } from '#test/helpers/aws-world.ts';
import { collect } from '#test/helpers/collect.ts';
import { createBodyKeysTable, createLedgerTable } from '#test/helpers/dynamodb-local.ts';
import { routeEvent } from '#test/helpers/route-event.ts';
import { lambdaContext } from '#test/unit/handlers/context.ts';
import { kinesisEvent, kinesisRecord } from './kinesis.ts';
import { decisionEnvelope, processorDeps } from './support.ts';

// EventBridge has no local implementation: its client is mocked; DynamoDB and S3 are real.
const eventBridge = mockClient(EventBridgeClient);

const world = awsWorld();
const TABLE = 'ledger';
const BUCKET = 'archive';
const KEYS_TABLE = 'body-keys';

beforeAll(async () => {
  await createLedgerTable(world.db.client, TABLE, { chainsIndex: 'chains', searchIndexes: true });
  await createBodyKeysTable(world.db.client, KEYS_TABLE);
  // The handlers read their configuration at cold start: set it before importing them.
  Object.assign(
    process.env,
    world.handlerEnv(
      { ledger: TABLE, keys: KEYS_TABLE },
      { GIVE_UP_AFTER_SECONDS: '3600', ALERTS_BUS: 'audit-alerts', POLICY: DEFAULT_POLICY_YAML },
    ),
  );
});

afterAll(async () => {
  eventBridge.restore();
});

beforeEach(() => {
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries?: unknown[] }) => ({
    FailedEntryCount: 0,
    Entries: (input.Entries ?? []).map((_, i) => ({ EventId: `ev-${i}` })),
  }));
});

const ledger = () => new DynamoLedger({ client: world.db.client, table: TABLE });
const keys = () => new DynamoBodyKeys({ client: world.db.client, table: KEYS_TABLE });
const archive = () => new S3Archive({ client: world.s3.client, bucket: BUCKET });

describe('processor handler (Kinesis → DynamoDB Local + s3rver)', () => {
  it('records a real Kinesis batch over several partition keys, rejects undecodable data, reports no failures', async () => {
    // Prepare
    const { handler } = await import('#handlers/processor.ts');
    const card = '4111 1111 1111 1111';
    const records = [
      kinesisRecord(decisionEnvelope('k-1', 'loans'), 'loans'),
      kinesisRecord(decisionEnvelope('k-2', 'support'), 'support'),
      kinesisRecord('{"not": "an envelope", ', 'loans', { raw: true }),
      kinesisRecord(
        decisionEnvelope('k-3', 'loans', {
          output: { decision: 'deny', reason: `card ${card} on file` },
        }),
        'loans',
      ),
      kinesisRecord(decisionEnvelope('k-1', 'loans'), 'loans'),
    ];

    // Act
    const response = (await handler(
      kinesisEvent(records),
      lambdaContext('processor'),
    )) as KinesisStreamBatchResponse;

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    const loans = await collect(ledger().range('loans', 0, 99));
    expect(loans.map((r) => [r.seq, r.kind, r.event_id])).toEqual([
      [0, 'decision', 'k-1'],
      [1, 'decision', 'k-3'],
    ]);
    expect(loans.every((r) => checkRecord(r).hash)).toBe(true);
    expect(loans[1]?.policy.decision).toBe('block');
    expect(JSON.stringify(loans[1]?.policy.findings)).not.toContain(card);
    const support = await collect(ledger().range('support', 0, 99));
    expect(support.map((r) => r.event_id)).toEqual(['k-2']);
    const rejected = await ledger().locate([`rejected:kinesis:${records[2]?.eventID}`]);
    const where = [...rejected.values()][0];
    const rejectedRecord = where ? await ledger().get(where.chain, where.seq) : undefined;
    expect(rejectedRecord?.kind).toBe('rejected');
    const quarantined = await archive().get(
      quarantineKey('2025-02-03', `kinesis:${records[2]?.eventID}`),
    );
    // Layout v2: the raw bytes are kept only sealed (they go with the rejected records' period).
    expect(new TextDecoder().decode(quarantined)).not.toContain('an envelope');
    expect(JSON.parse(new TextDecoder().decode(quarantined))).toMatchObject({ v: 2 });
    expect(loans.every((r) => r.body === undefined && r.body_enc?.v === 2)).toBe(true);
    expect(await archive().get(segmentKey('loans', 0))).toBeDefined();
    const alerts = eventBridge
      .commandCalls(PutEventsCommand)
      .flatMap((c) => c.args[0].input.Entries ?? []);
    expect(alerts.map((e) => [e.DetailType, JSON.parse(e.Detail ?? '{}').event_id])).toEqual([
      ['PolicyViolation', 'k-3'],
    ]);
    expect(alerts[0]?.Detail).not.toContain(card);
  });

  it('reports the failed records of a partial failure by sequence number, and the retry converges', async () => {
    // Prepare
    const real = archive();
    let broken = true;
    const flaky: ArchivePort = {
      put: async (key, bytes, options) => {
        if (broken && key.startsWith('chains/flaky/')) throw new Error('S3 throttled');
        return real.put(key, bytes, options);
      },
      get: (key) => real.get(key),
      list: (prefix) => real.list(prefix),
      stream: (key) => real.stream(key),
    };
    const processor = createProcessor(processorDeps(ledger(), flaky));
    const records = [
      kinesisRecord(decisionEnvelope('p-1', 'steady'), 'steady'),
      kinesisRecord(decisionEnvelope('p-2', 'flaky'), 'flaky'),
      kinesisRecord(decisionEnvelope('p-3', 'steady'), 'steady'),
      kinesisRecord(decisionEnvelope('p-4', 'flaky'), 'flaky'),
    ];

    // Act
    const first = await processor(kinesisEvent(records));
    broken = false;
    // Lambda resumes the shard at the lowest failed sequence number: records 1..3 again.
    const redelivered = records.slice(1);
    const second = await processor(kinesisEvent(redelivered));

    // Assess
    expect(first).toEqual({
      batchItemFailures: [
        { itemIdentifier: records[1]?.kinesis.sequenceNumber },
        { itemIdentifier: records[3]?.kinesis.sequenceNumber },
      ],
    });
    expect(second).toEqual({ batchItemFailures: [] });
    const flakyChain = await collect(ledger().range('flaky', 0, 99));
    expect(flakyChain.map((r: LedgerRecord) => r.event_id)).toEqual(['p-2', 'p-4']);
    expect(await collect(ledger().range('steady', 0, 99))).toHaveLength(2);
    expect(await ledger().meta('flaky')).toMatchObject({ archived_through: 1 });
  });

  it('answers GET /v1/events/{event_id} with the stored record (body opened), 404 when unknown', async () => {
    // Prepare
    const { handler } = await import('#handlers/query.ts');
    const processor = (await import('#handlers/processor.ts')).handler;
    await processor(
      kinesisEvent([kinesisRecord(decisionEnvelope('q-1', 'query'), 'query')]),
      lambdaContext('processor'),
    );
    const get = async (eventId: string | undefined) =>
      (await handler(
        routeEvent('get_event', {
          params: eventId === undefined ? null : { event_id: eventId },
          requestId: 'req-q',
        }),
        lambdaContext('query'),
      )) as APIGatewayProxyResult;

    // Act
    const found = await get('q-1');
    const missing = await get('nope');
    const bad = await get(undefined);

    // Assess
    expect(found.statusCode).toBe(200);
    const { record, view } = JSON.parse(found.body) as { record: LedgerRecord; view: string };
    expect(view).toBe('redacted');
    const stored = await ledger().get('query', 0);
    expect(stored?.body).toBeUndefined();
    const opened = await openRecord(stored as LedgerRecord, keys());
    expect(opened.body).toMatchObject({ decision_id: 'q-1' });
    expect(record.body).toMatchObject({ decision_id: 'q-1' });
    expect(record).toMatchObject({ chain: 'query', seq: 0, event_id: 'q-1', kind: 'decision' });
    expect(found.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8' });
    expect(missing.statusCode).toBe(404);
    expect(JSON.parse(missing.body)).toEqual({
      error: 'not_found',
      message: 'no record for this event id (yet)',
    });
    // API Gateway never routes a missing path parameter here; an empty id finds nothing.
    expect(bad.statusCode).toBe(404);
  });
});

describe('handler configuration', () => {
  it('fails the cold start loudly, naming a missing variable', async () => {
    // Prepare
    const { processorDepsFromEnv } = await import('#handlers/wiring/processor-deps.ts');
    const { MissingConfigError, InvalidConfigError } = await import('#handlers/wiring/config.ts');
    const env = {
      LEDGER_TABLE: 't',
      ARCHIVE_BUCKET: 'b',
      ARCHIVE_RETENTION_DAYS: '30',
      GIVE_UP_AFTER_SECONDS: '3600',
    };

    // Act + Assess
    expect(() => processorDepsFromEnv({ ...env, ALERTS_BUS: 'x', BODY_KEYS_TABLE: '' })).toThrow(
      new MissingConfigError('BODY_KEYS_TABLE'),
    );
    const keyed = { ...env, BODY_KEYS_TABLE: 'k' };
    expect(() => processorDepsFromEnv(keyed)).toThrow(new MissingConfigError('ALERTS_BUS'));
    expect(() =>
      processorDepsFromEnv({
        ...keyed,
        ALERTS_BUS: 'x',
        RETENTION_RULES: '{"retentionDays":{"decision":0}}',
      }),
    ).toThrow(InvalidConfigError);
    expect(() =>
      processorDepsFromEnv({ ...keyed, ALERTS_BUS: 'x', ARCHIVE_RETENTION_DAYS: '0' }),
    ).toThrow(InvalidConfigError);
    expect(() => processorDepsFromEnv({ ...keyed, ALERTS_BUS: 'x', LEDGER_TABLE: ' ' })).toThrow(
      new MissingConfigError('LEDGER_TABLE'),
    );
  });
});
