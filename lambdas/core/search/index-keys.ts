import { applicationOf, LANE_SEPARATOR, laneHash } from '#core/events/lanes.ts';
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
  /** Every record of an application (all its lanes): sharded. */
  { name: 'by_chain', field: TERM.chain, key: 'chain_key', sharded: true },
  /** The review queue (sparse: only queued records carry it). */
  { name: 'by_queue', field: TERM.queued, key: 'queue_key' },
  /** Every record of a tenant: the index of a search with no selective term. */
  { name: 'by_tenant', field: TERM.tenant, key: 'tenant_key', sharded: true },
] as const;

export type SearchIndex = (typeof SEARCH_INDEXES)[number];

/** The sort key of every search index: newest first is a descending query. */
export const SEARCH_SORT_KEY = 'ingested_at';
/** The attribute holding a record's terms, projected into every search index. */
export const TERMS_ATTRIBUTE = 'terms';

/**
 * Key values of a sharded index per term. A GSI partition takes about 1,000 WRU/s per key
 * value, and every record of a tenant (by_tenant) or of an application's lanes (by_chain)
 * enters one entry: one key value would cap a tenant near 1,000 records/s. Sharded, the
 * value is `<term>#<shard>`, so a tenant gets up to INDEX_SHARDS times that; a search
 * queries every shard and merges them newest first (adapters/aws/dynamo-search.ts).
 */
export const INDEX_SHARDS = 8;

/** Between a sharded index term and its shard. */
const SHARD_SEPARATOR = '#';

/**
 * The shard of a chain's records: its application's hash plus its lane number, modulo
 * INDEX_SHARDS. Deterministic (the same chain always writes the same shard, so a re-index
 * is idempotent), one lane stays on one shard, and up to INDEX_SHARDS lanes of one
 * application land on distinct shards while different applications spread by the hash.
 */
export const shardOf = (chain: string): number => {
  const application = applicationOf(chain);
  const lane =
    application === chain ? 0 : Number(chain.slice(application.length + LANE_SEPARATOR.length));
  const r = (laneHash(application) + lane) % INDEX_SHARDS;
  return r < 0 ? r + INDEX_SHARDS : r;
};

const isSharded = (index: SearchIndex): boolean => 'sharded' in index && index.sharded;

/**
 * The key values a search of `term` on `index` reads: for a sharded index every shard, and
 * the bare term that items written before sharding carry (until `search reindex` moves
 * them), so old records stay found.
 */
export const indexKeyValues = (index: SearchIndex, term: string): string[] =>
  isSharded(index)
    ? [term, ...Array.from({ length: INDEX_SHARDS }, (_, s) => `${term}${SHARD_SEPARATOR}${s}`)]
    : [term];

const fieldOf = (term: string): string => term.slice(0, term.indexOf(':'));

/** The index key attributes of a record of `chain` with these terms. */
export const indexKeysOf = (terms: readonly string[], chain: string): Record<string, string> => {
  const keys: Record<string, string> = {};
  for (const index of SEARCH_INDEXES) {
    const found = terms.find((t) => fieldOf(t) === index.field);
    if (found === undefined) continue;
    keys[index.key] = isSharded(index) ? `${found}${SHARD_SEPARATOR}${shardOf(chain)}` : found;
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
