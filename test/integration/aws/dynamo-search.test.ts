/**
 * Search, subject export and the review queue on DynamoDB (DynamoDB Local, the stack's
 * search indexes): the core route functions over DynamoLedger, as the AWS route Lambdas
 * run them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoLedger } from '#adapters/aws/dynamo-ledger.ts';
import { S3Archive } from '#adapters/aws/s3-archive.ts';
import type { Principal } from '#core/access/roles.ts';
import { sealRecord } from '#core/chain/hash.ts';
import { type ChainHead, GENESIS_PREV, type LedgerRecord } from '#core/chain/record.ts';
import type { Caller, QueryDeps } from '#core/query/deps.ts';
import { listReviews, postReview } from '#core/query/reviews.ts';
import { searchEvents, subjectEvents } from '#core/query/search-events.ts';
import { TERM, term } from '#core/search/terms.ts';
import { InvalidCursorError } from '#ports/record-search.ts';
import { awsWorld } from '#test/helpers/aws-world.ts';
import { createLedgerTable } from '#test/helpers/dynamodb-local.ts';
import { processorDeps } from './support.ts';

const world = awsWorld();
let ledger: DynamoLedger;
let deps: QueryDeps;

const CHAINS = ['loans', 'cards', 'claims', 'hr'];
/** 1,000 records a chain: every shard of by_tenant and by_chain holds more than a page of
 * 500 (so pages resume inside a shard), and every search below takes several pages. */
const TOTAL = 4_000;
/** Every third record is about user u-A; every 50th is flagged (queued for review). */
const isUserA = (n: number) => n % 3 === 0;
const isFlagged = (n: number) => n % 50 === 7;

const principal = (chains: string[] = ['*'], role: Principal['role'] = 'admin'): Caller => ({
  principal: { key_id: 'key_t', tenant: 'default', role, chains },
  requestId: `req-${Math.random().toString(36).slice(2)}`,
});

/** Records 0 … written - 1 are in the ledger; a test reads it, not another test's appends. */
let written = 0;

/** Record n of the whole set: chain n mod 4, ten records per millisecond (ties on purpose). */
const appendAll = async (from: number, to: number): Promise<void> => {
  const heads = new Map<string, ChainHead>();
  for (const chain of CHAINS)
    heads.set(chain, (await ledger.head(chain)) ?? { chain, seq: -1, hash: GENESIS_PREV });
  const pending = new Map<string, LedgerRecord[]>(CHAINS.map((c) => [c, []]));
  for (let n = from; n < to; n++) {
    const chain = CHAINS[n % CHAINS.length] as string;
    const list = pending.get(chain) as LedgerRecord[];
    const head = heads.get(chain) as ChainHead;
    const prev = list.at(-1)?.hash ?? head.hash;
    const seq = head.seq + 1 + list.length;
    list.push(
      sealRecord(
        {
          chain,
          seq,
          kind: 'decision',
          event_id: `e-${n}`,
          ingested_at: new Date(Date.UTC(2026, 0, 1) + Math.floor(n / 10)).toISOString(),
          policy: { version: 'v', decision: isFlagged(n) ? 'flag' : 'pass', findings: [] },
          prev,
        },
        {
          decision_id: `e-${n}`,
          user_id: isUserA(n) ? 'u-A' : `u-${n}`,
          output: { decision: 'approve' },
        },
      ),
    );
  }
  // The chains are independent: their appends go in parallel (each chain's in order).
  await Promise.all(
    CHAINS.map(async (chain) => {
      const records = pending.get(chain) as LedgerRecord[];
      for (let i = 0; i < records.length; i += 49) {
        const head =
          i === 0
            ? (heads.get(chain) as ChainHead)
            : { chain, seq: records[i - 1]?.seq as number, hash: records[i - 1]?.hash as string };
        await ledger.append(head, records.slice(i, i + 49));
      }
    }),
  );
  written = to;
};

beforeAll(async () => {
  await createLedgerTable(world.db.client, 'ledger', { searchIndexes: true });
  ledger = new DynamoLedger({ client: world.db.client, table: 'ledger' });
  deps = {
    ...processorDeps(ledger, new S3Archive({ client: world.s3.client, bucket: 'archive' })),
    ledger,
  };
  await appendAll(0, TOTAL);
});

/** Every hit of a search, page by page. */
const pageThrough = async (all: string[], limit: number, chainPrefixes?: string[]) => {
  const hits: { chain: string; seq: number }[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await ledger.search({
      all,
      limit,
      ...(cursor === undefined ? {} : { cursor }),
      ...(chainPrefixes === undefined ? {} : { chainPrefixes }),
    });
    hits.push(...page.hits);
    cursor = page.cursor;
    pages++;
  } while (cursor !== undefined);
  return { hits, pages };
};

