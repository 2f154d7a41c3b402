import { inScope } from '#core/access/roles.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import { InvalidCursorError } from '#ports/record-search.ts';
import type { RawRequest } from './access-log.ts';
import type { Caller, QueryDeps } from './deps.ts';
import { badQuery, forbidden } from './errors.ts';
import { present, recordsOf, type View } from './read-records.ts';
import { scopeFilter } from './scope.ts';
import type { QueryParams } from './search-params.ts';
import { searchQuery } from './search-params.ts';

/** A page of records, newest first; `next_cursor` fetches the next one. */
export interface RecordPage {
  readonly records: readonly LedgerRecord[];
  readonly view: View;
  readonly next_cursor?: string;
}

/** Runs an index query within the caller's scope; a foreign cursor is a 400. */
const searchPage = async (
  caller: Caller,
  params: QueryParams,
  deps: QueryDeps,
  fixed: Readonly<Record<string, string>> = {},
) => {
  const { tenantTerm, chainPrefixes } = scopeFilter(caller.principal);
  const { chain, ...query } = searchQuery(params, caller.principal.tenant, tenantTerm, fixed);
  if (chain !== undefined && !inScope(caller.principal, chain)) {
    throw forbidden(`chain ${chain} is outside this key's chains`);
  }
  try {
    return await deps.ledger.search({
      ...query,
      ...(chainPrefixes === undefined ? {} : { chainPrefixes }),
    });
  } catch (error) {
    if (!(error instanceof InvalidCursorError)) throw error;
    throw badQuery([{ path: 'cursor', message: error.message }]);
  }
};

/** `GET /v1/events?chain=&user_id=&…&cursor=&limit=`: newest first, stable cursors. */
export const searchEvents = async (
  caller: Caller,
  params: QueryParams,
  raw: RawRequest | undefined,
  deps: QueryDeps,
): Promise<RecordPage> => {
  const page = await searchPage(caller, params, deps);
  const shown = await present(caller, await recordsOf(page, deps), raw, 'search_events', deps);
  return { ...shown, ...(page.cursor === undefined ? {} : { next_cursor: page.cursor }) };
};

/** Most records one export holds; a larger subject pages through `GET …/events`. */
export const MAX_EXPORT = 10_000;

/** A data subject's export (GDPR Art. 15): every record about them, in one JSON file. */
export interface SubjectExport {
  readonly subject: { readonly user_id: string };
  readonly tenant: string;
  readonly exported_at: string;
  readonly view: View;
  readonly count: number;
  /** True when the subject has more records than one export holds. */
  readonly truncated: boolean;
  readonly records: readonly LedgerRecord[];
}

/** `GET /v1/subjects/{user_id}/events`: one subject's records (a page, or with
 * `format=export` all of them, up to MAX_EXPORT, as a download). */
export const subjectEvents = async (
  caller: Caller,
  userId: string,
  params: QueryParams,
  raw: RawRequest | undefined,
  deps: QueryDeps,
): Promise<RecordPage | SubjectExport> => {
  const { format, ...rest } = params;
  if (format === undefined) {
    const page = await searchPage(caller, rest, deps, { user_id: userId });
    const shown = await present(caller, await recordsOf(page, deps), raw, 'subject_events', deps);
    return { ...shown, ...(page.cursor === undefined ? {} : { next_cursor: page.cursor }) };
  }
  if (format !== 'export') {
    throw badQuery([
      { path: 'format', message: 'unknown format', expected: 'export', received: format },
    ]);
  }
  const records: LedgerRecord[] = [];
  let cursor: string | undefined;
  let truncated = false;
  do {
    const limit = Math.min(500, MAX_EXPORT + 1 - records.length);
    const pageParams = {
      ...rest,
      limit: String(limit),
      ...(cursor === undefined ? {} : { cursor }),
    };
    const page = await searchPage(caller, pageParams, deps, { user_id: userId });
    records.push(...(await recordsOf(page, deps)));
    cursor = page.cursor;
    if (records.length > MAX_EXPORT) {
      records.length = MAX_EXPORT;
      truncated = true;
      break;
    }
  } while (cursor !== undefined);
  const shown = await present(caller, records, raw, 'subject_export', deps);
  return {
    subject: { user_id: userId },
    tenant: caller.principal.tenant,
    exported_at: deps.clock.now().toISOString(),
    view: shown.view,
    count: shown.records.length,
    truncated,
    records: shown.records,
  };
};
