import { errorAnswer } from '#core/api/answer.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import { GUARDRAIL_ROUTE, guardrailRequestSchema } from '#core/events/guardrail-request.ts';
import { problemsFromIssues } from '#core/events/issues.ts';
import type { RuntimePolicyEngine } from '#ports/policy-engine.ts';
import { evaluateGuardrail } from './guardrail.ts';

/** The answer to one guardrail call, and the evaluated event to put on the stream. */
export interface GuardrailOutcome {
  readonly status: 200 | 400;
  readonly body: unknown;
  /** Published before answering, so the evaluated event is chained like any other. */
  readonly envelope?: IntakeEnvelope;
}

/**
 * `POST /v1/guardrails/evaluate`, shared by the local server and the Lambda: validate,
 * evaluate, and hand back the envelope that chains the call (its event id is the client's
 * or the request id, so a redelivery stays idempotent).
 */
export const callGuardrail = async (
  payload: unknown,
  request: { readonly request_id: string; readonly received_at: string },
  engine: RuntimePolicyEngine,
): Promise<GuardrailOutcome> => {
  const parsed = guardrailRequestSchema.safeParse(payload);
  if (!parsed.success) {
    const problems = problemsFromIssues(parsed.error.issues, payload);
    return { status: 400, body: errorAnswer('invalid_request', undefined, problems).body };
  }
  const req = { ...parsed.data, event_id: parsed.data.event_id ?? request.request_id };
  const result = await evaluateGuardrail(req, engine);
  return {
    status: 200,
    body: { ...result, event_id: req.event_id },
    envelope: {
      v: 1,
      route: GUARDRAIL_ROUTE,
      request_id: request.request_id,
      received_at: request.received_at,
      payload: req,
    },
  };
};
