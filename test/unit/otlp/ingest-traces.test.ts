import { describe, expect, it } from 'vitest';
import { ingestTraces } from '#core/otlp/ingest-traces.ts';
import type { OtlpKeyValue, OtlpSpan } from '#core/otlp/otlp-types.ts';

const TRACE = '5b8efff798038103d269b633813fc60c';
const attrs = (values: Record<string, string | number>): OtlpKeyValue[] =>
  Object.entries(values).map(([key, v]) => ({
    key,
    value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v },
  }));
const span = (spanId: string, attributes: Record<string, string | number>): OtlpSpan => ({
  traceId: TRACE,
  spanId,
  name: 'span',
  startTimeUnixNano: '1700000000000000000',
  endTimeUnixNano: '1700000000250000000',
  attributes: attrs(attributes),
});
const ingest = (...spans: OtlpSpan[]) =>
  ingestTraces(
    {
      resourceSpans: [
        {
          resource: { attributes: attrs({ 'service.name': 'svc' }) },
          scopeSpans: [{ spans }],
        },
      ],
    },
    { requestId: 'req', receivedAt: '2026-01-01T00:00:00.000Z' },
  );

describe('ingestTraces', () => {
  it('reads the indexed prompt/completion form (OpenLLMetry) and the older usage names', () => {
    const { envelopes } = ingest(
      span('00f067aa0ba902b7', {
        'gen_ai.system': 'openai',
        'gen_ai.request.model': 'gpt-4',
        'gen_ai.prompt.0.role': 'user',
        'gen_ai.prompt.0.content': 'hello',
        'gen_ai.completion.0.role': 'assistant',
        'gen_ai.completion.0.content': 'hi there',
        'gen_ai.usage.prompt_tokens': 3,
      }),
    );
    expect(envelopes[0]?.payload).toMatchObject({
      event_id: `otel:${TRACE}:00f067aa0ba902b7`,
      application_id: 'svc',
      timestamp: '2023-11-14T22:13:20.000Z',
      latency_ms: 250,
      input: { messages: [{ role: 'user', content: 'hello' }] },
      output: { content: 'hi there' },
      usage: { prompt_tokens: 3 },
    });
  });

  it('records a GenAI span without captured content, and counts ignored and rejected spans', () => {
    const intake = ingest(
      span('00f067aa0ba902b7', { 'gen_ai.operation.name': 'embeddings' }),
      span('1111111111111111', { 'http.request.method': 'GET' }),
      { ...span('', { 'gen_ai.operation.name': 'chat' }), spanId: 'zz' },
    );
    expect(intake.envelopes.map((e) => e.payload)).toEqual([
      expect.objectContaining({ input: { messages: [] } }),
    ]);
    expect(intake.response).toMatchObject({
      accepted_spans: 1,
      ignored_spans: 1,
      rejected_spans: 1,
      partialSuccess: { rejectedSpans: 1 },
    });
    expect(intake.envelopes[0]?.request_id).toBe('req:0');
  });

  it('answers no partialSuccess when every span was recorded', () => {
    const intake = ingest(span('00f067aa0ba902b7', { 'gen_ai.operation.name': 'chat' }));
    expect(intake.response.partialSuccess).toBeUndefined();
  });
});
