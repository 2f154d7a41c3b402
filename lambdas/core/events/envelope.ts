import type { Submitter } from '#core/access/roles.ts';

/**
 * What travels on the stream (Kinesis in AWS, the in-process stream locally): the request
 * as received plus intake facts. The processor normalises it, so API Gateway can put it on
 * Kinesis directly with a mapping template and no Lambda in the ingest path.
 */
export interface IntakeEnvelope {
  readonly v: 1;
  /** Which route accepted it: `audit_event`, `decision_log`, `log`, `guardrail`, … */
  readonly route: string;
  /** Unique per accepted event (API Gateway request id, `:<index>` for batch items);
   * the event id when the payload carries none, so redelivery stays idempotent. */
  readonly request_id: string;
  /** ISO 8601 UTC, when the API accepted it. */
  readonly received_at: string;
  /** The parsed JSON payload as received; a string when the bytes were not JSON (the
   * processor then writes a `rejected` record and quarantines them). */
  readonly payload: unknown;
  /** Lane of a hot chain key (its own chain `<key>~<lane>`, core/events/lanes.ts); absent for one lane. */
  readonly lane?: string;
  /** The key that sent it (stamped by the API from the authenticated key, never taken from
   * the client); absent on envelopes accepted before keys carried one. */
  readonly submitter?: Submitter;
}
