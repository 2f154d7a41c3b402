/**
 * `@ai-audit-trail/client/langchain`: a LangChain.js callback handler that records every
 * LLM / chat model, chain and tool run as one event when it ends, keyed by its run id
 * (the event id), with the parent run id so a chain's steps can be put back together.
 * `@langchain/core` is an optional peer dependency.
 */
import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { Serialized } from '@langchain/core/load/serializable';
import type { BaseMessage } from '@langchain/core/messages';
import type { LLMResult } from '@langchain/core/outputs';
import type { AuditTrailClient } from './client.ts';
import { snapshot } from './snapshot.ts';

export interface AuditTrailCallbackOptions {
  /** Chain key (`application_id`) of the records; else the client's `application`. */
  readonly application?: string;
  readonly useCase?: string;
  /** Which runs to record. @default ['llm', 'chain', 'tool'] */
  readonly runTypes?: readonly RunType[];
}

type RunType = 'llm' | 'chain' | 'tool';

/** What is kept of a run between its start and its end. */
interface OpenRun {
  readonly type: RunType;
  readonly name: string;
  readonly parentRunId: string | undefined;
  readonly started: number;
  readonly timestamp: string;
  readonly input: Record<string, unknown>;
  readonly model?: Record<string, unknown>;
  readonly tags?: readonly string[];
}

/** Records LLM, chain and tool runs through an AuditTrailClient, never blocking the run. */
export class AuditTrailCallbackHandler extends BaseCallbackHandler {
  name = 'audit_trail';
  readonly #client: AuditTrailClient;
  readonly #options: AuditTrailCallbackOptions;
  readonly #runs = new Map<string, OpenRun>();

  constructor(client: AuditTrailClient, options: AuditTrailCallbackOptions = {}) {
    super();
    this.#client = client;
    this.#options = options;
  }

  override handleLLMStart(
    llm: Serialized,
    prompts: string[],
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    tags?: string[],
    _metadata?: Record<string, unknown>,
    runName?: string,
  ): void {
    this.#open(
      runId,
      'llm',
      runName ?? nameOf(llm),
      parentRunId,
      tags,
      {
        messages: prompts,
      },
      modelOf(llm, extraParams),
    );
  }

  override handleChatModelStart(
    llm: Serialized,
    messages: BaseMessage[][],
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    tags?: string[],
    _metadata?: Record<string, unknown>,
    runName?: string,
  ): void {
    const chat = (messages[0] ?? []).map(toChatMessage);
    this.#open(
      runId,
      'llm',
      runName ?? nameOf(llm),
      parentRunId,
      tags,
      {
        messages: chat,
      },
      modelOf(llm, extraParams),
    );
  }

  override handleLLMEnd(output: LLMResult, runId: string): void {
    const generations = output.generations.flat();
    const first = generations[0];
    const message = (first as { message?: BaseMessage } | undefined)?.message;
    this.#close(runId, {
      output: {
        content: first?.text ?? '',
        ...(message === undefined ? {} : { message: toChatMessage(message) }),
        ...(generations.length > 1 ? { generations: generations.map((g) => g.text) } : {}),
      },
      ...(output.llmOutput?.tokenUsage === undefined ? {} : { usage: output.llmOutput.tokenUsage }),
    });
  }

  override handleLLMError(error: Error, runId: string): void {
    this.#close(runId, { output: { content: '' }, error: describe(error) });
  }

  override handleChainStart(
    chain: Serialized,
    inputs: Record<string, unknown>,
    runId: string,
    _runType?: string,
    tags?: string[],
    _metadata?: Record<string, unknown>,
    runName?: string,
    parentRunId?: string,
  ): void {
    this.#open(runId, 'chain', runName ?? nameOf(chain), parentRunId, tags, { values: inputs });
  }

  override handleChainEnd(outputs: Record<string, unknown>, runId: string): void {
    this.#close(runId, { output: { content: outputs } });
  }

  override handleChainError(error: Error, runId: string): void {
    this.#close(runId, { output: { content: '' }, error: describe(error) });
  }

  override handleToolStart(
    tool: Serialized,
    input: string,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    _metadata?: Record<string, unknown>,
    runName?: string,
  ): void {
    this.#open(runId, 'tool', runName ?? nameOf(tool), parentRunId, tags, { text: input });
  }

  override handleToolEnd(output: unknown, runId: string): void {
    const content = (output as { content?: unknown } | null)?.content ?? output;
    this.#close(runId, { output: { content: toJsonable(content) } });
  }

  override handleToolError(error: Error, runId: string): void {
    this.#close(runId, { output: { content: '' }, error: describe(error) });
  }

  #open(
    runId: string,
    type: RunType,
    name: string,
    parentRunId: string | undefined,
    tags: readonly string[] | undefined,
    input: Record<string, unknown>,
    model?: Record<string, unknown>,
  ): void {
    if (!(this.#options.runTypes ?? ['llm', 'chain', 'tool']).includes(type)) return;
    this.#runs.set(runId, {
      type,
      name,
      parentRunId,
      started: performance.now(),
      timestamp: new Date().toISOString(),
      input: toJsonable(input) as Record<string, unknown>,
      ...(model === undefined ? {} : { model }),
      ...(tags === undefined || tags.length === 0 ? {} : { tags }),
    });
  }

  /** Logs the run as one event, in the background (logEvent never waits). */
  #close(runId: string, end: Record<string, unknown>): void {
    const run = this.#runs.get(runId);
    if (run === undefined) return;
    this.#runs.delete(runId);
    const { application, useCase } = this.#options;
    this.#client.logEvent(
      snapshot({
        event_id: runId,
        timestamp: run.timestamp,
        ...(application === undefined ? {} : { application_id: application }),
        ...(useCase === undefined ? {} : { use_case: useCase }),
        ...(run.model === undefined ? {} : { model: run.model }),
        run: {
          type: run.type,
          name: run.name,
          run_id: runId,
          ...(run.parentRunId === undefined ? {} : { parent_run_id: run.parentRunId }),
          ...(run.tags === undefined ? {} : { tags: run.tags }),
        },
        input: run.input,
        latency_ms: Math.round(performance.now() - run.started),
        ...end,
      }),
    );
  }
}

const ROLES: Record<string, string> = { human: 'user', ai: 'assistant', system: 'system' };

const toChatMessage = (message: BaseMessage): { role: string; content: unknown } => {
  const type = message.type;
  return { role: ROLES[type] ?? type, content: toJsonable(message.content) };
};

const nameOf = (serialized: Serialized): string => {
  const id = (serialized as { id?: unknown }).id;
  return Array.isArray(id) ? String(id.at(-1)) : 'unknown';
};

/** The model's name and parameters, as LangChain passes them (`invocation_params`). */
const modelOf = (
  llm: Serialized,
  extraParams: Record<string, unknown> | undefined,
): Record<string, unknown> => {
  const parameters = (extraParams?.invocation_params ?? {}) as Record<string, unknown>;
  const name = parameters.model ?? parameters.model_name ?? parameters.modelName ?? nameOf(llm);
  return { provider: 'langchain', name: String(name), parameters: toJsonable(parameters) };
};

const describe = (error: Error) => ({ name: error.name, message: error.message });

/** A JSON-safe copy (LangChain values can hold messages and other class instances). */
const toJsonable = (value: unknown): unknown => {
  try {
    return JSON.parse(JSON.stringify(value) ?? 'null');
  } catch {
    return String(value);
  }
};
