import type { IntakeEnvelope } from '#core/events/envelope.ts';
import { MAX_EVENT_BYTES } from '#core/events/limits.ts';
import { normalise } from '#core/events/normalise.ts';
import { attributesOf } from './attributes.ts';
import { genAiEvent, isGenAiSpan } from './genai-span.ts';
import type { OtlpTraceRequest, OtlpTraceResponse } from './otlp-types.ts';

/** The route name OTLP spans carry in their envelopes. */
export const OTLP_ROUTE = 'otlp';

/** What an OTLP export turned into: envelopes to publish, and the answer. */
export interface TracesIntake {
  readonly envelopes: readonly IntakeEnvelope[];
  /** `ExportTraceServiceResponse` plus our counts (JSON answers carry them all). */
  readonly response: OtlpTraceResponse & {
    readonly accepted_spans: number;
    readonly ignored_spans: number;
    readonly rejected_spans: number;
    readonly event_ids: readonly string[];
  };
}

const HEX_TRACE_ID = /^[0-9a-f]{32}$/;
const HEX_SPAN_ID = /^[0-9a-f]{16}$/;
const ZERO_ID = /^0+$/;

/**
 * `POST /v1/traces`: every GenAI span becomes one inference event (one record per span,
 * event id `otel:<trace id>:<span id>`); other spans are ignored and counted. A GenAI span
 * with invalid ids, or whose event the intake refuses or finds over 1 MiB, is rejected and
 * counted in `partialSuccess.rejectedSpans` (the OTLP partial-success answer). Ignored
 * spans are not rejections: the answer's `errorMessage` mentions them as a warning.
 */
export const ingestTraces = (
  request: OtlpTraceRequest,
  intake: { readonly requestId: string; readonly receivedAt: string },
): TracesIntake => {
  const envelopes: IntakeEnvelope[] = [];
  const eventIds: string[] = [];
  const reasons: string[] = [];
  let ignored = 0;
  let rejected = 0;
  let index = 0;
  for (const resourceSpans of request.resourceSpans ?? []) {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        if (!isGenAiSpan(attributesOf(span.attributes))) {
          ignored++;
          continue;
        }
        const traceId = (span.traceId ?? '').toLowerCase();
        const spanId = (span.spanId ?? '').toLowerCase();
        const parent = (span.parentSpanId ?? '').toLowerCase();
        if (!validId(traceId, HEX_TRACE_ID) || !validId(spanId, HEX_SPAN_ID)) {
          rejected++;
          reasons.push(`span "${span.name ?? ''}" has no valid trace or span id`);
          continue;
        }
        const payload = genAiEvent(
          span,
          { traceId, spanId, ...(parent === '' ? {} : { parentSpanId: parent }) },
          { resource, ...(scopeSpans.scope === undefined ? {} : { scope: scopeSpans.scope }) },
        );
        const envelope: IntakeEnvelope = {
          v: 1,
          route: OTLP_ROUTE,
          request_id: `${intake.requestId}:${index++}`,
          received_at: intake.receivedAt,
          payload,
        };
        const problem = checkEvent(envelope);
        if (problem !== undefined) {
          rejected++;
          reasons.push(`span ${spanId}: ${problem}`);
          continue;
        }
        envelopes.push(envelope);
        eventIds.push(payload.event_id as string);
      }
    }
  }
  const messages = [
    ...(rejected === 0
      ? []
      : [`${rejected} GenAI spans rejected: ${reasons.slice(0, 5).join('; ')}`]),
    ...(ignored === 0 ? [] : [`${ignored} spans without gen_ai.* attributes ignored`]),
  ];
  return {
    envelopes,
    response: {
      ...(messages.length === 0
        ? {}
        : { partialSuccess: { rejectedSpans: rejected, errorMessage: messages.join('; ') } }),
      accepted_spans: envelopes.length,
      ignored_spans: ignored,
      rejected_spans: rejected,
      event_ids: eventIds,
    },
  };
};

const validId = (id: string, pattern: RegExp): boolean => pattern.test(id) && !ZERO_ID.test(id);

/** The intake's own checks, as a batch item gets them: size, then the schema. */
const checkEvent = (envelope: IntakeEnvelope): string | undefined => {
  const size = Buffer.byteLength(JSON.stringify(envelope.payload));
  if (size > MAX_EVENT_BYTES) return `event is ${size} bytes, over ${MAX_EVENT_BYTES}`;
  const result = normalise(envelope);
  if (result.ok) return undefined;
  return result.problems.map((p) => `${p.path}: ${p.message}`).join(', ');
};
