import type { LedgerPort } from '#ports/ledger.ts';
import { withAppend } from '#test/helpers/with-append.ts';

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
  const wrap = (ledger: LedgerPort): LedgerPort =>
    withAppend(ledger, async (expected, records) => {
      appends++;
      const fail = left > 0;
      if (fail) left--;
      if (fail && when === 'before') throw new InjectedAppendError('injected before write');
      await ledger.append(expected, records);
      if (fail) throw new InjectedAppendError('injected after write');
    });
  return { wrap, injected: () => failures - left, appends: () => appends };
};
