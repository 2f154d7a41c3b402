/**
 * The body-key store on DynamoDB (layout v2): one item per key, `{id: S, k: B}`. Only the
 * purge role may delete items (the table's resource policy, lib/constructs/purge-workflow.ts);
 * the table has no point-in-time recovery and no streams, so a deleted key leaves no copy
 * that could bring an erased body back. Nothing is cached: a key destroyed by the purge must
 * never be used again by a warm processor.
 */
import { randomBytes } from 'node:crypto';
import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import type { BodyKeyEntry, BodyKeysPort } from '#ports/body-keys.ts';

const BATCH = 100;

export interface DynamoBodyKeysOptions {
  readonly client: DynamoDBClient;
  readonly table: string;
}

export class DynamoBodyKeys implements BodyKeysPort {
  readonly #client: DynamoDBClient;
  readonly #table: string;

  constructor(options: DynamoBodyKeysOptions) {
    this.#client = options.client;
    this.#table = options.table;
  }

  async get(ids: readonly string[]): Promise<Map<string, Uint8Array>> {
    const found = new Map<string, Uint8Array>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += BATCH) {
      let keys: Record<string, { S: string }>[] | undefined = unique
        .slice(i, i + BATCH)
        .map((id) => ({ id: { S: id } }));
      while (keys && keys.length > 0) {
        const out = await this.#client.send(
          new BatchGetItemCommand({
            RequestItems: { [this.#table]: { Keys: keys, ConsistentRead: true } },
          }),
        );
        for (const item of out.Responses?.[this.#table] ?? []) {
          if (item.id?.S && item.k?.B) found.set(item.id.S, item.k.B);
        }
        keys = out.UnprocessedKeys?.[this.#table]?.Keys as typeof keys;
      }
    }
    return found;
  }

  async ensure(ids: readonly string[]): Promise<Map<string, Uint8Array>> {
    const found = await this.get(ids);
    const missing = [...new Set(ids)].filter((id) => !found.has(id));
    await Promise.all(missing.map((id) => this.#create(id, randomBytes(32))));
    // A racing writer may have created some first: read what won.
    return missing.length === 0 ? found : this.get(ids);
  }

  async put(entries: readonly BodyKeyEntry[]): Promise<void> {
    await Promise.all(entries.map((e) => this.#create(e.id, e.key)));
  }

  async destroy(ids: readonly string[]): Promise<number> {
    let count = 0;
    for (const id of new Set(ids)) {
      const out = await this.#client.send(
        new DeleteItemCommand({
          TableName: this.#table,
          Key: { id: { S: id } },
          ReturnValues: 'ALL_OLD',
        }),
      );
      if (out.Attributes) count++;
    }
    return count;
  }

  async ids(prefix: string): Promise<string[]> {
    const ids: string[] = [];
    let start: Record<string, never> | undefined;
    do {
      const out = await this.#client.send(
        new ScanCommand({
          TableName: this.#table,
          ProjectionExpression: 'id',
          ...(prefix === ''
            ? {}
            : {
                FilterExpression: 'begins_with(id, :p)',
                ExpressionAttributeValues: { ':p': { S: prefix } },
              }),
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of out.Items ?? []) if (item.id?.S) ids.push(item.id.S);
      start = out.LastEvaluatedKey as typeof start;
    } while (start);
    return ids;
  }

  /** Creates a key unless one exists (never replaces: that would orphan its bodies). */
  async #create(id: string, key: Uint8Array): Promise<void> {
    try {
      await this.#client.send(
        new PutItemCommand({
          TableName: this.#table,
          Item: { id: { S: id }, k: { B: key } },
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
