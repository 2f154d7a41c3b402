import type { Finding, PolicyDecision, RuleCheck } from '#core/chain/record.ts';
import { type GuardrailRequest, guardrailEvent } from '#core/events/guardrail-request.ts';
import type { RuntimePolicyEngine } from '#ports/policy-engine.ts';

/** The guardrail's answer (the route adds `event_id`). */
export interface GuardrailResult {
  readonly decision: PolicyDecision;
  readonly findings: readonly Finding[];
  /** Each rule's outcome, as records list it. */
  readonly checks: readonly RuleCheck[];
  /** The text (or the messages' contents joined by newlines) with detected values replaced. */
  readonly redacted_text: string;
  /** Each message with its content redacted, when the request had messages. */
  readonly redacted_messages?: readonly { readonly role?: string; readonly content: string }[];
  readonly policy_version: string;
}

/**
 * Evaluates a guardrail request against the policy: the decision, the findings (masked,
 * no raw values) and the text with every redacting detector's spans replaced, whatever
 * the policy's `store` option. No I/O beyond managed detectors the policy selects.
 */
export const evaluateGuardrail = async (
  req: GuardrailRequest,
  engine: RuntimePolicyEngine,
): Promise<GuardrailResult> => {
  const event = guardrailEvent(req, req.event_id ?? 'guardrail');
  const inspection = await engine.inspect(event);
  const redactedOf = (field: string, text: string): string =>
    inspection.redacted.get(field)?.redacted ?? text;
  const [first] = event.texts;
  const messages = req.messages?.map((m, i) => ({
    ...(m.role === undefined ? {} : { role: m.role }),
    content: redactedOf(`${req.direction}.messages[${i}].content`, m.content),
  }));
  return {
    decision: inspection.decision,
    findings: inspection.findings,
    checks: inspection.checks,
    redacted_text:
      messages === undefined
        ? redactedOf(first?.field ?? '', first?.text ?? '')
        : messages.map((m) => m.content).join('\n'),
    ...(messages === undefined ? {} : { redacted_messages: messages }),
    policy_version: engine.version,
  };
};
