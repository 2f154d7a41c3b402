import type { ChainHead, LedgerRecord } from '#core/chain/record.ts';
import { AuditTrailError } from '#core/errors.ts';

/** Raised when a conditional append finds the chain head moved (another writer won). */
export class ChainConflictError extends AuditTrailError {
  readonly code = 'chain_conflict';
  override readonly name = 'ChainConflictError';
  readonly chain: string;
  readonly expectedSeq: number;
  constructor(chain: string, expectedSeq: number) {
    super(`chain ${chain} moved past seq ${expectedSeq}`);
    this.chain = chain;
    this.expectedSeq = expectedSeq;
  }
}

/** Raised when an append carries an event_id that is already recorded. */
export class DuplicateEventError extends AuditTrailError {
  readonly code = 'duplicate_event';
  override readonly name = 'DuplicateEventError';
  readonly eventIds: readonly string[];
  constructor(eventIds: readonly string[]) {
    super(`already recorded: ${eventIds.join(', ')}`);
    this.eventIds = eventIds;
  }
}

/** Where an event id was recorded. */
export interface EventLocation {
  readonly chain: string;
  readonly seq: number;
}

/** Per-chain bookkeeping that is not part of the hash chain (mutable by design). */
export interface ChainMeta {
  /** Highest seq known to be in the archive; -1 if none. */
  readonly archived_through: number;
  /** Tree size of the latest signed checkpoint; 0 if none. */
  readonly checkpoint_size: number;
  /** Merkle compact range (hex subtree roots, left to right) at checkpoint_size, so the next
   * checkpoint only hashes the records appended since. */
  readonly checkpoint_frontier: readonly string[];
}

/**
 * The ledger: one hash chain per chain key, idempotent by event_id.
 * Implementations must make `append` atomic and conditional: either every record and its
 * event_id index entry is written and the head was exactly `expected`, or nothing is.
 */
export interface LedgerPort {
  head(chain: string): Promise<ChainHead>;
  /** Throws ChainConflictError if the head is not `expected`, DuplicateEventError if an
   * event_id is already recorded. Records are consecutive from expected.seq + 1. */
  append(expected: ChainHead, records: readonly LedgerRecord[]): Promise<void>;
  /** Locations of those event ids that are already recorded. */
  locate(eventIds: readonly string[]): Promise<Map<string, EventLocation>>;
  get(chain: string, seq: number): Promise<LedgerRecord | undefined>;
  /** Records of a chain in seq order, from `fromSeq` through `toSeq` inclusive. */
  range(chain: string, fromSeq: number, toSeq: number): AsyncIterable<LedgerRecord>;
  chains(): AsyncIterable<string>;
  meta(chain: string): Promise<ChainMeta>;
  /** Bookkeeping only moves forward: a write whose archived_through or checkpoint_size is
   * lower than the stored one is ignored for that field (checkpoint_frontier goes with
   * checkpoint_size). */
  setMeta(chain: string, meta: Partial<ChainMeta>): Promise<void>;
}

/** The ledger reads the API's lookup route needs. */
export type RecordReader = Pick<LedgerPort, 'locate' | 'get'>;
