import type { LedgerRecord } from '#core/chain/record.ts';
import { TERM, term } from '#core/search/terms.ts';
import type { LedgerPort } from '#ports/ledger.ts';
import type { RecordSearchPort } from '#ports/record-search.ts';

/** What one pass of a review reads: records of `kind` ingested at or after `since` (a
 * source may yield more; the review skips what it does not need). */
export interface SourcePass {
  readonly kind: 'outcome' | 'decision';
  readonly since: Date;
}

/** Where a review reads records from; iterated once per pass. */
export interface RecordSource {
  records(pass: SourcePass): AsyncIterable<LedgerRecord>;
  /** Records come newest first (a search index's order). */
  readonly newestFirst?: boolean;
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

/** Hits per search page. */
const PAGE = 1000;

/**
 * Only the records a pass needs, through the ledger's search index (kind term, ingest-time
 * bound), newest first: a review of last week reads last week's decisions and the outcomes
 * logged since, not the whole ledger. One page of hits in memory at a time.
 */
export const windowSource = (ledger: Pick<LedgerPort, 'get'> & RecordSearchPort): RecordSource => ({
  newestFirst: true,
  async *records({ kind, since }) {
    let cursor: string | undefined;
    do {
      const page = await ledger.search({
        all: [term(TERM.kind, kind)],
        fromMs: since.getTime(),
        limit: PAGE,
        ...(cursor === undefined ? {} : { cursor }),
      });
      for (const hit of page.hits) {
        const record = await ledger.get(hit.chain, hit.seq);
        if (record !== undefined) yield record;
      }
      cursor = page.cursor;
    } while (cursor !== undefined);
  },
});

/** The windowed source when the ledger has a search index, else every record. */
export const reviewSource = (
  ledger: Pick<LedgerPort, 'chains' | 'head' | 'range' | 'get'> & Partial<RecordSearchPort>,
): RecordSource =>
  typeof ledger.search === 'function'
    ? windowSource(ledger as Pick<LedgerPort, 'get'> & RecordSearchPort)
    : ledgerSource(ledger);
