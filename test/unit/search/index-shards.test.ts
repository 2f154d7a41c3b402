/**
 * Sharded search indexes (core/search/index-keys.ts): by_tenant and by_chain spread a term
 * over INDEX_SHARDS key values chosen from the record's chain, so one tenant or one
 * application is not capped by one GSI partition; a search reads every shard and the bare
 * term of items written before sharding.
 */
import { describe, expect, it } from 'vitest';
import { laneChain } from '#core/events/lanes.ts';
import {
  INDEX_SHARDS,
  indexKeysOf,
  indexKeyValues,
  SEARCH_INDEXES,
  shardOf,
} from '#core/search/index-keys.ts';
import { TERM, term } from '#core/search/terms.ts';

const index = (name: string) =>
  SEARCH_INDEXES.find((i) => i.name === name) as (typeof SEARCH_INDEXES)[number];

describe('sharded search index keys', () => {
  it('puts the lanes of one application on distinct shards, up to INDEX_SHARDS lanes', () => {
    const shards = Array.from({ length: INDEX_SHARDS }, (_, lane) =>
      shardOf(laneChain('loans', lane)),
    );
    expect(new Set(shards).size).toBe(INDEX_SHARDS);
    // Lane 0 of an application is the application's own shard (its hash), lanes follow it.
    expect(shards[0]).toBe(shardOf('loans'));
    expect(shards[1]).toBe((shardOf('loans') + 1) % INDEX_SHARDS);
  });

  it('spreads applications over the shards and always gives a chain the same one', () => {
    const apps = Array.from({ length: 200 }, (_, i) => `app-${i}`);
    const counts = new Array<number>(INDEX_SHARDS).fill(0);
    for (const app of apps) counts[shardOf(app)] = (counts[shardOf(app)] ?? 0) + 1;
    // 200 applications over 8 shards: each shard gets some, none more than twice its share.
    expect(Math.min(...counts)).toBeGreaterThan(0);
    expect(Math.max(...counts)).toBeLessThanOrEqual((2 * apps.length) / INDEX_SHARDS);
    // The same shard in every release: items already written under a shard must stay found.
    // Java's String.hashCode (fixed by its spec) of "hello" is 99162322, and 99162322 mod 8 = 2.
    expect(shardOf('hello')).toBe(2);
    expect(shardOf('hello~3')).toBe(5);
    expect(apps.every((app) => shardOf(app) >= 0 && shardOf(app) < INDEX_SHARDS)).toBe(true);
  });

  it('writes the tenant and application terms with the shard, other terms bare', () => {
    const terms = [term(TERM.tenant, 'acme'), term(TERM.chain, 'loans'), term(TERM.user, 'u-1')];
    const keys = indexKeysOf(terms, laneChain('loans', 3));
    const shard = shardOf(laneChain('loans', 3));
    expect(keys).toEqual({
      tenant_key: `${term(TERM.tenant, 'acme')}#${shard}`,
      chain_key: `${term(TERM.chain, 'loans')}#${shard}`,
      user_key: term(TERM.user, 'u-1'),
    });
  });

  it('reads every shard of a sharded term and the bare term old items carry; one value otherwise', () => {
    const tenant = term(TERM.tenant, 'acme');
    expect(indexKeyValues(index('by_tenant'), tenant)).toEqual([
      tenant,
      ...Array.from({ length: INDEX_SHARDS }, (_, s) => `${tenant}#${s}`),
    ]);
    expect(indexKeyValues(index('by_user'), term(TERM.user, 'u-1'))).toEqual([
      term(TERM.user, 'u-1'),
    ]);
  });
});
