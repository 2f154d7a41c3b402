import * as z from 'zod';
import type { Finding, PolicyDecision } from '#core/chain/record.ts';
import type { NormalisedEvent } from '#core/events/event.ts';
import type { RuntimePolicyEngine } from './create-engine.ts';

/** Body of `POST /v1/guardrails/evaluate`: exactly one of `text` and `messages`. */
export const guardrailRequestSchema = z
  .strictObject({
    text: z.string().max(262_144).optional(),
    messages: z
      .array(
        z.strictObject({
          role: z.string().min(1).max(64).optional(),
          content: z.string().max(262_144),
        }),
      )
      .min(1)
      .max(256)
      .optional(),
    direction: z.enum(['input', 'output']),
    use_case: z.string().min(1).max(256).optional(),
    application: z.string().min(1).max(256).optional(),
    event_id: z.string().min(1).max(256).optional(),
  })
  .refine((r) => (r.text === undefined) !== (r.messages === undefined), {
    message: 'give exactly one of text and messages',
    path: ['text'],
  });
export type GuardrailRequest = z.output<typeof guardrailRequestSchema>;

/** The guardrail's answer (the route adds `event_id`). */
export interface GuardrailResult {
  readonly decision: PolicyDecision;
  readonly findings: readonly Finding[];
  /** The text (or the messages' contents joined by newlines) with detected values replaced. */
  readonly redacted_text: string;
  /** Each message with its content redacted, when the request had messages. */
  readonly redacted_messages?: readonly { readonly role?: string; readonly content: string }[];
  readonly policy_version: string;
}

/** Chain key of guardrail events that name no application. */
export const GUARDRAIL_CHAIN = 'guardrail';

/**
 * The event a guardrail request becomes, chained like any other: kind `inference`, body
 * `{direction, use_case?, application?, <direction>: {text} | {messages}}`, texts at
 * `<direction>.text` or `<direction>.messages[i].content`, so field patterns such as
 * `input.*` and `output.*` apply to guardrail calls as to logged events.
 */
export const guardrailEvent = (req: GuardrailRequest, eventId: string): NormalisedEvent => {
  const side = req.direction;
  const payload =
    req.messages === undefined ? { text: req.text ?? '' } : { messages: req.messages };
  const texts =
    req.messages === undefined
      ? [{ field: `${side}.text`, text: req.text ?? '' }]
      : req.messages.map((m, i) => ({ field: `${side}.messages[${i}].content`, text: m.content }));
  return {
    event_id: eventId,
    kind: 'inference',
    chain_key: req.application ?? GUARDRAIL_CHAIN,
    source: 'guardrail',
    body: {
      direction: side,
      ...(req.use_case === undefined ? {} : { use_case: req.use_case }),
      ...(req.application === undefined ? {} : { application: req.application }),
      [side]: payload,
    },
    texts,
    ...(req.use_case === undefined ? {} : { use_case: req.use_case }),
  };
};

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
    redacted_text:
      messages === undefined
        ? redactedOf(first?.field ?? '', first?.text ?? '')
        : messages.map((m) => m.content).join('\n'),
    ...(messages === undefined ? {} : { redacted_messages: messages }),
    policy_version: engine.version,
  };
};
