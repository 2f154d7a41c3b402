import {
  type AttributeValue,
  type DynamoDBClient,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { SEARCH_INDEXES, TERMS_ATTRIBUTE } from '#core/search/index-keys.ts';
import type { SearchReindexPort, StoredIndexEntry } from '#ports/search-reindex.ts';
import { type Item, itemToRecord, N, S, str } from './dynamo-item.ts';
import { DynamoLedger } from './dynamo-ledger.ts';

/**
 * Re-indexing on the ledger table: pages of a chain's record items by Query (seq ≥ from,
 * never a Scan), and an UpdateItem that sets `terms` and the index key attributes and
 * removes the index keys a record no longer has. Only those attributes are named, and only
 * on an existing item, so the table's resource policy can let such updates through while it
 * denies every other update of a record (lib/constructs/ledger-table.ts).
 */
export class DynamoSearchReindex implements SearchReindexPort {
  readonly #client: DynamoDBClient;
  readonly #table: string;
  readonly #ledger: DynamoLedger;

  constructor(options: { client: DynamoDBClient; table: string; chainsIndex?: string }) {
    this.#client = options.client;
    this.#table = options.table;
    this.#ledger = new DynamoLedger(options);
  }

  chains(): AsyncIterable<string> {
    return this.#ledger.chains();
  }

  async page(
    chain: string,
    from: number,
    limit: number,
  ): Promise<{ entries: StoredIndexEntry[]; next?: number }> {
    const out = await this.#client.send(
      new QueryCommand({
        TableName: this.#table,
        KeyConditionExpression: 'chain = :c AND seq >= :from',
        ExpressionAttributeValues: { ':c': S(chain), ':from': N(from) },
        Limit: limit,
      }),
    );
    const items: Item[] = out.Items ?? [];
    const entries = items.map((item) => {
      const indexKeys: Record<string, string> = {};
      for (const index of SEARCH_INDEXES) {
        const value = str(item, index.key);
        if (value !== undefined) indexKeys[index.key] = value;
      }
      return { record: itemToRecord(item), terms: item[TERMS_ATTRIBUTE]?.SS ?? [], indexKeys };
    });
    const last = entries.at(-1)?.record.seq;
    return out.LastEvaluatedKey === undefined || last === undefined
      ? { entries }
      : { entries, next: last + 1 };
  }

  async rewrite(
    chain: string,
    seq: number,
    terms: readonly string[],
    indexKeys: Record<string, string>,
  ): Promise<void> {
    const names: Record<string, string> = { '#t': TERMS_ATTRIBUTE, '#c': 'chain' };
    const values: Record<string, AttributeValue> = { ':t': { SS: [...terms] } };
    const set = ['#t = :t'];
    const remove: string[] = [];
    SEARCH_INDEXES.forEach((index, i) => {
      names[`#k${i}`] = index.key;
      const value = indexKeys[index.key];
      if (value === undefined) remove.push(`#k${i}`);
      else {
        values[`:k${i}`] = S(value);
        set.push(`#k${i} = :k${i}`);
      }
    });
    await this.#client.send(
      new UpdateItemCommand({
        TableName: this.#table,
        Key: { chain: S(chain), seq: N(seq) },
        UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
        // Never create an item: only a stored record is re-indexed.
        ConditionExpression: 'attribute_exists(#c)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }
}
