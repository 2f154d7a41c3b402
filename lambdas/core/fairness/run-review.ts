import type { RecordWriterDeps } from '#core/pipeline/append-records.ts';
import type { AlertsPort } from '#ports/alerts.ts';
import type { LedgerPort } from '#ports/ledger.ts';
import type { RecordSearchPort } from '#ports/record-search.ts';
import { computeReview } from './compute-review.ts';
import type { FairnessOptions } from './options.ts';
import { type RecordedReview, recordFairnessReview } from './record-review.ts';
import type { FairnessReport } from './report.ts';
import { type RecordSource, reviewSource } from './review-source.ts';

/** What a review run needs: the ledger to read and write, the archive, alerts and a clock. */
export type ReviewDeps = RecordWriterDeps & {
  readonly alerts: AlertsPort;
  /** With a search index (the local ledger), a review reads only its window. */
  readonly ledger: LedgerPort & Partial<RecordSearchPort>;
  /** Where the review reads; default `reviewSource(ledger)`. DynamoDB's search needs a
   * tenant term, so the scheduled Lambda reads chain by chain (`ledgerSource`). */
  readonly source?: RecordSource;
};

/**
 * One fairness review, as the CLI, the dev runtime's weekly timer and the scheduled Lambda
 * run it: compute over the ledger (streaming), then put it on the record.
 */
export const runFairnessReview = async (
  options: FairnessOptions,
  deps: ReviewDeps,
): Promise<{ report: FairnessReport; recorded: RecordedReview }> => {
  const report = await computeReview(
    deps.source ?? reviewSource(deps.ledger),
    options,
    deps.clock.now(),
  );
  const recorded = await recordFairnessReview(report, deps);
  return { report, recorded };
};

const DAY_MS = 24 * 3600 * 1000;

/** The last full ISO week before `now`: Monday 00:00 UTC to the next Monday 00:00 UTC. */
export const previousWeek = (now: Date): { from: Date; to: Date } => {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const sinceMonday = (new Date(today).getUTCDay() + 6) % 7;
  const to = new Date(today - sinceMonday * DAY_MS);
  return { from: new Date(to.getTime() - 7 * DAY_MS), to };
};
