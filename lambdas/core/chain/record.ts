/**
 * The ledger record: the unit that is hash-chained, stored in the ledger and archived.
 * The chain rules themselves (hashing, linking) live in `hash.ts`; this file is the shape.
 */

/** Every kind of record a chain can hold. Nothing is updated in place: reviews, outcomes,
 * holds and purges are new records that point at the record they concern. */
export const RECORD_KINDS = [
  'inference',
  'decision',
  'review',
  'outcome',
  'legal_hold',
  'legal_hold_release',
  'erasure_request',
  'purge',
  'access',
  'rejected',
  'checkpoint',
  'admin',
  'deployment',
  'approval',
  'assessment',
] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export type PolicyDecision = 'pass' | 'flag' | 'block';

/** One policy finding. Never holds the raw detected value (see the policy engine). */
export interface Finding {
  readonly rule_id: string;
  readonly rule_name: string;
  readonly detector: string;
  readonly entity?: string;
  readonly severity: 'low' | 'medium' | 'high' | 'critical';
  readonly action: PolicyDecision;
  /** Field path the finding was made in, e.g. `output.content`. */
  readonly field?: string;
  /** UTF-16 offsets into the field's text, end exclusive. */
  readonly start?: number;
  readonly end?: number;
  /** Context around the finding with the detected value masked. */
  readonly snippet?: string;
  /** Keyed hash (HMAC) of the detected value, for equality look-ups without the value. */
  readonly value_hmac?: string;
  readonly controls: readonly string[];
}

/** One rule's outcome for one event (core/policy/checks.ts). */
export interface RuleCheck {
  readonly rule_id: string;
  readonly status: 'ran' | 'skipped' | 'error' | 'timeout';
  /** Why a rule was skipped (`disabled`, `kind`, `use_case`, `no_field`). */
  readonly reason?: string;
  /** What failed (never a detected value). */
  readonly error?: string;
  /** The fail mode applied to an error or timeout (the rule's `on_error`). */
  readonly fail_mode?: PolicyDecision;
}

/** One rule's outcome as a record stores it: the bare rule id for a rule that ran, the
 * whole check for any other (core/policy/checks.ts `expandChecks` reads both). */
export type StoredCheck = string | RuleCheck;

/** The deployment an event ran under (core/admin/deployments.ts). */
export interface DeploymentRef {
  readonly deployment_id: string;
  /** Where the deployment record is on the admin chain. */
  readonly seq: number;
}

/** What the policy engine decided, as written into every record. */
export interface PolicyResult {
  /** Hash of the canonical policy; `none` while no policy is configured. */
  readonly version: string;
  readonly decision: PolicyDecision;
  readonly findings: readonly Finding[];
  /** The client's own `policy_checks`, kept verbatim as client-reported, never trusted. */
  readonly client_reported?: unknown;
  /** Each rule of the policy, in the order the guardrail lists them: its id when it ran,
   * else the check (skipped with why, error or timeout with the fail mode). Records written
   * before every rule was listed hold only the checks that did not run; their policy's
   * other rules ran. */
  readonly checks?: readonly StoredCheck[];
  /** The approved deployment whose model the event names, when one matches. */
  readonly deployment?: DeploymentRef;
}

/** Pointer to a body stored outside the record (claim check for large bodies). */
export interface BodyRef {
  readonly uri: string;
  readonly size: number;
}

/** A reference from a record to another record it concerns (review, outcome, purge, hold). */
export interface RecordRef {
  readonly event_id?: string;
  readonly chain?: string;
  readonly seq?: number;
  /** For purges: inclusive seq ranges of this chain whose bodies were removed. */
  readonly ranges?: readonly (readonly [number, number])[];
  /** For purges: why (retention rules `kind=…`, erasure requests `erasure:<id>`). */
  readonly reasons?: readonly string[];
}

/** Which retention rule a record was written under and the first UTC day its body may be
 * purged (`YYYY-MM-DD`); set at write time (core/retention/rules.ts). */
export interface RecordRetention {
  readonly rule: string;
  readonly until: string;
}

/**
 * A body as layout v2 stores it: salt and canonical body encrypted with AES-256-GCM under a
 * record key derived from a retention-period key (`p`) and a data-subject key (`s`), both
 * held in the mutable body-key store; destroying either makes the body unreadable
 * (core/retention/body-crypto.ts). Outside the envelope, like `body`.
 */
export interface SealedBody {
  readonly v: 2;
  /** Period key id: `<rule>/<yyyy-mm-dd>`. */
  readonly p: string;
  /** Subject key id: a keyed hash of the user id, or `rec:<chain>#<seq>` when there is none. */
  readonly s: string;
  /** 12-byte IV, base64. */
  readonly iv: string;
  /** Ciphertext ‖ 16-byte tag, base64. */
  readonly ct: string;
}

/**
 * The envelope fields: everything the record hash covers.
 * `body`, `body_salt` and `body_ref` are committed only through `body_hash`, so a body can
 * be purged after its retention and the chain still verifies.
 */
export interface RecordEnvelope {
  readonly chain: string;
  readonly seq: number;
  readonly kind: RecordKind;
  readonly event_id: string;
  /** ISO 8601 UTC, set by the processor. */
  readonly ingested_at: string;
  /** Client-supplied timestamp of the event, when given. */
  readonly occurred_at?: string;
  /** Hex SHA-256 commitment to the salted canonical body (see hash.ts). */
  readonly body_hash: string;
  readonly policy: PolicyResult;
  readonly ref?: RecordRef;
  /** Who sent it: key id and tenant. Absent on records written before keys were stamped
   * (they verify as before: the hash covers whatever envelope fields a record has). */
  readonly submitter?: { readonly key_id: string; readonly tenant: string };
  /** Retention applied at write time (layout v2). */
  readonly retention?: RecordRetention;
  /** Hex hash of the previous record of this chain; GENESIS_PREV for seq 0. */
  readonly prev: string;
}

export interface LedgerRecord extends RecordEnvelope {
  /** Hex SHA-256 over the domain tag and the canonical envelope. */
  readonly hash: string;
  /** The event body; absent once purged, or when stored by reference. */
  readonly body?: unknown;
  /** Random per-record salt (hex) mixed into body_hash so a purged low-entropy body cannot
   * be confirmed by guessing. Purged together with the body. */
  readonly body_salt?: string;
  readonly body_ref?: BodyRef;
  /** Layout v2: the encrypted body (and salt) instead of `body` and `body_salt`. */
  readonly body_enc?: SealedBody;
}

/** 32 zero bytes, hex: the `prev` of every chain's first record. */
export const GENESIS_PREV = '0'.repeat(64);

/** The last record of a chain as the ledger knows it. */
export interface ChainHead {
  readonly chain: string;
  /** Seq of the last record; -1 for an empty chain. */
  readonly seq: number;
  /** Hash of the last record; GENESIS_PREV for an empty chain. */
  readonly hash: string;
}
