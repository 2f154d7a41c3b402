/**
 * The policy in force, on the admin chain: a `policy.change` record whenever the policy a
 * runtime starts with differs from the last one recorded (its version is the canonical
 * hash). Written once per change however many processes start at once: the event id names
 * the change (`policy:<seq of the previous change>:<new version>`), and appends are
 * idempotent by event id, so racing writers of the same change record it once.
 */
import type { Submitter } from '#core/access/roles.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import type { RecordWriterDeps } from '#core/pipeline/append-records.ts';
import { type AdminBody, adminRecords, appendAdmin } from './admin-chain.ts';

/** The policy a runtime runs with. */
export interface PolicyInForce {
  readonly name: string;
  /** Hex SHA-256 of the canonical policy. */
  readonly version: string;
  /** Where it was read from (a file, the built-in default). */
  readonly source: string;
}

/** The last policy change on the chain, if any. */
export const lastPolicyChange = async (
  ledger: RecordWriterDeps['ledger'],
): Promise<LedgerRecord | undefined> => {
  let last: LedgerRecord | undefined;
  for await (const r of adminRecords(ledger)) {
    if (r.kind === 'admin' && (r.body as AdminBody | undefined)?.action === 'policy.change')
      last = r;
  }
  return last;
};

/** Records the policy in force when it changed; answers the record, or undefined. */
export const recordPolicyInForce = async (
  policy: PolicyInForce,
  actor: Submitter,
  deps: RecordWriterDeps,
): Promise<LedgerRecord | undefined> => {
  const last = await lastPolicyChange(deps.ledger);
  const before = (last?.body as AdminBody | undefined)?.after_sha256 ?? null;
  if (before === policy.version) return undefined;
  const body: AdminBody = {
    action: 'policy.change',
    target: policy.name,
    at: deps.clock.now().toISOString(),
    before_sha256: before,
    after_sha256: policy.version,
    details: { source: policy.source },
  };
  const { appended } = await appendAdmin(
    [
      {
        kind: 'admin',
        event_id: `policy:${last?.seq ?? -1}:${policy.version}`,
        actor,
        body,
      },
    ],
    deps,
  );
  return appended[0];
};
