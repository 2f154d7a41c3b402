import { readFile } from 'node:fs/promises';
import { AuditTrailClient } from '@ai-audit-trail/client';
import { AuditTrailCallbackHandler } from '@ai-audit-trail/client/langchain';
import { auditOpenAI, GuardrailBlockedError } from '@ai-audit-trail/client/openai';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { RunnableLambda } from '@langchain/core/runnables';
import { DynamicTool } from '@langchain/core/tools';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerRecord } from '#core/chain/record.ts';
import { createPolicyEngine } from '#core/policy/create-engine.ts';
import { defaultPolicy } from '#core/policy/default-policy.ts';
import { callGuardrail } from '#core/policy/guardrail-call.ts';
import type { DevRuntime } from '#handlers/wiring/dev-runtime.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { readLedger, startTestRuntime, verifyDataDir } from './support/dev-harness.ts';

const FIXTURES = new URL('../fixtures/clients/', import.meta.url);
const recorded = (name: string) => readFile(new URL(name, FIXTURES), 'utf8');

/** A fetch that answers every OpenAI request with a recorded response; no network. */
const replay = (bodies: string[], requests: unknown[]): typeof fetch => {
  return async (_input, init) => {
    requests.push(JSON.parse(String(init?.body)));
    const body = bodies.shift() ?? '{}';
    return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
  };
};

const allRecords = async (dataDir: string): Promise<LedgerRecord[]> =>
  [...(await readLedger(dataDir)).values()].flat();

