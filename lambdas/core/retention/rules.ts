/**
 * Retention rules: how long a record's body is kept, decided once, when the record is
 * written. The rule and the first day the body may be purged go into the envelope
 * (`retention: {rule, until}`), so the chain itself says which rule applied.
 */
import type { RecordKind, RecordRetention } from '#core/chain/record.ts';

/** Body retention per record kind, in days. Decisions and their reviews and outcomes are
 * kept 7 years (a common financial-services horizon); inference events a year (the EU AI
 * Act asks deployers for at least six months of logs); rejected input 90 days; the product's
 * own governance records 10 years. */
export const DEFAULT_RETENTION_DAYS: Readonly<Record<RecordKind, number>> = {
  inference: 365,
  decision: 2557,
  review: 2557,
  outcome: 2557,
  legal_hold: 3653,
  legal_hold_release: 3653,
  erasure_request: 3653,
  purge: 3653,
  // Raw reads of personal data: kept as long as the decisions they read.
  access: 2557,
  rejected: 90,
  checkpoint: 3653,
  // Admin-chain records (who changed what, deployments, approvals, gate assessments).
  admin: 3653,
  deployment: 3653,
  approval: 3653,
  assessment: 3653,
};

/** A narrower rule: the first one whose fields all match a record wins over the per-kind days. */
export interface RetentionOverride {
  readonly kind?: RecordKind | undefined;
  readonly chain?: string | undefined;
  readonly useCase?: string | undefined;
  readonly days: number;
}

export interface RetentionRules {
  readonly retentionDays: Readonly<Record<RecordKind, number>>;
  readonly retentionOverrides?: readonly RetentionOverride[] | undefined;
}

export const DEFAULT_RETENTION_RULES: RetentionRules = { retentionDays: DEFAULT_RETENTION_DAYS };

import type { RetentionSubject } from '#ports/body-sealer.ts';

export type { RetentionSubject };

/** The rule's stable name, as written into envelopes and period-key ids. */
const overrideName = (o: RetentionOverride): string =>
  [
    o.chain === undefined ? undefined : `chain=${o.chain}`,
    o.useCase === undefined ? undefined : `use_case=${o.useCase}`,
    `kind=${o.kind ?? '*'}`,
  ]
    .filter((part) => part !== undefined)
    .join(',');

const DAY_MS = 86_400_000;

/** The UTC day (`YYYY-MM-DD`) of an ISO timestamp or date. */
export const dayOf = (at: string | Date): string =>
  (typeof at === 'string' ? at : at.toISOString()).slice(0, 10);

/** `day` plus `n` days, as `YYYY-MM-DD`. */
export const addDays = (day: string, n: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

/** The rule for a record and its days. */
export const ruleFor = (
  rules: RetentionRules,
  subject: RetentionSubject,
): { readonly rule: string; readonly days: number } => {
  for (const o of rules.retentionOverrides ?? []) {
    if (o.kind !== undefined && o.kind !== subject.kind) continue;
    if (o.chain !== undefined && o.chain !== subject.chain) continue;
    if (o.useCase !== undefined && o.useCase !== subject.useCase) continue;
    return { rule: overrideName(o), days: o.days };
  }
  return { rule: `kind=${subject.kind}`, days: rules.retentionDays[subject.kind] };
};

/**
 * The retention of a record ingested at `ingestedAt`: its body may be purged from the start
 * of `until`, the day after its retention (counted from the end of its ingest day) ends.
 */
export const retentionOf = (
  rules: RetentionRules,
  subject: RetentionSubject,
  ingestedAt: string,
): RecordRetention => {
  const { rule, days } = ruleFor(rules, subject);
  return { rule, until: addDays(dayOf(ingestedAt), days + 1) };
};

/** True once `now` has reached a record's `until` day. */
export const isDue = (retention: RecordRetention, now: Date): boolean =>
  dayOf(now) >= retention.until;

/** One line per rule, for `audit-trail dev` to print at start. */
export const describeRules = (rules: RetentionRules): string[] => [
  ...(rules.retentionOverrides ?? []).map((o) => `${overrideName(o)}: ${o.days} days`),
  ...Object.entries(rules.retentionDays).map(([kind, days]) => `kind=${kind}: ${days} days`),
];
