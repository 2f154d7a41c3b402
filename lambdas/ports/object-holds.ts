/**
 * Legal holds on archive objects (S3 Object Lock legal holds on AWS; a file locally): an
 * object under a legal hold cannot be deleted, whatever its retention, until the hold is
 * cleared. core/retention/object-holds.ts decides which objects a legal hold covers.
 */
export interface ObjectHoldsPort {
  /** Sets (`on`) or clears the legal hold of archive objects (keys as the archive names
   * them). Idempotent; durable when it resolves. */
  setLegalHold(keys: readonly string[], on: boolean): Promise<void>;
}
