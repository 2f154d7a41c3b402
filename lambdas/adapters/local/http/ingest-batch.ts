import { admitEnvelope } from '#core/access/admit.ts';
import { parseBatch } from '#core/events/batch.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import { MAX_EVENT_BYTES } from '#core/events/limits.ts';
import { type NormaliseResult, normalise } from '#core/events/normalise.ts';
import { type Problem, prefixProblems } from '#core/events/problem.ts';
import { chainOf } from '#core/pipeline/chain-of.ts';
import type { EnvelopePublisher, Handler } from './handler.ts';
import { MAX_BATCH_BODY_BYTES } from './limits.ts';
import { invalidRequest, readJson } from './read-json.ts';

/** The route name batch items carry in their envelopes. */
export const BATCH_ROUTE = 'batch';

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
export const ingestBatch =
  (stream: EnvelopePublisher): Handler =>
  async ({ req, requestId, receivedAt, principal }) => {
    const batch = parseBatch(await readJson(req, MAX_BATCH_BODY_BYTES));
    if (!batch.ok) throw invalidRequest(batch.problems);
    const envelopes: IntakeEnvelope[] = [];
    const results = batch.events.map((payload, index): BatchItemResult => {
      const envelope: IntakeEnvelope = {
        v: 1,
        route: BATCH_ROUTE,
        request_id: `${requestId}:${index}`,
        received_at: receivedAt,
        payload,
      };
      const result = checkItem(envelope);
      if (!result.ok) {
        const problems = prefixProblems(`events[${index}]`, result.problems);
        return { index, status: 'invalid', problems };
      }
      // One item outside the key's chains refuses the whole batch (403), before any is kept.
      const admitted = principal === undefined ? envelope : admitEnvelope(principal, envelope);
      envelopes.push(admitted);
      return {
        index,
        event_id: result.event.event_id,
        chain: chainOf(admitted),
        status: 'accepted',
      };
    });
    if (envelopes.length === 0) {
      throw invalidRequest(results.flatMap((r) => (r.status === 'invalid' ? r.problems : [])));
    }
    await stream.publish(envelopes);
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
