import { admitEnvelope } from '#core/access/admit.ts';
import { GUARDRAIL_ROUTE } from '#core/events/guardrail-request.ts';
import { MAX_EVENT_BYTES } from '#core/events/limits.ts';
import type { EnvelopeSink } from '#ports/envelope-sink.ts';
import type { GuardrailEvaluator } from '#ports/guardrail.ts';
import type { ApiAnswer } from './answer.ts';
import type { ApiRequest } from './request.ts';
import { jsonBody, type RouteAnswer } from './route-input.ts';

/** The largest guardrail request body: as one event. */
export const GUARDRAIL_BODY_LIMIT = MAX_EVENT_BYTES;

/**
 * `POST /v1/guardrails/evaluate`: validates and evaluates the call against the policy,
 * puts the evaluated event on the stream (so it is chained like any other, under the
 * client's event id or the request id) and only then answers `{decision, findings,
 * redacted_text, policy_version, event_id}`. A failed put fails the call (503): an answer
 * is never given for a call that will not be in the audit trail.
 */
export const answerGuardrail = async (
  payload: unknown,
  request: ApiRequest,
  evaluate: GuardrailEvaluator,
  sink: EnvelopeSink,
): Promise<ApiAnswer> => {
  const intake = { request_id: request.requestId, received_at: request.receivedAt };
  const { principal } = request;
  // The chain is checked before the policy runs: a key outside it learns nothing.
  if (principal !== undefined) {
    admitEnvelope(principal, { v: 1, route: GUARDRAIL_ROUTE, ...intake, payload });
  }
  const outcome = await evaluate(payload, intake);
  if (outcome.envelope !== undefined) {
    const { envelope } = outcome;
    await sink.publish([principal === undefined ? envelope : admitEnvelope(principal, envelope)]);
  }
  return { status: outcome.status, body: outcome.body };
};

/** `POST /v1/guardrails/evaluate`: the policy's answer; the evaluated call is on the
 * stream before the answer. */
export const guardrailRoute =
  (evaluate: GuardrailEvaluator, sink: EnvelopeSink): RouteAnswer =>
  async (input) =>
    answerGuardrail(await jsonBody(input, GUARDRAIL_BODY_LIMIT), input, evaluate, sink);
