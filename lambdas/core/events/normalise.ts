import type { z } from 'zod';
import type { RecordKind } from '#core/chain/record.ts';
import { chainKeyOf } from '#core/events/chain-key.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import type { NormalisedEvent } from '#core/events/event.ts';
import { problemsFromIssues } from '#core/events/issues.ts';
import { checkDepth, MAX_DEPTH } from '#core/events/limits.ts';
import { type Problem, typeOf } from '#core/events/problem.ts';
import {
  auditEventSchema,
  completionEventSchema,
  decisionLogSchema,
  decisionOutcomeSchema,
  outcomeSchema,
} from '#core/events/schema.ts';
import { collectTexts } from '#core/events/texts.ts';
import { useCaseOf } from '#core/events/use-case.ts';
import { GUARDRAIL_ROUTE, guardrailEvent, guardrailRequestSchema } from './guardrail-request.ts';

/** What `normalise` answers: the internal event, or every problem found. */
export type NormaliseResult =
  | { readonly ok: true; readonly event: NormalisedEvent }
  | { readonly ok: false; readonly problems: Problem[] };

/** One accepted payload shape: the schema that checks it, its source name and its kind. */
export interface IntakeShape {
  readonly source: 'audit_event' | 'decision_log';
  readonly kind: Extract<RecordKind, 'inference' | 'decision'>;
  readonly schema: z.ZodType;
}

const SHAPES = {
  messages: { source: 'audit_event', kind: 'inference', schema: auditEventSchema },
  completion: { source: 'audit_event', kind: 'inference', schema: completionEventSchema },
  decisionId: { source: 'decision_log', kind: 'decision', schema: decisionLogSchema },
  outcome: { source: 'decision_log', kind: 'decision', schema: decisionOutcomeSchema },
} as const satisfies Record<string, IntakeShape>;

/** The fields that decide the kind, as a client is told when a payload has none of them. */
export const KIND_FIELDS = 'input.messages | output.content | decision_id | output.decision';

/**
 * Picks the shape a payload claims by its kind-determining fields: `input.messages` or
 * `output.content` mean an inference, `decision_id` or `output.decision` a decision. Any
 * route accepts any shape; only when a payload has both does the route break the tie
 * (`audit_event` → inference, every other route → decision).
 */
export function selectShape(
  payload: Readonly<Record<string, unknown>>,
  route: string,
): IntakeShape | undefined {
  const input = payload.input;
  const output = payload.output;
  const messages = isRecord(input) && Object.hasOwn(input, 'messages');
  const content = isRecord(output) && Object.hasOwn(output, 'content');
  const decisionId = Object.hasOwn(payload, 'decision_id');
  const outcome = isRecord(output) && Object.hasOwn(output, 'decision');
  const inference = messages || content;
  const decision = decisionId || outcome;
  if (inference && (!decision || route === 'audit_event')) {
    return messages ? SHAPES.messages : SHAPES.completion;
  }
  if (decision) return decisionId ? SHAPES.decisionId : SHAPES.outcome;
  return undefined;
}

/** An envelope's normalised form, kept on the envelope object itself under a symbol (not
 * enumerable: JSON, keys and spreads never see it), with what it was computed from. */
const NORMALISED: unique symbol = Symbol('normalised');
type Remembered = {
  [NORMALISED]?: {
    readonly payload: unknown;
    readonly route: string;
    readonly request_id: string;
    readonly result: NormaliseResult;
  };
};

/**
 * Keeps `result`, what `normalise` answered for an envelope with the same payload (the same
 * object), route and request id, on `envelope`: the local stream hands the route's envelope
 * objects to the processor as they are, which then does not validate each event a second
 * time (issue 13: server CPU per event). Envelopes read back from the WAL or from Kinesis
 * carry nothing and are normalised in full.
 */
export const rememberNormalised = (
  envelope: IntakeEnvelope,
  result: NormaliseResult,
): IntakeEnvelope => {
  const { payload, route, request_id } = envelope;
  // Configurable: an envelope remembered twice (a retried publish) takes the newer result.
  Object.defineProperty(envelope, NORMALISED, {
    value: { payload, route, request_id, result },
    configurable: true,
  });
  return envelope;
};

/**
 * Validates an intake envelope's payload and normalises it into the one internal event:
 * kind, event id (the payload's `event_id`/`decision_id`, else the request id), chain key,
 * client timestamp, use case, the texts to inspect, and the body exactly as received.
 */
