/**
 * `@ai-audit-trail/client/openai`: records every chat completion an OpenAI client makes
 * (model, parameters, messages, output, usage, latency), and can ask the guardrail before
 * the answer reaches the app. `openai` is an optional peer dependency: only its types are
 * used here.
 */
import { randomUUID } from 'node:crypto';
import type OpenAI from 'openai';
import type { AuditTrailClient } from './client.ts';
import { GuardrailBlockedError } from './guardrail-blocked.ts';
import { snapshot } from './snapshot.ts';
import type { GuardrailResult } from './types.ts';

export { GuardrailBlockedError } from './guardrail-blocked.ts';

/** How completions are recorded and guarded. */
export interface OpenAIAuditOptions {
  /** Chain key (`application_id`) of the records; else the client's `application`. */
  readonly application?: string;
  readonly useCase?: string;
  /** Asks the guardrail about the prompt (`input`) before the call, and/or the answer
   * (`output`) before returning it; a `block` throws GuardrailBlockedError. */
  readonly guardrail?: { readonly input?: boolean; readonly output?: boolean };
  /** When the guardrail cannot be reached: `true` lets the call through. @default false */
  readonly failOpen?: boolean;
  /** Extra fields for every record (user id, feature flag …). */
  readonly metadata?: Record<string, unknown>;
}

type CreateParams = OpenAI.Chat.ChatCompletionCreateParams;
type Completion = OpenAI.Chat.ChatCompletion;

/**
 * Wraps `openai.chat.completions.create` in place and answers the same client. Streaming
 * calls (`stream: true`) pass through unrecorded. Each non-streaming call is logged once,
 * in the background, also when it fails (with the error instead of an output).
 */
export function auditOpenAI<T extends OpenAI>(
  openai: T,
  client: AuditTrailClient,
  options: OpenAIAuditOptions = {},
): T {
  const completions = openai.chat.completions;
  const create = completions.create.bind(completions) as (
    params: CreateParams,
    requestOptions?: unknown,
  ) => Promise<unknown>;

  const audited = async (params: CreateParams, requestOptions?: unknown): Promise<unknown> => {
    if (params.stream === true) return create(params, requestOptions);
    const eventId = randomUUID();
    const { messages, model, ...parameters } = params;
    const base = {
      event_id: eventId,
      timestamp: new Date().toISOString(),
      ...(options.application === undefined ? {} : { application_id: options.application }),
      ...(options.useCase === undefined ? {} : { use_case: options.useCase }),
      model: { provider: 'openai', name: model, parameters },
      input: { messages },
      ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
    };
    if (options.guardrail?.input === true) {
      await guard(client, options, { messages, direction: 'input' });
    }
    const started = performance.now();
    let completion: Completion;
    try {
      completion = (await create(params, requestOptions)) as Completion;
    } catch (error) {
      const latency_ms = Math.round(performance.now() - started);
      client.logEvent(snapshot({ ...base, latency_ms, error: describeError(error) }));
      throw error;
    }
    const latency_ms = Math.round(performance.now() - started);
    const [first] = completion.choices;
    const record = {
      ...base,
      model: { ...base.model, name: completion.model ?? model },
      output: {
        content: first?.message.content ?? '',
        role: first?.message.role,
        finish_reason: first?.finish_reason,
        ...(first?.message.tool_calls === undefined
          ? {}
          : { tool_calls: first.message.tool_calls }),
        ...(completion.choices.length > 1 ? { choices: completion.choices } : {}),
      },
      usage: completion.usage,
      latency_ms,
      response_id: completion.id,
    };
    if (options.guardrail?.output === true && typeof first?.message.content === 'string') {
      const verdict = await guard(client, options, {
        text: first.message.content,
        direction: 'output',
      });
      client.logEvent(snapshot({ ...record, guardrail: verdict }));
      if (verdict?.decision === 'block') throw new GuardrailBlockedError(verdict);
      return completion;
    }
    client.logEvent(snapshot(record));
    return completion;
  };
  (completions as { create: unknown }).create = audited;
  return openai;
}

/** Asks the guardrail; an input `block` throws at once, an output verdict is answered. */
async function guard(
  client: AuditTrailClient,
  options: OpenAIAuditOptions,
  request: { text?: string; messages?: unknown; direction: 'input' | 'output' },
): Promise<Pick<GuardrailResult, 'decision' | 'policy_version' | 'event_id'> | undefined> {
  let result: GuardrailResult;
  try {
    result = await client.evaluate({
      ...(request as { text?: string; direction: 'input' | 'output' }),
      ...(options.application === undefined ? {} : { application: options.application }),
      ...(options.useCase === undefined ? {} : { use_case: options.useCase }),
    });
  } catch (error) {
    if (options.failOpen === true) return undefined;
    throw error;
  }
  if (request.direction === 'input' && result.decision === 'block') {
    throw new GuardrailBlockedError(result);
  }
  const { decision, policy_version, event_id } = result;
  return { decision, policy_version, event_id };
}

const describeError = (error: unknown): Record<string, unknown> => {
  if (!(error instanceof Error)) return { message: String(error) };
  const status = (error as { status?: unknown }).status;
  return { name: error.name, message: error.message, ...(status === undefined ? {} : { status }) };
};
