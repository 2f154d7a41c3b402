/**
 * `GET /v1/admin-events`: the admin chain as an auditor reads it, one line per action:
 * who (the submitting key, or `local:<user>` for a command on the data directory), when,
 * what, and hashes of the state before and after. Records written before the admin chain
 * had these fields (holds, erasures, purges) show the hash of their body as `after`.
 */
import type { Submitter } from '#core/access/roles.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import type { RecordWriterDeps } from '#core/pipeline/append-records.ts';
import { adminRecords, stateHash } from './admin-chain.ts';

export interface AdminEvent {
  readonly seq: number;
  readonly kind: string;
  readonly action: string;
  readonly who: Submitter | null;
  readonly when: string;
  /** What the action concerns: a key id, a policy name, a deployment id, a hold id, … */
  readonly target: string;
  readonly before_sha256: string | null;
  readonly after_sha256: string | null;
  readonly hash: string;
  readonly body: unknown;
}

const ACTION_OF_KIND: Readonly<Record<string, string>> = {
  legal_hold: 'legal_hold.place',
  legal_hold_release: 'legal_hold.release',
  erasure_request: 'erasure.request',
  purge: 'purge',
  deployment: 'deployment.record',
  assessment: 'assessment.record',
};

const stringField = (body: unknown, key: string): string | undefined => {
  const value = (body as Record<string, unknown> | undefined)?.[key];
  return typeof value === 'string' ? value : undefined;
};

const hashField = (body: unknown, key: string): string | null | undefined => {
  const value = (body as Record<string, unknown> | undefined)?.[key];
  return typeof value === 'string' || value === null ? value : undefined;
};

/** One admin-chain record as an admin event. */
export const adminEventOf = (r: LedgerRecord, bodies: ReadonlyMap<string, unknown>): AdminEvent => {
  const body = r.body;
  const action = stringField(body, 'action') ?? ACTION_OF_KIND[r.kind] ?? r.kind;
  const target =
    stringField(body, 'target') ??
    stringField(body, 'deployment_id') ??
    stringField(body, 'assessment_id') ??
    stringField(body, 'hold_id') ??
    stringField(body, 'request_id') ??
    stringField(body, 'run_id') ??
    r.event_id;
  const referenced = r.ref?.event_id === undefined ? undefined : bodies.get(r.ref.event_id);
  const before =
    hashField(body, 'before_sha256') ?? (referenced === undefined ? null : stateHash(referenced));
  const after = hashField(body, 'after_sha256') ?? (body === undefined ? null : stateHash(body));
  return {
    seq: r.seq,
    kind: r.kind,
    action,
    who: r.submitter ?? null,
    when: r.ingested_at,
    target,
    before_sha256: before,
    after_sha256: after,
    hash: r.hash,
    body,
  };
};

/** Query of `GET /v1/admin-events`. */
export interface AdminEventsQuery {
  /** Only actions starting with this (`key.`, `deployment.`, `policy.change`). */
  readonly action?: string;
  /** Only events before this seq (the cursor of the next page, newest first). */
  readonly before?: number;
  readonly limit?: number;
}

/** The admin chain newest first, a page at a time. */
export const listAdminEvents = async (
  query: AdminEventsQuery,
  deps: Pick<RecordWriterDeps, 'ledger'>,
): Promise<{ events: AdminEvent[]; next_cursor: string | null }> => {
  const limit = Math.min(Math.max(query.limit ?? 100, 1), 1000);
  const bodies = new Map<string, unknown>();
  const all: AdminEvent[] = [];
  for await (const r of adminRecords(deps.ledger)) {
    const event = adminEventOf(r, bodies);
    bodies.set(r.event_id, r.body);
    if (query.before !== undefined && r.seq >= query.before) continue;
    if (query.action !== undefined && !event.action.startsWith(query.action)) continue;
    all.push(event);
  }
  const events = all.reverse().slice(0, limit);
  const last = events.at(-1);
  return {
    events,
    next_cursor: all.length > limit && last !== undefined ? String(last.seq) : null,
  };
};
