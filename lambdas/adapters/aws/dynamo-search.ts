import {
  type AttributeValue,
  type DynamoDBClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import {
  indexFor,
  indexKeyValues,
  SEARCH_SORT_KEY,
  type SearchIndex,
  TERMS_ATTRIBUTE,
} from '#core/search/index-keys.ts';
import {
  type IndexPage,
  type IndexQuery,
  InvalidCursorError,
  type RecordSearchPort,
} from '#ports/record-search.ts';

type Item = Record<string, AttributeValue>;

/** Items one Query evaluates at least: a selective filter then needs few round trips. */
const MIN_QUERY_LIMIT = 100;

/**
 * Where one key value of the index stands: not begun (first page only), done, after this
 * item key, or not begun but bounded to sort keys up to `upTo` (a key value none of whose
 * items a page handed out: its items are all at most as new as the page's last hit, and
 * the bound keeps records appended since out of later pages).
 */
type Position =
  | 'fresh'
  | 'done'
  | { readonly after: Record<string, string> }
  | { readonly upTo: string };

/** A cursor: which index, and for each key value it reads (a sharded index has several)
 * where the next page starts. */
interface Cursor {
  readonly i: string;
  readonly p: Record<string, Position>;
}

const KEY_FIELDS = [SEARCH_SORT_KEY, 'chain', 'seq'] as const;

const keyOf = (index: SearchIndex, item: Item): Record<string, string> => ({
  [index.key]: item[index.key]?.S ?? '',
  [SEARCH_SORT_KEY]: item[SEARCH_SORT_KEY]?.S ?? '',
  chain: item.chain?.S ?? '',
  seq: item.seq?.N ?? '',
});

const encodeCursor = (index: SearchIndex, p: Record<string, Position>): string =>
  Buffer.from(JSON.stringify({ i: index.name, p } satisfies Cursor)).toString('base64url');

const isKey = (k: unknown, index: SearchIndex, value: string): k is Record<string, string> => {
  if (typeof k !== 'object' || k === null) return false;
  const key = k as Record<string, unknown>;
  return (
    key[index.key] === value &&
    KEY_FIELDS.every((name) => typeof key[name] === 'string') &&
    /^\d+$/.test(key.seq as string)
  );
};

const validPosition = (at: unknown, index: SearchIndex, value: string): boolean => {
  if (at === 'done') return true;
  if (typeof at !== 'object' || at === null) return false;
  const { after, upTo } = at as { after?: unknown; upTo?: unknown };
  return after !== undefined ? isKey(after, index, value) : typeof upTo === 'string';
};

/** The start positions a cursor names, checked against the index and key values this
 * query reads. */
const decodeCursor = (
  text: string,
  index: SearchIndex,
  values: readonly string[],
): Map<string, Position> => {
  let cursor: Cursor;
  try {
    cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
  } catch {
    throw new InvalidCursorError('not a cursor of this search');
  }
  const p = cursor?.p;
  if (
    cursor?.i !== index.name ||
    typeof p !== 'object' ||
    p === null ||
    Object.keys(p).length !== values.length ||
    !values.every((v) => validPosition(p[v], index, v))
  ) {
    throw new InvalidCursorError('not a cursor of this search');
  }
  return new Map(values.map((v) => [v, p[v] as Position]));
};

const startKey = (index: SearchIndex, k: Record<string, string>): Item => ({
  [index.key]: { S: k[index.key] as string },
  [SEARCH_SORT_KEY]: { S: k[SEARCH_SORT_KEY] as string },
  chain: { S: k.chain as string },
  seq: { N: k.seq as string },
});

/** One key value being read: the items fetched and not yet handed out, where the next
 * Query starts, and where a next page would resume. */
interface Reader {
  readonly value: string;
  /** Upper sort key bound of a key value not begun yet (see Position). */
  readonly upTo: string | undefined;
  buffer: Item[];
  next: Item | undefined;
  done: boolean;
  resume: Position;
}

/**
 * RecordSearchPort on the ledger table's search indexes (core/search/index-keys.ts): the
 * index of the query's most selective term, newest first (descending `ingested_at`), the
 * other terms, chain prefixes and time bounds as key condition and filter. A Query, never
 * a Scan. A sharded index (by_tenant, by_chain) is read on every key value of the term
 * (its shards, and the bare term of items written before sharding) in parallel and merged
 * newest first. Pages are cut at `limit` hits and the cursor holds, per key value, the key
 * of its last hit handed out (or an upper bound), so records appended later (newer) never
 * shift a later page, and no hit is repeated or skipped.
 */
export const dynamoSearch = (client: DynamoDBClient, table: string): RecordSearchPort => ({
  search: async (query: IndexQuery): Promise<IndexPage> => {
    const chosen = indexFor(query.all);
    if (chosen === undefined) throw new Error('a search needs a tenant term');
    const { index, term } = chosen;
    const values: Item = {};
    const names: Record<string, string> = { '#pk': index.key };
    const from = query.fromMs === undefined ? undefined : new Date(query.fromMs).toISOString();
    const to = query.toMs === undefined ? undefined : new Date(query.toMs).toISOString();
    /** The key condition and its values for one key value, bounded above by `upTo`. */
    const keyCondition = (value: string, upTo: string | undefined) => {
      const top = upTo === undefined || (to !== undefined && to < upTo) ? to : upTo;
      const bound: Item = { ':term': { S: value } };
      if (from !== undefined) bound[':from'] = { S: from };
      if (top !== undefined) bound[':to'] = { S: top };
      const range =
        from !== undefined && top !== undefined
          ? ' AND #sk BETWEEN :from AND :to'
          : from !== undefined
            ? ' AND #sk >= :from'
            : top !== undefined
              ? ' AND #sk <= :to'
              : '';
      return {
        KeyConditionExpression: `#pk = :term${range}`,
        ExpressionAttributeNames: range === '' ? names : { ...names, '#sk': SEARCH_SORT_KEY },
        ExpressionAttributeValues: { ...values, ...bound },
      };
    };
    const filters: string[] = [];
    const others = query.all.filter((t) => t !== term);
    if (others.length > 0 || (query.any?.length ?? 0) > 0) names['#terms'] = TERMS_ATTRIBUTE;
    others.forEach((t, i) => {
      values[`:all${i}`] = { S: t };
      filters.push(`contains(#terms, :all${i})`);
    });
    if (query.any !== undefined && query.any.length > 0) {
      filters.push(
        `(${query.any
          .map((t, i) => {
            values[`:any${i}`] = { S: t };
            return `contains(#terms, :any${i})`;
          })
          .join(' OR ')})`,
      );
    }
    if (query.chainPrefixes !== undefined) {
      if (query.chainPrefixes.length === 0) return { hits: [] };
      names['#chain'] = 'chain';
      filters.push(
        `(${query.chainPrefixes
          .map((p, i) => {
            values[`:prefix${i}`] = { S: p };
            return `begins_with(#chain, :prefix${i})`;
          })
          .join(' OR ')})`,
      );
    }
    // A sharded index spreads the term over several key values: read each newest first
    // and merge, so the page is the newest hits over all of them.
    const keyValues = indexKeyValues(index, term);
    const positions =
      query.cursor === undefined
        ? new Map(keyValues.map((v): [string, Position] => [v, 'fresh']))
        : decodeCursor(query.cursor, index, keyValues);
    const readers: Reader[] = keyValues.map((value) => {
      const at = positions.get(value) ?? 'fresh';
      const upTo = typeof at === 'object' && 'upTo' in at ? at.upTo : undefined;
      return {
        value,
        upTo,
        buffer: [],
        next: typeof at === 'object' && 'after' in at ? startKey(index, at.after) : undefined,
        done: at === 'done',
        resume: at,
      };
    });
    const hits: { chain: string; seq: number }[] = [];
    const fill = async (reader: Reader): Promise<void> => {
      while (reader.buffer.length === 0 && !reader.done) {
        const input: QueryCommandInput = {
          TableName: table,
          IndexName: index.name,
          ...keyCondition(reader.value, reader.upTo),
          ScanIndexForward: false,
          Limit: Math.max(query.limit - hits.length, MIN_QUERY_LIMIT),
          ...(filters.length === 0 ? {} : { FilterExpression: filters.join(' AND ') }),
          ...(reader.next === undefined ? {} : { ExclusiveStartKey: reader.next }),
        };
        const page = await client.send(new QueryCommand(input));
        reader.buffer = page.Items ?? [];
        reader.next = page.LastEvaluatedKey;
        reader.done = reader.next === undefined;
        // Everything before `next` that the filter dropped is passed for good.
        if (reader.buffer.length === 0) {
          reader.resume = reader.done ? 'done' : { after: keyOf(index, reader.next as Item) };
        }
      }
    };
    const sortKey = (item: Item): string => item[SEARCH_SORT_KEY]?.S ?? '';
    let last: Item | undefined;
    // Every key value's first page in parallel; after that only the one whose buffer a hit
    // emptied reads again.
    if (query.limit > 0) await Promise.all(readers.map(fill));
    while (hits.length < query.limit) {
      let newest: Reader | undefined;
      for (const reader of readers) {
        const head = reader.buffer[0];
        if (head === undefined) continue;
        if (newest === undefined || sortKey(head) > sortKey(newest.buffer[0] as Item)) {
          newest = reader;
        }
      }
      if (newest === undefined) break;
      const item = newest.buffer.shift() as Item;
      hits.push({ chain: item.chain?.S ?? '', seq: Number(item.seq?.N) });
      newest.resume =
        newest.buffer.length === 0 && newest.done ? 'done' : { after: keyOf(index, item) };
      last = item;
      if (hits.length < query.limit) await fill(newest);
    }
    if (readers.every((r) => r.resume === 'done')) return { hits };
    // A key value none of whose items were handed out (or still bounded) resumes below the
    // page's last hit, so records appended since never enter a later page.
    const bounded = (r: Reader): Position =>
      r.resume === 'fresh' || (typeof r.resume === 'object' && 'upTo' in r.resume)
        ? { upTo: last === undefined ? (r.upTo ?? '') : sortKey(last) }
        : r.resume;
    return {
      hits,
      cursor: encodeCursor(index, Object.fromEntries(readers.map((r) => [r.value, bounded(r)]))),
    };
  },
});
