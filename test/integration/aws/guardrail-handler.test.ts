import { KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoLedger } from '#adapters/aws/dynamo-ledger.ts';
import { S3Archive } from '#adapters/aws/s3-archive.ts';
import { guardrailRoute } from '#core/api/guardrail.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import { createPolicyEngine } from '#core/policy/create-engine.ts';
import { DEFAULT_POLICY_YAML, defaultPolicy } from '#core/policy/default-policy.ts';
import { callGuardrail } from '#core/policy/guardrail-call.ts';
import { createProcessor } from '#handlers/wiring/kinesis-processor.ts';
import { createRouteLambda } from '#handlers/wiring/route-lambda.ts';
import { awsWorld } from '#test/helpers/aws-world.ts';
import { createLedgerTable } from '#test/helpers/dynamodb-local.ts';
import { routeEvent } from '#test/helpers/route-event.ts';
import { silentLog } from '#test/helpers/silent-log.ts';
import { lambdaContext } from '#test/unit/handlers/context.ts';
import { kinesisEvent, kinesisRecord } from './kinesis.ts';
import { processorDeps } from './support.ts';

// Kinesis has no local engine here: the stream client is mocked where the real handler is
// exercised; the chaining itself runs through the real processor on DynamoDB Local + s3rver.
const kinesis = mockClient(KinesisClient);

const world = awsWorld();

beforeAll(async () => {
  await createLedgerTable(world.db.client, 'ledger');
});

afterAll(async () => {
  kinesis.restore();
});

beforeEach(() => {
  kinesis.reset();
  kinesis.on(PutRecordCommand).resolves({ ShardId: 'shardId-000000000000', SequenceNumber: '1' });
});

const CARD = '4111 1111 1111 1111';
const call = (body: unknown, requestId: string) =>
  routeEvent('guardrail', {
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' },
    requestId,
    requestTimeEpoch: Date.parse('2025-04-05T06:07:08.000Z'),
  });

describe('guardrail handler', () => {
  it('answers the policy decision and chains the evaluated call with the same decision', async () => {
    // Prepare
    const engine = createPolicyEngine(defaultPolicy());
    const ledger = new DynamoLedger({ client: world.db.client, table: 'ledger' });
    const deps = {
      ...processorDeps(ledger, new S3Archive({ client: world.s3.client, bucket: 'archive' })),
      policy: engine,
    };
    const stream: IntakeEnvelope[] = [];
    const guardrail = createRouteLambda(
      {
        guardrail: guardrailRoute((payload, request) => callGuardrail(payload, request, engine), {
          publish: async (envelopes) => void stream.push(...envelopes),
        }),
      },
      silentLog,
    );

    // Act
    const answer = await guardrail(
      call(
        { text: `charge my card ${CARD} please`, direction: 'input', application: 'shop' },
        'req-g1',
      ),
    );
    const chained = await createProcessor(deps)(
      kinesisEvent(stream.map((e) => kinesisRecord(e, 'shop'))),
    );

    // Assess
    expect(answer.statusCode).toBe(200);
    const body = JSON.parse(answer.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      decision: 'block',
      event_id: 'req-g1',
      policy_version: engine.version,
    });
    expect(body.redacted_text).not.toContain(CARD);
    expect(chained).toEqual({ batchItemFailures: [] });
    const record = await ledger.get('shop', 0);
    expect(record).toMatchObject({ event_id: 'req-g1', kind: 'inference' });
    expect(record?.policy.decision).toBe('block');
    expect(record?.policy.version).toBe(engine.version);
  });

  it('runs as the Lambda: puts the envelope on EVENT_STREAM keyed by chain, 400 without a put for bad input', async () => {
    // Prepare
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      POLICY: DEFAULT_POLICY_YAML,
      EVENT_STREAM: 'arn:aws:kinesis:eu-west-1:111122223333:stream/audit-events',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_TRACE_ENABLED: 'false',
    });
    const { handler } = await import('#handlers/guardrail.ts');
    const invoke = async (body: unknown, id: string) =>
      (await handler(call(body, id) as never, lambdaContext('guardrail'))) as APIGatewayProxyResult;

    // Act
    const ok = await invoke(
      {
        messages: [{ role: 'user', content: 'hello there' }],
        direction: 'input',
        event_id: 'evt-7',
      },
      'req-2',
    );
    const notJson = await invoke('{"text": ', 'req-3');
    const invalid = await invoke(
      { text: 'x', messages: [{ content: 'y' }], direction: 'sideways' },
      'req-4',
    );

    // Assess
    expect(ok.statusCode).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ decision: 'pass', event_id: 'evt-7' });
    const puts = kinesis.commandCalls(PutRecordCommand).map((c) => c.args[0].input);
    expect(puts).toHaveLength(1);
    expect(puts[0]).toMatchObject({
      StreamARN: 'arn:aws:kinesis:eu-west-1:111122223333:stream/audit-events',
      PartitionKey: 'guardrail',
    });
    const envelope = JSON.parse(new TextDecoder().decode(puts[0]?.Data)) as IntakeEnvelope;
    expect(envelope).toMatchObject({
      v: 1,
      route: 'guardrail',
      request_id: 'req-2',
      received_at: '2025-04-05T06:07:08.000Z',
    });
    expect(notJson.statusCode).toBe(400);
    expect(invalid.statusCode).toBe(400);
    expect(JSON.parse(invalid.body)).toMatchObject({ error: 'invalid_request' });
  });
});
