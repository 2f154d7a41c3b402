/** Raised by any call on a ledger after `close()`. */
export class LedgerClosedError extends Error {
  override readonly name = 'LedgerClosedError';
  constructor() {
    super('the file ledger is closed');
  }
}

/** Raised when an append breaks the chain's shape (wrong chain, seq gap, broken `prev`):
 * a bug in the caller, never a race. */
export class InvalidAppendError extends Error {
  override readonly name = 'InvalidAppendError';
}

/** Raised at open when the ledger files are damaged somewhere other than a torn tail. */
export class LedgerCorruptError extends Error {
  override readonly name = 'LedgerCorruptError';
}

/** Raised when a write or sync failed; the ledger refuses further appends until reopened,
 * since what reached the disk is unknown (reopening cuts any torn tail). */
export class LedgerIOError extends Error {
  override readonly name = 'LedgerIOError';
}
