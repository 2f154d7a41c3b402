import type { PolicyResult } from '#core/chain/record.ts';
import type { NormalisedEvent } from '#core/events/event.ts';

/** What the policy hook answers for one event. */
export interface PolicyEvaluation {
  readonly result: PolicyResult;
  /** The body to store: the original, or a redacted one when the policy de-identifies. */
  readonly body: unknown;
}

/** The processor's policy hook. Pure and synchronous where possible: it runs per event. */
export interface PolicyEngine {
  readonly version: string;
  evaluate(event: NormalisedEvent): PolicyEvaluation | Promise<PolicyEvaluation>;
}

/** Until a policy is configured every event passes, and records say so (`version: none`). */
export const passThroughPolicy: PolicyEngine = {
  version: 'none',
  evaluate: (event) => ({
    result: {
      version: 'none',
      decision: 'pass',
      findings: [],
      ...(event.client_policy_checks === undefined
        ? {}
        : { client_reported: event.client_policy_checks }),
    },
    body: event.body,
  }),
};
