import type { PolicyResult } from '#core/chain/record.ts';
import { GOVERNANCE_CHAIN } from '#core/retention/governance.ts';
import { appendRecords, type RecordWriterDeps } from './append-records.ts';
import { quarantine } from './rejection.ts';

/** Events the stream no longer holds when the failure queue is read. */
export interface LostRange {
  /** Stable id of the pointer (shard and sequence range), so a retry records it once. */
  readonly id: string;
  /** The failure-queue message as received: what is known of the lost events. */
  readonly message: string;
  /** When the pointer was written (ISO 8601); dates the quarantine key. */
  readonly at: string;
  /** Why it is lost, e.g. `3 of 10 records of shard … were trimmed from the stream`. */
  readonly reason: string;
}

const NO_POLICY: PolicyResult = { version: 'none', decision: 'pass', findings: [] };

/**
 * Puts on the record that acknowledged events could not be read back: a `rejected` record on
 * the governance chain whose body names the reason and quarantines the pointer message, so
 * a loss the stream's retention caused is never silent. Idempotent by the pointer's id.
 */
export const recordLostRange = async (lost: LostRange, deps: RecordWriterDeps) => {
  const eventId = `lost:${lost.id}`;
  const envelope = {
    v: 1,
    route: 'failure_queue',
    request_id: eventId,
    received_at: lost.at,
    payload: lost.message,
  } as const;
  const body = await quarantine(
    envelope,
    [{ path: '', message: lost.reason }],
    deps.archive,
    deps.retainUntil?.(deps.clock.now()),
  );
  return appendRecords(
    GOVERNANCE_CHAIN,
    [{ kind: 'rejected', event_id: eventId, policy: NO_POLICY, body }],
    deps,
  );
};
