import type { LedgerPort } from '#ports/ledger.ts';

/** The failure a flaky ledger injects. */
export class InjectedAppendError extends Error {
  override readonly name = 'InjectedAppendError';
}

/**
 * Wraps a ledger so that its first `failures` appends throw: `before` the write (nothing
 * lands) or `after` it (the records land, but the processor sees an error, as after a
 * crash between the append and its acknowledgement).
 */
export const flakyLedger = (failures: number, when: 'before' | 'after') => {
  let left = failures;
  let appends = 0;
  const wrap = (ledger: LedgerPort): LedgerPort => ({
    head: (chain) => ledger.head(chain),
    append: async (expected, records) => {
      appends++;
      const fail = left > 0;
      if (fail) left--;
      if (fail && when === 'before') throw new InjectedAppendError('injected before write');
      await ledger.append(expected, records);
      if (fail) throw new InjectedAppendError('injected after write');
    },
    locate: (ids) => ledger.locate(ids),
    get: (chain, seq) => ledger.get(chain, seq),
    range: (chain, from, to) => ledger.range(chain, from, to),
    chains: () => ledger.chains(),
    meta: (chain) => ledger.meta(chain),
    setMeta: (chain, meta) => ledger.setMeta(chain, meta),
  });
  return { wrap, injected: () => failures - left, appends: () => appends };
};
