import {
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  type CancellationReason,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  type QueryCommandOutput,
  ScanCommand,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { bodyKey, sealedBodyKey } from '#core/archive/layout.ts';
import { canonicalJson } from '#core/chain/canonical.ts';
import {
  type ChainHead,
  GENESIS_PREV,
  type LedgerRecord,
  type SealedBody,
} from '#core/chain/record.ts';
import { AuditTrailError } from '#core/errors.ts';
import type { BodyStore } from '#ports/body-store.ts';
import {
  ChainConflictError,
  type ChainMeta,
  DuplicateEventError,
  type EventLocation,
  type LedgerPort,
} from '#ports/ledger.ts';
import type { IndexPage, IndexQuery, RecordSearchPort } from '#ports/record-search.ts';
import {
  eventKey,
  type Item,
  itemBytes,
  itemSize,
  itemToRecord,
  MalformedItemError,
  metaKey,
  N,
  need,
  num,
  REGISTRY,
  recordItem,
  S,
  str,
} from './dynamo-item.ts';
import { dynamoSearch } from './dynamo-search.ts';

/**
 * The ledger on one DynamoDB table, partition key `chain` (S), sort key `seq` (N):
 *
 *   record        chain=<chain>          seq=0,1,2…  envelope attributes, hash, body (JSON
 *                                                    text) or body_ref, body_salt, search
 *                                                    terms and index keys (index-keys.ts);
 *                                                    layout v2: body_enc (ciphertext), or
 *                                                    body_enc_at (its size) when it sits in
 *                                                    the body store (sealedBodyKey)
 *   event index   chain=evt#<event_id>   seq=-1      rec_chain, rec_seq
 *   chain meta    chain=␠meta#<chain>    seq=-1      registry='chain', chain_name,
 *                                                    archived_through, checkpoint_size,
 *                                                    checkpoint_frontier
 *
 * Records have seq ≥ 0 and bookkeeping items seq = -1, so no chain key, whatever its
 * characters (even `evt#…`), can collide with an index or meta item; record queries always
 * bound seq ≥ 0. The meta prefix starts with a space (␠), which no chain key does (the
 * intake schema refuses leading whitespace): IAM tells the mutable meta items from records
 * by that prefix alone (dynamodb:LeadingKeys), so `meta#…` would let the UpdateItem grant
 * reach the records of a chain named `meta#x`. Bodies, policy results and refs are stored
 * as JSON text: DynamoDB numbers cannot hold every JSON number (1e300) and maps do not keep
 * key order, and a record must read back exactly as it was hashed. The text is RFC 8785 canonical JSON, so a body
 * fetched through its body_ref is byte for byte what body_hash commits to.
 *
 * Records are written only by `append` (Put with attribute_not_exists), never updated;
 * meta items, which are not part of the chain, use UpdateItem with monotonic conditions.
 */

/** Bodies whose JSON text exceeds this go to the body store (claim check). */
export const MAX_INLINE_BODY_BYTES = 256 * 1024;
/** DynamoDB's item limit is 400 KB (attribute names and values, UTF-8); a record item whose
 * inline body would take it past this (the policy result may carry the client's own checks
 * verbatim) keeps its body in the body store instead. */
export const MAX_ITEM_BYTES = 400 * 1024 - 8 * 1024;
/** TransactWriteItems takes at most 100 items: 49 records (record + event index item each)
 * plus the head condition (or, for a new chain, the meta item). */
export const RECORDS_PER_TRANSACTION = 49;
/** TransactWriteItems takes at most 4 MB; keep clear of it. */
const MAX_TRANSACTION_BYTES = 3_500_000;

export interface DynamoLedgerOptions {
  readonly client: DynamoDBClient;
  readonly table: string;
  /** Bodies over 256 KB are put here and the record keeps a `body_ref`. Without one, such an
   * append fails with BodyTooLargeError. */
  readonly bodyStore?: BodyStore;
  /** Name of a sparse GSI (partition key `registry`) over the meta items; without it,
   * `chains()` scans the table for them. */
  readonly chainsIndex?: string;
}

/** A body over the inline limit with no body store configured. */
export class BodyTooLargeError extends AuditTrailError {
  readonly code = 'body_too_large';
  override readonly name = 'BodyTooLargeError';
  readonly chain: string;
  readonly seq: number;
  readonly size: number;
  constructor(chain: string, seq: number, size: number) {
    super(`body of ${chain}#${seq} is ${size} bytes; configure a body store`);
    this.chain = chain;
    this.seq = seq;
    this.size = size;
  }
}

const encoder = new TextEncoder();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** DynamoDB ledger adapter; see the table layout above. */
export class DynamoLedger implements LedgerPort, RecordSearchPort {
  readonly #client: DynamoDBClient;
  readonly #search: RecordSearchPort;
  readonly #table: string;
  readonly #bodyStore: BodyStore | undefined;
  readonly #chainsIndex: string | undefined;

  constructor(options: DynamoLedgerOptions) {
    this.#client = options.client;
    this.#table = options.table;
    this.#bodyStore = options.bodyStore;
    this.#search = dynamoSearch(options.client, options.table);
    this.#chainsIndex = options.chainsIndex;
  }
  /** Search over the ledger's search indexes (dynamo-search.ts): Query, never Scan. */
  search(query: IndexQuery): Promise<IndexPage> {
    return this.#search.search(query);
  }

  async head(chain: string): Promise<ChainHead> {
    const out = await this.#client.send(
      new QueryCommand({
        TableName: this.#table,
        KeyConditionExpression: 'chain = :c AND seq >= :zero',
        ExpressionAttributeValues: { ':c': S(chain), ':zero': N(0) },
        ProjectionExpression: 'seq, #h',
        ExpressionAttributeNames: { '#h': 'hash' },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const last = out.Items?.[0];
    if (!last) return { chain, seq: -1, hash: GENESIS_PREV };
    return { chain, seq: need(num(last, 'seq'), 'seq'), hash: need(str(last, 'hash'), 'hash') };
  }

  /**
   * One conditional transaction per run of up to 49 records: every record and event index
   * item is put with attribute_not_exists, and the head is checked (record `expected.seq`
   * exists with `expected.hash`; with seq + 1 absent that pins the head exactly). For a new
   * chain, seq 0 being absent is the check, and the meta item that lists the chain (for
   * `chains()`) is put in the same transaction.
   *
   * Longer appends are split into consecutive transactions, each conditional on the last
   * record of the one before. A crash or conflict between them leaves a consistent prefix:
   * whole, linked records with their index items and no gap. The caller's retry reloads the
   * head, finds the prefix's event ids recorded (locate), drops them and appends the rest.
   */
  async append(expected: ChainHead, records: readonly LedgerRecord[]): Promise<void> {
    let head = expected;
    for (const run of await this.#runs(expected, records)) {
      await this.#transact(head, run);
      const last = run.at(-1)?.record;
      if (last) head = { chain: expected.chain, seq: last.seq, hash: last.hash };
    }
  }

  /** Stores large bodies out of line (concurrently: most records need no put at all) and
   * groups the items into transactions. */
  async #runs(
    expected: ChainHead,
    records: readonly LedgerRecord[],
  ): Promise<{ record: LedgerRecord; item: Item }[][]> {
    const eventIds = new Set<string>();
    for (const [i, record] of records.entries()) {
      if (record.chain !== expected.chain || record.seq !== expected.seq + 1 + i) {
        throw new RangeError(`record ${record.chain}#${record.seq} does not follow the head`);
      }
      if (eventIds.has(record.event_id)) {
        throw new RangeError(`event ${record.event_id} appears twice in one append`);
      }
      eventIds.add(record.event_id);
    }
    const entries = await Promise.all(
      records.map(async (record) => ({ record, item: await this.#item(record) })),
    );
    const runs: { record: LedgerRecord; item: Item }[][] = [];
    let run: { record: LedgerRecord; item: Item }[] = [];
    let bytes = 0;
    for (const entry of entries) {
      const size = itemBytes(entry.item);
      if (
        run.length >= RECORDS_PER_TRANSACTION ||
        (run.length > 0 && bytes + size > MAX_TRANSACTION_BYTES)
      ) {
        runs.push(run);
        run = [];
        bytes = 0;
      }
      run.push(entry);
      bytes += size;
    }
    if (run.length > 0) runs.push(run);
    return runs;
  }

  /** The record's item: the body inline as JSON text, or a pointer to it in the body store
   * when the body or the item with it would be too large. */
  async #item(record: LedgerRecord): Promise<Item> {
    if (record.body === undefined) {
      const item = recordItem(record, record.body_ref);
      if (record.body_enc === undefined || itemSize(item) <= MAX_ITEM_BYTES) return item;
      // A large layout v2 body: its ciphertext goes to the body store, the item says so.
      // The same item otherwise: a record rebuilt without `body_enc` would lose the terms
      // carried from before sealing (user, subject: what a hold by user finds it by).
      const { body_enc: sealed, ...rest } = item;
      const bytes = encoder.encode(sealed?.S ?? '');
      if (!this.#bodyStore) throw new BodyTooLargeError(record.chain, record.seq, bytes.length);
      await this.#bodyStore.put(sealedBodyKey(record.chain, record.seq, record.body_hash), bytes, {
        contentType: 'application/json',
      });
      return { ...rest, body_enc_at: N(bytes.length) };
    }
    const text = canonicalJson(record.body);
    const bytes = encoder.encode(text);
    if (bytes.length <= MAX_INLINE_BODY_BYTES) {
      const inline = recordItem(record, text);
      if (itemSize(inline) <= MAX_ITEM_BYTES) return inline;
    }
    if (!this.#bodyStore) throw new BodyTooLargeError(record.chain, record.seq, bytes.length);
    // The body hash is salted, so the key is unique to this record even when a conflicting
    // writer took the same seq; a body put for a transaction that then failed is an orphan.
    const key = bodyKey(record.chain, record.seq, record.body_hash);
    await this.#bodyStore.put(key, bytes, { contentType: 'application/json' });
    return recordItem(record, { uri: this.#bodyStore.uriOf(key), size: bytes.length });
  }

  async #transact(head: ChainHead, run: readonly { record: LedgerRecord; item: Item }[]) {
    const items: TransactWriteItem[] = [];
    if (head.seq < 0) {
      // A Put, not an Update: the table's resource policy denies UpdateItem on anything
      // but meta keys, and IAM may weigh every key of a transaction. Unconditional, since
      // the record-0 Put beside it already proves the chain empty, so there is no
      // bookkeeping to lose.
      items.push({
        Put: {
          TableName: this.#table,
          Item: {
            ...metaKey(head.chain),
            registry: S(REGISTRY),
            chain_name: S(head.chain),
            archived_through: N(-1),
            checkpoint_size: N(0),
            checkpoint_frontier: { L: [] },
          },
        },
      });
    } else {
      items.push({
        ConditionCheck: {
          TableName: this.#table,
          Key: { chain: S(head.chain), seq: N(head.seq) },
          ConditionExpression: '#h = :h',
          ExpressionAttributeNames: { '#h': 'hash' },
          ExpressionAttributeValues: { ':h': S(head.hash) },
        },
      });
    }
    for (const { record, item } of run) {
      items.push({
        Put: {
          TableName: this.#table,
          Item: item,
          ConditionExpression: 'attribute_not_exists(chain)',
        },
      });
      items.push({
        Put: {
          TableName: this.#table,
          Item: {
            ...eventKey(record.event_id),
            rec_chain: S(record.chain),
            rec_seq: N(record.seq),
          },
          ConditionExpression: 'attribute_not_exists(chain)',
        },
      });
    }
    try {
      await this.#client.send(new TransactWriteItemsCommand({ TransactItems: items }));
    } catch (error) {
      throw this.#explain(error, head, run);
    }
  }

  /** TransactionCanceledException → the port's errors. Item 0 is the head check (or meta
   * item); then record, index item, record, index item, … */
  #explain(error: unknown, head: ChainHead, run: readonly { record: LedgerRecord }[]): unknown {
    if (!(error instanceof TransactionCanceledException)) return error;
    const reasons: readonly CancellationReason[] = error.CancellationReasons ?? [];
    const failed = (i: number) => reasons[i]?.Code === 'ConditionalCheckFailed';
    const duplicates = run.filter((_, i) => failed(2 + 2 * i)).map((r) => r.record.event_id);
    if (duplicates.length > 0) return new DuplicateEventError(duplicates);
    const headMoved = failed(0) || run.some((_, i) => failed(1 + 2 * i));
    // A concurrent transaction on the same items (TransactionConflict) is a moved head
    // too: the retry reloads it.
    const contended = reasons.some((r) => r.Code === 'TransactionConflict');
    if (headMoved || contended) return new ChainConflictError(head.chain, head.seq);
    return error;
  }

  async locate(eventIds: readonly string[]): Promise<Map<string, EventLocation>> {
    const found = new Map<string, EventLocation>();
    const ids = [...new Set(eventIds)];
    for (let i = 0; i < ids.length; i += 100) {
      let keys: Item[] | undefined = ids.slice(i, i + 100).map(eventKey);
      for (let attempt = 0; keys && keys.length > 0; attempt += 1) {
        if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
        const out: BatchGetItemCommandOutput = await this.#client.send(
          new BatchGetItemCommand({
            RequestItems: { [this.#table]: { Keys: keys, ConsistentRead: true } },
          }),
        );
        for (const item of out.Responses?.[this.#table] ?? []) {
          const key = need(str(item, 'chain'), 'chain');
          found.set(key.slice('evt#'.length), {
            chain: need(str(item, 'rec_chain'), 'rec_chain'),
            seq: need(num(item, 'rec_seq'), 'rec_seq'),
          });
        }
        keys = out.UnprocessedKeys?.[this.#table]?.Keys;
      }
    }
    return found;
  }

  async get(chain: string, seq: number): Promise<LedgerRecord | undefined> {
    if (!Number.isSafeInteger(seq) || seq < 0) return undefined;
    const out = await this.#client.send(
      new GetItemCommand({
        TableName: this.#table,
        Key: { chain: S(chain), seq: N(seq) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? this.#record(out.Item) : undefined;
  }

  /** The item as a record, a large sealed body fetched back from the body store. */
  async #record(item: Item): Promise<LedgerRecord> {
    const record = itemToRecord(item);
    if (item.body_enc_at === undefined) return record;
    if (!this.#bodyStore)
      throw new MalformedItemError('a sealed body in the body store, but none configured');
    const bytes = await this.#bodyStore.get(
      sealedBodyKey(record.chain, record.seq, record.body_hash),
    );
    if (bytes === undefined)
      throw new MalformedItemError(`sealed body of ${record.chain}#${record.seq} missing`);
    return { ...record, body_enc: JSON.parse(new TextDecoder().decode(bytes)) as SealedBody };
  }

  async *range(chain: string, fromSeq: number, toSeq: number): AsyncIterable<LedgerRecord> {
    const from = Math.max(0, fromSeq);
    if (toSeq < from) return;
    let start: Item | undefined;
    do {
      const out: QueryCommandOutput = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'chain = :c AND seq BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':c': S(chain), ':from': N(from), ':to': N(toSeq) },
          ConsistentRead: true,
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      );
      for (const item of out.Items ?? []) yield await this.#record(item);
      start = out.LastEvaluatedKey;
    } while (start !== undefined);
  }

  async *chains(): AsyncIterable<string> {
    let start: Item | undefined;
    do {
      const page = {
        TableName: this.#table,
        ExpressionAttributeNames: { '#r': 'registry' },
        ExpressionAttributeValues: { ':r': S(REGISTRY) },
        ProjectionExpression: 'chain_name',
        ...(start === undefined ? {} : { ExclusiveStartKey: start }),
      };
      const out: { Items?: Item[] | undefined; LastEvaluatedKey?: Item | undefined } = this
        .#chainsIndex
        ? await this.#client.send(
            new QueryCommand({
              ...page,
              IndexName: this.#chainsIndex,
              KeyConditionExpression: '#r = :r',
            }),
          )
        : await this.#client.send(new ScanCommand({ ...page, FilterExpression: '#r = :r' }));
      for (const item of out.Items ?? []) {
        const name = str(item, 'chain_name');
        if (name !== undefined) yield name;
      }
      start = out.LastEvaluatedKey;
    } while (start !== undefined);
  }

  async meta(chain: string): Promise<ChainMeta> {
    const out = await this.#client.send(
      new GetItemCommand({ TableName: this.#table, Key: metaKey(chain), ConsistentRead: true }),
    );
    const item = out.Item ?? {};
    return {
      archived_through: num(item, 'archived_through') ?? -1,
      checkpoint_size: num(item, 'checkpoint_size') ?? 0,
      checkpoint_frontier: (item.checkpoint_frontier?.L ?? []).map((v) => need(v.S, 'frontier')),
    };
  }

  /** Each field moves only forward: a conditional UpdateItem per field group, and a write
   * that would move one back is dropped (ConditionalCheckFailed) while the other applies. */
  async setMeta(chain: string, meta: Partial<ChainMeta>): Promise<void> {
    const updates: Promise<void>[] = [];
    if (meta.archived_through !== undefined) {
      updates.push(
        this.#forward(
          chain,
          'archived_through',
          meta.archived_through,
          'archived_through = :v',
          {},
        ),
      );
    }
    if (meta.checkpoint_size !== undefined) {
      const frontier = meta.checkpoint_frontier;
      updates.push(
        this.#forward(
          chain,
          'checkpoint_size',
          meta.checkpoint_size,
          frontier === undefined
            ? 'checkpoint_size = :v'
            : 'checkpoint_size = :v, checkpoint_frontier = :f',
          frontier === undefined ? {} : { ':f': { L: frontier.map(S) } },
        ),
      );
    }
    await Promise.all(updates);
  }

  async #forward(
    chain: string,
    field: 'archived_through' | 'checkpoint_size',
    value: number,
    set: string,
    values: Item,
  ): Promise<void> {
    try {
      await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: metaKey(chain),
          UpdateExpression: `SET ${set}, registry = :r, chain_name = :c`,
          ConditionExpression: `attribute_not_exists(${field}) OR ${field} <= :v`,
          ExpressionAttributeValues: {
            ':v': N(value),
            ':r': S(REGISTRY),
            ':c': S(chain),
            ...values,
          },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
