import type { GuardrailOutcome } from '#core/policy/guardrail-call.ts';

/**
 * The synchronous guardrail, supplied by whoever holds the policy engine: it validates a
 * parsed request body and evaluates it (`callGuardrail` over an engine on both runtimes).
 */
export type GuardrailEvaluator = (
  payload: unknown,
  request: { readonly request_id: string; readonly received_at: string },
) => Promise<GuardrailOutcome>;
