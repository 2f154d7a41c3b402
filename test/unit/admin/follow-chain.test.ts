/**
 * followChain keeps its position record by record: a read that fails partway applies what it
 * read, the next call resumes at the first record not applied, and no record is applied
 * twice or skipped; calls made at once run one after another.
 */
import { describe, expect, it } from 'vitest';
import { type ChainReducer, followChain } from '#core/admin/follow-chain.ts';
import type { LedgerRecord } from '#core/chain/record.ts';

/** A chain of `n` records (only `seq` matters here) whose reads can be made to fail. */
const flakyChain = (n: number) => {
  const records = Array.from({ length: n }, (_, seq) => ({ seq }) as unknown as LedgerRecord);
  let failAfter: number | undefined;
  const ledger = {
    head: async (chain: string) => ({ chain, seq: records.length - 1, hash: 'h' }),
    range: async function* (_chain: string, from: number, to: number) {
      let yielded = 0;
      for (let seq = from; seq <= to; seq++) {
        if (failAfter !== undefined && yielded === failAfter) {
          failAfter = undefined;
          throw new Error('read failed partway');
        }
        yielded += 1;
        yield records[seq] as LedgerRecord;
      }
    },
  };
  return {
    ledger,
    failNextReadAfter: (k: number) => {
      failAfter = k;
    },
    append: (k: number) => {
      for (let i = 0; i < k; i++) records.push({ seq: records.length } as unknown as LedgerRecord);
    },
  };
};

const seqsApplied = (): ChainReducer & { seqs: number[] } => {
  const seqs: number[] = [];
  return { seqs, apply: (r) => void seqs.push(r.seq) };
};

describe('followChain', () => {
  it('resumes after a read that failed partway, each record applied once and in order', async () => {
    // Prepare: ten records; the first read fails after four.
    const chain = flakyChain(10);
    const state = seqsApplied();
    const follow = followChain(chain.ledger, 'admin', state);
    chain.failNextReadAfter(4);

    // Act + Assert: the failed call applied four; the next resumes at seq 4.
    await expect(follow()).rejects.toThrow('read failed partway');
    expect(state.seqs).toEqual([0, 1, 2, 3]);
    await follow();
    expect(state.seqs).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

    // Appends after a second partial failure: still each once, in order.
    chain.append(5);
    chain.failNextReadAfter(2);
    await expect(follow()).rejects.toThrow();
    await follow();
    expect(state.seqs).toEqual(Array.from({ length: 15 }, (_, i) => i));
  });

  it('runs calls made at once one after another, so none applies a record twice', async () => {
    const chain = flakyChain(6);
    const state = seqsApplied();
    const follow = followChain(chain.ledger, 'admin', state);
    chain.failNextReadAfter(3);

    const results = await Promise.allSettled([follow(), follow(), follow()]);

    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(state.seqs).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
