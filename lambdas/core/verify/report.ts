/**
 * What the verifier reports: faults that name chain, seq and kind, and the bodies that were
 * purged by a purge record (never silently "ok", never "tampered").
 */
import type { LanedApplication } from './applications.ts';
import type { VersionFindings } from './object-versions.ts';

/** Every class of tampering the verifier tells apart (see DESIGN.md, "What the verifier must
 * catch"). */
export const FAULT_KINDS = [
  'modified',
  'deleted',
  'inserted',
  'reordered',
  'truncated',
  'forked',
  'unlogged_purge',
  'held_purged',
  'bad_signature',
  'malformed',
  // The signed index of chains (see verify/chain-index.ts) and witnesses.
  'deleted_chain',
  'index_missing',
  'index_inconsistent',
  'unwitnessed',
  'hidden_version',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** One finding. `seq` is -1 when a fault belongs to no record (an unreadable key file). */
export interface Fault {
  readonly chain: string;
  readonly seq: number;
  readonly kind: FaultKind;
  readonly detail: string;
}

/** Bodies of seqs `from..to` (inclusive) removed by the purge record at seq `by`. */
export interface PurgedRange {
  readonly chain: string;
  readonly from: number;
  readonly to: number;
  readonly by: number;
  /** The purge record's reasons: retention rules (`kind=…`) and `erasure:<request id>`. */
  readonly reasons?: readonly string[];
}

export interface VerifyReport {
  /** True only when there is no fault at all. */
  readonly ok: boolean;
  readonly chains: number;
  /** Records read (every parsable line). */
  readonly records: number;
  /** Checkpoints whose signature verified. */
  readonly checkpoints: number;
  /** Records after the latest verified checkpoint of their chain: linked, not yet signed. */
  readonly unsigned: number;
  /** Signed indexes of chains that verified (0: nothing says which chains should exist). */
  readonly indexes: number;
  readonly bytes: number;
  /** Whether signatures were checked against a key the auditor supplied. */
  readonly pinned: boolean;
  /** The verifier key(s) that signed the checkpoints, as `name+keyid`. */
  readonly key?: string;
  readonly purged: readonly PurgedRange[];
  /** A versioned bucket only: keys with old object versions, and current delete markers. */
  readonly versions?: VersionFindings;
  /** Layout v2 bodies left unchecked because no body keys were given. */
  readonly sealed?: number;
  /** Applications spread over lanes, each read as one (core/verify/applications.ts). */
  readonly applications?: readonly LanedApplication[];
  readonly faults: readonly Fault[];
  /** Faults beyond the report's bound, counted but not listed. */
  readonly faultsOmitted: number;
}

/** Progress as bytes and records read so far. */
export interface VerifyProgress {
  readonly records: number;
  readonly bytes: number;
  readonly totalBytes?: number;
}

/** Most faults and purged ranges a report lists, so memory stays bounded on a wrecked
 * archive. */
export const MAX_LISTED = 10_000;

/** Collects faults up to MAX_LISTED and counts the rest. */
export class FaultLog {
  readonly faults: Fault[] = [];
  omitted = 0;

  add(chain: string, seq: number, kind: FaultKind, detail: string): void {
    if (this.faults.length < MAX_LISTED) this.faults.push({ chain, seq, kind, detail });
    else this.omitted++;
  }
}