describe('client integrations against the local server', () => {
  let dataDir: string;
  let runtime: DevRuntime | undefined;

  beforeEach(async () => {
    dataDir = await tempDir('audit-trail-integrations-');
    const engine = createPolicyEngine(defaultPolicy());
    runtime = await startTestRuntime(dataDir, {
      policy: engine,
      guardrail: (payload, request) => callGuardrail(payload, request, engine),
    });
  });
  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
    await removeDir(dataDir);
  });

  const newClient = (rt: DevRuntime) =>
    new AuditTrailClient({ endpoint: rt.url, apiKey: rt.apiKey.key, flushIntervalMs: 20 });

  it('records an OpenAI chat completion with model, parameters, messages, output, usage and latency', async () => {
    const rt = runtime as DevRuntime;
    const requests: unknown[] = [];
    const client = newClient(rt);
    const openai = auditOpenAI(
      new OpenAI({
        apiKey: 'sk-test',
        fetch: replay([await recorded('openai-chat-completion.json')], requests),
      }),
      client,
      { application: 'refund_bot', useCase: 'refunds' },
    );
    const messages = [
      { role: 'system' as const, content: 'You process refunds.' },
      { role: 'user' as const, content: 'Was my refund of 42.10 EUR approved?' },
    ];
    const completion = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      temperature: 0.2,
      max_tokens: 200,
    });
    const asked = structuredClone(messages);
    // A chat loop keeps the conversation in the same array: the record keeps what was asked.
    messages.push({ role: 'system' as const, content: 'pushed after the call' });
    await client.close();
    await rt.stop();
    runtime = undefined;

    expect(completion.choices[0]?.message.content).toContain('approved');
    expect(requests).toHaveLength(1);
    const [record] = await allRecords(dataDir);
    expect(record).toMatchObject({ kind: 'inference', chain: 'refund_bot' });
    expect(record?.body).toMatchObject({
      use_case: 'refunds',
      model: {
        provider: 'openai',
        name: 'gpt-4o-mini-2024-07-18',
        parameters: { temperature: 0.2, max_tokens: 200 },
      },
      input: { messages: asked },
      output: { content: completion.choices[0]?.message.content, finish_reason: 'stop' },
      usage: { prompt_tokens: 31, completion_tokens: 18, total_tokens: 49 },
      response_id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
    });
    expect(record?.body).toHaveProperty('latency_ms', expect.any(Number));
    expect((await verifyDataDir(dataDir)).ok).toBe(true);
  });

  it('asks the guardrail before returning, and throws on block', async () => {
    const rt = runtime as DevRuntime;
    const client = newClient(rt);
    const openai = auditOpenAI(
      new OpenAI({
        apiKey: 'sk-test',
        fetch: replay([await recorded('openai-chat-completion-card.json')], []),
      }),
      client,
      { application: 'support_bot', guardrail: { output: true } },
    );
    const call = openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Which card do I have on file?' }],
    });
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    await client.close();
    await rt.stop();
    runtime = undefined;

    expect(error).toBeInstanceOf(GuardrailBlockedError);
    const verdict = (error as GuardrailBlockedError).verdict;
    expect(verdict.decision).toBe('block');
    const records = await allRecords(dataDir);
    // The guardrail call and the completion, which carries the verdict that stopped it.
    expect(records.map((r) => r.event_id)).toContain(verdict.event_id);
    const completion = records.find((r) => r.event_id !== verdict.event_id);
    expect(completion?.body).toMatchObject({ guardrail: { decision: 'block' } });
    expect(completion?.policy.decision).toBe('block');
  });

  it('records a failed OpenAI call with its error, and rethrows it', async () => {
    const rt = runtime as DevRuntime;
    const client = newClient(rt);
    const failing: typeof fetch = async () =>
      Response.json(
        { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } },
        { status: 429 },
      );
    const openai = auditOpenAI(
      new OpenAI({ apiKey: 'sk-test', fetch: failing, maxRetries: 0 }),
      client,
      { application: 'refund_bot' },
    );
    const error = await openai.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    await client.close();
    await rt.stop();
    runtime = undefined;

    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const [record] = await allRecords(dataDir);
    expect(record?.body).toMatchObject({
      input: { messages: [{ role: 'user', content: 'hi' }] },
      error: { status: 429 },
    });
  });

  it('records LangChain LLM, chain and tool runs with their run ids', async () => {
    const rt = runtime as DevRuntime;
    const client = newClient(rt);
    const handler = new AuditTrailCallbackHandler(client, { application: 'lc_app' });
    const model = new FakeListChatModel({ responses: ['Paris is the capital of France.'] });
    const prompt = ChatPromptTemplate.fromMessages([
      ['system', 'Answer in one sentence.'],
      ['human', '{question}'],
    ]);
    const lookup = new DynamicTool({
      name: 'capital_lookup',
      description: 'Finds a capital',
      func: async (country: string) => `capital of ${country}: Paris`,
    });
    const chain = prompt
      .pipe(model)
      .pipe(RunnableLambda.from((message: { content: unknown }) => String(message.content)));
    const answer = await chain.invoke(
      { question: 'What is the capital of France?' },
      { callbacks: [handler] },
    );
    await lookup.invoke('France', { callbacks: [handler] });
    await client.close();
    await rt.stop();
    runtime = undefined;

    expect(answer).toBe('Paris is the capital of France.');
    const records = await allRecords(dataDir);
    const runs = records.map((r) => (r.body as { run: Record<string, string> }).run);
    const byType = (type: string) => runs.filter((run) => run.type === type);
    expect(byType('llm')).toHaveLength(1);
    expect(byType('tool')).toEqual([expect.objectContaining({ name: 'capital_lookup' })]);
    // The sequence and its three steps (prompt, model, lambda) are chain runs.
    const root = byType('chain').find((run) => run.parent_run_id === undefined);
    expect(root).toBeDefined();
    expect(byType('llm')[0]?.parent_run_id).toBe(root?.run_id);
    // Each record's event id is its run id.
    for (const record of records) {
      expect(record.event_id).toBe((record.body as { run: { run_id: string } }).run.run_id);
    }
    const llm = records.find((r) => (r.body as { run: { type: string } }).run.type === 'llm');
    expect(llm?.body).toMatchObject({
      input: {
        messages: [
          { role: 'system', content: 'Answer in one sentence.' },
          { role: 'user', content: 'What is the capital of France?' },
        ],
      },
      output: { content: 'Paris is the capital of France.' },
    });
    expect((await verifyDataDir(dataDir)).ok).toBe(true);
  });
});
