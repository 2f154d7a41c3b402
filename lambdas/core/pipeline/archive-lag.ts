import type { LedgerPort } from '#ports/ledger.ts';

/** How far the archive is behind the ledger: records committed but not yet archived. */
export interface ArchiveLag {
  /** The largest lag of any chain (0 when every committed record is archived). */
  readonly maxRecords: number;
  /** Chains with any lag. */
  readonly chainsBehind: number;
}

/**
 * Head minus archived, per chain. The processor archives right after it commits, so a lag
 * that stays means a crash between the two whose redelivery has not come (or keeps
 * failing): the checkpointer publishes it as a metric and an alarm watches it.
 */
export const archiveLag = async (ledger: LedgerPort): Promise<ArchiveLag> => {
  let maxRecords = 0;
  let chainsBehind = 0;
  for await (const chain of ledger.chains()) {
    const [head, meta] = await Promise.all([ledger.head(chain), ledger.meta(chain)]);
    const lag = head.seq - meta.archived_through;
    if (lag > 0) chainsBehind += 1;
    maxRecords = Math.max(maxRecords, lag);
  }
  return { maxRecords, chainsBehind };
};
