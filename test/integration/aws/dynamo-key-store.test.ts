import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamoKeyStore } from '#adapters/aws/dynamo-key-store.ts';
import { authenticate, createKey } from '#core/access/keys.ts';
import { awsWorld } from '#test/helpers/aws-world.ts';
import { createKeyStoreTable } from '#test/helpers/dynamodb-local.ts';

const world = awsWorld({ s3: false });
const TABLE = 'keys';

beforeAll(async () => {
  await createKeyStoreTable(world.db.client, TABLE);
});

describe('DynamoDB key store (on DynamoDB Local)', () => {
  it('creates, authenticates, lists and revokes keys by digest', async () => {
    // Prepare
    const store = dynamoKeyStore(world.db.client, TABLE);
    // Act
    const { key, stored } = await createKey(
      { role: 'reviewer', chains: ['loan_'], tenant: 'acme' },
      store,
      new Date('2026-12-05T00:00:00Z'),
    );
    // A stray item is not a key.
    await world.db.client.send(
      new PutItemCommand({ TableName: TABLE, Item: { digest: { S: 'junk' } } }),
    );
    // Assess
    expect(await authenticate({ 'x-api-key': key }, store)).toEqual({
      key_id: stored.key_id,
      tenant: 'acme',
      role: 'reviewer',
      chains: ['loan_'],
    });
    expect(await store.findByDigest('junk')).toBeUndefined();
    expect((await store.list()).map((k) => k.key_id)).toEqual([stored.key_id]);
    await expect(store.add(stored)).rejects.toThrow();
    expect(await store.revoke(stored.key_id, '2026-12-05T01:00:00Z')).toBe(true);
    expect(await store.revoke(stored.key_id, '2026-12-05T02:00:00Z')).toBe(true);
    expect((await store.findByDigest(stored.digest))?.revoked_at).toBe('2026-12-05T01:00:00Z');
    expect(await authenticate({ 'x-api-key': key }, store)).toBeUndefined();
    expect(await store.revoke('key_none', 'x')).toBe(false);
  });
});
