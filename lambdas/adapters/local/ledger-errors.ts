/** Raised by any call on a ledger after `close()`. */

import { AuditTrailError } from '#core/errors.ts';

export class LedgerClosedError extends AuditTrailError {
  readonly code = 'ledger_closed';
  override readonly name = 'LedgerClosedError';
  constructor() {
    super('the file ledger is closed');
  }
}

/** Raised when an append breaks the chain's shape (wrong chain, seq gap, broken `prev`):
 * a bug in the caller, never a race. */
export class InvalidAppendError extends AuditTrailError {
  readonly code = 'invalid_append';
  override readonly name = 'InvalidAppendError';
}

/** Raised at open when the ledger files are damaged somewhere other than a torn tail. */
export class LedgerCorruptError extends AuditTrailError {
  readonly code = 'ledger_corrupt';
  override readonly name = 'LedgerCorruptError';
}

/** Raised when a write or sync failed; the ledger refuses further appends until reopened,
 * since what reached the disk is unknown (reopening cuts any torn tail). */
export class LedgerIOError extends AuditTrailError {
  readonly code = 'ledger_i_o';
  override readonly name = 'LedgerIOError';
}
