import type { AlertsPort } from '#ports/alerts.ts';
import type { ArchivePort } from '#ports/archive.ts';
import type { ClockPort } from '#ports/clock.ts';
import type { LedgerPort } from '#ports/ledger.ts';
import type { LogPort } from '#ports/log.ts';
import type { PolicyEngine } from '#ports/policy-engine.ts';
import type { SignerPort } from '#ports/signer.ts';

/** Everything the processor needs; the Lambda handler and the local server pass adapters. */
export interface ProcessorDeps {
  readonly ledger: LedgerPort;
  readonly archive: ArchivePort;
  readonly policy: PolicyEngine;
  readonly alerts: AlertsPort;
  readonly clock: ClockPort;
  readonly log: LogPort;
  /** Object Lock retain-until for archive objects; none locally by default. */
  readonly retainUntil?: (now: Date) => Date | undefined;
}

/** What the checkpointer needs. */
export interface CheckpointDeps {
  readonly ledger: LedgerPort;
  readonly archive: ArchivePort;
  readonly signer: SignerPort;
  readonly clock: ClockPort;
  readonly log: LogPort;
  /** Log name used in checkpoint origins, e.g. `audit-trail.local`. */
  readonly logName: string;
  readonly retainUntil?: (now: Date) => Date | undefined;
}
