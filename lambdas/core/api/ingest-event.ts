import { admitEnvelope } from '#core/access/admit.ts';
import type { LanePlan } from '#core/events/lanes.ts';
import { MAX_EVENT_BYTES } from '#core/events/limits.ts';
import { normalise, rememberNormalised } from '#core/events/normalise.ts';
import { chainOf, withLane } from '#core/pipeline/chain-of.ts';
import type { EnvelopeSink } from '#ports/envelope-sink.ts';
import type { ApiAnswer } from './answer.ts';
import { invalidRequest } from './refusal.ts';
import { type ApiRequest, envelopeOf } from './request.ts';

/** The largest body of a single-event route. */
export const EVENT_BODY_LIMIT = MAX_EVENT_BYTES;

/** The 202 answer for one accepted event. */
export interface AcceptedEvent {
  readonly event_id: string;
  readonly chain: string;
  readonly status: 'accepted';
}

/**
 * `POST /v1/audit/events`, `/v1/logs/decisions`, `/v1/logs`: one event per request,
 * validated with the intake schema, answered 202 only once it is durable. `route` is
 * written into the envelope (`audit_event`, `decision_log`, `log`); `lanes` spreads a hot
 * key over lanes by event id (core/events/lanes.ts).
 */
export const acceptEvent = async (
  route: string,
  payload: unknown,
  request: ApiRequest,
  sink: EnvelopeSink,
  lanes: LanePlan = [],
): Promise<ApiAnswer> => {
  const given = envelopeOf(route, request, payload);
  const result = normalise(given);
  if (!result.ok) throw invalidRequest(result.problems);
  const { principal } = request;
  const admitted = principal === undefined ? given : admitEnvelope(principal, given);
  const envelope = withLane(admitted, result.event.event_id, lanes);
  await sink.publish([rememberNormalised(envelope, result)]);
  const body: AcceptedEvent = {
    event_id: result.event.event_id,
    chain: chainOf(envelope),
    status: 'accepted',
  };
  return { status: 202, body };
};
