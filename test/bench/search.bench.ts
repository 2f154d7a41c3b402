/**
 * Search over the local ledger's index: `count` records in a real file ledger (frames of
 * 1,000 over 10 chains, 100,000 users, 5 use cases), then queries as `GET /v1/events`
 * runs them: one index page plus reading its records.
 *
 *   node test/bench/search.bench.ts [records=1000000]
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFileLedger } from '#adapters/local/file-ledger.ts';
import { type ChainHead, GENESIS_PREV, type LedgerRecord } from '#core/chain/record.ts';
import { TERM, term } from '#core/search/terms.ts';
import type { IndexQuery } from '#ports/record-search.ts';

const count = Number(process.argv[2] ?? 1_000_000);
const CHAINS = 10;
const FRAME = 1_000;
const USERS = 100_000;
const START = Date.parse('2026-01-01T00:00:00Z');

const dir = await mkdtemp(join(tmpdir(), 'search-bench-'));
try {
  let ledger = await openFileLedger(join(dir, 'ledger'));
  const heads: ChainHead[] = Array.from({ length: CHAINS }, (_, c) => ({
    chain: `app-${c}`,
    seq: -1,
    hash: GENESIS_PREV,
  }));
  let n = 0;
  const filling = performance.now();
  while (n < count) {
    const c = (n / FRAME) % CHAINS;
    const head = heads[c] as ChainHead;
    const records: LedgerRecord[] = [];
    let prev = head.hash;
    for (let i = 0; i < FRAME && n < count; i++, n++) {
      const seq = head.seq + 1 + i;
      const hash = createHash('sha256').update(`${head.chain}/${seq}`).digest('hex');
      records.push({
        chain: head.chain,
        seq,
        kind: 'decision',
        event_id: `dec-${n}`,
        ingested_at: new Date(START + n * 100).toISOString(),
        body_hash: 'b'.repeat(64),
        policy: { version: 'v1', decision: n % 50 === 0 ? 'flag' : 'pass', findings: [] },
        prev,
        hash,
        body: {
          decision_id: `dec-${n}`,
          use_case: `case-${n % 5}`,
          output: { decision: n % 3 === 0 ? 'deny' : 'approve', reason: 'within policy limits' },
          metadata: { user_id: `u${n % USERS}`, session_id: `s${n % 250_000}` },
        },
        body_salt: 'a'.repeat(32),
      });
      prev = hash;
    }
    await ledger.append(head, records);
    const last = records.at(-1) as LedgerRecord;
    heads[c] = { chain: head.chain, seq: last.seq, hash: last.hash };
  }
  const fillMs = performance.now() - filling;
  await ledger.close();
  const reopening = performance.now();
  ledger = await openFileLedger(join(dir, 'ledger'));
  const reopenMs = performance.now() - reopening;
  const tenant = term(TERM.tenant, 'default');
  // The index is built in the background after open; the first search waits for it.
  await ledger.search({ all: [tenant], limit: 1 });
  const indexedMs = performance.now() - reopening;

  const queries: [string, IndexQuery][] = [
    ['newest 50 of the tenant', { all: [tenant], limit: 50 }],
    ['user_id (10 records)', { all: [tenant, term(TERM.user, 'u12345')], limit: 50 }],
    [
      'decision=deny & use_case, 50',
      { all: [tenant, term(TERM.decision, 'deny'), term(TERM.useCase, 'case-2')], limit: 50 },
    ],
    [
      'policy_decision=flag & chain, 50',
      { all: [tenant, term(TERM.policyDecision, 'flag'), term(TERM.chain, 'app-3')], limit: 50 },
    ],
    [
      'kind & a one-hour window 40 days back, 50',
      {
        all: [tenant, term(TERM.kind, 'decision')],
        fromMs: START + 3_600_000,
        toMs: START + 7_200_000,
        limit: 50,
      },
    ],
  ];
  const rows: string[] = [];
  for (const [name, query] of queries) {
    const times: number[] = [];
    let hits = 0;
    for (let r = 0; r < 21; r++) {
      const t = performance.now();
      const page = await ledger.search(query);
      await Promise.all(page.hits.map((h) => ledger.get(h.chain, h.seq)));
      times.push(performance.now() - t);
      hits = page.hits.length;
    }
    times.sort((a, b) => a - b);
    rows.push(
      `| ${name} | ${hits} | ${(times[10] as number).toFixed(2)} ms | ${(times[20] as number).toFixed(2)} ms |`,
    );
  }
  // Deep pagination: 20 pages of 500 from the newest.
  const paging = performance.now();
  let cursor: string | undefined;
  for (let p = 0; p < 20; p++) {
    const page = await ledger.search({
      all: [tenant],
      limit: 500,
      ...(cursor === undefined ? {} : { cursor }),
    });
    cursor = page.cursor;
  }
  const pagingMs = performance.now() - paging;
  await ledger.close();
  console.log(
    `records: ${count.toLocaleString('en')}; fill ${(fillMs / 1000).toFixed(1)} s; reopen ${reopenMs.toFixed(0)} ms, index rebuilt from headers ${indexedMs.toFixed(0)} ms after open began; RSS ${(process.memoryUsage().rss / 1_048_576).toFixed(0)} MB`,
  );
  console.log('| query | hits | median | max of 21 |');
  console.log('| --- | --- | --- | --- |');
  for (const row of rows) console.log(row);
  console.log(`20 index pages of 500 (10,000 hits, no record reads): ${pagingMs.toFixed(1)} ms`);
} finally {
  if (process.env.KEEP === undefined) await rm(dir, { recursive: true, force: true });
  else console.log(dir);
}
