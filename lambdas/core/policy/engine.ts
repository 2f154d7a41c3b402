import type { PolicyEngine } from '#ports/policy-engine.ts';

// The port's types, still importable from here where the policy code reads them.
export type { PolicyEngine, PolicyEvaluation } from '#ports/policy-engine.ts';

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