export function normalise(envelope: IntakeEnvelope): NormaliseResult {
  const kept = (envelope as Remembered)[NORMALISED];
  if (
    kept !== undefined &&
    kept.payload === envelope.payload &&
    kept.route === envelope.route &&
    kept.request_id === envelope.request_id
  ) {
    return kept.result;
  }
  const { payload } = envelope;
  if (!checkDepth(payload)) {
    return fail({
      path: '',
      message: `nests arrays/objects deeper than ${MAX_DEPTH} levels`,
      expected: `at most ${MAX_DEPTH} levels of nesting`,
    });
  }
  if (!isRecord(payload)) {
    return fail({
      path: '',
      message: 'an event must be a JSON object',
      expected: 'object',
      received: typeOf(payload),
    });
  }
  if (envelope.route === GUARDRAIL_ROUTE) return normaliseGuardrail(payload, envelope.request_id);
  if (envelope.route === OUTCOME_ROUTE || payload.kind === 'outcome') {
    return normaliseOutcome(payload, envelope.request_id);
  }
  const shape = selectShape(payload, envelope.route);
  if (shape === undefined) {
    return fail({
      path: '',
      message:
        'cannot tell the kind of event: send input.messages or output.content for an inference, decision_id or output.decision for a decision',
      expected: KIND_FIELDS,
      received: 'none of them',
    });
  }
  const parsed = shape.schema.safeParse(payload);
  if (!parsed.success)
    return { ok: false, problems: problemsFromIssues(parsed.error.issues, payload) };

  const eventId = stringAt(payload, 'event_id') ?? stringAt(payload, 'decision_id');
  const occurredAt = stringAt(payload, 'timestamp');
  const useCase = useCaseOf(payload);
  const model = modelOf(payload);
  const event: NormalisedEvent = {
    event_id: eventId ?? envelope.request_id,
    kind: shape.kind,
    chain_key: chainKeyOf(payload),
    source: shape.source,
    body: payload,
    texts: collectTexts(payload),
    ...(occurredAt === undefined ? {} : { occurred_at: occurredAt }),
    ...(Object.hasOwn(payload, 'policy_checks')
      ? { client_policy_checks: payload.policy_checks }
      : {}),
    ...(useCase === undefined ? {} : { use_case: useCase }),
    ...(model === undefined ? {} : { model }),
  };
  return { ok: true, event };
}

/** The model a payload names: `model` (a name, or `{name, version}`), else `metadata.model`. */
function modelOf(payload: Record<string, unknown>): NormalisedEvent['model'] {
  const meta = payload.metadata;
  const raw =
    payload.model ?? (isRecord(meta) && typeof meta.model === 'string' ? meta.model : undefined);
  if (typeof raw === 'string') return raw === '' ? undefined : { name: raw };
  if (!isRecord(raw)) return undefined;
  const name = typeof raw.name === 'string' ? raw.name : undefined;
  const version = typeof raw.version === 'string' ? raw.version : undefined;
  if (name === undefined && version === undefined) return undefined;
  return { ...(name === undefined ? {} : { name }), ...(version === undefined ? {} : { version }) };
}

/** The route name of `POST /v1/outcomes`. */
export const OUTCOME_ROUTE = 'outcome';

/**
 * An outcome: an `outcome` record that points at its decision (`ref.event_id`; the processor
 * adds the decision's chain and seq when it is on the record). Its event id is the payload's
 * `event_id`, else the request id: never the decision id, which the decision holds.
 */
function normaliseOutcome(payload: Record<string, unknown>, requestId: string): NormaliseResult {
  const parsed = outcomeSchema.safeParse(payload);
  if (!parsed.success) {
    return { ok: false, problems: problemsFromIssues(parsed.error.issues, payload) };
  }
  const event: NormalisedEvent = {
    event_id: parsed.data.event_id ?? requestId,
    kind: 'outcome',
    chain_key: chainKeyOf(payload),
    source: OUTCOME_ROUTE,
    body: payload,
    texts: collectTexts(payload),
    occurred_at: parsed.data.observed_at,
    ref: { event_id: parsed.data.decision_id },
  };
  return { ok: true, event };
}

/** A guardrail call, chained like any other event once it was evaluated. */
function normaliseGuardrail(payload: unknown, requestId: string): NormaliseResult {
  const parsed = guardrailRequestSchema.safeParse(payload);
  if (!parsed.success) {
    return { ok: false, problems: problemsFromIssues(parsed.error.issues, payload) };
  }
  return { ok: true, event: guardrailEvent(parsed.data, parsed.data.event_id ?? requestId) };
}

function fail(problem: Problem): NormaliseResult {
  return { ok: false, problems: [problem] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringAt(record: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
}
