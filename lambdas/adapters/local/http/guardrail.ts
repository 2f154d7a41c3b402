import { MAX_EVENT_BYTES } from '#core/events/limits.ts';
import type { GuardrailOutcome } from '#core/policy/guardrail-call.ts';
import type { EnvelopePublisher, Handler } from './handler.ts';
import { readJson } from './read-json.ts';

/**
 * The synchronous guardrail (`POST /v1/guardrails/evaluate`), supplied by whoever holds
 * the policy engine: it validates the parsed body and evaluates it.
 */
export type GuardrailEvaluator = (
  payload: unknown,
  request: { readonly request_id: string; readonly received_at: string },
) => Promise<GuardrailOutcome>;

/** The guardrail route: JSON in (same limits as one event), evaluated, chained, answered. */
export const guardrailRoute =
  (evaluate: GuardrailEvaluator, stream: EnvelopePublisher): Handler =>
  async ({ req, requestId, receivedAt }) => {
    const payload = await readJson(req, MAX_EVENT_BYTES);
    const outcome = await evaluate(payload, { request_id: requestId, received_at: receivedAt });
    if (outcome.envelope !== undefined) await stream.publish([outcome.envelope]);
    return { status: outcome.status, body: outcome.body };
  };
