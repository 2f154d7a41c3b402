import type { LedgerPort } from '#ports/ledger.ts';

/** `ledger` with its `append` replaced (the replacement may call the original); the rest forwarded. */
export const withAppend = (ledger: LedgerPort, append: LedgerPort['append']): LedgerPort => ({
  head: (chain) => ledger.head(chain),
  append,
  locate: (ids) => ledger.locate(ids),
  get: (chain, seq) => ledger.get(chain, seq),
  range: (chain, from, to) => ledger.range(chain, from, to),
  chains: () => ledger.chains(),
  meta: (chain) => ledger.meta(chain),
  setMeta: (chain, meta) => ledger.setMeta(chain, meta),
});
