/** Stable codes of what the client reports. */
export type AuditTrailErrorCode =
  /** The API refused events as invalid. */
  | 'rejected'
  /** A status not worth retrying (401, 403, 413 …). */
  | 'send_failed'
  /** The buffer was full; the oldest waiting event was dropped. */
  | 'dropped'
  /** Still buffered when close() gave up. */
  | 'unsent'
  /** The event could not be serialised as JSON. */
  | 'serialise'
  /** evaluate() got no answer. */
  | 'guardrail';

/** Everything the client reports to `onError` (never thrown at the app from log calls). */
export class AuditTrailError extends Error {
  override readonly name = 'AuditTrailError';
  readonly code: AuditTrailErrorCode;
  /** HTTP status, when an answer came. */
  readonly status: number | undefined;
  /** The API's answer or per-item problems, as received. */
  readonly details: unknown;

  constructor(code: AuditTrailErrorCode, message: string, status?: number, details?: unknown) {
    super(message);
    this.code = code;
    this.status = status;
    this.details = details;
  }
}
