import { type Attributes, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DevRuntime } from '#handlers/wiring/dev-runtime.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import {
  readLedger,
  startTestRuntime,
  verifyDataDir,
  waitForRecord,
} from './support/dev-harness.ts';
import { bearer, call } from './support/http-client.ts';

const CHAT: Attributes = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o-mini',
  'gen_ai.request.temperature': 0.3,
  'gen_ai.request.max_tokens': 256,
  'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
  'gen_ai.response.id': 'chatcmpl-123',
  'gen_ai.response.finish_reasons': ['stop'],
  'gen_ai.usage.input_tokens': 42,
  'gen_ai.usage.output_tokens': 12,
  'gen_ai.input.messages': JSON.stringify([
    { role: 'user', parts: [{ type: 'text', content: 'Is my loan approved?' }] },
  ]),
  'gen_ai.output.messages': JSON.stringify([
    {
      role: 'assistant',
      parts: [{ type: 'text', content: 'Yes, it was approved today.' }],
      finish_reason: 'stop',
    },
  ]),
};

/** Spans made by the OpenTelemetry JS SDK: a GenAI chat span inside an HTTP server span. */
const makeSpans = (build: (tracer: ReturnType<TracerProvider['getTracer']>) => void) => {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'loan-assistant' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  build(provider.getTracer('test-app', '1.0.0'));
  return memory.getFinishedSpans();
};

const chatInsideHttp = () =>
  makeSpans((tracer) => {
    const http = tracer.startSpan('GET /loan', { kind: SpanKind.SERVER });
    const parent = trace.setSpan(ROOT_CONTEXT, http);
    tracer.startSpan('chat gpt-4o-mini', { kind: SpanKind.CLIENT, attributes: CHAT }, parent).end();
    http.setAttribute('http.request.method', 'GET');
    http.end();
  });

/** Sends spans with one of the SDK's OTLP exporters and answers its export result. */
const exportWith = (exporter: SpanExporter, spans: ReadableSpan[]) =>
  new Promise<{ code: ExportResultCode; error?: Error }>((resolve) => {
    exporter.export(spans, resolve);
  });

const idsOf = (span: ReadableSpan) => {
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId, eventId: `otel:${traceId}:${spanId}` };
};

