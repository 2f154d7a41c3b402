import {
  type AttributeValue,
  type DynamoDBClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import {
  indexFor,
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

/** An index position as a cursor: which index, and the key of the last hit handed out. */
interface Cursor {
  readonly i: string;
  readonly k: Record<string, string>;
}

const keyOf = (index: SearchIndex, item: Item): Record<string, string> => ({
  [index.key]: item[index.key]?.S ?? '',
  [SEARCH_SORT_KEY]: item[SEARCH_SORT_KEY]?.S ?? '',
  chain: item.chain?.S ?? '',
  seq: item.seq?.N ?? '',
});

const encodeCursor = (index: SearchIndex, key: Record<string, string>): string =>
  Buffer.from(JSON.stringify({ i: index.name, k: key } satisfies Cursor)).toString('base64url');

/** The start key a cursor names, checked against the index and term this query reads. */
const decodeCursor = (text: string, index: SearchIndex, term: string): Item => {
  let cursor: Cursor;
  try {
    cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
  } catch {
    throw new InvalidCursorError('not a cursor of this search');
  }
  const k = cursor?.k;
  if (
    cursor?.i !== index.name ||
    typeof k !== 'object' ||
    k === null ||
    k[index.key] !== term ||
    [SEARCH_SORT_KEY, 'chain', 'seq'].some((name) => typeof k[name] !== 'string') ||
    !/^\d+$/.test(k.seq ?? '')
  ) {
    throw new InvalidCursorError('not a cursor of this search');
  }
  return {
    [index.key]: { S: term },
    [SEARCH_SORT_KEY]: { S: k[SEARCH_SORT_KEY] as string },
    chain: { S: k.chain as string },
    seq: { N: k.seq as string },
  };
};

/**
 * RecordSearchPort on the ledger table's search indexes (core/search/index-keys.ts): the
 * index of the query's most selective term, newest first (descending `ingested_at`), the
 * other terms, chain prefixes and time bounds as key condition and filter. A Query, never
 * a Scan. Pages are cut at `limit` hits and the cursor is the key of the last hit handed
 * out, so records appended later (newer) never shift a later page, and no hit is repeated
 * or skipped.
 */
export const dynamoSearch = (client: DynamoDBClient, table: string): RecordSearchPort => ({
  search: async (query: IndexQuery): Promise<IndexPage> => {
    const chosen = indexFor(query.all);
    if (chosen === undefined) throw new Error('a search needs a tenant term');
    const { index, term } = chosen;
    const values: Item = { ':term': { S: term } };
    const names: Record<string, string> = { '#pk': index.key };
    if (query.fromMs !== undefined || query.toMs !== undefined) names['#sk'] = SEARCH_SORT_KEY;
    let keyCondition = '#pk = :term';
    if (query.fromMs !== undefined && query.toMs !== undefined) {
      keyCondition += ' AND #sk BETWEEN :from AND :to';
    } else if (query.fromMs !== undefined) keyCondition += ' AND #sk >= :from';
    else if (query.toMs !== undefined) keyCondition += ' AND #sk <= :to';
    if (query.fromMs !== undefined) values[':from'] = { S: new Date(query.fromMs).toISOString() };
    if (query.toMs !== undefined) values[':to'] = { S: new Date(query.toMs).toISOString() };
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
    const hits: { chain: string; seq: number }[] = [];
    let start = query.cursor === undefined ? undefined : decodeCursor(query.cursor, index, term);
    do {
      const input: QueryCommandInput = {
        TableName: table,
        IndexName: index.name,
        KeyConditionExpression: keyCondition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        Limit: Math.max(query.limit - hits.length, MIN_QUERY_LIMIT),
        ...(filters.length === 0 ? {} : { FilterExpression: filters.join(' AND ') }),
        ...(start === undefined ? {} : { ExclusiveStartKey: start }),
      };
      const page = await client.send(new QueryCommand(input));
      const items = page.Items ?? [];
      for (const [at, item] of items.entries()) {
        hits.push({ chain: item.chain?.S ?? '', seq: Number(item.seq?.N) });
        if (hits.length === query.limit && at < items.length - 1) {
          // Cut inside a page: the next one starts after the last hit handed out.
          return { hits, cursor: encodeCursor(index, keyOf(index, item)) };
        }
      }
      start = page.LastEvaluatedKey;
    } while (start !== undefined && hits.length < query.limit);
    return start === undefined
      ? { hits }
      : { hits, cursor: encodeCursor(index, keyOf(index, start)) };
  },
});
