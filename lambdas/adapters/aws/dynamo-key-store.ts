import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  paginateScan,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { isRole } from '#core/access/roles.ts';
import type { KeyStore, StoredKey } from '#ports/key-store.ts';

type Item = Record<string, AttributeValue>;

const toItem = (key: StoredKey): Item => ({
  digest: { S: key.digest },
  key_id: { S: key.key_id },
  tenant: { S: key.tenant },
  role: { S: key.role },
  chains: { L: key.chains.map((c) => ({ S: c })) },
  created_at: { S: key.created_at },
  ...(key.revoked_at === undefined ? {} : { revoked_at: { S: key.revoked_at } }),
});

/** An item as a key; undefined for an item that is not one (never trusted as a key). */
const fromItem = (item: Item | undefined): StoredKey | undefined => {
  const role = item?.role?.S;
  const chains = item?.chains?.L?.map((c) => c.S);
  if (
    item?.digest?.S === undefined ||
    item.key_id?.S === undefined ||
    item.tenant?.S === undefined ||
    !isRole(role) ||
    chains === undefined ||
    chains.some((c) => c === undefined) ||
    item.created_at?.S === undefined
  ) {
    return undefined;
  }
  return {
    digest: item.digest.S,
    key_id: item.key_id.S,
    tenant: item.tenant.S,
    role,
    chains: chains as string[],
    created_at: item.created_at.S,
    ...(item.revoked_at?.S === undefined ? {} : { revoked_at: item.revoked_at.S }),
  };
};

/**
 * API keys in a DynamoDB table keyed by the key's SHA-256 digest: a request path reads one
 * item (GetItem by digest), never a list of keys. `list` and `revoke` scan: they are
 * administration (`audit-trail keys`), not request paths.
 */
export const dynamoKeyStore = (client: DynamoDBClient, table: string): KeyStore => {
  const scanAll = async (): Promise<StoredKey[]> => {
    const keys: StoredKey[] = [];
    for await (const page of paginateScan({ client }, { TableName: table, ConsistentRead: true })) {
      for (const item of page.Items ?? []) {
        const key = fromItem(item);
        if (key !== undefined) keys.push(key);
      }
    }
    return keys;
  };
  return {
    findByDigest: async (digest) => {
      const got = await client.send(
        new GetItemCommand({
          TableName: table,
          Key: { digest: { S: digest } },
          ConsistentRead: true,
        }),
      );
      return fromItem(got.Item);
    },
    list: scanAll,
    add: async (key) => {
      await client.send(
        new PutItemCommand({
          TableName: table,
          Item: toItem(key),
          ConditionExpression: 'attribute_not_exists(digest)',
        }),
      );
    },
    revoke: async (keyId, at) => {
      const found = (await scanAll()).find((k) => k.key_id === keyId);
      if (found === undefined) return false;
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: table,
            Key: { digest: { S: found.digest } },
            UpdateExpression: 'SET revoked_at = :at',
            ConditionExpression: 'attribute_exists(digest) AND attribute_not_exists(revoked_at)',
            ExpressionAttributeValues: { ':at': { S: at } },
          }),
        );
      } catch (error) {
        // Already revoked: the first revocation time stands.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      return true;
    },
  };
};
