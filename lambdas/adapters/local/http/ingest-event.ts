import { admitEnvelope } from '#core/access/admit.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import { MAX_EVENT_BYTES } from '#core/events/limits.ts';
import { normalise } from '#core/events/normalise.ts';
import { chainOf } from '#core/pipeline/chain-of.ts';
import type { EnvelopePublisher, Handler } from './handler.ts';
import { invalidRequest, readJson } from './read-json.ts';

/** The 202 answer for one accepted event. */
export interface AcceptedEvent {
  readonly event_id: string;
  readonly chain: string;
  readonly status: 'accepted';
}

/**
 * `POST /v1/audit/events`, `/v1/logs/decisions`, `/v1/logs`: one event per request,
 * validated at the edge with the intake schema, answered 202 only once it is durable.
 * `route` is written into the envelope (`audit_event`, `decision_log`, `log`).
 */
export const ingestEvent =
  (route: string, stream: EnvelopePublisher): Handler =>
  async ({ req, requestId, receivedAt, principal }) => {
    const payload = await readJson(req, MAX_EVENT_BYTES);
    const given: IntakeEnvelope = {
      v: 1,
      route,
      request_id: requestId,
      received_at: receivedAt,
      payload,
    };
    const result = normalise(given);
    if (!result.ok) throw invalidRequest(result.problems);
    const envelope = principal === undefined ? given : admitEnvelope(principal, given);
    await stream.publish([envelope]);
    const body: AcceptedEvent = {
      event_id: result.event.event_id,
      chain: chainOf(envelope),
      status: 'accepted',
    };
    return { status: 202, body };
  };
