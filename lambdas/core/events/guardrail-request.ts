import * as z from 'zod';
import { isChainKey } from './chain-key.ts';
import type { NormalisedEvent } from './event.ts';

/** Route name of guardrail calls on the stream: their payload is a guardrail request. */
export const GUARDRAIL_ROUTE = 'guardrail';

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
    chain_key: guardrailChainKey(req),
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

/** The chain of a guardrail call: its application, else the shared guardrail chain. */
export const guardrailChainKey = (payload: unknown): string => {
  const application = (payload as { application?: unknown } | null)?.application;
  return isChainKey(application) ? application : GUARDRAIL_CHAIN;
};
