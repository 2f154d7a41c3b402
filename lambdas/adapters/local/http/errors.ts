import { AuditTrailError } from '#core/errors.ts';

/** The client hung up or the connection broke while its body was being read. */
export class RequestAbortedError extends AuditTrailError {
  readonly code = 'request_aborted';
  override readonly name = 'RequestAbortedError';
}
