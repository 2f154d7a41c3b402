/** What happened to one stream envelope, in input order. */
export interface EnvelopeOutcome {
  readonly request_id: string;
  /** recorded: appended now; duplicate: its event_id was already recorded (at-least-once
   * redelivery); rejected: malformed, written as a `rejected` record + quarantined raw bytes;
   * failed: not written, the caller must redeliver it (and everything after it on its chain). */
  readonly status: 'recorded' | 'duplicate' | 'rejected' | 'failed';
  readonly event_id?: string;
  readonly chain?: string;
  readonly seq?: number;
  readonly error?: string;
}
