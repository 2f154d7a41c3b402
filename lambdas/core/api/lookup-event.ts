import type { LedgerRecord } from '#core/chain/record.ts';
import type { RecordReader } from '#ports/ledger.ts';
import { type ApiAnswer, errorAnswer } from './answer.ts';

/** The 200 answer: the stored record (chain, seq, hash, prev, policy, body, …). */
export interface FoundRecord {
  readonly record: LedgerRecord;
}

/** The message of a 404 for an event id with no record. */
export const NO_RECORD_MESSAGE = 'no record for this event id (yet)';

/**
 * `GET /v1/events/{event_id}`: the record stored for an event id, `200 {record}`. An event
 * that was accepted (202) but not processed yet has no record, so it answers 404 like an
 * unknown id (`error: not_found`); clients poll briefly. The API does not remember ids it
 * accepted: the ledger is the one truth.
 */
export const lookupEvent = async (
  eventId: string | undefined,
  ledger: RecordReader,
): Promise<ApiAnswer> => {
  if (eventId === undefined || eventId === '') {
    return errorAnswer('invalid_request', 'the path needs an event id', [
      { path: 'event_id', message: 'event id is required', expected: 'an event id' },
    ]);
  }
  const where = (await ledger.locate([eventId])).get(eventId);
  const record = where === undefined ? undefined : await ledger.get(where.chain, where.seq);
  if (record === undefined) return errorAnswer('not_found', NO_RECORD_MESSAGE);
  const body: FoundRecord = { record };
  return { status: 200, body };
};
