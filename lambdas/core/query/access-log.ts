import { can, type Principal, RESERVED_CHAIN_PREFIX } from '#core/access/roles.ts';
import { qualify } from '#core/access/tenant.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import { appendRecords } from '#core/pipeline/append-records.ts';
import type { Caller, QueryDeps } from './deps.ts';
import { badQuery, forbidden } from './errors.ts';

/** The chain raw reads are recorded in (one per tenant). */
export const ACCESS_CHAIN = `${RESERVED_CHAIN_PREFIX}access`;

/** Longest reason kept; a reason is a sentence, not a document. */
const MAX_REASON = 1000;

/** A raw view as asked for: the reason the caller stated, if any. */
export interface RawRequest {
  readonly reason: string | undefined;
}

/** The body of an `access` record: who read which raw records, when, and why. */
export interface AccessBody {
  readonly type: 'raw_read';
  readonly by: { readonly key_id: string; readonly tenant: string; readonly role: string };
  readonly at: string;
  readonly reason: string;
  readonly route: string;
  readonly records: readonly {
    readonly event_id: string;
    readonly chain: string;
    readonly seq: number;
  }[];
}

/** Refuses a raw read the caller may not make: no `read_raw` permission (403) or no
 * reason (400). Answers the trimmed reason. */
export const checkRawRead = (principal: Principal, raw: RawRequest): string => {
  if (!can(principal, 'read_raw')) {
    throw forbidden(`role ${principal.role} may not read raw bodies; omit view=raw`);
  }
  const reason = raw.reason?.trim() ?? '';
  if (reason === '' || reason.length > MAX_REASON) {
    throw badQuery([
      {
        path: 'reason',
        message: 'a raw read needs a stated reason (x-audit-reason header or reason parameter)',
        expected: `1 to ${MAX_REASON} characters`,
        received: reason === '' ? 'none' : `${reason.length} characters`,
      },
    ]);
  }
  return reason;
};

/**
 * Records a raw read BEFORE the raw bodies are returned: one `access` record on the
 * tenant's access chain, appended and archived by appendRecords, so reads of personal data
 * are as tamper-evident as the data. If this fails, the read fails.
 */
export const recordRawRead = async (
  caller: Caller,
  reason: string,
  route: string,
  records: readonly LedgerRecord[],
  deps: QueryDeps,
): Promise<void> => {
  const { principal } = caller;
  const at = deps.clock.now().toISOString();
  const body: AccessBody = {
    type: 'raw_read',
    by: { key_id: principal.key_id, tenant: principal.tenant, role: principal.role },
    at,
    reason,
    route,
    records: records.map((r) => ({ event_id: r.event_id, chain: r.chain, seq: r.seq })),
  };
  const first = records[0];
  await appendRecords(
    qualify(principal.tenant, ACCESS_CHAIN),
    [
      {
        kind: 'access',
        event_id: qualify(principal.tenant, `access:${caller.requestId}`),
        policy: { version: 'none', decision: 'pass', findings: [] },
        ...(records.length === 1 && first !== undefined
          ? { ref: { event_id: first.event_id, chain: first.chain, seq: first.seq } }
          : {}),
        submitter: { key_id: principal.key_id, tenant: principal.tenant },
        body,
      },
    ],
    deps,
  );
};

/** The raw view a request asks for: `view=raw` with a reason from the `x-audit-reason`
 * header or the `reason` parameter; undefined for the default, redacted view. */
export const rawRequestOf = (
  view: string | undefined,
  headerReason: string | undefined,
  paramReason: string | undefined,
): RawRequest | undefined => {
  if (view === undefined || view === 'redacted') return undefined;
  if (view !== 'raw') {
    throw badQuery([
      { path: 'view', message: 'unknown view', expected: 'redacted, raw', received: view },
    ]);
  }
  return { reason: headerReason ?? paramReason };
};
