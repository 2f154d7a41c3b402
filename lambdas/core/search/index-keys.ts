import { TERM } from './terms.ts';

/**
 * How the DynamoDB ledger serves searches (RecordSearchPort): each record item carries its
 * search terms (`terms`, a string set of the digests of core/search/terms.ts) and, for the
 * selective fields below, that term again in a key attribute of a global secondary index
 * sorted by `ingested_at`. A search queries the index of the most selective term it has
 * (newest first), and filters the rest of its terms on `terms`: never a Scan. Shared by
 * the table's definition (lib/constructs/ledger-table.ts) and the adapter.
 */
export const SEARCH_INDEXES = [
  /** A data subject's records (user_id). Replaces the raw `user_key` of old items. */
  { name: 'by_user', field: TERM.user, key: 'user_key' },
  /** A data subject's sealed records by subject id: what a legal hold by user covers. */
  { name: 'by_subject', field: TERM.subject, key: 'subject_key' },
  { name: 'by_transaction', field: TERM.transaction, key: 'transaction_key' },
  { name: 'by_session', field: TERM.session, key: 'session_key' },
  /** Records pointing at an event: verdicts, conflicts. */
  { name: 'by_ref', field: TERM.ref, key: 'ref_key' },
  { name: 'by_chain', field: TERM.chain, key: 'chain_key' },
  /** The review queue (sparse: only queued records carry it). */
  { name: 'by_queue', field: TERM.queued, key: 'queue_key' },
  /** Every record of a tenant: the index of a search with no selective term. */
  { name: 'by_tenant', field: TERM.tenant, key: 'tenant_key' },
] as const;

export type SearchIndex = (typeof SEARCH_INDEXES)[number];

/** The sort key of every search index: newest first is a descending query. */
export const SEARCH_SORT_KEY = 'ingested_at';
/** The attribute holding a record's terms, projected into every search index. */
export const TERMS_ATTRIBUTE = 'terms';

const fieldOf = (term: string): string => term.slice(0, term.indexOf(':'));

/** The index key attributes of a record with these terms. */
export const indexKeysOf = (terms: readonly string[]): Record<string, string> => {
  const keys: Record<string, string> = {};
  for (const index of SEARCH_INDEXES) {
    const found = terms.find((t) => fieldOf(t) === index.field);
    if (found !== undefined) keys[index.key] = found;
  }
  return keys;
};

/** The index a search reads (the first, most selective, whose field one of `all` has) and
 * the term it queries; undefined when `all` has none (no tenant term: never the case). */
export const indexFor = (
  all: readonly string[],
): { readonly index: SearchIndex; readonly term: string } | undefined => {
  for (const index of SEARCH_INDEXES) {
    const term = all.find((t) => fieldOf(t) === index.field);
    if (term !== undefined) return { index, term };
  }
  return undefined;
};
