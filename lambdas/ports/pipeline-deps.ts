import type { GiveUp } from '#core/pipeline/give-up.ts';
import type { AlertsPort } from '#ports/alerts.ts';
import type { ArchivePort } from '#ports/archive.ts';
import type { BodySealer } from '#ports/body-sealer.ts';
import type { ClockPort } from '#ports/clock.ts';
import type { LedgerPort } from '#ports/ledger.ts';
import type { LogPort } from '#ports/log.ts';
import type { PolicyEngine } from '#ports/policy-engine.ts';
import type { ProofTilesPort } from '#ports/proof-source.ts';
import type { SignerPort } from '#ports/signer.ts';
import type { WitnessPort } from '#ports/witness.ts';

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
  /** Layout v2: retention rules and encrypted bodies. Without it records are written in
   * layout v1 (plaintext bodies), as before. */
  readonly sealer?: BodySealer;
  /** When an envelope that keeps failing on its own becomes a `rejected` record (raw bytes
   * quarantined) instead of being redelivered again. @default never: failed forever */
  readonly giveUp?: GiveUp;
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
  /** Witnesses asked to cosign each checkpoint (C2SP tlog-witness). @default none */
  readonly witnesses?: readonly WitnessPort[];
  /** Where Merkle tiles and heads are kept for inclusion proofs without chain reads (AWS).
   * @default none: proofs are built from the archive (local) */
  readonly proofTiles?: ProofTilesPort;
}
