/**
 * The admin chain: one product chain on which every administrative action is a record
 * (legal holds and releases, erasure requests and purge summaries, key creation and
 * revocation, policy changes, deployments, approvals and gate assessments). It is the
 * governance chain of the retention work under its broader name: the same chain, so
 * holds, erasures and purge receipts written before keep verifying where they are.
 * Bodies hold no personal data (user ids only as subject ids), so the chain is stored in
 * plaintext and auditors read it as it is.
 */
import { createHash } from 'node:crypto';
import type { Submitter } from '#core/access/roles.ts';
import { canonicalJson } from '#core/chain/canonical.ts';
import type { LedgerRecord, PolicyResult, RecordKind } from '#core/chain/record.ts';
import { appendRecords, type RecordWriterDeps } from '#core/pipeline/append-records.ts';
import { GOVERNANCE_CHAIN } from '#core/retention/governance.ts';

/** The admin chain's name (the governance chain of issue 7, kept for its records). */
export const ADMIN_CHAIN = GOVERNANCE_CHAIN;

/** Admin records are not policy-checked; they say so like any unchecked record. */
export const NO_POLICY: PolicyResult = { version: 'none', decision: 'pass', findings: [] };

/** What an `admin` record's body says: which action, on what, and the state hashes. */
export interface AdminBody {
  /** `key.create`, `key.revoke`, `policy.change`. */
  readonly action: string;
  /** What was changed: a key id, a policy name. */
  readonly target: string;
  /** When the change took effect (a key's created_at), which may precede the record. */
  readonly at: string;
  /** Hex SHA-256 of the canonical state before the change; null when there was none. */
  readonly before_sha256: string | null;
  /** Hex SHA-256 of the canonical state after it; null when there is none. */
  readonly after_sha256: string | null;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Who did it when no API key did: a command run on the data directory by an OS user. */
export const localActor = (user: string): Submitter => ({
  key_id: `local:${user}`,
  tenant: 'default',
});

/** Hex SHA-256 of a value's canonical JSON: the before/after hashes of admin records. */
export const stateHash = (value: unknown): string =>
  createHash('sha256').update(canonicalJson(value)).digest('hex');

/** One admin record to append. */
export interface AdminAction {
  readonly kind: RecordKind;
  readonly event_id: string;
  readonly body: unknown;
  readonly actor?: Submitter | undefined;
  readonly ref?: LedgerRecord['ref'];
}

/** Appends admin records (idempotent by event id) and answers them as stored. */
export const appendAdmin = async (
  actions: readonly AdminAction[],
  deps: RecordWriterDeps,
): Promise<{ appended: readonly LedgerRecord[]; already: ReadonlySet<string> }> => {
  const { appended, alreadyRecorded } = await appendRecords(
    ADMIN_CHAIN,
    actions.map((a) => ({
      kind: a.kind,
      event_id: a.event_id,
      policy: NO_POLICY,
      ...(a.actor === undefined ? {} : { submitter: a.actor }),
      ...(a.ref === undefined ? {} : { ref: a.ref }),
      body: a.body,
    })),
    deps,
  );
  return { appended, already: new Set(alreadyRecorded.keys()) };
};

/** Every record of the admin chain, oldest first. */
export async function* adminRecords(
  ledger: RecordWriterDeps['ledger'],
): AsyncGenerator<LedgerRecord> {
  const head = await ledger.head(ADMIN_CHAIN);
  if (head.seq < 0) return;
  yield* ledger.range(ADMIN_CHAIN, 0, head.seq);
}
