import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { cachedKeyLookup } from '#core/access/key-cache.ts';
import { keyDigest } from '#core/access/keys.ts';
import { principalFromContext } from '#core/access/principal-context.ts';
import { can, ROLES, type Role } from '#core/access/roles.ts';
import { ROUTE_PERMISSIONS } from '#core/access/route-permissions.ts';
import type { InvokeStatement } from '#core/access/route-policy.ts';
import { API_ROUTES } from '#core/api/routes.ts';
import { createAuthorizer } from '#handlers/wiring/api-key-authorizer.ts';
import type { KeyStore, StoredKey } from '#ports/key-store.ts';

const STAGE = 'arn:aws:execute-api:eu-west-1:111122223333:abc123/prod';
const METHOD_ARN = `${STAGE}/POST/v1/audit/events`;

const stored = (key: string, role: Role, extra: Partial<StoredKey> = {}): StoredKey => ({
  key_id: `key_${role}`,
  digest: keyDigest(key),
  tenant: 'acme',
  role,
  chains: ['loan_', 'card_'],
  created_at: '2026-12-05T00:00:00Z',
  ...extra,
});

/** An in-memory key store that counts its reads. */
const memoryStore = (keys: StoredKey[]) => {
  let reads = 0;
  const store: Pick<KeyStore, 'findByDigest'> = {
    findByDigest: async (digest) => {
      reads++;
      return keys.find((k) => k.digest === digest);
    },
  };
  return { store, reads: () => reads };
};

const request = (headers: Record<string, string>): APIGatewayRequestAuthorizerEvent =>
  ({
    type: 'REQUEST',
    methodArn: METHOD_ARN,
    headers,
  }) as unknown as APIGatewayRequestAuthorizerEvent;

/** IAM's reading of an execute-api resource: `*` matches any run of characters. */
const arnMatches = (pattern: string, arn: string): boolean =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  ).test(arn);

/** Allowed when an Allow statement matches and no Deny does (IAM's evaluation). */
const allowed = (statements: readonly InvokeStatement[], arn: string): boolean => {
  const hit = (effect: string) =>
    statements.some((s) => s.Effect === effect && s.Resource.some((r) => arnMatches(r, arn)));
  return hit('Allow') && !hit('Deny');
};

/** A concrete method ARN of a route (path parameters filled in). */
const arnOf = (route: { method: string; path: string }) =>
  `${STAGE}/${route.method}${route.path.replace(/\{\w+\}/g, 'some-id')}`;

