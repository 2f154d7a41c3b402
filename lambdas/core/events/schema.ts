/**
 * The one intake schema: every payload shape the API accepts, from which both validation
 * (`normalise.ts`) and the API Gateway request models (`json-schema.ts`) are derived.
 * Lenient where real clients vary (extra fields are kept, `output` may be text or an
 * object), strict where it matters (ids are strings, kind-determining fields present).
 */
import * as z from 'zod';
import { MAX_BATCH_EVENTS } from '#core/events/limits.ts';

/** Longest accepted event/decision id. */
export const MAX_ID_LENGTH = 256;
/** Longest accepted chain key (application/system id). */
export const MAX_CHAIN_KEY_LENGTH = 128;

// Patterns match the empty string: emptiness is `min(1)`'s to report, once.
/** Printable: no C0 control characters and no DEL (ids end up in URLs and file names). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to refuse them.
const PRINTABLE = /^[^\u0000-\u001f\u007f]*$/;
/** Printable, and neither starting nor ending with whitespace. */
export const CHAIN_KEY_PATTERN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to refuse them.
  /^(?:[^\s\u0000-\u001f\u007f](?:[^\u0000-\u001f\u007f]*[^\s\u0000-\u001f\u007f])?)?$/;

/** An event or decision id: a non-empty printable string of at most 256 characters. */
export const idSchema = z
  .string()
  .min(1)
  .max(MAX_ID_LENGTH)
  .regex(PRINTABLE, { error: 'must not contain control characters' });

/** An application/system id that becomes the chain key. */
export const chainKeySchema = z.string().min(1).max(MAX_CHAIN_KEY_LENGTH).regex(CHAIN_KEY_PATTERN, {
  error: 'must be printable, without control characters or surrounding whitespace',
});

/** ISO 8601 date-time; an offset (`Z`, `+01:00`) or none (Python's naive `isoformat()`). */
export const timestampSchema = z.iso.datetime({
  offset: true,
  local: true,
  error: 'must be an ISO 8601 date-time, e.g. 2024-01-15T10:30:00Z',
});

/** A model as a name (`"gpt-4"`) or as `{ provider, name, parameters, … }`. */
const modelSchema = z.union([
  z.string(),
  z.looseObject({
    provider: z.string().optional(),
    name: z.string().optional(),
    version: z.string().optional(),
    parameters: z.looseObject({}).optional(),
  }),
]);

/** Fields every shape may carry; unknown ones are kept as they are. */
const commonFields = {
  event_id: idSchema.optional(),
  timestamp: timestampSchema.optional(),
  application_id: chainKeySchema.optional(),
  application: chainKeySchema.optional(),
  application_name: chainKeySchema.optional(),
  system: chainKeySchema.optional(),
  use_case: z.string().optional(),
  decision_type: z.string().optional(),
  model: modelSchema.optional(),
  user: z.looseObject({ id: idSchema.optional() }).optional(),
  metadata: z
    .looseObject({ application: chainKeySchema.optional(), use_case: z.string().optional() })
    .optional(),
  policy_checks: z.union([z.array(z.unknown()), z.looseObject({})]).optional(),
  confidence: z.number().optional(),
};

/** Chat messages: a list of `{ role, content, … }` (or bare strings), or one prompt text. */
const messagesSchema = z.union([z.string(), z.array(z.union([z.string(), z.looseObject({})]))]);
/** Message or completion content: text, a list of content parts, or a structured object. */
const contentSchema = z.union([z.string(), z.array(z.unknown()), z.looseObject({})]);
/** A decision's outcome: `"deny"`, `true`, `3`; never null, a list or an object. */
const decisionValueSchema = z.union([z.string(), z.number(), z.boolean()]);

const anyInput = z.union([z.string(), z.array(z.unknown()), z.looseObject({})]);
const anyOutput = z.union([z.string(), z.array(z.unknown()), z.looseObject({})]);

/** Inference event (seed 1, `/v1/audit/events`): the prompt in `input.messages`. */
export const auditEventSchema = z.looseObject({
  ...commonFields,
  input: z.looseObject({ messages: messagesSchema }),
  output: anyOutput.optional(),
  inputs: anyInput.optional(),
});

/** Inference event known by its completion: `output.content`, with any `input`. */
export const completionEventSchema = z.looseObject({
  ...commonFields,
  input: anyInput.optional(),
  output: z.looseObject({ content: contentSchema }),
  inputs: anyInput.optional(),
});

/** Decision log (seed 2 and its FAQ): identified by `decision_id`. */
export const decisionLogSchema = z.looseObject({
  ...commonFields,
  decision_id: idSchema,
  input: anyInput.optional(),
  inputs: anyInput.optional(),
  output: z
    .union([
      z.string(),
      z.array(z.unknown()),
      z.looseObject({ decision: decisionValueSchema.optional() }),
    ])
    .optional(),
});

/** Decision log without a `decision_id`, identified by `output.decision`. */
export const decisionOutcomeSchema = z.looseObject({
  ...commonFields,
  decision_id: idSchema.optional(),
  input: anyInput.optional(),
  inputs: anyInput.optional(),
  output: z.looseObject({ decision: decisionValueSchema }),
});

/** What a decision turned out to be (`POST /v1/outcomes`, or a batch item with
 * `kind: "outcome"`): ground truth that often arrives weeks after the decision. */
export const outcomeSchema = z.looseObject({
  kind: z.literal('outcome').optional(),
  event_id: idSchema.optional(),
  decision_id: idSchema,
  outcome: decisionValueSchema,
  observed_at: timestampSchema,
  application_id: chainKeySchema.optional(),
  application: chainKeySchema.optional(),
  application_name: chainKeySchema.optional(),
  system: chainKeySchema.optional(),
  metadata: z.looseObject({ application: chainKeySchema.optional() }).optional(),
});

/** Every event shape the routes accept (each route accepts every shape). */
export const eventPayloadSchema = z.union([
  auditEventSchema,
  completionEventSchema,
  decisionLogSchema,
  decisionOutcomeSchema,
]);

/** A batch as the API Gateway model checks it: 1..500 events, each a valid event or outcome. */
export const batchSchema = z.looseObject({
  events: z
    .array(z.union([eventPayloadSchema, outcomeSchema]))
    .min(1)
    .max(MAX_BATCH_EVENTS),
});

/** A batch's outer shape only, for answering per event: 1..500 items of any kind. */
export const batchEnvelopeSchema = z.looseObject({
  events: z.array(z.unknown()).min(1).max(MAX_BATCH_EVENTS),
});
