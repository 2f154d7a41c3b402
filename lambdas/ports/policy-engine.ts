import type { Finding, PolicyDecision, PolicyResult, RuleCheck } from '#core/chain/record.ts';
import type { NormalisedEvent } from '#core/events/event.ts';
import type { Replacement } from '#core/policy/redact-body.ts';
import type { Policy } from '#core/policy/schema.ts';

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

/** What the policy found in one event's texts and body, before a body is built. */
export interface Inspection {
  readonly decision: PolicyDecision;
  readonly findings: readonly Finding[];
  /** Each rule's outcome (ran, skipped, error, timeout with its fail mode). */
  readonly checks: readonly RuleCheck[];
  /** Each inspected field's text with redacting detectors' spans replaced by `[ENTITY]`. */
  readonly redacted: ReadonlyMap<string, { readonly original: string; readonly redacted: string }>;
  /** Detected values with their labels, for replacing copies elsewhere in the body. */
  readonly replacements: readonly Replacement[];
}

/** The policy engine: the processor's hook plus the lower-level inspection the guardrail uses. */
export interface RuntimePolicyEngine extends PolicyEngine {
  readonly policy: Policy;
  /** Synchronous unless the policy selects managed detectors. */
  inspect(event: NormalisedEvent): Inspection | Promise<Inspection>;
}
