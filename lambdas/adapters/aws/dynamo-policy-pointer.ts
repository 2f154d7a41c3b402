import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { META_KEY_PREFIX } from '#core/chain/ledger-keys.ts';
import type { PolicyPointer, PolicyPointerPort } from '#ports/policy-pointer.ts';
import { N, num, S, str } from './dynamo-item.ts';

/** The pointer's item: in the admin chain's bookkeeping partition (` meta#_governance`),
 * beside its meta item (seq -1), at seq -2. A bookkeeping item, so the writers' UpdateItem
 * grant on ` meta#*` reaches it and no record can. */
export const POLICY_POINTER_SEQ = -2;

export interface DynamoPolicyPointerOptions {
  readonly client: DynamoDBClient;
  readonly table: string;
  /** The admin chain's name (core/admin/admin-chain.ts ADMIN_CHAIN). */
  readonly chain: string;
}

/** The last recorded policy change, on the ledger table: read with one consistent GetItem,
 * moved with one conditional UpdateItem (on the seq it was read at). */
export const dynamoPolicyPointer = (options: DynamoPolicyPointerOptions): PolicyPointerPort => {
  const Key = { chain: S(`${META_KEY_PREFIX}${options.chain}`), seq: N(POLICY_POINTER_SEQ) };
  return {
    async read() {
      const { Item } = await options.client.send(
        new GetItemCommand({ TableName: options.table, Key, ConsistentRead: true }),
      );
      const version = Item === undefined ? undefined : str(Item, 'policy_version');
      const seq = Item === undefined ? undefined : num(Item, 'policy_seq');
      return version === undefined || seq === undefined ? undefined : { version, seq };
    },
    async advance(from: PolicyPointer | undefined, to: PolicyPointer) {
      try {
        await options.client.send(
          new UpdateItemCommand({
            TableName: options.table,
            Key,
            UpdateExpression: 'SET policy_version = :v, policy_seq = :s',
            ConditionExpression:
              from === undefined ? 'attribute_not_exists(policy_seq)' : 'policy_seq = :from',
            ExpressionAttributeValues: {
              ':v': S(to.version),
              ':s': N(to.seq),
              ...(from === undefined ? {} : { ':from': N(from.seq) }),
            },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  };
};
