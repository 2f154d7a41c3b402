import type { LedgerRecord } from '#core/chain/record.ts';
import type { LedgerPort } from '#ports/ledger.ts';
import type { Handler } from './handler.ts';
import { errorAnswer } from './responses.ts';

/** The ledger reads the lookup route needs; `open` turns a stored (layout v2) record into
 * one with its body, while the body's keys exist. */
export type RecordReader = Pick<LedgerPort, 'locate' | 'get'> & {
  readonly open?: (record: LedgerRecord) => Promise<LedgerRecord>;
};

/** The 200 answer: the stored record (chain, seq, hash, prev, policy, body, …). */
export interface FoundRecord {
  readonly record: LedgerRecord;
}

/**
 * `GET /v1/events/{event_id}`: the record stored for an event id. An event that was
 * accepted (202) but not processed yet has no record, so it answers 404 like an unknown id
 * (`error: not_found`); the local pipeline records within its batch window, so clients
 * poll briefly. The API does not remember ids it accepted: the ledger is the one truth.
 */
export const lookupEvent =
  (ledger: RecordReader): Handler =>
  async ({ params }) => {
    const eventId = params.event_id ?? '';
    const where = (await ledger.locate([eventId])).get(eventId);
    const stored = where === undefined ? undefined : await ledger.get(where.chain, where.seq);
    const record = stored && ledger.open ? await ledger.open(stored) : stored;
    if (record === undefined) {
      return errorAnswer(404, 'not_found', 'no record for this event id (yet)');
    }
    const body: FoundRecord = { record };
    return { status: 200, body };
  };
