/**
 * `audit-trail search reindex --table` on DynamoDB Local: records whose items lack their
 * search terms and index keys (written before the indexes existed) or carry stale ones are
 * found again after a re-index; an interrupted run resumes from its cursor; a second run
 * writes nothing.
 */
import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoSearchReindex } from '#adapters/aws/dynamo-search-reindex.ts';
import { DEFAULT_TENANT } from '#core/access/roles.ts';
import { processBatch } from '#core/pipeline/process-batch.ts';
import { SEARCH_INDEXES, TERMS_ATTRIBUTE } from '#core/search/index-keys.ts';
import { reindex } from '#core/search/reindex.ts';
import { TERM, term } from '#core/search/terms.ts';
import type { RecordSearchPort } from '#ports/record-search.ts';
import { runCliInProcess } from '#test/e2e/support/cli-in-process.ts';
import { awsWorld, localEngineEnv } from '#test/helpers/aws-world.ts';
import { decisionEnvelope, processorDeps } from './support.ts';

const world = awsWorld();

/** The CLI in this process (a fresh Node per command costs about a CPU-second), pointed at
 * the local engines. */
const cli = async (...args: string[]) =>
  runCliInProcess(args, { env: localEngineEnv(world.db.endpoint, world.s3.endpoint) });

/** Every hit of a search as `chain#seq`, read page by page in pages of `limit`. */
const everyHit = async (
  ledger: RecordSearchPort,
  all: string[],
  limit: number,
): Promise<string[]> => {
  const seen: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await ledger.search({ all, limit, ...(cursor ? { cursor } : {}) });
    seen.push(...page.hits.map((h) => `${h.chain}#${h.seq}`));
    cursor = page.cursor;
  } while (cursor !== undefined);
  return seen;
};

