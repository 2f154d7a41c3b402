import { admitEnvelope } from '#core/access/admit.ts';
import { parseBatch } from '#core/events/batch.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import type { LanePlan } from '#core/events/lanes.ts';
import { MAX_BATCH_EVENTS, MAX_EVENT_BYTES } from '#core/events/limits.ts';
import { type NormaliseResult, normalise, rememberNormalised } from '#core/events/normalise.ts';
import { type Problem, prefixProblems } from '#core/events/problem.ts';
import { chainOf, withLane } from '#core/pipeline/chain-of.ts';
import type { EnvelopeSink } from '#ports/envelope-sink.ts';
import type { ApiAnswer } from './answer.ts';
import { invalidRequest } from './refusal.ts';
import { type ApiRequest, envelopeOf } from './request.ts';

/** The route name batch items carry in their envelopes. */
export const BATCH_ROUTE = 'batch';

/**
 * Largest batch request body: 10 MiB, API Gateway's payload limit. 500 events of 1 MiB
 * each would be 500 MiB, far more than a server should hold for one request.
 */
export const BATCH_BODY_LIMIT = Math.min(10 * 1_048_576, MAX_BATCH_EVENTS * MAX_EVENT_BYTES);

/** One item of the batch answer, in request order. */
export type BatchItemResult =
  | {
      readonly index: number;
      readonly event_id: string;
      readonly chain: string;
      readonly status: 'accepted';
    }
  | { readonly index: number; readonly status: 'invalid'; readonly problems: readonly Problem[] };

/**
 * `POST /v1/events:batch` with `{ events: [...] }` (1..500): answered per event, like
 * Kinesis PutRecords. Valid items are accepted (durably, in one publish) even when others
 * are invalid: 202 `{ results }`. Only when no item is valid is the answer 400, with every
 * item's problems under `events[i]`. Item i's request id is `<request id>:<i>`.
 */
export const acceptBatch = async (
  body: unknown,
  request: ApiRequest,
  sink: EnvelopeSink,
  lanes: LanePlan = [],
): Promise<ApiAnswer> => {
  const batch = parseBatch(body);
  if (!batch.ok) throw invalidRequest(batch.problems);
  const envelopes: IntakeEnvelope[] = [];
  const results = batch.events.map((payload, index): BatchItemResult => {
    const envelope = envelopeOf(BATCH_ROUTE, request, payload, `${request.requestId}:${index}`);
    const result = checkItem(envelope);
    if (!result.ok) {
      const problems = prefixProblems(`events[${index}]`, result.problems);
      return { index, status: 'invalid', problems };
    }
    // One item outside the key's chains refuses the whole batch (403), before any is kept.
    const { principal } = request;
    const admitted = withLane(
      principal === undefined ? envelope : admitEnvelope(principal, envelope),
      result.event.event_id,
      lanes,
    );
    envelopes.push(rememberNormalised(admitted, result));
    return { index, event_id: result.event.event_id, chain: chainOf(admitted), status: 'accepted' };
  });
  if (envelopes.length === 0) {
    throw invalidRequest(results.flatMap((r) => (r.status === 'invalid' ? r.problems : [])));
  }
  await sink.publish(envelopes);
  return { status: 202, body: { results } };
};

/** An item obeys the single-event size limit (measured as compact JSON) and the schema. */
const checkItem = (envelope: IntakeEnvelope): NormaliseResult => {
  const size = Buffer.byteLength(JSON.stringify(envelope.payload) ?? '');
  if (size <= MAX_EVENT_BYTES) return normalise(envelope);
  const problem: Problem = {
    path: '',
    message: `event is ${size} bytes, over the limit of ${MAX_EVENT_BYTES}`,
    expected: `at most ${MAX_EVENT_BYTES} bytes`,
    received: `${size} bytes`,
  };
  return { ok: false, problems: [problem] };
};