describe('POST /v1/traces (OTLP/HTTP)', () => {
  let dataDir: string;
  let runtime: DevRuntime;

  beforeEach(async () => {
    dataDir = await tempDir('audit-trail-otlp-');
    runtime = await startTestRuntime(dataDir);
  });
  afterEach(async () => {
    await runtime.stop();
    await removeDir(dataDir);
  });

  const options = () => ({
    url: `${runtime.url}/v1/traces`,
    headers: { authorization: `Bearer ${runtime.apiKey.key}` },
  });

  it('records a GenAI span sent by the SDK http/json exporter, and ignores the HTTP span', async () => {
    const spans = chatInsideHttp();
    const chat = spans.find((s) => s.name.startsWith('chat')) as ReadableSpan;
    const exporter = new JsonExporter(options());
    const result = await exportWith(exporter, spans);
    await exporter.shutdown();
    expect(result.code).toBe(ExportResultCode.SUCCESS);

    const { traceId, spanId, eventId } = idsOf(chat);
    const record = await waitForRecord(runtime.url, runtime.apiKey.key, eventId);
    expect(record).toMatchObject({ kind: 'inference', chain: 'loan-assistant' });
    expect(record.body).toMatchObject({
      model: {
        provider: 'openai',
        name: 'gpt-4o-mini-2024-07-18',
        requested: 'gpt-4o-mini',
        parameters: { temperature: 0.3, max_tokens: 256 },
      },
      input: {
        messages: [{ role: 'user', parts: [{ type: 'text', content: 'Is my loan approved?' }] }],
      },
      output: { content: 'Yes, it was approved today.', finish_reasons: ['stop'] },
      usage: { input_tokens: 42, output_tokens: 12 },
      response_id: 'chatcmpl-123',
      otel: {
        trace_id: traceId,
        span_id: spanId,
        parent_span_id: chat.parentSpanContext?.spanId,
        operation: 'chat',
      },
    });
    await runtime.stop();
    const records = [...(await readLedger(dataDir)).values()].flat();
    expect(records.map((r) => r.event_id)).toEqual([eventId]);
    expect((await verifyDataDir(dataDir)).ok).toBe(true);
  });

  it('records a span with message and choice events sent by the http/protobuf exporter', async () => {
    const spans = makeSpans((tracer) => {
      const span = tracer.startSpan('chat claude', {
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.system': 'anthropic',
          'gen_ai.request.model': 'claude-3-5-haiku',
          'gen_ai.usage.input_tokens': 9,
          'gen_ai.usage.output_tokens': 4,
        },
      });
      span.addEvent('gen_ai.system.message', { content: 'Be brief.' });
      span.addEvent('gen_ai.user.message', { content: 'Capital of France?' });
      span.addEvent('gen_ai.choice', {
        index: 0,
        finish_reason: 'stop',
        message: JSON.stringify({ role: 'assistant', content: 'Paris.' }),
      });
      span.end();
    });
    const exporter = new ProtoExporter(options());
    const result = await exportWith(exporter, spans);
    await exporter.shutdown();
    expect(result.code).toBe(ExportResultCode.SUCCESS);

    const record = await waitForRecord(
      runtime.url,
      runtime.apiKey.key,
      idsOf(spans[0] as ReadableSpan).eventId,
    );
    expect(record.body).toMatchObject({
      model: { provider: 'anthropic', name: 'claude-3-5-haiku' },
      input: {
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Capital of France?' },
        ],
      },
      output: { content: 'Paris.' },
      usage: { input_tokens: 9, output_tokens: 4 },
    });
  });

  it('answers each encoding in kind, counting ignored spans', async () => {
    const spans = chatInsideHttp();
    const json = await call(runtime.url, '/v1/traces', {
      method: 'POST',
      headers: { ...bearer(runtime.apiKey.key), 'content-type': 'application/json' },
      body: JsonTraceSerializer.serializeRequest(spans) as Uint8Array,
    });
    expect(json.status).toBe(200);
    expect(json.json).toMatchObject({
      accepted_spans: 1,
      ignored_spans: 1,
      rejected_spans: 0,
      partialSuccess: { rejectedSpans: 0 },
    });
    expect(json.json.partialSuccess.errorMessage).toContain('1 spans without gen_ai');

    const proto = await fetch(`${runtime.url}/v1/traces`, {
      method: 'POST',
      headers: { ...bearer(runtime.apiKey.key), 'content-type': 'application/x-protobuf' },
      body: ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array<ArrayBuffer>,
    });
    expect(proto.status).toBe(200);
    expect(proto.headers.get('content-type')).toBe('application/x-protobuf');
    const answer = ProtobufTraceSerializer.deserializeResponse(
      new Uint8Array(await proto.arrayBuffer()),
    );
    expect(Number(answer.partialSuccess?.rejectedSpans ?? 0)).toBe(0);
    expect(answer.partialSuccess?.errorMessage).toContain('ignored');
  });

  it('refuses other content types (415), bytes that are not OTLP (400), and no key (401)', async () => {
    const post = (type: string, body: string | Uint8Array, key = runtime.apiKey.key) =>
      call(runtime.url, '/v1/traces', {
        method: 'POST',
        headers: { ...bearer(key), 'content-type': type },
        body,
      });
    expect((await post('text/plain', 'hello')).status).toBe(415);
    expect((await post('application/x-protobuf', new Uint8Array([0x0a, 0xff, 0xff]))).status).toBe(
      400,
    );
    expect((await post('application/json', '{"resourceSpans": 3}')).status).toBe(400);
    expect((await post('application/json', '{}', 'wrong-key')).status).toBe(401);
  });
});
