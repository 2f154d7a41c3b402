import type { LedgerRecord } from '#core/chain/record.ts';

/** A stored record with the search terms and index keys its item carries now. */
export interface StoredIndexEntry {
  readonly record: LedgerRecord;
  readonly terms: readonly string[];
  /** Index key attribute → value (core/search/index-keys.ts), as stored. */
  readonly indexKeys: Readonly<Record<string, string>>;
}

/** What re-indexing the search terms of stored records needs (core/search/reindex.ts). */
export interface SearchReindexPort {
  /** Every chain, in a stable order (a cursor names a chain and a seq in it). */
  chains(): AsyncIterable<string>;
  /** Up to `limit` records of a chain from seq `from` on; `next` when more may follow. */
  page(
    chain: string,
    from: number,
    limit: number,
  ): Promise<{ entries: StoredIndexEntry[]; next?: number }>;
  /** Replaces a record's terms and index keys (only those: the record is not touched). */
  rewrite(
    chain: string,
    seq: number,
    terms: readonly string[],
    indexKeys: Record<string, string>,
  ): Promise<void>;
}
