/**
 * The policy in force, on the admin chain: a `policy.change` record whenever the policy a
 * runtime starts with differs from the last one recorded (its version is the canonical
 * hash). Written once per change however many processes start at once: the event id names
 * the change (`policy:<seq of the previous change>:<new version>`), and appends are
 * idempotent by event id, so racing writers of the same change record it once.
 *
 * The previous change is found by reading the admin chain, or, where a cold start cannot
 * afford that (AWS), from a pointer (ports/policy-pointer.ts) moved after each change. A
 * writer that stops between the append and the move leaves the pointer behind: the next
 * start names the same change, finds it recorded, and moves the pointer on.
 */
import type { Submitter } from '#core/access/roles.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import type { RecordWriterDeps } from '#core/pipeline/append-records.ts';
import type { PolicyPointer, PolicyPointerPort } from '#ports/policy-pointer.ts';
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

/** The last change as a pointer, from the admin chain. */
const pointerOnChain = async (
  ledger: RecordWriterDeps['ledger'],
): Promise<PolicyPointer | undefined> => {
  const last = await lastPolicyChange(ledger);
  const version = (last?.body as AdminBody | undefined)?.after_sha256;
  return last === undefined || typeof version !== 'string' ? undefined : { version, seq: last.seq };
};

/** Records the policy in force when it changed; answers the record, or undefined (no
 * change, or another writer recorded it). With `pointer`, the last change is read from it
 * rather than from the chain, and it is moved to the new record. */
export const recordPolicyInForce = async (
  policy: PolicyInForce,
  actor: Submitter,
  deps: RecordWriterDeps,
  pointer?: PolicyPointerPort,
): Promise<LedgerRecord | undefined> => {
  const last = pointer === undefined ? await pointerOnChain(deps.ledger) : await pointer.read();
  if (last?.version === policy.version) return undefined;
  const eventId = `policy:${last?.seq ?? -1}:${policy.version}`;
  const body: AdminBody = {
    action: 'policy.change',
    target: policy.name,
    at: deps.clock.now().toISOString(),
    before_sha256: last?.version ?? null,
    after_sha256: policy.version,
    details: { source: policy.source },
  };
  const { appended } = await appendAdmin([{ kind: 'admin', event_id: eventId, actor, body }], deps);
  if (pointer !== undefined) {
    const seq = appended[0]?.seq ?? (await deps.ledger.locate([eventId])).get(eventId)?.seq;
    if (seq !== undefined) await pointer.advance(last, { version: policy.version, seq });
  }
  return appended[0];
};
