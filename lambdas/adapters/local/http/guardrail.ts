import { admitEnvelope } from '#core/access/admit.ts';
import { GUARDRAIL_ROUTE } from '#core/events/guardrail-request.ts';
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
  async ({ req, requestId, receivedAt, principal }) => {
    const payload = await readJson(req, MAX_EVENT_BYTES);
    const request = { request_id: requestId, received_at: receivedAt };
    // The chain is checked before the policy runs: a key outside it learns nothing.
    if (principal !== undefined) {
      admitEnvelope(principal, { v: 1, route: GUARDRAIL_ROUTE, ...request, payload });
    }
    const outcome = await evaluate(payload, request);
    if (outcome.envelope !== undefined) {
      const { envelope } = outcome;
      await stream.publish([
        principal === undefined ? envelope : admitEnvelope(principal, envelope),
      ]);
    }
    return { status: outcome.status, body: outcome.body };
  };
