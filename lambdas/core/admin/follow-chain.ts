/**
 * Follows a chain that other writers append to (the admin chain, from a long-lived process
 * such as a warm Lambda or the local server): a state built by applying the chain's
 * records in order, brought up to date per call by reading the head and only the records
 * appended since the call before, never the whole chain per request.
 */
import type { LedgerRecord } from '#core/chain/record.ts';
import type { LedgerPort } from '#ports/ledger.ts';

/** A state built by applying a chain's records oldest first, each once. */
export interface ChainReducer {
  apply(record: LedgerRecord): void;
}

/** A function answering `state` with every record of `chain` up to its current head
 * applied. Calls run one after another, so each record is applied once and in order. */
export const followChain = <S extends ChainReducer>(
  ledger: Pick<LedgerPort, 'head' | 'range'>,
  chain: string,
  state: S,
): (() => Promise<S>) => {
  let next = 0;
  const catchUp = async (): Promise<S> => {
    const head = await ledger.head(chain);
    if (head.seq >= next) {
      for await (const r of ledger.range(chain, next, head.seq)) {
        state.apply(r);
        next = r.seq + 1;
      }
    }
    return state;
  };
  let last: Promise<unknown> = Promise.resolve();
  return () => {
    const run = last.then(catchUp);
    last = run.catch(() => undefined);
    return run;
  };
};