describe('search reindex on DynamoDB', () => {
  it('restores lost and stale index entries, resumes from a cursor, and is idempotent', async () => {
    // Prepare: 120 records on two chains, ann on every third; then strip the index from
    // most items, as if written before the indexes, and give one a stale user term
    const { table, archive, ledger } = await world.newLedger({
      chainsIndex: 'chains',
      searchIndexes: true,
    });
    const deps = processorDeps(ledger, archive);
    for (const chain of ['loans', 'claims']) {
      const batch = Array.from({ length: 60 }, (_, i) =>
        decisionEnvelope(`${chain}-${i}`, chain, {
          metadata: { user_id: i % 3 === 0 ? 'ann' : `user-${i}` },
        }),
      );
      expect((await processBatch(batch, deps)).every((o) => o.status === 'recorded')).toBe(true);
    }
    const byAnn = async () =>
      (
        await everyHit(ledger, [term(TERM.tenant, DEFAULT_TENANT), term(TERM.user, 'ann')], 25)
      ).sort();
    const expected = await byAnn();
    expect(expected).toHaveLength(40);
    const keys = SEARCH_INDEXES.map((index) => index.key);
    for (const chain of ['loans', 'claims']) {
      for (let seq = 0; seq < 55; seq++) {
        await world.db.client.send(
          new UpdateItemCommand({
            TableName: table,
            Key: { chain: { S: chain }, seq: { N: String(seq) } },
            UpdateExpression: `REMOVE ${[TERMS_ATTRIBUTE, ...keys].map((_, i) => `#a${i}`).join(', ')}`,
            ExpressionAttributeNames: Object.fromEntries(
              [TERMS_ATTRIBUTE, ...keys].map((name, i) => [`#a${i}`, name]),
            ),
          }),
        );
      }
    }
    await world.db.client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { chain: { S: 'loans' }, seq: { N: '57' } },
        UpdateExpression: 'SET user_key = :u',
        ExpressionAttributeValues: { ':u': { S: term(TERM.user, 'ann') } },
      }),
    );
    expect((await byAnn()).length).toBeLessThan(10);

    // Act: a run that stops after its third page, then the CLI from the cursor, then again
    const port = new DynamoSearchReindex({ client: world.db.client, table, chainsIndex: 'chains' });
    let cursor = '';
    let pages = 0;
    const stop = new Error('interrupted');
    await expect(
      reindex(port, {
        pageSize: 20,
        onProgress: (p) => {
          cursor = p.cursor;
          if (++pages === 3) throw stop;
        },
      }),
    ).rejects.toBe(stop);
    const resumed = await cli(
      'search',
      'reindex',
      '--table',
      table,
      '--chains-index',
      'chains',
      '--page-size',
      '20',
      '--cursor',
      cursor,
    );
    const again = await cli('search', 'reindex', '--table', table, '--page-size', '50');

    // Assert: every record of ann found again, the stale one not; progress shown; the
    // resumed run did only what was left, and a second run wrote nothing
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/loans: \d+ scanned, \d+ rewritten; resume with --cursor \S+/);
    expect(resumed.stdout).toMatch(/reindexed 2 chains: 60 records scanned, \d+ rewritten/);
    expect(await byAnn()).toEqual(expected);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toBe('reindexed 2 chains: 120 records scanned, 0 rewritten\n');
  });

  it('finds records indexed before sharding, and the re-index moves them onto their shards', async () => {
    // Prepare: 40 records on four chains; then give half of them the bare tenant and
    // application terms that items written before sharding carry
    const { table, archive, ledger } = await world.newLedger({
      chainsIndex: 'chains',
      searchIndexes: true,
    });
    const deps = processorDeps(ledger, archive);
    const chains = ['loans', 'claims', 'cards', 'hr'];
    for (const chain of chains) {
      const batch = Array.from({ length: 10 }, (_, i) => decisionEnvelope(`${chain}-${i}`, chain));
      expect((await processBatch(batch, deps)).every((o) => o.status === 'recorded')).toBe(true);
    }
    const tenant = term(TERM.tenant, DEFAULT_TENANT);
    for (const chain of chains) {
      for (let seq = 0; seq < 5; seq++) {
        await world.db.client.send(
          new UpdateItemCommand({
            TableName: table,
            Key: { chain: { S: chain }, seq: { N: String(seq) } },
            UpdateExpression: 'SET tenant_key = :t, chain_key = :c',
            ExpressionAttributeValues: {
              ':t': { S: tenant },
              ':c': { S: term(TERM.chain, chain) },
            },
          }),
        );
      }
    }
    const everything = (all: string[]) => everyHit(ledger, all, 7);
    const tenantKeys = async () => {
      const keys = new Set<string>();
      for (const chain of chains) {
        for (let seq = 0; seq < 10; seq++) {
          const { Item } = await world.db.client.send(
            new GetItemCommand({
              TableName: table,
              Key: { chain: { S: chain }, seq: { N: String(seq) } },
            }),
          );
          keys.add(Item?.tenant_key?.S ?? '');
        }
      }
      return keys;
    };

    // Act
    const before = await everything([tenant]);
    const loansBefore = await everything([tenant, term(TERM.chain, 'loans')]);
    const port = new DynamoSearchReindex({ client: world.db.client, table, chainsIndex: 'chains' });
    const run = await reindex(port, {});
    const after = await everything([tenant]);

    // Assess: all 40 found, once each, before and after; the re-index rewrote exactly the
    // 20 bare items, and afterwards no item carries the bare tenant term
    expect(before).toHaveLength(40);
    expect(new Set(before).size).toBe(40);
    expect(loansBefore.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `loans#${i}`).sort());
    expect(run.rewritten).toBe(20);
    expect(after.sort()).toEqual([...before].sort());
    const keys = await tenantKeys();
    expect(keys.has(tenant)).toBe(false);
    expect([...keys].every((k) => k.startsWith(`${tenant}#`))).toBe(true);
  });

  it('refuses a cursor it did not write', async () => {
    const run = await cli('search', 'reindex', '--table', 'any', '--cursor', 'not-a-cursor');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('not a reindex cursor');
  });
});
