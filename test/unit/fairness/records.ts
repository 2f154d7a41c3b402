import type { LedgerRecord } from '#core/chain/record.ts';
import type { RecordSource } from '#core/fairness/review-source.ts';

let seq = 0;

/** A decision record as the ledger holds it (hash fields are not read by the review). */
export const decision = (
  eventId: string,
  body: Record<string, unknown>,
  occurredAt = '2026-11-18T10:00:00Z',
  policy: LedgerRecord['policy'] = { version: 'none', decision: 'pass', findings: [] },
): LedgerRecord => ({
  chain: 'app',
  seq: seq++,
  kind: 'decision',
  event_id: eventId,
  ingested_at: '2026-11-30T00:00:00Z',
  occurred_at: occurredAt,
  body_hash: '',
  policy,
  prev: '',
  hash: '',
  body,
});

/** An outcome record pointing at a decision (`resolved`: the processor found it). */
export const outcome = (
  decisionId: string,
  value: string,
  observedAt = '2026-11-25T00:00:00Z',
  resolved = true,
): LedgerRecord => ({
  chain: 'app',
  seq: seq++,
  kind: 'outcome',
  event_id: `o-${seq}`,
  ingested_at: '2026-11-30T00:00:00Z',
  occurred_at: observedAt,
  body_hash: '',
  policy: { version: 'none', decision: 'pass', findings: [] },
  ref: resolved ? { event_id: decisionId, chain: 'app', seq: 0 } : { event_id: decisionId },
  prev: '',
  hash: '',
  body: { decision_id: decisionId, outcome: value, observed_at: observedAt },
});

/** A source over a list, re-iterable (the review reads twice) and counting its passes. */
export const listSource = (records: readonly LedgerRecord[]): RecordSource & { passes: number } => {
  const source = {
    passes: 0,
    async *records() {
      source.passes += 1;
      yield* records;
    },
  };
  return source;
};
