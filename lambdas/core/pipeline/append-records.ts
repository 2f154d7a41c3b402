import { unopened } from '#core/retention/opening-ledger.ts';
import type { ProcessorDeps } from '#ports/pipeline-deps.ts';
import { type AppendResult, appendToChain, type PendingRecord } from './append-chain.ts';
import { archiveChain } from './archive-segments.ts';

/** What writing the product's own records takes: a subset of the processor's deps. */
export type RecordWriterDeps = Pick<
  ProcessorDeps,
  'ledger' | 'archive' | 'clock' | 'retainUntil' | 'sealer'
>;

/**
 * Appends records the product writes itself (legal holds, purge receipts, reviews, raw-read
 * `access` records, outcomes, admin actions) to a chain and archives them: the same two
 * steps, with the same conditional write and write-once segments, as the processor takes for
 * ingested events. Idempotent by event_id: a pending record already recorded is skipped and
 * reported in `alreadyRecorded`. With `deps.sealer` the bodies are sealed (layout v2) like
 * ingested ones: writers whose records carry subject data pass it (reviews, raw-read
 * `access` records); governance and purge records carry only keyed subject hashes and must
 * stay readable to the purge itself, so their writers do not.
 */
export const appendRecords = async (
  chain: string,
  pending: readonly PendingRecord[],
  deps: RecordWriterDeps,
): Promise<AppendResult> => {
  const now = deps.clock.now();
  const result = await appendToChain(chain, pending, deps.ledger, now.toISOString(), deps.sealer);
  await archiveChain(
    chain,
    result.head.seq,
    // Never the opening ledger's view (core/retention/opening-ledger.ts): segments hold
    // records as stored, sealed bodies sealed.
    unopened(deps.ledger),
    deps.archive,
    deps.retainUntil?.(now),
    result.appended,
  );
  return result;
};

/** The writer without its sealer: for records that must stay readable to the product itself
 * (governance records, purge receipts: they hold subject ids, never user ids). */
export const unsealed = <D extends RecordWriterDeps>(deps: D): Omit<D, 'sealer'> => {
  const { sealer: _sealer, ...rest } = deps;
  return rest;
};
