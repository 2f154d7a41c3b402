import { qualify } from '#core/access/tenant.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import { TERM, term } from '#core/search/terms.ts';
import type { RawRequest } from './access-log.ts';
import type { Caller, QueryDeps } from './deps.ts';
import { notFound } from './errors.ts';
import { present, recordsOf, type View } from './read-records.ts';
import { chainVisible } from './scope.ts';

/** A later event that reused this id with other content, recorded as `rejected`. */
export interface ConflictNote {
  readonly event_id: string;
  readonly chain: string;
  readonly seq: number;
  readonly ingested_at: string;
}

/** The 200 answer of `GET /v1/events/{event_id}`. */
export interface EventAnswer {
  readonly record: LedgerRecord;
  readonly view: View;
  /** Present when the id was sent again with different content: those sends are kept as
   * `rejected` records (202 does not mean "recorded as sent"). */
  readonly conflicts?: readonly ConflictNote[];
}

/** The stored record of an event id in the caller's tenant and scope; 404 otherwise (a
 * record out of scope is not admitted to exist). */
export const findEvent = async (
  caller: Caller,
  eventId: string,
  deps: Pick<QueryDeps, 'ledger'>,
): Promise<LedgerRecord> => {
  const stored = qualify(caller.principal.tenant, eventId);
  const where = (await deps.ledger.locate([stored])).get(stored);
  const record = where === undefined ? undefined : await deps.ledger.get(where.chain, where.seq);
  if (record === undefined || !chainVisible(caller.principal, record.chain)) {
    throw notFound('record for this event id');
  }
  return record;
};

/** `GET /v1/events/{event_id}[?view=raw]`. */
export const getEvent = async (
  caller: Caller,
  eventId: string,
  raw: RawRequest | undefined,
  deps: QueryDeps,
): Promise<EventAnswer> => {
  const record = await findEvent(caller, eventId, deps);
  const page = await deps.ledger.search({
    all: [
      term(TERM.tenant, caller.principal.tenant),
      term(TERM.ref, record.event_id),
      term(TERM.kind, 'rejected'),
    ],
    limit: 100,
  });
  const conflicts = (await recordsOf(page, deps)).map((r) => ({
    event_id: r.event_id,
    chain: r.chain,
    seq: r.seq,
    ingested_at: r.ingested_at,
  }));
  const shown = await present(caller, [record], raw, 'get_event', deps);
  return {
    record: shown.records[0] as LedgerRecord,
    view: shown.view,
    ...(conflicts.length === 0 ? {} : { conflicts }),
  };
};
