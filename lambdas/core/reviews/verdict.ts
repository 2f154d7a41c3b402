import type { Principal } from '#core/access/roles.ts';
import type { LedgerRecord } from '#core/chain/record.ts';

/** What a reviewer can say about a queued event. */
export const VERDICTS = ['approve', 'escalate', 'annotate', 'retrain'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Body type of a `review` record holding a person's verdict on one event (fairness
 * review runs write `review` records of other types). */
export const VERDICT_BODY_TYPE = 'verdict';

/** The body of a verdict `review` record; the record's `ref` points at the event. */
export interface VerdictBody {
  readonly type: typeof VERDICT_BODY_TYPE;
  readonly verdict: Verdict;
  readonly note?: string;
  /** Who should look next (assignment), when the reviewer names someone. */
  readonly assignee?: string;
  readonly by: { readonly key_id: string; readonly tenant: string; readonly role: string };
  readonly at: string;
}

/** Where a queued event stands. `annotate` adds a note and leaves the status as it was. */
export type ReviewStatus = 'pending' | 'approved' | 'escalated' | 'retrain';
export const REVIEW_STATUSES: readonly ReviewStatus[] = [
  'pending',
  'approved',
  'escalated',
  'retrain',
];

const STATUS_OF: Record<Exclude<Verdict, 'annotate'>, ReviewStatus> = {
  approve: 'approved',
  escalate: 'escalated',
  retrain: 'retrain',
};

export const isVerdictRecord = (record: Pick<LedgerRecord, 'kind' | 'body'>): boolean =>
  record.kind === 'review' &&
  typeof record.body === 'object' &&
  record.body !== null &&
  (record.body as { type?: unknown }).type === VERDICT_BODY_TYPE;

/** The status after a list of verdicts, oldest first. */
export const statusAfter = (verdicts: readonly Verdict[]): ReviewStatus => {
  for (let i = verdicts.length - 1; i >= 0; i--) {
    const v = verdicts[i] as Verdict;
    if (v !== 'annotate') return STATUS_OF[v];
  }
  return 'pending';
};

export const verdictBody = (
  input: { verdict: Verdict; note?: string; assignee?: string },
  principal: Principal,
  at: string,
): VerdictBody => ({
  type: VERDICT_BODY_TYPE,
  verdict: input.verdict,
  ...(input.note === undefined ? {} : { note: input.note }),
  ...(input.assignee === undefined ? {} : { assignee: input.assignee }),
  by: { key_id: principal.key_id, tenant: principal.tenant, role: principal.role },
  at,
});