describe('key-store authorizer', () => {
  it.each([
    ['Authorization: Bearer', { Authorization: 'Bearer ingest-key-0123456789' }],
    ['lower-case bearer', { authorization: 'bearer ingest-key-0123456789' }],
    ['x-api-key', { 'x-api-key': 'ingest-key-0123456789' }],
    ['X-API-Key with spaces', { 'X-API-Key': ' ingest-key-0123456789 ' }],
  ])('answers a known key in %s with its principal as context', async (_, headers) => {
    // Prepare
    const { store } = memoryStore([stored('ingest-key-0123456789', 'ingest')]);

    // Act
    const result = await createAuthorizer(store)(request(headers));

    // Assess
    expect(result.principalId).toBe('key_ingest');
    expect(result.context).toEqual({
      key_id: 'key_ingest',
      tenant: 'acme',
      role: 'ingest',
      chains: '["loan_","card_"]',
    });
    expect(principalFromContext(result.context)).toEqual({
      key_id: 'key_ingest',
      tenant: 'acme',
      role: 'ingest',
      chains: ['loan_', 'card_'],
    });
    expect(result).not.toHaveProperty('usageIdentifierKey');
  });

  it.each([
    ['no key', {}],
    ['an unknown key', { 'x-api-key': 'guessed-key-0000000000000' }],
    ['a revoked key', { Authorization: 'Bearer revoked-key-0123456789' }],
    ['a Basic credential', { Authorization: 'Basic bGl2ZS1rZXk=' }],
    ['an empty bearer', { Authorization: 'Bearer ' }],
  ])('answers Unauthorized (401) for %s', async (_, headers) => {
    // Prepare
    const { store } = memoryStore([
      stored('revoked-key-0123456789', 'admin', { revoked_at: '2026-12-05T01:00:00Z' }),
    ]);

    // Act
    const attempt = createAuthorizer(store)(request(headers));

    // Assess
    await expect(attempt).rejects.toThrow(/^Unauthorized$/);
  });

  // The policy is cached per key by API Gateway: it must answer every route of the stage
  // by the role × route table, whichever route was called first.
  it.each(Object.keys(ROLES) as Role[])(
    'allows %s exactly the routes its role grants',
    async (role) => {
      // Prepare
      const { store } = memoryStore([stored('a-key-0123456789', role)]);

      // Act
      const result = await createAuthorizer(store)(request({ 'x-api-key': 'a-key-0123456789' }));

      // Assess
      const statements = result.policyDocument.Statement as unknown as InvokeStatement[];
      const principal = { key_id: 'k', tenant: 'acme', role, chains: ['*'] };
      for (const route of API_ROUTES.filter((r) => r.auth)) {
        const permission = ROUTE_PERMISSIONS[route.name as keyof typeof ROUTE_PERMISSIONS];
        expect([route.name, allowed(statements, arnOf(route))]).toEqual([
          route.name,
          can(principal, permission),
        ]);
      }
    },
  );

  it('an ingest key may not read and a reviewer may not write events', async () => {
    // Prepare
    const { store } = memoryStore([
      stored('i-key-0123456789', 'ingest'),
      stored('r-key-0123456789', 'reviewer'),
    ]);
    const policy = async (key: string) =>
      (await createAuthorizer(store)(request({ 'x-api-key': key }))).policyDocument
        .Statement as unknown as InvokeStatement[];

    // Act
    const ingest = await policy('i-key-0123456789');
    const reviewer = await policy('r-key-0123456789');

    // Assess
    expect(allowed(ingest, `${STAGE}/GET/v1/events/evt_1`)).toBe(false);
    expect(allowed(ingest, `${STAGE}/GET/v1/events`)).toBe(false);
    expect(allowed(ingest, `${STAGE}/GET/v1/reviews`)).toBe(false);
    expect(allowed(ingest, `${STAGE}/POST/v1/audit/events`)).toBe(true);
    expect(allowed(reviewer, `${STAGE}/POST/v1/audit/events`)).toBe(false);
    expect(allowed(reviewer, `${STAGE}/POST/v1/events:batch`)).toBe(false);
    expect(allowed(reviewer, `${STAGE}/POST/v1/traces`)).toBe(false);
    expect(allowed(reviewer, `${STAGE}/POST/v1/reviews/evt_1`)).toBe(true);
  });
});

describe('cachedKeyLookup', () => {
  it('reads each digest once per TTL, misses included, and again after it', async () => {
    // Prepare
    let now = 0;
    const { store, reads } = memoryStore([stored('live-key-0123456789', 'ingest')]);
    const keys = cachedKeyLookup(store, { ttlMs: 300_000, now: () => now });
    const authorize = createAuthorizer(keys);
    const live = request({ 'x-api-key': 'live-key-0123456789' });
    const bad = request({ 'x-api-key': 'bad-key-0123456789' });

    // Act + Assess
    await authorize(live);
    await authorize(live);
    await expect(authorize(bad)).rejects.toThrow('Unauthorized');
    await expect(authorize(bad)).rejects.toThrow('Unauthorized');
    expect(reads()).toBe(2);
    now = 300_000;
    await authorize(live);
    expect(reads()).toBe(3);
  });

  it('shares one read between concurrent lookups and forgets a failed one', async () => {
    // Prepare
    let reads = 0;
    let fail = true;
    const keys = cachedKeyLookup(
      {
        findByDigest: async () => {
          reads++;
          if (fail) throw new Error('throttled');
          return undefined;
        },
      },
      { ttlMs: 60_000 },
    );

    // Act
    const first = await Promise.allSettled([...Array(5)].map(() => keys.findByDigest('d')));
    fail = false;
    const second = await keys.findByDigest('d');

    // Assess
    expect(first.every((r) => r.status === 'rejected')).toBe(true);
    expect(second).toBeUndefined();
    expect(reads).toBe(2);
  });

  it('keeps at most maxEntries digests', async () => {
    // Prepare
    const { store, reads } = memoryStore([]);
    const keys = cachedKeyLookup(store, { ttlMs: 60_000, maxEntries: 2 });

    // Act
    for (const d of ['a', 'b', 'c', 'a']) await keys.findByDigest(d);

    // Assess: `a` was evicted by `c`, so it is read again.
    expect(reads()).toBe(4);
  });
});
