import { createHash } from 'node:crypto';
import { fairnessReportKey } from '#core/archive/layout.ts';
import { canonicalJson } from '#core/chain/canonical.ts';
import { appendRecords, type RecordWriterDeps } from '#core/pipeline/append-records.ts';
import type { AlertsPort, FairnessReviewAlert } from '#ports/alerts.ts';
import { FairnessReviewError } from './errors.ts';
import { renderHtml } from './render-html.ts';
import { renderMarkdown } from './render-markdown.ts';
import type { FairnessReport } from './report.ts';

/** The chain fairness review records are appended to. */
export const FAIRNESS_REVIEW_CHAIN = 'fairness-reviews';
/** `review_type` in a review record's body: a fairness review, not a human verdict on one
 * decision (those are `review` records that point at their decision through `ref`). */
export const FAIRNESS_REVIEW_TYPE = 'fairness';

export interface RecordedReview {
  readonly event_id: string;
  readonly chain: string;
  readonly seq: number;
  readonly report_sha256: string;
  readonly keys: { readonly json: string; readonly markdown: string; readonly html: string };
  /** False when an identical review was already on the record. */
  readonly appended: boolean;
  readonly alerted: boolean;
}

const encoder = new TextEncoder();

/**
 * Puts a review on the record: the report as canonical JSON, Markdown and HTML, write-once in
 * the archive under its SHA-256; then a `review` record (body `review_type: 'fairness'`, the
 * report's key and hash, the verdicts) through `appendRecords`; then one alert if any
 * threshold was crossed. Idempotent: the record's event id is the report hash.
 */
export const recordFairnessReview = async (
  report: FairnessReport,
  deps: RecordWriterDeps & { readonly alerts: AlertsPort },
): Promise<RecordedReview> => {
  const json = canonicalJson(report);
  const sha256 = createHash('sha256').update(json).digest('hex');
  const keys = {
    json: fairnessReportKey(report.use_case, report.window.to, sha256, 'json'),
    markdown: fairnessReportKey(report.use_case, report.window.to, sha256, 'md'),
    html: fairnessReportKey(report.use_case, report.window.to, sha256, 'html'),
  };
  const retainUntil = deps.retainUntil?.(deps.clock.now());
  const put = (key: string, text: string, contentType: string) =>
    deps.archive.put(key, encoder.encode(text), {
      contentType,
      ...(retainUntil === undefined ? {} : { retainUntil }),
    });
  await put(keys.json, json, 'application/json');
  await put(keys.markdown, renderMarkdown(report), 'text/markdown; charset=utf-8');
  await put(keys.html, renderHtml(report), 'text/html; charset=utf-8');

  const eventId = `fairness-review:${sha256}`;
  const body = {
    review_type: FAIRNESS_REVIEW_TYPE,
    use_case: report.use_case,
    window: report.window,
    generated_at: report.generated_at,
    report: { key: keys.json, sha256, markdown_key: keys.markdown, html_key: keys.html },
    decisions: report.decisions,
    verdicts: Object.fromEntries(report.attributes.map((a) => [a.attribute, a.verdict])),
    alerts: report.alerts,
  };
  const result = await appendRecords(
    FAIRNESS_REVIEW_CHAIN,
    [
      {
        kind: 'review',
        event_id: eventId,
        occurred_at: report.generated_at,
        policy: { version: 'none', decision: 'pass', findings: [] },
        body,
      },
    ],
    deps,
  );
  const appended = result.appended[0];
  const where = appended ?? result.alreadyRecorded.get(eventId);
  if (where === undefined)
    throw new FairnessReviewError(`fairness review ${eventId} was neither appended nor found`);
  const alerted = appended !== undefined && report.alerts.length > 0;
  if (alerted) {
    const alert: FairnessReviewAlert = {
      type: 'FairnessReview',
      event_id: eventId,
      chain: where.chain,
      seq: where.seq,
      use_case: report.use_case,
      window: report.window,
      report_key: keys.json,
      reasons: report.alerts,
      at: report.generated_at,
    };
    await deps.alerts.publish([alert]);
  }
  return {
    event_id: eventId,
    chain: where.chain,
    seq: where.seq,
    report_sha256: sha256,
    keys,
    appended: appended !== undefined,
    alerted,
  };
};