describe('search on DynamoDB (search indexes, Query only)', () => {
  it('pages through 4,000 records complete, duplicate-free and newest first', async () => {
    // Act
    const { hits, pages } = await pageThrough([term(TERM.tenant, 'default')], 500);

    // Assess
    expect(hits).toHaveLength(TOTAL);
    expect(new Set(hits.map((h) => `${h.chain}#${h.seq}`)).size).toBe(TOTAL);
    expect(pages).toBeGreaterThanOrEqual(TOTAL / 500);
    // Newest first: record n is chain n mod 4, seq floor(n / 4).
    const n = hits.map((h) => h.seq * 4 + CHAINS.indexOf(h.chain));
    const times = n.map((x) => Math.floor(x / 10));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('finds one subject, one chain, within a scope and a time window, with pages of any size', async () => {
    // Act
    const subject = await pageThrough([term(TERM.tenant, 'default'), term(TERM.user, 'u-A')], 333);
    const loans = await pageThrough([term(TERM.tenant, 'default'), term(TERM.chain, 'loans')], 400);
    const scoped = await pageThrough([term(TERM.tenant, 'default'), term(TERM.user, 'u-A')], 500, [
      'cards',
      'hr',
    ]);
    const window = await ledger.search({
      all: [term(TERM.tenant, 'default')],
      fromMs: Date.UTC(2026, 0, 1) + 100,
      toMs: Date.UTC(2026, 0, 1) + 109,
      limit: 500,
    });

    // Assess
    const expected = (keep: (n: number) => boolean) =>
      Array.from({ length: TOTAL }, (_, n) => n).filter(keep).length;
    expect(subject.hits).toHaveLength(expected(isUserA));
    expect(new Set(subject.hits.map((h) => `${h.chain}#${h.seq}`)).size).toBe(expected(isUserA));
    expect(loans.hits).toHaveLength(TOTAL / 4);
    expect(loans.hits.every((h) => h.chain === 'loans')).toBe(true);
    expect(scoped.hits).toHaveLength(expected((n) => isUserA(n) && (n % 4) % 2 === 1));
    expect(window.hits).toHaveLength(100);
    expect(window.cursor).toBeUndefined();
  });

  it('keeps a cursor stable while newer records arrive', async () => {
    // Prepare
    const all = [term(TERM.tenant, 'default'), term(TERM.chain, 'hr')];
    const first = await ledger.search({ all, limit: 100 });

    // Act: 40 newer records (10 on hr), then the rest of the pages.
    await appendAll(TOTAL, TOTAL + 40);
    const rest: { chain: string; seq: number }[] = [];
    let cursor = first.cursor;
    while (cursor !== undefined) {
      const page = await ledger.search({ all, limit: 700, cursor });
      rest.push(...page.hits);
      cursor = page.cursor;
    }

    // Assess: exactly the records there were, none twice, none of the newer ones.
    const seen = [...first.hits, ...rest];
    expect(seen).toHaveLength(TOTAL / 4);
    expect(new Set(seen.map((h) => h.seq)).size).toBe(TOTAL / 4);
    expect(Math.max(...seen.map((h) => h.seq))).toBe(TOTAL / 4 - 1);
  });

  it('keeps a tenant cursor stable across its shards, even for a shard no page has read from', async () => {
    // Prepare: one hit only, so the shards of the other chains hand out nothing (the four
    // chains sit on three shards of by_tenant)
    const all = [term(TERM.tenant, 'default')];
    const first = await ledger.search({ all, limit: 1 });
    const before = written;

    // Act: 40 newer records (10 on each chain), then the rest of the pages.
    await appendAll(before, before + 40);
    const rest: { chain: string; seq: number }[] = [];
    let cursor = first.cursor;
    while (cursor !== undefined) {
      const page = await ledger.search({ all, limit: 2000, cursor });
      rest.push(...page.hits);
      cursor = page.cursor;
    }

    // Assess: exactly the records there were, none twice, none of the newer ones.
    const n = [...first.hits, ...rest].map((h) => h.seq * 4 + CHAINS.indexOf(h.chain));
    expect(n).toHaveLength(before);
    expect(new Set(n).size).toBe(before);
    expect(Math.max(...n)).toBe(before - 1);
  });

  it('refuses a cursor of another search', async () => {
    const page = await ledger.search({ all: [term(TERM.tenant, 'default')], limit: 10 });
    const other = ledger.search({
      all: [term(TERM.tenant, 'default'), term(TERM.user, 'u-A')],
      limit: 10,
      cursor: page.cursor as string,
    });
    await expect(other).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(
      ledger.search({ all: [term(TERM.tenant, 'default')], limit: 10, cursor: 'bm9wZQ' }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
  });
});

describe('the read routes over DynamoDB', () => {
  it('searches and exports one data subject through the core functions', async () => {
    // Act
    const page = await searchEvents(
      principal(),
      { user_id: 'u-A', chain: 'loans', limit: '20' },
      undefined,
      deps,
    );
    const exported = await subjectEvents(principal(), 'u-A', { format: 'export' }, undefined, deps);

    // Assess
    expect(page.records).toHaveLength(20);
    expect(
      page.records.every(
        (r) => r.chain === 'loans' && (r.body as { user_id: string }).user_id === 'u-A',
      ),
    ).toBe(true);
    expect(page.next_cursor).toBeDefined();
    expect('count' in exported && exported.count).toBe(
      Array.from({ length: written }, (_, n) => n).filter(isUserA).length,
    );
  });

  it('lists the review queue and takes a verdict appended on DynamoDB', async () => {
    // Act
    const pending = await listReviews(principal(['*'], 'reviewer'), { limit: '500' }, deps);
    const target = pending.items[0];
    const verdict = await postReview(
      principal(['*'], 'reviewer'),
      target?.event_id ?? '',
      { verdict: 'approve', note: 'checked' },
      deps,
    );
    const after = await listReviews(principal(['*'], 'reviewer'), { limit: '500' }, deps);
    const approved = await listReviews(principal(['*'], 'reviewer'), { status: 'approved' }, deps);

    // Assess
    const flagged = Array.from({ length: written }, (_, n) => n).filter(isFlagged).length;
    expect(pending.items).toHaveLength(flagged);
    expect(pending.items.every((i) => i.status === 'pending' && i.policy_decision === 'flag')).toBe(
      true,
    );
    expect(verdict.status).toBe('approved');
    expect(after.items).toHaveLength(flagged - 1);
    expect(approved.items.map((i) => i.event_id)).toEqual([target?.event_id]);
    const review = await ledger.get(verdict.review?.chain ?? '', verdict.review?.seq ?? -1);
    expect(review).toMatchObject({ kind: 'review', ref: { event_id: target?.event_id } });
  });
});
