import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FileLedger, openFileLedger } from '#adapters/local/file-ledger.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import { TERM, term } from '#core/search/terms.ts';
import { type IndexQuery, InvalidCursorError } from '#ports/record-search.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { emptyHead, headAfter, recordsAfter } from './ledger-records.ts';

let dir: string;
let ledger: FileLedger;
afterEach(async () => {
  await ledger.close();
  await removeDir(dir);
});

const CHAINS = ['a', 'b', 'c'];

/** `total` records over three chains, appended 100 at a time; user `u<seq % 7>`. */
const fill = async (total: number): Promise<string[]> => {
  const heads = new Map(CHAINS.map((c) => [c, emptyHead(c)]));
  const order: string[] = [];
  for (let n = 0; n < total; n += 100) {
    const chain = CHAINS[(n / 100) % CHAINS.length] as string;
    const records = recordsAfter(
      heads.get(chain) as ReturnType<typeof emptyHead>,
      Math.min(100, total - n),
    ).map((r): LedgerRecord => ({ ...r, body: { metadata: { user_id: `u${r.seq % 7}` } } }));
    await ledger.append(heads.get(chain) as ReturnType<typeof emptyHead>, records);
    heads.set(chain, headAfter(records));
    order.push(...records.map((r) => `${r.chain}/${r.seq}`));
  }
  return order;
};

const pageAll = async (query: Omit<IndexQuery, 'cursor'>, from?: string): Promise<string[]> => {
  const seen: string[] = [];
  let cursor = from;
  do {
    const page = await ledger.search({ ...query, ...(cursor === undefined ? {} : { cursor }) });
    seen.push(...page.hits.map((h) => `${h.chain}/${h.seq}`));
    cursor = page.cursor;
  } while (cursor !== undefined);
  return seen;
};

const tenant = term(TERM.tenant, 'default');

describe('file ledger search', () => {
  it('pages over 10,000 records newest first, complete and without duplicates', async () => {
    // Prepare
    dir = await tempDir('ledger-search-');
    ledger = await openFileLedger(join(dir, 'ledger'));
    const order = await fill(10_000);
    // Act
    const seen = await pageAll({ all: [tenant], limit: 137 });
    // Assess
    expect(seen).toHaveLength(10_000);
    expect(new Set(seen).size).toBe(10_000);
    expect(seen).toEqual([...order].reverse());
    const u3 = await pageAll({ all: [tenant, term(TERM.user, 'u3')], limit: 50 });
    expect(u3).toEqual([...order].reverse().filter((id) => Number(id.split('/')[1]) % 7 === 3));
    const inB = await pageAll({ all: [tenant], chainPrefixes: ['b'], limit: 500 });
    expect(inB.every((id) => id.startsWith('b/'))).toBe(true);
    expect(inB).toHaveLength(order.filter((id) => id.startsWith('b/')).length);
  });

  it('keeps cursors stable across later appends and a reopen', async () => {
    // Prepare
    dir = await tempDir('ledger-search-');
    ledger = await openFileLedger(join(dir, 'ledger'));
    await fill(1_000);
    const first = await ledger.search({ all: [tenant], limit: 300 });
    const rest = await pageAll({ all: [tenant], limit: 300 }, first.cursor);
    // Act: more records, then a restart.
    const more = recordsAfter(await ledger.head('a'), 50, { prefix: 'late' });
    await ledger.append(await ledger.head('a'), more);
    await ledger.close();
    ledger = await openFileLedger(join(dir, 'ledger'));
    // Assess
    expect(await pageAll({ all: [tenant], limit: 300 }, first.cursor)).toEqual(rest);
    expect((await ledger.search({ all: [tenant], limit: 1 })).hits[0]).toEqual({
      chain: 'a',
      seq: more.at(-1)?.seq,
    });
    await expect(ledger.search({ all: [tenant], limit: 1, cursor: 'bogus' })).rejects.toThrow(
      InvalidCursorError,
    );
  });
});
