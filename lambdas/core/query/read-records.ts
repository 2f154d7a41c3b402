import type { LedgerRecord } from '#core/chain/record.ts';
import type { IndexPage } from '#ports/record-search.ts';
import { checkRawRead, type RawRequest, recordRawRead } from './access-log.ts';
import type { Caller, QueryDeps } from './deps.ts';
import { redactRecord } from './redact-record.ts';

/** Which view of bodies an answer carries. */
export type View = 'redacted' | 'raw';

/** The records of an index page, in its order (a hit whose record vanished is skipped). */
export const recordsOf = async (
  page: IndexPage,
  deps: Pick<QueryDeps, 'ledger'>,
): Promise<LedgerRecord[]> => {
  const records = await Promise.all(page.hits.map((h) => deps.ledger.get(h.chain, h.seq)));
  return records.filter((r): r is LedgerRecord => r !== undefined);
};

/**
 * Records as the caller may see them: redacted by default; raw only when asked for, by a
 * role with `read_raw`, with a reason, and only after the read was recorded.
 */
export const present = async (
  caller: Caller,
  records: readonly LedgerRecord[],
  raw: RawRequest | undefined,
  route: string,
  deps: QueryDeps,
): Promise<{ view: View; records: LedgerRecord[] }> => {
  if (raw === undefined) return { view: 'redacted', records: records.map(redactRecord) };
  const reason = checkRawRead(caller.principal, raw);
  if (records.length > 0) await recordRawRead(caller, reason, route, records, deps);
  return { view: 'raw', records: [...records] };
};
