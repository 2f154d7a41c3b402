import { describe, expect, it } from 'vitest';
import type { LedgerRecord } from '#core/chain/record.ts';
import { type Hold, holdCovers } from '#core/retention/governance.ts';
import { coveredSeqs } from '#core/retention/hold-coverage.ts';

// A hold on an application covers its lanes (`app~N`), as search and verify treat them as
// one application; a hold on one lane covers that lane only.
const CHAINS = ['app~0', 'app~1', 'apple', 'other'];
const record = (chain: string, seq: number) =>
  ({
    chain,
    seq,
    event_id: `${chain}-${seq}`,
    ingested_at: '2026-11-01T00:00:00.000Z',
  }) as LedgerRecord;
const RECORDS = CHAINS.flatMap((chain) => [record(chain, 0), record(chain, 1)]);

/** A ledger without a search index: coverage reads the chains it may touch. */
const unindexed = {
  chains: async function* () {
    yield* CHAINS;
  },
  head: async (chain: string) => ({ seq: 1, chain }),
  range: async function* (chain: string) {
    yield* RECORDS.filter((r) => r.chain === chain);
  },
  get: async () => undefined,
  locate: async () => new Map(),
} as unknown as Parameters<typeof coveredSeqs>[1];

/** The same ledger with an (empty) index: a chain-only hold needs no search. */
const indexed = {
  ...unindexed,
  search: async () => ({ hits: [] }),
} as unknown as Parameters<typeof coveredSeqs>[1];

const hold = (chain: string): Hold => ({ id: 'h', scope: { chain } }) as unknown as Hold;

describe('legal holds and lanes', () => {
  it('a hold on an application covers its lanes, not a chain that merely starts alike', () => {
    expect(holdCovers({ chain: 'app' }, record('app~1', 0), undefined)).toBe(true);
    expect(holdCovers({ chain: 'app' }, record('apple', 0), undefined)).toBe(false);
    expect(holdCovers({ chain: 'app~0' }, record('app~1', 0), undefined)).toBe(false);
  });

  it('finds the lanes of a held application with and without a search index', async () => {
    const read = await coveredSeqs([hold('app')], unindexed);
    expect([...read.keys()].sort()).toEqual(['app~0', 'app~1']);
    const found = await coveredSeqs([hold('app')], indexed);
    expect(Object.fromEntries(found)).toEqual({ 'app~0': 'all', 'app~1': 'all' });
    const lane = await coveredSeqs([hold('app~1')], indexed);
    expect(Object.fromEntries(lane)).toEqual({ 'app~1': 'all' });
  });
});
