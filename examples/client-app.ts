/**
 * An app that logs to the audit trail four ways: direct logging, OpenAI, LangChain.js and
 * OpenTelemetry GenAI spans over OTLP. Start the server, then run the app:
 *
 *   npm start                              # in one terminal
 *   node examples/client-app.ts            # in another (Node 22.18+, from the repo root)
 *
 * Reads AUDIT_TRAIL_URL (default http://127.0.0.1:8787) and AUDIT_TRAIL_API_KEY (default:
 * the key `npm start` wrote to ./.audit-trail/api-key). With OPENAI_API_KEY set the OpenAI
 * part calls OpenAI; without it, a canned completion stands in, so the example runs offline.
 */
import { readFile } from 'node:fs/promises';
import { AuditTrailClient } from '@ai-audit-trail/client';
import { AuditTrailCallbackHandler } from '@ai-audit-trail/client/langchain';
import { auditOpenAI } from '@ai-audit-trail/client/openai';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import OpenAI from 'openai';

const endpoint = process.env.AUDIT_TRAIL_URL ?? 'http://127.0.0.1:8787';
const apiKey =
  process.env.AUDIT_TRAIL_API_KEY ?? (await readFile('.audit-trail/api-key', 'utf8')).trim();

// 1. The client: three lines, and logging never makes the app wait.
const audit = new AuditTrailClient({ endpoint, apiKey, application: 'example_app' });
const eventId = audit.logEvent({
  model: { provider: 'local', name: 'rules-v1' },
  input: { messages: [{ role: 'user', content: 'Can I raise my card limit?' }] },
  output: { content: 'Your limit can be raised to 5,000 EUR.' },
});
const decisionId = audit.logDecision({
  use_case: 'credit_limit',
  inputs: { income: 52_000, current_limit: 2_000 },
  output: { decision: 'approve', reason: 'income above threshold' },
});
audit.logOutcome({ decision_id: decisionId, outcome: 'repaid_on_time' });

// 2. OpenAI: every chat completion recorded, the answer checked by the guardrail.
const canned: typeof fetch = async () =>
  Response.json({
    id: 'chatcmpl-example',
    object: 'chat.completion',
    created: 1_741_569_952,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'A Roth IRA is funded with after-tax money.' },
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 14, completion_tokens: 11, total_tokens: 25 },
  });
const openai = auditOpenAI(
  new OpenAI({
    apiKey: process.env.OPENAI_API_KEY ?? 'offline',
    ...(process.env.OPENAI_API_KEY === undefined ? { fetch: canned } : {}),
  }),
  audit,
  { useCase: 'finance_faq', guardrail: { output: true } },
);
const completion = await openai.chat.completions.create({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'What is a Roth IRA, in one sentence?' }],
});

// 3. LangChain.js: LLM, chain and tool runs recorded with their run ids.
const chain = ChatPromptTemplate.fromMessages([['human', '{question}']]).pipe(
  new FakeListChatModel({ responses: ['Lisbon.'] }),
);
const answer = await chain.invoke(
  { question: 'Capital of Portugal?' },
  { callbacks: [new AuditTrailCallbackHandler(audit)] },
);

// 4. OpenTelemetry: GenAI spans exported over OTLP/HTTP protobuf to /v1/traces.
const provider = new TracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'example_app' }),
  spanProcessors: [
    new BatchSpanProcessor({
      exporter: new OTLPTraceExporter({
        url: `${endpoint}/v1/traces`,
        headers: { authorization: `Bearer ${apiKey}` },
      }),
    }),
  ],
});
const span = provider.getTracer('example').startSpan('chat gpt-4o-mini', {
  attributes: {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.usage.input_tokens': 12,
    'gen_ai.usage.output_tokens': 5,
    'gen_ai.input.messages': JSON.stringify([
      { role: 'user', parts: [{ type: 'text', content: 'Say hello' }] },
    ]),
    'gen_ai.output.messages': JSON.stringify([
      { role: 'assistant', parts: [{ type: 'text', content: 'Hello!' }] },
    ]),
  },
});
span.end();
await provider.shutdown();

await audit.close();
const { traceId, spanId } = span.spanContext();
console.log(
  JSON.stringify(
    {
      stats: audit.stats(),
      event_id: eventId,
      decision_id: decisionId,
      openai: completion.choices[0]?.message.content,
      langchain: answer.content,
      otlp_event_id: `otel:${traceId}:${spanId}`,
      look_up: `curl -H "Authorization: Bearer $KEY" ${endpoint}/v1/events/<id>`,
    },
    null,
    2,
  ),
);
