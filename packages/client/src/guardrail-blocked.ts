import type { GuardrailResult } from './types.ts';

/** The guardrail answered `block`: the call's input or output must not be used. */
export class GuardrailBlockedError extends Error {
  override readonly name = 'GuardrailBlockedError';
  /** The guardrail's verdict (decision, policy version, the guardrail call's event id). */
  readonly verdict: Pick<GuardrailResult, 'decision' | 'policy_version' | 'event_id'>;

  constructor(verdict: Pick<GuardrailResult, 'decision' | 'policy_version' | 'event_id'>) {
    super(`the guardrail blocked this call (policy ${verdict.policy_version})`);
    this.verdict = verdict;
  }
}
