import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoLedger } from '#adapters/aws/dynamo-ledger.ts';
import { S3Archive } from '#adapters/aws/s3-archive.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import { createProcessor } from '#handlers/wiring/kinesis-processor.ts';
import { awsWorld } from '#test/helpers/aws-world.ts';
import { createLedgerTable } from '#test/helpers/dynamodb-local.ts';
import { routeEvent } from '#test/helpers/route-event.ts';
import { lambdaContext } from '#test/unit/handlers/context.ts';
import { kinesisEvent, kinesisRecord } from './kinesis.ts';
import { processorDeps } from './support.ts';

// Kinesis has no local engine here: PutRecords is mocked; what the handler put is then
// chained by the real processor on DynamoDB Local + s3rver.
const kinesis = mockClient(KinesisClient);
const world = awsWorld();

beforeAll(async () => {
  await createLedgerTable(world.db.client, 'ledger');
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    EVENT_STREAM: 'audit-events',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_TRACE_ENABLED: 'false',
  });
});

afterAll(async () => {
  kinesis.restore();
});

beforeEach(() => {
  kinesis.reset();
  kinesis.on(PutRecordsCommand).resolves({ FailedRecordCount: 0, Records: [] });
});

/** A GenAI span inside an HTTP span, made by the OpenTelemetry JS SDK. */
const sdkSpans = () => {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'claims-bot' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  const tracer = provider.getTracer('app');
  const http = tracer.startSpan('POST /claims');
  tracer
    .startSpan(
      'chat gpt-4o',
      {
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.prompt': 'Summarise claim 42',
          'gen_ai.completion': 'Claim 42: water damage, approved.',
        },
      },
      trace.setSpan(ROOT_CONTEXT, http),
    )
    .end();
  http.end();
  return memory.getFinishedSpans();
};

const apiEvent = (body: Uint8Array, contentType: string, accept?: string) =>
  routeEvent('otlp_traces', {
    body: Buffer.from(body).toString(contentType === 'application/json' ? 'utf8' : 'base64'),
    isBase64Encoded: contentType !== 'application/json',
    headers: { 'Content-Type': contentType, ...(accept === undefined ? {} : { Accept: accept }) },
    requestId: 'req-otlp',
    requestTimeEpoch: Date.parse('2025-04-05T06:07:08Z'),
  });

const invoke = async (event: ReturnType<typeof apiEvent>) => {
  const { handler } = await import('#handlers/otlp-traces.ts');
  return (await handler(event as never, lambdaContext('otlp-traces'))) as APIGatewayProxyResult;
};

const putEnvelopes = (): IntakeEnvelope[] =>
  kinesis
    .commandCalls(PutRecordsCommand)
    .flatMap((c) => c.args[0].input.Records ?? [])
    .map((r) => JSON.parse(new TextDecoder().decode(r.Data)) as IntakeEnvelope);

describe('OTLP traces handler', () => {
  it('puts each GenAI span of a protobuf export on the stream; the processor records it', async () => {
    const spans = sdkSpans();
    const answer = await invoke(
      apiEvent(
        ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array,
        'application/x-protobuf',
      ),
    );

    expect(answer.statusCode).toBe(200);
    expect(answer.headers).toMatchObject({
      'x-otlp-accepted-spans': '1',
      'x-otlp-ignored-spans': '1',
    });
    // Without Accept: application/x-protobuf, API Gateway could not send binary back: the
    // answer is the empty ExportTraceServiceResponse (success).
    expect(answer.body).toBe('');
    const calls = kinesis.commandCalls(PutRecordsCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toMatchObject({
      StreamName: 'audit-events',
      Records: [{ PartitionKey: 'claims-bot' }],
    });
    const [envelope] = putEnvelopes();
    const chat = spans.find((s) => s.name.startsWith('chat'));
    const eventId = `otel:${chat?.spanContext().traceId}:${chat?.spanContext().spanId}`;
    expect(envelope).toMatchObject({ route: 'otlp', request_id: 'req-otlp:0' });

    const ledger = new DynamoLedger({ client: world.db.client, table: 'ledger' });
    const processed = await createProcessor(
      processorDeps(ledger, new S3Archive({ client: world.s3.client, bucket: 'archive' })),
    )(kinesisEvent([kinesisRecord(envelope, 'claims-bot')]));
    expect(processed).toEqual({ batchItemFailures: [] });
    const record = await ledger.get('claims-bot', 0);
    expect(record).toMatchObject({ event_id: eventId, kind: 'inference' });
    expect(record?.body).toMatchObject({
      input: { messages: [{ role: 'user', content: 'Summarise claim 42' }] },
      output: { content: 'Claim 42: water damage, approved.' },
    });
  });

  it('answers JSON in JSON, protobuf in binary when accepted, and 503 when Kinesis refuses a record', async () => {
    const spans = sdkSpans();
    const json = await invoke(
      apiEvent(JsonTraceSerializer.serializeRequest(spans) as Uint8Array, 'application/json'),
    );
    expect(json.statusCode).toBe(200);
    expect(JSON.parse(json.body)).toMatchObject({ accepted_spans: 1, ignored_spans: 1 });

    const binary = await invoke(
      apiEvent(
        ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array,
        'application/x-protobuf',
        'application/x-protobuf',
      ),
    );
    expect(binary.isBase64Encoded).toBe(true);
    const response = ProtobufTraceSerializer.deserializeResponse(
      Buffer.from(binary.body, 'base64'),
    );
    expect(response.partialSuccess?.errorMessage).toContain('ignored');

    kinesis.on(PutRecordsCommand).resolves({ FailedRecordCount: 1, Records: [] });
    const unavailable = await invoke(
      apiEvent(JsonTraceSerializer.serializeRequest(spans) as Uint8Array, 'application/json'),
    );
    expect(unavailable.statusCode).toBe(503);
    expect(JSON.parse(unavailable.body)).toMatchObject({ error: 'unavailable' });
    const refused = await invoke(apiEvent(new TextEncoder().encode('x'), 'text/plain'));
    expect(refused.statusCode).toBe(415);
  });
});
