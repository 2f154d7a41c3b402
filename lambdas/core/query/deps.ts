import type { Principal } from '#core/access/roles.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import type { RecordWriterDeps } from '#core/pipeline/append-records.ts';
import type { ProofFile } from '#core/verify/proof.ts';
import type { LedgerPort } from '#ports/ledger.ts';
import type { RecordSearchPort } from '#ports/record-search.ts';

/** What the read, search and review routes need. */
export interface QueryDeps extends RecordWriterDeps {
  readonly ledger: LedgerPort & RecordSearchPort;
  /** An inclusion proof of a stored record against the latest signed checkpoint of its
   * chain (locally from the archive, on AWS from the checkpointer's Merkle tiles). */
  readonly prove?: (record: LedgerRecord) => Promise<ProofFile>;
}

/** Who asks, and for which request (ids of records the product writes derive from it). */
export interface Caller {
  readonly principal: Principal;
  readonly requestId: string;
}
