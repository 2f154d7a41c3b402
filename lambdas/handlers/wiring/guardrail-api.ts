import { answerGuardrail, GUARDRAIL_BODY_LIMIT } from '#core/api/guardrail.ts';
import { parseJsonRequest } from '#core/api/request.ts';
import type { EnvelopeSink } from '#ports/envelope-sink.ts';
import type { GuardrailEvaluator } from '#ports/guardrail.ts';
import type { LogPort } from '#ports/log.ts';
import { bodyOf, lowerCaseHeaders, proxyRoute } from './proxy-answer.ts';

/**
 * `POST /v1/guardrails/evaluate`: the contract's guardrail route (core/api/guardrail.ts)
 * over API Gateway's proxy event; the evaluated call is on the stream before the answer.
 */
export const createGuardrail = (evaluate: GuardrailEvaluator, sink: EnvelopeSink, log: LogPort) =>
  proxyRoute(log, async (event, request) => {
    const payload = parseJsonRequest(
      lowerCaseHeaders(event.headers),
      bodyOf(event),
      GUARDRAIL_BODY_LIMIT,
    );
    return answerGuardrail(payload, request, evaluate, sink);
  });
