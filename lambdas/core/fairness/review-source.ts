import type { LedgerRecord } from '#core/chain/record.ts';
import type { LedgerPort } from '#ports/ledger.ts';

/** Where a review reads records from; iterated once per pass. */
export interface RecordSource {
  records(): AsyncIterable<LedgerRecord>;
}

/**
 * Every record of the ledger, chain by chain through the ledger's own key-conditioned reads
 * (`chains()` then `range(chain, 0, head)`): on DynamoDB a Query on the chains index and one
 * Query per chain, never a Scan. Streams: one page of records in memory at a time.
 */
export const ledgerSource = (
  ledger: Pick<LedgerPort, 'chains' | 'head' | 'range'>,
): RecordSource => ({
  async *records() {
    for await (const chain of ledger.chains()) {
      const head = await ledger.head(chain);
      if (head.seq < 0) continue;
      yield* ledger.range(chain, 0, head.seq);
    }
  },
});
